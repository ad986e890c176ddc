"""Edit YAML as text, guided by ruamel.yaml's round-trip positions.

A full ruamel round trip re-indents, re-wraps and re-spaces (`KEY : v`
becomes `KEY: v`), so caller YAML is never re-dumped: ruamel parses (keeping
line/column of every key and item), edits are line-based spans on the
original text, and the result is parsed again and compared with the expected
data. Anything the edit did not target stays byte-identical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruamel.yaml import YAML

from ..fix import Edit
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

__all__ = ["YAMLError", "load", "load_or_note", "NOT_YAML", "Lines", "LineEdits", "plain", "own_keys", "Region", "scalar_region", "seq_indent",
           "map_indent"]


def load(text: str):
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.allow_duplicate_keys = False
    return y.load(text)


NOT_YAML = object()  # load_or_note's answer for text that is not valid YAML


def load_or_note(text: str, notes: list[str]):
    """The round-trip document, or NOT_YAML after noting that the caller file is skipped."""
    try:
        return load(text)
    except YAMLError:
        notes.append("not valid YAML; skipped")
        return NOT_YAML


def plain(node):
    """Plain Python data (merge keys resolved) for comparisons."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def own_keys(m: CommentedMap) -> list:
    """Keys written in this mapping (not merged in with `<<`)."""
    ok = getattr(m, "_ok", None)
    return [k for k in m if ok is None or k in ok]


class Lines:
    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        for m in re.finditer("\n", text):
            self.starts.append(m.end())
        if self.starts[-1] == len(text) and len(self.starts) > 1:
            self.starts.pop()  # no phantom line after the final newline

    def __len__(self) -> int:
        return len(self.starts)

    def start(self, n: int) -> int:
        return self.starts[n] if n < len(self.starts) else len(self.text)

    def end(self, n: int) -> int:
        """Offset just after line ``n`` (including its newline)."""
        return self.start(n + 1)

    def line(self, n: int) -> str:
        return self.text[self.start(n):self.end(n)].rstrip("\r\n")

    def indent(self, n: int) -> int:
        s = self.line(n)
        return len(s) - len(s.lstrip(" "))

    def blank(self, n: int) -> bool:
        return not self.line(n).strip()

    def comment(self, n: int) -> bool:
        return self.line(n).lstrip().startswith("#")

    def entry_last(self, first: int, col: int, seq_at_col: bool = False) -> int:
        """Last line of the block entry starting on line ``first`` at column ``col``:
        following lines indented deeper (or `- ` items at ``col`` when the value is a
        block sequence written at the key's indentation). Trailing comments and blank
        lines are not part of it."""
        last = first
        n = first + 1
        while n < len(self):
            if self.blank(n) or self.comment(n):
                n += 1
                continue
            ind = self.indent(n)
            if ind > col or (seq_at_col and ind == col and self.line(n)[ind:ind + 1] == "-"
                             and self.line(n)[ind:ind + 2] in ("- ", "-")):
                last = n
                n += 1
                continue
            break
        return last

    def dash_col(self, line: int, item_col: int) -> int | None:
        """Column of the `-` that introduces the sequence item at (line, item_col)."""
        s = self.line(line)
        k = item_col - 1
        while k >= 0 and s[k] == " ":
            k -= 1
        return k if k >= 0 and s[k] == "-" else None


def seq_indent(lines: Lines) -> int:
    """How far this file indents block sequence dashes under their key (0 or 2, usually)."""
    for n in range(len(lines) - 1):
        m = re.match(r"^( *)[^\s#-][^:#]*:\s*(#.*)?$", lines.line(n))
        if not m:
            continue
        k = n + 1
        while k < len(lines) and (lines.blank(k) or lines.comment(k)):
            k += 1
        if k < len(lines):
            d = re.match(r"^( *)- ", lines.line(k))
            if d and len(d.group(1)) >= len(m.group(1)):
                return len(d.group(1)) - len(m.group(1))
    return 2


def map_indent(m: CommentedMap, parent_col: int, default: int = 2) -> int:
    keys = own_keys(m)
    if keys:
        try:
            return m.lc.key(keys[0])[1] - parent_col
        except (KeyError, TypeError):
            pass
    return default


