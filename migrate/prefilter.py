"""Cheap checks that let the engine skip parsing files no rule can fire on.

Each rule may define `quick_reject(text, settings) -> bool`: True only when the
rule certainly finds nothing in ``text``. These helpers are supersets of what
the rules detect (tests/test_prefilter.py holds them to that on every golden
and corpus file); a false "maybe" only costs a full parse.

Most rules also need one of a few words (`required_words`): a text holding
none of them is rejected with a few substring tests, before any regex
(Rule.quick_reject applies that gate, then the rule's own `may_find`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .analysis import token_writes
# The words are looked for in hintwords.py, which the analyses' hint checks share.
from .hintwords import CREDENTIAL_COPY_WORDS, SSH_TOOLS, SSH_WORDS, TOKEN_WRITE_WORDS, fewest, view_hint, words_in
from .memo import same_text_memo
from .secrets import classify_name, find_credential_literals, triggers_in
from .settings import Settings
from .syntax.prescan import LINE_LEAD, joins_keep_words_apart, keyword_line_args

# [^\S\n]: any blank but the newline (BuildKit trims all Unicode spaces).
_DECLARATION = re.compile(r"(?im)^[^\S\n]*(?:onbuild[^\S\n]+)*(?:arg|env)[^\S\n]+(.*)$")
# _DECLARATION for lower-cased ASCII text, from its keyword: led by a literal, so the regex engine
# jumps from keyword to keyword (case-folding only equals lower-casing for ASCII: `(?i)` also
# matches the Kelvin sign to "k" and "ſ" to "s"). A keyword elsewhere in a line is no
# declaration: LINE_LEAD checks what precedes it.
_ARG_OR_ENV_ARGS = (re.compile(r"arg(?<!\Sarg)[^\S\n]+([^\n]*)"), re.compile(r"env(?<!\Senv)[^\S\n]+([^\n]*)"))
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Go's unicode.IsSpace (Python's str.split would also split at \x1c-\x1f).
_GO_BLANKS = re.compile("[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_ASSIGNED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_ASSIGNED_RUN = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z0-9_]+)=")
# _ASSIGNED_RUN on the reversed text: led by the `=`, so the regex engine jumps from `=` to `=`.
_ASSIGNED_RUN_REVERSED = re.compile(r"=([A-Za-z0-9_]+)")


class RequiredWords(NamedTuple):
    """What an ASCII text a rule may fire on holds, lower-cased: one of ``words``, both words of
    one of ``pairs``, or a match of one of ``patterns``. None of them matches a blank."""

    words: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()


_CREDENTIAL_COPY = RequiredWords(fewest(CREDENTIAL_COPY_WORDS))
# may_write_token's hint: its words, or its patterns (`sed...$` and `bundle config...:` may hold blanks).
_TOKEN_WRITE = RequiredWords(fewest(TOKEN_WRITE_WORDS), (("sed", "$"), ("bundle", "config")),
                             (token_writes._HINT_URL,))
# may_involve_ssh: its words, or `ssh|scp|sftp ... -i`.
_SSH = RequiredWords(fewest((*SSH_WORDS, *SSH_TOOLS)))


def required_words(code: str, settings: Settings) -> RequiredWords | None:
    """What an ASCII text holds whenever rule ``code``'s quick_reject lets it through; None:
    nothing known. Only for ASCII: `(?i)` also matches "ſ" to "s" and the Kelvin sign to "k",
    lower() does not."""
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
    return need is not None and text.isascii() and lacks_words(text, need)


def lacks_words(text: str, need: RequiredWords) -> bool:
    """For ASCII ``text``: True when it holds none of ``need``."""
    present, low, answers = words_in(text)
    answer = answers.get(id(need))  # the SSH rules share theirs
    if answer is None:
        answer = answers[id(need)] = (present.isdisjoint(need.words)
                                      and not any(a in low and b in low for a, b in need.pairs)
                                      and not any(p.search(low) for p in need.patterns))
    return answer


def expect_view(view: str, text: str) -> None:
    """Rules are about to be asked about ``view``, the logical view of ``text``. When every join
    of ``text`` keeps words apart, each word of the view (none holds a blank or a newline) lies
    within one stretch of ``text`` the view copies: the view holds only words ``text`` holds,
    and words_in looks for those alone."""
    known = words_in.peek(text)
    if known is not None and joins_keep_words_apart(text):
        view_hint[:] = [view, known[0]]


_secret_names: dict[int, tuple] = {}  # id(policy) -> (policy, {name: classify_name(name) is not None}, secret names)


def _verdicts_of(policy) -> tuple:
    """The policy's entry of _secret_names, made anew when missing or full."""
    entry = _secret_names.get(id(policy))
    if entry is None or entry[0] is not policy or len(entry[1]) > 65536:
        if len(_secret_names) > 16:
            _secret_names.clear()
        entry = _secret_names[id(policy)] = (policy, {}, set())
    return entry


