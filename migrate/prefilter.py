"""Cheap checks that let the engine skip parsing files no rule can fire on.

Each rule may define `quick_reject(text, settings) -> bool`: True only when the
rule certainly finds nothing in ``text``. These helpers are supersets of what
the rules detect (tests/test_prefilter.py holds them to that on every golden
and corpus file); a false "maybe" only costs a full parse.
"""

from __future__ import annotations

import re

from .memo import same_text_memo
from .secrets import classify_name, find_credential_literals
from .settings import Settings

# [^\S\n]: any blank but the newline (BuildKit trims all Unicode spaces).
_DECLARATION = re.compile(r"(?im)^[^\S\n]*(?:onbuild[^\S\n]+)*(?:arg|env)[^\S\n]+(.*)$")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Go's unicode.IsSpace (Python's str.split would also split at \x1c-\x1f).
_GO_BLANKS = re.compile("[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_ASSIGNED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_ASSIGNED_RUN = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z0-9_]+)=")


def may_declare_secret(text: str, settings: Settings) -> bool:
    """Could an ARG/ENV in ``text`` carry a secret-named variable?"""
    return _may_declare_secret(text, settings.secret_policy)


@same_text_memo
def _may_declare_secret(text: str, policy) -> bool:
    for m in _DECLARATION.finditer(text):
        line = m.group(1).rstrip()
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


def may_assign_secret(text: str, settings: Settings) -> bool:
    """Could a shell `NAME=value` anywhere in ``text`` set a secret-named variable?"""
    policy = settings.secret_policy
    # _ASSIGNED.findall, in linear time: a match is the run of [A-Za-z0-9_] before a `=` from its
    # first letter or underscore on (leading digits dropped).
    names = {run.lstrip("0123456789") for run in _ASSIGNED_RUN.findall(text)} if "=" in text else ()
    return any(classify_name(name, None, policy) is not None for name in names if name)


def may_hold_literal(text: str, settings: Settings) -> bool:
    return bool(find_credential_literals(text, settings.secret_policy))
