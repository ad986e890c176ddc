"""Which hint words a text holds, looked for once per text object for all who ask: the
prefilter's word gates (prefilter.py) and the analyses' own hint checks
(credential_copies._hint, token_writes._hint, ssh.may_involve_ssh) ask about the same file.

Low-level on purpose (it imports only memo.py): the analyses import it, and the prefilter
imports the analyses.
"""

from __future__ import annotations

from .memo import same_text_memo

# credential_copies._HINT's alternatives (all literal): substrings of the lower-cased text.
CREDENTIAL_COPY_WORDS = ("npmrc", "yarnrc", "pypirc", "pip.conf", "pip.ini", "netrc", "credential", ".docker",
                         "dockercfg", ".aws", ".gem", "nuget", "settings", "auth.json", ".env", "kube", ".pem",
                         ".key", ".p12", ".pfx", ".jks", ".bcfks", "keystore", ".json", "secret", "creds")
# token_writes._HINT's literal alternatives (its patterns stay in token_writes).
TOKEN_WRITE_WORDS = ("insteadof", "extraheader", "_auth", "authtoken", "npmauth", "password", "passwd", "token",
                     "secret", "credential", "netrc", "npmrc", "pypirc", "pip.conf", "pip.ini", "auth.json", "yarnrc",
                     "nuget", "http-basic", "-oauth", "gitlab-", "bearer", "aws_se", "login", ".env", "kube",
                     ".docker", "settings")
# ssh.may_involve_ssh's words: key material or a host-key hack.
SSH_WORDS = ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "deploy", ".ssh", "_rsa", "_ed25519", "_ecdsa",
             "ssh-add", "hostkeychecking", "knownhostsfile", "identityfile", "ssh_config")
# The tools of ssh._IDENTITY_HINT (`ssh|scp|sftp ... -i`): a match holds one of them.
SSH_TOOLS = ("ssh", "scp", "sftp")


def fewest(words) -> tuple[str, ...]:
    """``words`` without those containing another one (which is then in the text too)."""
    return tuple(w for w in dict.fromkeys(words) if not any(o != w and o in w for o in words))


# Looked for once per text, for all (what a text holds of ``words`` is what it holds of fewest(words)).
ALL_WORDS = tuple(dict.fromkeys((*fewest(CREDENTIAL_COPY_WORDS), *fewest(TOKEN_WRITE_WORDS),
                                 *fewest((*SSH_WORDS, *SSH_TOOLS)))))


def _grouped_words(keys: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each of ALL_WORDS under the first of ``keys`` it contains (under itself when none): a
    text without a key holds none of its group's words, so one scan rules the group out."""
    groups: dict[str, list[str]] = {}
    for w in ALL_WORDS:
        groups.setdefault(next((k for k in keys if k in w), w), []).append(w)
    return tuple((k, tuple(ws)) for k, ws in groups.items())


# Keys most Dockerfiles lack, each shared by several words (any keys would be sound: they only
# decide how many scans a text lacking the words costs).
WORD_GROUPS = _grouped_words(("auth", "rc", "sa", ".p", "cre", "key", "ea", "ip.", "aws", "sf", "ks", "ssw"))

# A logical view, and the words of the text it is the view of (see prefilter.expect_view).
view_hint: list = [None, frozenset()]


@same_text_memo  # every rule and analysis asks about the same text
def words_in(text: str) -> tuple[frozenset[str], str, dict]:
    """The ALL_WORDS ``text.lower()`` holds, that lower-cased text, and a dict for verdicts
    derived from them (prefilter.lacks_words keeps its answers there)."""
    low = text.lower()
    if text is view_hint[0]:
        return frozenset([w for w in view_hint[1] if w in low]), low, {}
    return frozenset([w for key, group in WORD_GROUPS if key in low for w in group if w == key or w in low]), low, {}


class AnyOf:
    """``any(w in low for w in words)`` for the lower-cased ``low`` of an ASCII text, from the
    words words_in found in it: ``AnyOf(words)(*words_in(text)[:2])``."""

    def __init__(self, words):
        self.words = tuple(words)
        least = fewest(words)  # a text holding a word holds the words it contains
        self.found = frozenset(w for w in least if w in ALL_WORDS)
        # Each other word contains one of ALL_WORDS (fewest dropped it for that one): only a
        # text holding that one is scanned for it.
        self.inside = tuple((next(a for a in ALL_WORDS if a in w), w) for w in least if w not in ALL_WORDS)

    def __call__(self, present: frozenset[str], low: str) -> bool:
        return not present.isdisjoint(self.found) or any(a in present and w in low for a, w in self.inside)

    def holds(self, text: str) -> tuple[bool, str]:
        """For an ASCII ``text``: whether ``text.lower()`` holds one of the words, and that
        lower-cased text. From the words words_in found in the same text object when it looked
        (a scan for all its words would cost more than one for these alone)."""
        known = words_in.peek(text)
        if known is None:
            low = text.lower()
            return any(w in low for w in self.words), low
        return self(known[0], known[1]), known[1]
