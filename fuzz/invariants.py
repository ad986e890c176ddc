"""The invariants every input must satisfy; shared by tests/test_properties.py
and the fuzz target (fuzz/fuzz_migrate.py).

- `check_model`: `parse` raises nothing but DockerfileSyntaxError; the model
  round-trips byte for byte and its nodes tile the text in whole lines.
- `check_oracle`: where the official BuildKit parser is installed, we accept
  exactly the files it accepts and agree on every one of them.
- `check_migrate`: `migrate_source` never raises; a file it cannot parse is
  returned unchanged; its output parses (ours and the official parser); a
  second run changes nothing; a file without a fix comes out byte-identical;
  every node that no fix addresses is unchanged, in order.
"""

from __future__ import annotations

import bisect
import re

from migrate.engine import Result, check, migrate_source
from migrate.skip import can_skip
from migrate.fix import apply_edits
from migrate.settings import DEFAULT_SETTINGS, Settings
from migrate.syntax import (
    Directive, Dockerfile, DockerfileSyntaxError, Instruction, Trivia, parse,
)

try:  # pragma: no cover - platform dependent
    import dockerfile as _official
except ImportError:  # pragma: no cover
    _official = None


def official_available() -> bool:
    return _official is not None


class Uncomparable(Exception):
    """The official bindings cannot judge this text (not a parser verdict)."""


def official_summary(text: str) -> list[tuple] | None:
    """Summary from BuildKit's own parser; None when it rejects the file."""
    assert _official is not None
    try:
        commands = _official.parse_string(text)
    except _official.GoParseError:
        return None
    except UnicodeDecodeError:  # the bindings cut some non-ASCII text mid-character
        raise Uncomparable from None
    return [((c.cmd or "").upper(), c.start_line, c.end_line, tuple(_flag(f) for f in c.flags),
             tuple(h.name for h in c.heredocs), c.json) for c in commands]


def _flag(text: str) -> str:
    """The bindings hand flags over as UTF-8 bytes decoded as Latin-1."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise Uncomparable from None


def our_summary(df: Dockerfile) -> list[tuple]:
    return [(i.cmd, i.start_line, i.end_line, tuple(f.text for f in i.flags), tuple(h.name for h in i.heredocs),
             i.json) for i in df.instructions]


def line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def check_model(text: str) -> Dockerfile | None:
    """Parse ``text`` and check the lossless model; None if it is a syntax error."""
    try:
        df = parse(text)
    except DockerfileSyntaxError as exc:
        assert exc.line >= 1 and exc.message
        return None
    assert str(df) == text
    assert "".join(n.text for n in df.nodes) == text
    starts = line_starts(text)
    pos = 0
    for node in df.nodes:
        assert node.span.start == pos, (node, pos)
        assert text[node.span.start : node.span.end] == node.text
        assert node.span.end > node.span.start
        # Whole lines: a node starts at a line start and ends after a newline or at EOF.
        assert node.span.start in starts
        assert node.span.end == len(text) or text[node.span.end - 1] == "\n"
        pos = node.span.end
    assert pos == len(text)
    for instr in df.instructions:
        assert instr.start_line == bisect.bisect_right(starts, instr.span.start)
        assert instr.end_line == bisect.bisect_right(starts, instr.span.end - 1)
        k = instr.keyword_span
        assert instr.span.start <= k.start <= k.end <= instr.header_end <= instr.span.end
        for f in instr.flags:
            assert instr.span.start <= f.span.start <= f.span.end <= instr.header_end
        for h in instr.heredocs:
            assert instr.header_end <= h.body_span.start <= h.body_span.end <= h.terminator_span.start
            assert h.terminator_span.end <= instr.span.end
    return df


# The `dockerfile` bindings embed BuildKit v0.12.5, older than the `# check=`
# directive (v0.14): after one, they stop reading directives and we (like
# current BuildKit) do not. Such files are left out of the comparison.
_CHECK_DIRECTIVE = re.compile(r"(?im)^\ufeff?\s*#\s*check\s*=")


def comparable(text: str) -> bool:
    """Whether the official bindings can judge ``text``: they pass it as a C
    string (cut at the first NUL) and predate `# check=`."""
    return "\x00" not in text and not _CHECK_DIRECTIVE.search(text)


def check_oracle(text: str, df: Dockerfile | None) -> None:
    """We accept what BuildKit accepts, reject what it rejects, and agree on the rest."""
    if _official is None or not comparable(text):
        return
    try:
        official = official_summary(text)
    except Uncomparable:
        return
    if official is None:
        assert df is None, "the official parser rejects a file we accept"
        return
    assert df is not None, "the official parser accepts a file we reject"
    assert our_summary(df) == official


def _back(edits, pos: int, side: str) -> int:
    """Map offset ``pos`` of the text after ``edits`` to the text before them;
    an offset inside inserted text maps to the replaced span's start or end."""
    delta = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        new_start = e.start + delta
        new_end = new_start + len(e.text)
        if pos <= new_start:
            return pos - delta
        if pos < new_end:
            return e.start if side == "start" else e.end
        if pos == new_end:
            return e.end
        delta += len(e.text) - (e.end - e.start)
    return pos - delta


