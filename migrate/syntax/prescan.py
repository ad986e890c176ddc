"""Cheap line-based scans of Dockerfile text that stand in for a parse when
they can prove the answer: the logical view of a file and whether parsing it
could fail. Used by the prefilter (`migrate/skip.py`)."""

from __future__ import annotations

import re

from ..memo import same_text_memo
from .parser import BOM, DockerfileSyntaxError, _check_name_val, _lstrip_go, _rstrip_go
from .words import GO_SPACE, RE_WS_CHARS, builder_flags

_JSON_NON_STRING = re.compile(r"[\[,]\s*(?:[-\d{\[]|true\b|false\b|null\b)")
# The same as two literal-led patterns: the regex engine jumps to each `[` or `,` (2.5x faster).
_JSON_NON_STRING_AFTER = tuple(re.compile(re.escape(c) + r"\s*(?:[-\d{\[]|true\b|false\b|null\b)") for c in "[,")
_RE_WS = re.compile(r"[\t\v\f\r ]")  # what ends an instruction keyword
_NAME_VAL_LINE = re.compile(r"(?im)^[^\S\n]*(?:onbuild[^\S\n]+)*(?:env|label)\b(.*)$")
# _NAME_VAL_LINE for lower-cased ASCII text, from its keyword (see keyword_line_args).
_ENV_OR_LABEL_ARGS = (re.compile(r"env(?<!\Senv)\b([^\n]*)"), re.compile(r"label(?<!\Slabel)\b([^\n]*)"))
# What may precede an instruction keyword on its line.
LINE_LEAD = re.compile(r"[^\S\n]*(?:onbuild[^\S\n]+)*")
# ENV/LABEL arguments BuildKit certainly accepts: plain `name=value` words (values unquoted or
# in quotes, without escapes; no blanks but spaces and tabs between words), or the legacy
# `NAME value` form (a plain first word). Neither starts with `-`, so no flag comes first.
_PLAIN_VALUE = r"""(?:[^\s"'\\`]|"[^"\\]*"|'[^'\\]*')*"""
_PLAIN_NAME_VALS = re.compile(
    rf"[A-Za-z0-9_.][A-Za-z0-9_.-]*={_PLAIN_VALUE}(?:[ \t]+[A-Za-z0-9_.-]+={_PLAIN_VALUE})*"
)
_PLAIN_LEGACY = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.-]*[ \t]")
_GO_BLANKS = "".join(sorted(GO_SPACE - {"\n"}))
_GO_BLANK = "[" + re.escape(_GO_BLANKS) + "]"
_GO_BLANK_RX = re.compile(_GO_BLANK)
# A backslash continuation (not an escaped backslash) on a line that is not a
# comment, then the comment and empty lines BuildKit skips inside it.
_CONTINUATION = re.compile(
    rf"(?m)^(?!{_GO_BLANK}*#)([^\n]*?)(?<!\\)\\[ \t]*\r*\n(?:{_GO_BLANK}*(?:#[^\n]*)?(?:\n|\Z))*"
)
# The same from the backslash on: led by a literal, so the regex engine jumps from backslash
# to backslash instead of trying a match at every position (7x faster). It equals _CONTINUATION
# on texts where no comment line ends with a backslash (see _hide_comment_backslashes).
_CONTINUATION_TAIL = re.compile(rf"\\(?<!\\\\)[ \t]*\r*\n(?:{_GO_BLANK}*(?:#[^\n]*)?(?:\n|\Z))*")
_BACKSLASH_ENDING_A_HASH_LINE = re.compile(r"#[^\n]*(\\)[ \t]*\r*\n")
_STAND_IN = "\x00"  # for a comment line's last backslash while joining
# A continuation whose halves meet with no blank or tab between them (over-approximated:
# escaped backslashes and comment lines count too).
_TIGHT_JOIN = re.compile(rf"\\(?<![ \t]\\)[ \t]*\r*\n(?:{_GO_BLANK}*(?:#[^\n]*)?\n)*[^ \t]")
_HAS_INSTRUCTION = re.compile(r"(?m)^[^\S\n]*[^\s#]")
_DIRECTIVE_LIKE = re.compile(r"\s*#\s*(escape|syntax|check)\s*=", re.I)


@same_text_memo  # the prefilter and may_raise ask for the same file's view
def logical_view(text: str) -> str:
    """The text as BuildKit's line logic sees it, for cheap line-based scans:
    BOM dropped, continuation lines joined with the comment and empty lines
    inside them removed. Exact when the escape character is ``\\`` and there
    are no heredocs (`may_raise` is True otherwise, so callers parse)."""
    text = text[1:] if text.startswith(BOM) else text
    if "\\" not in text:
        return text
    hidden = _hide_comment_backslashes(text)
    if hidden is None:
        return _CONTINUATION.sub(r"\1", text)
    if hidden is text:
        return _CONTINUATION_TAIL.sub("", text)
    return _CONTINUATION_TAIL.sub("", hidden).replace(_STAND_IN, "\\")


def joins_keep_words_apart(text: str) -> bool:
    """True when every line `logical_view` joins to the next has a blank or tab right before
    its backslash, or the next starts with one. Then each word without blanks in the view is
    in ``text`` too: one across a join would hold that blank."""
    return "\\" not in text or _TIGHT_JOIN.search(text) is None


