"""Cheap line-based scans of Dockerfile text that stand in for a parse when
they can prove the answer: the logical view of a file and whether parsing it
could fail. Used by the prefilter (`migrate/skip.py`)."""

from __future__ import annotations

import re

from ..memo import same_text_memo
from .parser import BOM, DockerfileSyntaxError, _check_name_val, _lstrip_go, _rstrip_go
from .words import GO_SPACE, RE_WS_CHARS, builder_flags

_JSON_NON_STRING = re.compile(r"[\[,]\s*(?:[-\d{\[]|true\b|false\b|null\b)")
_NAME_VAL_LINE = re.compile(r"(?im)^[^\S\n]*(?:onbuild[^\S\n]+)*(?:env|label)\b(.*)$")
_GO_BLANK = "[" + re.escape("".join(sorted(GO_SPACE - {"\n"}))) + "]"
# A backslash continuation (not an escaped backslash) on a line that is not a
# comment, then the comment and empty lines BuildKit skips inside it.
_CONTINUATION = re.compile(
    rf"(?m)^(?!{_GO_BLANK}*#)([^\n]*?)(?<!\\)\\[ \t]*\r*\n(?:{_GO_BLANK}*(?:#[^\n]*)?(?:\n|\Z))*"
)
_HAS_INSTRUCTION = re.compile(r"(?m)^[^\S\n]*[^\s#]")


@same_text_memo  # the prefilter and may_raise ask for the same file's view
def logical_view(text: str) -> str:
    """The text as BuildKit's line logic sees it, for cheap line-based scans:
    BOM dropped, continuation lines joined with the comment and empty lines
    inside them removed. Exact when the escape character is ``\\`` and there
    are no heredocs (`may_raise` is True otherwise, so callers parse)."""
    text = text[1:] if text.startswith(BOM) else text
    if "\\" not in text:
        return text
    return _CONTINUATION.sub(r"\1", text)


def may_raise(text: str) -> bool:
    """Cheap over-approximation: could `parse(text)` raise DockerfileSyntaxError?

    BuildKit's parser fails only on bad directives, unterminated heredocs,
    JSON arrays with non-strings, malformed ENV/LABEL and files without
    instructions; this looks for the ingredients of each on the logical lines
    (`logical_view`). False means parse() certainly succeeds.
    """
    if "<<" in text:
        return True
    view = logical_view(text)
    # Parser directives (the escape one changes continuations) only stand first.
    if re.match(r"\s*#\s*(escape|syntax|check)\s*=", view[:4096], re.I):
        return True
    if _JSON_NON_STRING.search(view) or not _HAS_INSTRUCTION.search(view):
        return True
    for m in _NAME_VAL_LINE.finditer(view):
        rest = _rstrip_go(m.group(1))  # Go's spaces: \x1c-\x1f are none to BuildKit
        if rest.endswith(("\\", "`")) or "#" in rest:
            return True
        if rest and rest[0] not in RE_WS_CHARS:
            continue  # e.g. `ENVIRONMENT`: another word, not this instruction
        rest = _lstrip_go(rest)
        rest = rest[builder_flags(rest, 0)[1]:]  # `ENV --flag name`: BuildKit checks what follows the flags
        try:
            _check_name_val(rest, 0, len(rest), "\\", "ENV", 1)
        except DockerfileSyntaxError:
            return True
    return False