def _is_secret_name(name: str, policy) -> bool:
    """classify_name(name, None, policy) is not None, remembered per name and policy, with the
    set of secret names so far (what _any_secret_name's set operations read)."""
    entry = _verdicts_of(policy)
    known = entry[1]
    verdict = known.get(name)
    if verdict is None:
        verdict = known[name] = classify_name(name, None, policy) is not None
        if verdict:
            entry[2].add(name)
    return verdict


def _any_secret_name(names: set[str], policy) -> bool:
    """any(_is_secret_name(name, policy) for name in names), with set operations: only names
    never asked about before are classified one by one."""
    _policy, known, secret = _verdicts_of(policy)
    new = names.difference(known)
    if new and any(_is_secret_name(name, policy) for name in new):
        return True
    return not secret.isdisjoint(names)  # (taken before any reset of the entry: still true verdicts)


def may_declare_secret(text: str, settings: Settings) -> bool:
    """Could an ARG/ENV in ``text`` carry a secret-named variable?"""
    return _may_declare_secret(text, settings.secret_policy)


@same_text_memo
def _may_declare_secret(text: str, policy) -> bool:
    return _any_may_declare(declared_parts(text), policy)


@same_text_memo  # DM101 and DM102 ask
def view_may_declare_secret(view: str, text: str, settings: Settings) -> bool:
    """may_declare_secret(view) for the logical view of ``text``, which holds no secret
    declaration: declarations are judged one by one, so only those a join changed can."""
    seen = set(declared_parts(text))
    return _any_may_declare([part for part in declared_parts(view) if part not in seen], settings.secret_policy)


def _any_may_declare(parts, policy) -> bool:
    """Could one of these declarations (what follows `ARG`/`ENV`) carry a secret-named variable?
    (The answer for any line is the answer: the lines are judged together.)"""
    if not parts:
        return False
    joined = "\n".join(parts)  # no name holds a newline
    if "@" in joined:
        return True  # a credentialed URL default
    names = set(_IDENT.findall(joined))
    if _any_secret_name(names, policy):
        return True
    lines = [line.rstrip() for line in parts]
    for line in lines:
        if line.endswith(("\\", "`")):
            return True  # continued declaration
        name_part = line.split("=", 1)[0]
        if "'" in name_part or '"' in name_part or "\\" in name_part or "`" in name_part:
            return True  # a quoted or escaped name may hold blanks: leave it to the parser
    # Whole words too: BuildKit names are anything up to a blank or `=` (`A]PWD` is one name,
    # and a secret one, though neither `A` nor `PWD` is).
    words = {word.split("=", 1)[0] for word in _GO_BLANKS.split("\n".join(lines))}
    words.discard("")
    return _any_secret_name(words - names, policy)


@same_text_memo  # asked about the raw text again for its logical view
def declared_parts(text: str) -> list[str]:
    """What follows `ARG`/`ENV` on each declaration line: _DECLARATION's group 1, faster.
    Shared: not to be changed."""
    if not text.isascii():
        return [m.group(1) for m in _DECLARATION.finditer(text)]
    return keyword_line_args(text, _ARG_OR_ENV_ARGS, LINE_LEAD)


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
    names.discard("")
    return _any_secret_name(names, policy)


def may_hold_literal(text: str, settings: Settings) -> bool:
    return bool(find_credential_literals(text, settings.secret_policy))


def view_may_hold_literal(view: str, text: str, settings: Settings) -> bool:
    """may_hold_literal(view) for the logical view of ``text``: when no join can form a word, the
    view holds no trigger ``text`` lacks, so only those of ``text`` are looked for."""
    among = triggers_in(text) if joins_keep_words_apart(text) else None
    return bool(find_credential_literals(view, settings.secret_policy, among))