def _hide_comment_backslashes(text: str) -> str | None:
    """``text`` with the last backslash of each comment line that ends in one replaced by
    _STAND_IN (None when the text holds _STAND_IN itself). A comment line never continues and
    one inside a continuation is dropped whole, so that backslash never acts; hidden, it cannot
    make _CONTINUATION_TAIL join a comment line to the next line."""
    if "#" not in text:
        return text
    cut = []
    for m in _BACKSLASH_ENDING_A_HASH_LINE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not text[line_start:m.start()].lstrip(_GO_BLANKS):
            cut.append(m.start(1))
    if not cut:
        return text
    if _STAND_IN in text:
        return None
    pieces, kept = [], 0
    for at in cut:
        pieces += (text[kept:at], _STAND_IN)
        kept = at + 1
    pieces.append(text[kept:])
    return "".join(pieces)


def may_raise(text: str) -> bool:
    """Cheap over-approximation: could `parse(text)` raise DockerfileSyntaxError?

    BuildKit's parser fails only on bad directives, unterminated heredocs,
    JSON arrays with non-strings (in arguments that start with the array),
    malformed ENV/LABEL and files without instructions; this looks for the
    ingredients of each on the logical lines (`logical_view`). False means
    parse() certainly succeeds.
    """
    if "<<" in text:
        return True
    view = logical_view(text)
    # Parser directives (the escape one changes continuations) only stand first.
    if _DIRECTIVE_LIKE.match(view[:4096]):
        return True
    if not _HAS_INSTRUCTION.search(view):
        return True
    checked = set()
    for rx in _JSON_NON_STRING_AFTER:  # a non-string in a JSON array: on a line that starts one?
        for m in rx.finditer(view):
            start = view.rfind("\n", 0, m.start()) + 1
            if start not in checked:
                checked.add(start)
                end = view.find("\n", start)
                if _may_start_json_array(view[start:] if end < 0 else view[start:end]):
                    return True
    for rest in _name_val_args(view):
        rest = _rstrip_go(rest)  # Go's spaces: \x1c-\x1f are none to BuildKit
        if rest.endswith(("\\", "`")) or "#" in rest:
            return True
        if rest and rest[0] not in RE_WS_CHARS:
            continue  # e.g. `ENVIRONMENT`: another word, not this instruction
        rest = _lstrip_go(rest)
        if _PLAIN_NAME_VALS.fullmatch(rest) or _PLAIN_LEGACY.match(rest):
            continue  # no flags, and parseNameVal accepts it
        rest = rest[builder_flags(rest, 0)[1]:]  # `ENV --flag name`: BuildKit checks what follows the flags
        try:
            _check_name_val(rest, 0, len(rest), "\\", "ENV", 1)
        except DockerfileSyntaxError:
            return True
    return False


def _may_start_json_array(line: str) -> bool:
    """Could BuildKit read a JSON array at the start of this logical line's arguments? Its parser
    splits the keyword off at a blank or tab (after Go's spaces; ONBUILD's command likewise) and
    reads JSON where the arguments, after Go's spaces, start with `[` (HEALTHCHECK: after its CMD
    word). Flags first: maybe."""
    rest = line.lstrip(_GO_BLANKS)
    while True:
        blank = _RE_WS.search(rest)
        if blank is None:
            return False  # no arguments
        word, args = rest[:blank.start()].upper(), rest[blank.start():].lstrip("\t\v\f\r ")
        if word != "ONBUILD":
            break
        rest = args.lstrip(_GO_BLANKS)
    if args.startswith("--") or args.lstrip(_GO_BLANKS).startswith("["):
        return True
    head = _GO_BLANK_RX.search(args)  # HEALTHCHECK's CMD word ends at Go's first space
    return (word == "HEALTHCHECK" and head is not None and head.start() > 0
            and args[head.start():].lstrip(_GO_BLANKS).startswith("["))


def keyword_matches(low: str, keyword_patterns, lead):
    """The matches of ``keyword_patterns`` (each led by its keyword, so the regex engine jumps from
    keyword to keyword) over the lower-cased ASCII ``low`` whose line up to the keyword is ``lead``,
    pattern by pattern. A match elsewhere in a line cannot hide one after ``lead``: none of the
    keywords is in a lead."""
    for rx in keyword_patterns:
        for m in rx.finditer(low):
            at = m.start()
            if lead.fullmatch(low, low.rfind("\n", 0, at) + 1, at):
                yield m


def keyword_line_args(text: str, keyword_args, lead) -> list[str]:
    """For ASCII ``text``: group 1 of each of keyword_matches (``keyword_args`` run from a keyword
    to the line end; a lookbehind after the keyword drops those glued to a word), in text order."""
    found = sorted(m.span(1) for m in keyword_matches(text.lower(), keyword_args, lead))
    return [text[a:b] for a, b in found]


def _name_val_args(view: str) -> list[str]:
    """What follows `ENV`/`LABEL` on each such line: _NAME_VAL_LINE's group 1, faster."""
    if not view.isascii():
        return [m.group(1) for m in _NAME_VAL_LINE.finditer(view)]
    return keyword_line_args(view, _ENV_OR_LABEL_ARGS, LINE_LEAD)