@dataclass(frozen=True)
class Region:
    """Raw text of a string scalar that equals its value line by line (minus a
    common indentation), so offsets inside it can be edited directly."""

    start: int
    end: int
    indent: int  # indentation removed from each line (block scalars), 0 otherwise
    block: bool

    def to_value(self, text: str, offset: int) -> int:
        """Offset in the scalar's value for a file offset inside the region."""
        if not self.block:
            return offset - self.start
        raw = text[self.start:offset]
        lines = raw.split("\n")
        consumed = sum(len(s) - min(self.indent, len(s)) + 1 for s in lines[:-1])
        return consumed + max(0, len(lines[-1]) - self.indent)


def scalar_region(lines: Lines, value, line: int, col: int, parent_col: int) -> Region | None:
    """Region of a string scalar whose value starts at (line, col); None when the raw
    text does not map onto the value one to one (escapes, folding)."""
    text = lines.text
    if isinstance(value, FoldedScalarString):
        return None
    if isinstance(value, LiteralScalarString):
        first = line + 1
        n = first
        while n < len(lines) and lines.blank(n):
            n += 1
        if n >= len(lines) or lines.indent(n) <= parent_col:
            return None
        ind = lines.indent(n)
        last = n
        k = n
        while k < len(lines) and (lines.blank(k) or lines.indent(k) >= ind):
            if not lines.blank(k):
                last = k
            k += 1
        start = lines.start(first)
        end = lines.start(last) + len(lines.line(last))
        region = Region(start, end, ind, True)
        body = "\n".join(s[ind:] if len(s) >= ind else "" for s in text[start:end].split("\n"))
        return region if str(value).startswith(body) else None
    start = lines.start(line) + col
    s = lines.line(line)
    if isinstance(value, (SingleQuotedScalarString, DoubleQuotedScalarString)):
        q = "'" if isinstance(value, SingleQuotedScalarString) else '"'
        close = s.find(q, col + 1)
        if close < 0:
            return None
        inner = s[col + 1:close]
        if inner != str(value):
            return None
        return Region(start + 1, lines.start(line) + close, 0, False)
    if not isinstance(value, str):
        return None
    rest = s[col:]
    cut = re.search(r"\s+#", rest)
    raw = (rest[:cut.start()] if cut else rest).rstrip()
    if raw != str(value):
        return None
    return Region(start, start + len(raw), 0, False)


class LineEdits:
    """Whole-line deletions, replacements and insertions as span edits; every other
    line is copied as is."""

    def __init__(self, lines: Lines):
        self.lines = lines
        self.deleted: set[int] = set()
        self.replaced: dict[int, str] = {}
        self.after: dict[int, list[str]] = {}

    def snapshot(self):
        return set(self.deleted), dict(self.replaced), {k: list(v) for k, v in self.after.items()}

    def restore(self, state) -> None:
        self.deleted, self.replaced = set(state[0]), dict(state[1])
        self.after = {k: list(v) for k, v in state[2].items()}

    def delete(self, a: int, b: int) -> None:
        self.deleted.update(range(a, b + 1))

    def replace_line(self, n: int, text: str) -> None:
        """Replace line ``n`` (without its newline) by ``text``."""
        self.replaced[n] = text

    def insert_after(self, n: int, text: str) -> None:
        self.after.setdefault(n, []).append(text)

    def __bool__(self) -> bool:
        return bool(self.deleted or self.replaced or self.after)

    def to_edits(self) -> list[Edit]:
        edits = self._edits()
        first = self.lines.text.find("\n")
        if first > 0 and self.lines.text[first - 1] == "\r":  # keep CRLF files CRLF
            edits = [Edit(e.start, e.end, re.sub(r"\r?\n", "\r\n", e.text)) for e in edits]
        return edits

    def _edits(self) -> list[Edit]:
        L, text = self.lines, self.lines.text
        edits: list[Edit] = []
        n = 0
        while n < len(L):
            if n in self.deleted:
                a = n
                while n + 1 < len(L) and n + 1 in self.deleted and not self.after.get(n):
                    n += 1
                edits.append(Edit(L.start(a), L.end(n), "".join(self.after.get(n, []))))
                n += 1
                continue
            added = "".join(self.after.get(n, []))
            no_newline = L.end(n) == len(text) and not text.endswith("\n")
            if added and no_newline:
                added = "\n" + added
            if n in self.replaced:
                a, b = L.start(n), L.start(n) + len(L.line(n))
                if no_newline:
                    edits.append(Edit(a, b, self.replaced[n] + added))
                    added = ""
                else:
                    edits.append(Edit(a, b, self.replaced[n]))
            if added:
                edits.append(Edit(L.end(n), L.end(n), added))
            n += 1
        return edits

    def render(self) -> str:
        from ..fix import apply_edits

        return apply_edits(self.lines.text, self.to_edits())