def _is_directive_insert(e) -> bool:
    return e.start == e.end and _DIRECTIVE_LINE.fullmatch(e.text) is not None


def _addressed_nodes(df: Dockerfile, result: Result) -> set[int]:
    """Indexes of the nodes of the input that an applied edit touches, in any
    pass (edits of later passes are mapped back through the earlier ones)."""
    text = df.text
    bounds = [n.span.start for n in df.nodes]
    out: set[int] = set()
    texts = [text]
    for edits in result.steps:
        texts.append(apply_edits(texts[-1], edits))
    assert texts[-1] == result.output, "the recorded edits do not produce the output"
    for k, edits in enumerate(result.steps):
        before = texts[k]
        for e in edits:
            if _is_directive_insert(e):
                continue  # the `# syntax=` line: checked as an insertion below
            start, end = e.start, e.end
            if e.text == "" and end == len(before) and not before.endswith("\n"):
                # remove_instruction at EOF eats the newline before the last node.
                while start < end and before[start] in "\r\n":
                    start += 1
            for j in range(k - 1, -1, -1):
                start = _back(result.steps[j], start, "start")
                end = _back(result.steps[j], end, "end")
            if start == end:  # insertion: the node it lands in
                out.add(max(0, bisect.bisect_right(bounds, start) - 1))
            else:
                first = bisect.bisect_right(bounds, start) - 1
                last = bisect.bisect_right(bounds, end - 1) - 1
                out.update(range(first, last + 1))
    if result.steps:
        out.update(i for i, n in enumerate(df.nodes) if isinstance(n, Directive) and n.name == "syntax")
    # The comment lines directly above an instruction document it: a fix that
    # removes the instruction may take them along.
    for i in sorted(out):
        if not isinstance(df.nodes[i], Instruction):
            continue
        k = i - 1
        while k >= 0 and isinstance(df.nodes[k], Trivia) and df.nodes[k].kind == "comment":
            out.add(k)
            k -= 1
    return out


_DIRECTIVE_LINE = re.compile(r"# syntax=[^\r\n]*\r?\n")


