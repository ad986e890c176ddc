"""Cheap checks that let the engine skip parsing files no rule can fire on.

Each rule may define `quick_reject(text, settings) -> bool`: True only when the
rule certainly finds nothing in ``text``. These helpers are supersets of what
the rules detect (tests/test_prefilter.py holds them to that on every golden
and corpus file); a false "maybe" only costs a full parse.

Most rules also need one of a few words (`required_words`): a text holding
none of them is rejected with a few substring tests, before any regex.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .analysis import credential_copies, ssh, token_writes
from .memo import same_text_memo
from .secrets import classify_name, find_credential_literals
from .settings import Settings

# [^\S\n]: any blank but the newline (BuildKit trims all Unicode spaces).
_DECLARATION = re.compile(r"(?im)^[^\S\n]*(?:onbuild[^\S\n]+)*(?:arg|env)[^\S\n]+(.*)$")
# _DECLARATION for lower-cased ASCII text behind a newline: led by the newline, so the regex
# engine jumps from line to line instead of trying every position (case-folding only equals
# lower-casing for ASCII: `(?i)` also matches the Kelvin sign to "k" and "ſ" to "s").
_DECLARATION_AFTER_NEWLINE = re.compile(r"\n[^\S\n]*(?:onbuild[^\S\n]+)*(?:arg|env)[^\S\n]+([^\n]*)")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Go's unicode.IsSpace (Python's str.split would also split at \x1c-\x1f).
_GO_BLANKS = re.compile("[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_ASSIGNED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_ASSIGNED_RUN = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z0-9_]+)=")
# _ASSIGNED_RUN on the reversed text: led by the `=`, so the regex engine jumps from `=` to `=`.
_ASSIGNED_RUN_REVERSED = re.compile(r"=([A-Za-z0-9_]+)")


class RequiredWords(NamedTuple):
    """Lower-case words without blanks: an ASCII text a rule may fire on holds one of ``words``
    or both words of one of ``pairs`` (in any case)."""

    words: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...] = ()


def _fewest(words) -> tuple[str, ...]:
    """``words`` without those containing another one (which is then in the text too)."""
    return tuple(w for w in dict.fromkeys(words) if not any(o != w and o in w for o in words))


_SYNTAX = RequiredWords(("syntax",))
_CREDENTIAL_COPY = RequiredWords(_fewest(credential_copies._HINT_WORDS))
# may_write_token's hint: its words, or the words its patterns need (`://...@`, `sed...$`, `bundle config`).
_TOKEN_WRITE = RequiredWords(_fewest(token_writes._HINT_WORDS), (("://", "@"), ("sed", "$"), ("bundle", "config")))
# may_involve_ssh: its words, or `ssh|scp|sftp ... -i`.
_SSH = RequiredWords(_fewest((*ssh._HINT_WORDS, "ssh", "scp", "sftp")))


def required_words(code: str, settings: Settings) -> RequiredWords | None:
    """The words an ASCII text holds whenever rule ``code``'s quick_reject lets it through; None:
    no such words. Only for ASCII: `(?i)` also matches "ſ" to "s" and the Kelvin sign to "k",
    lower() does not."""
    if code == "DM104":
        return _SYNTAX
    if code == "DM201":  # unless the build context is read, may_copy_credentials needs a hint
        return _CREDENTIAL_COPY if settings.read_context is None else None
    if code == "DM202":
        return _TOKEN_WRITE
    if code in ("DM301", "DM302", "DM303"):
        return _SSH
    return None


def lacks_required_words(code: str, text: str, settings: Settings) -> bool:
    """True when ``text`` lacks rule ``code``'s required words: the rule finds nothing in it."""
    need = required_words(code, settings)
    return need is not None and text.isascii() and _lacks(text, need)


@same_text_memo  # the three SSH rules need the same words
def _lacks(text: str, need: RequiredWords) -> bool:
    low = text.lower()
    return not any(w in low for w in need.words) and not any(a in low and b in low for a, b in need.pairs)


def may_declare_secret(text: str, settings: Settings) -> bool:
    """Could an ARG/ENV in ``text`` carry a secret-named variable?"""
    return _may_declare_secret(text, settings.secret_policy)


@same_text_memo
def _may_declare_secret(text: str, policy) -> bool:
    for line in declared_parts(text):
        line = line.rstrip()
        if line.endswith(("\\", "`")) or "@" in line:
            return True  # continued declaration, or a credentialed URL default
        for name in _IDENT.findall(line):
            if classify_name(name, None, policy) is not None:
                return True
        # Whole words too: BuildKit names are anything up to a blank or `=` (`A]PWD` is
        # one name, and a secret one, though neither `A` nor `PWD` is).
        name_part = line.split("=", 1)[0]
        if any(c in name_part for c in "'\"\\`"):
            return True  # a quoted or escaped name may hold blanks: leave it to the parser
        for word in _GO_BLANKS.split(line):
            name = word.split("=", 1)[0]
            if name and not _IDENT.fullmatch(name) and classify_name(name, None, policy) is not None:
                return True
    return False


def declared_parts(text: str) -> list[str]:
    """What follows `ARG`/`ENV` on each declaration line: _DECLARATION's group 1, faster."""
    if not text.isascii():
        return [m.group(1) for m in _DECLARATION.finditer(text)]
    return [text[m.start(1) - 1:m.end(1) - 1] for m in _DECLARATION_AFTER_NEWLINE.finditer("\n" + text.lower())]


def assigned_runs(text: str) -> set[str]:
    """The set of _ASSIGNED_RUN.findall(text): the run of [A-Za-z0-9_] before each `=`."""
    if "=" not in text:
        return set()
    return {run[::-1] for run in _ASSIGNED_RUN_REVERSED.findall(text[::-1])}


def may_assign_secret(text: str, settings: Settings) -> bool:
    """Could a shell `NAME=value` anywhere in ``text`` set a secret-named variable?"""
    policy = settings.secret_policy
    # _ASSIGNED.findall, in linear time: a match is the run of [A-Za-z0-9_] before a `=` from its
    # first letter or underscore on (leading digits dropped).
    names = {run.lstrip("0123456789") for run in assigned_runs(text)}
    return any(classify_name(name, None, policy) is not None for name in names if name)


def may_hold_literal(text: str, settings: Settings) -> bool:
    return bool(find_credential_literals(text, settings.secret_policy))
