"""The parser's shortcuts give what its general path gives.

`_Parser.parse` builds a one-line instruction without flags, heredoc or nested
command itself instead of going through `make_instruction`; here every one-line
instruction of the corpus, the golden inputs and the edge cases is rebuilt the
general way and must be equal, field for field. The word splitters' regex
shortcuts are held to the character loops they stand in for.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.syntax import DockerfileSyntaxError, Span, parse
from migrate.syntax.parser import _Parser
from migrate.syntax.words import _builder_flags, _parse_words, builder_flags, name_value_texts, name_value_words

from corpus import corpus_files, read_text
from test_parser import EDGE_CASES

ROOT = Path(__file__).resolve().parent.parent
TEXTS = {f"edge/{k}": v for k, v in EDGE_CASES.items()}
TEXTS.update({str(p.relative_to(ROOT)): p.read_bytes().decode("utf-8", "surrogateescape")
              for p in sorted(ROOT.glob("golden/*/*/in.Dockerfile"))})
TEXTS.update({f"{p.parent.name}/{p.name}": read_text(p)
              for folder in ("clean", "unsafe", "migrated") for p in corpus_files(folder)})


def _fields(instr) -> dict:
    out = {f.name: getattr(instr, f.name) for f in dataclasses.fields(instr) if f.name != "memo"}
    out["sub"] = None if instr.sub is None else _fields(instr.sub)
    return out


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_one_line_shortcut_equals_general_path(name):
    text = TEXTS[name]
    try:
        df = parse(text)
    except DockerfileSyntaxError:
        pytest.skip("not parseable")
    for instr in df.instructions:
        assert instr.cmd == instr.keyword.upper()
        if instr.start_line != instr.end_line:
            continue
        general = _Parser(text)
        general.escape = df.escape
        ref = general.make_instruction(instr.logical, list(instr.logical_map), instr.start_line - 1, instr.end_line)
        ref.header_end = instr.header_end
        ref.span = Span(instr.span.start, instr.span.end)
        ref.text = text[ref.span.start : ref.span.end]
        ref.stage = instr.stage
        assert _fields(ref) == _fields(instr)


def test_span_stays_a_frozen_value():
    s = Span(3, 7)
    assert (s.start, s.end, len(s)) == (3, 7, 4)
    assert s == Span(start=3, end=7) and hash(s) == hash(Span(3, 7)) and s != Span(3, 8)
    assert repr(s) == "Span(start=3, end=7)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.start = 1


# The word splitters' regex shortcuts against the character loops they stand in for.

PIECES = ["a", "b=", "=", "-", "--", "--x=", " ", "\t", "\r", "\xa0", "\x85", "\u3000", "\x1c", "'", '"', "\\", "`",
          "\\\\", "é", "\n"]
lines = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)
budget = settings(max_examples=1500, derandomize=True, database=None, deadline=None)


def _words(ws):
    return [(w.text, w.start, w.end) for w in ws]


@budget
@given(lines, st.integers(0, 3), st.sampled_from(["\\", "`"]))
def test_name_value_words_shortcut_equals_loop(line, start, escape):
    start = min(start, len(line))
    for end in range(start, len(line) + 1):
        loop = _words(_parse_words(line, start, end, escape))
        assert _words(name_value_words(line, start, end, escape)) == loop
        assert name_value_texts(line, start, end, escape) == [t for t, _, _ in loop]


@budget
@given(lines, st.integers(0, 3))
def test_builder_flags_shortcut_equals_byte_loop(line, start):
    start = min(start, len(line))
    if not line.isascii():
        return
    words, offset = builder_flags(line, start)
    loop_words, loop_offset = _builder_flags(line.encode("ascii"), start, None, len(line))
    assert (_words(words), offset) == (_words(loop_words), loop_offset)