def check_untouched(df: Dockerfile, result: Result) -> None:
    """Every node no fix addresses appears in the output unchanged and in order;
    only addressed nodes change, and the only new line is a `# syntax=` directive
    at the top (after a BOM or `#!` line)."""
    text, out = df.text, result.output
    addressed = _addressed_nodes(df, result)
    any_fix = bool(result.steps)
    # Pieces: ("keep", literal) or ("free", None) for an addressed node's text,
    # and ("directive", None) where a `# syntax=` line may be inserted.
    pieces: list[tuple[str, str | None]] = []
    insert_at = 0
    if text.startswith("\ufeff"):
        insert_at = 1
    if text.startswith("#!", insert_at):
        nl = text.find("\n", insert_at)
        insert_at = len(text) if nl < 0 else nl + 1
    pos = 0
    for i, node in enumerate(df.nodes):
        s, e = node.span.start, node.span.end
        if any_fix and s <= insert_at < e and insert_at > s:
            pieces.append(("keep", text[s:insert_at]))
            pieces.append(("directive", None))
            s = insert_at
        elif any_fix and insert_at == s:
            pieces.append(("directive", None))
        if i in addressed:
            pieces.append(("free", None))
        else:
            pieces.append(("keep", text[s:e]))
        pos = e
    if any_fix and insert_at >= len(text):
        pieces.append(("directive", None))
    # A removed last node without a final newline takes the newline before it
    # (pass after pass: removing the last nodes one by one).
    if pieces and pieces[-1][0] == "free" and not text.endswith("\n"):
        for k in range(len(pieces) - 2, -1, -1):
            kind, lit = pieces[k]
            if kind == "keep":
                pieces[k] = ("keep", lit.rstrip("\n").removesuffix("\r") if lit.endswith("\n") else lit)
                break
    # Merge neighbours.
    merged: list[tuple[str, str | None]] = []
    for kind, lit in pieces:
        if merged and kind == merged[-1][0] == "keep":
            merged[-1] = ("keep", merged[-1][1] + lit)
        elif merged and kind == merged[-1][0] == "free":
            continue
        elif kind != "keep" or lit:
            merged.append((kind, lit))
    assert _match(merged, 0, out, 0, False), "a line no fix addresses changed"


def _match(pieces, k: int, out: str, pos: int, floating: bool) -> bool:
    """Match pieces[k:] against out[pos:]; ``floating``: a free gap precedes."""
    if k == len(pieces):
        return floating or pos == len(out)
    kind, lit = pieces[k]
    if kind == "free":
        return _match(pieces, k + 1, out, pos, True)
    if kind == "directive":
        m = _DIRECTIVE_LINE.match(out, pos)
        if m and not floating and _match(pieces, k + 1, out, m.end(), False):
            return True
        return _match(pieces, k + 1, out, pos, floating)
    assert lit is not None
    last = k == len(pieces) - 1
    if not floating:
        return out.startswith(lit, pos) and _match(pieces, k + 1, out, pos + len(lit), False)
    if last:
        return out.endswith(lit) and len(out) - len(lit) >= pos
    # Leftmost occurrence leaves the most room for what follows.
    found = out.find(lit, pos)
    return found >= 0 and _match(pieces, k + 1, out, found + len(lit), False)


def check_migrate(text: str, settings: Settings = DEFAULT_SETTINGS, oracle: bool = True) -> Result:
    """The fixer's contract on one input (see module docstring)."""
    if can_skip(text, settings):
        # The engine's fast path: the file must parse and no rule may fire.
        df = parse(text)
        assert check(df, settings, gate=False) == [], "the prefilter skipped a file with findings"
    else:
        try:
            df = parse(text)
        except DockerfileSyntaxError:
            df = None
        if df is not None:
            assert check(df, settings) == check(df, settings, gate=False), \
                "a rule the prefilter left out would have found something"
    result = migrate_source(text, settings, "Dockerfile")
    assert result.source == text
    if result.error is not None:
        assert result.output == text, "a file that does not parse was changed"
        assert result.error_line is None or result.error_line >= 1
        return result
    if not any(f.fix for f in result.findings):
        assert result.output == text, "a file without fixes was changed"
    if result.output == text:
        return result
    new_df = check_model(result.output)
    assert new_df is not None, "the output does not parse"
    if oracle and _official is not None and comparable(text):
        try:
            if official_summary(text) is not None:
                assert official_summary(result.output) == our_summary(new_df), \
                    "the official parser disagrees on the output"
        except Uncomparable:
            pass
    again = migrate_source(result.output, settings, "Dockerfile")
    assert again.error is None
    assert again.output == result.output, "a second run changes the output"
    check_untouched(parse(text), result)
    return result
