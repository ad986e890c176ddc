"""The lossless parser on hand-made edge cases, checked against BuildKit's
behaviour (and against the official parser where it is installed)."""

from __future__ import annotations

import pytest

from migrate.syntax import DockerfileSyntaxError, parse

from oracle import OFFICIAL_MISSING, official_available, official_summary, our_summary

EDGE_CASES = {
    "crlf": "FROM alpine\r\nRUN echo a \\\r\n  && echo b\r\n",
    "bom": "\ufeffFROM alpine\nRUN true\n",
    "no-final-newline": "FROM alpine\nRUN true",
    "backtick-escape": "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  C:\\\n",
    "escaped-escape-is-not-continuation": "FROM alpine\nRUN echo \\\\\nRUN echo b\n",
    "continuation-with-trailing-space": "FROM alpine\nRUN echo a \\  \n  b\n",
    "comment-in-continuation": "FROM alpine\nRUN a \\\n# note\n  && b \\\n    # indented note\n  && c\n",
    "empty-continuation-line": "FROM alpine\nRUN a \\\n\n  && b\n",
    "heredoc-basic": "FROM alpine\nRUN <<EOF\necho hi\nEOF\n",
    "heredoc-chomp": "FROM alpine\nRUN <<-EOT\n\techo hi\n\tEOT\n",
    "heredoc-quoted": "FROM alpine\nRUN <<'EOF' sh\necho $HOME\nEOF\n",
    "heredoc-double-quoted": 'FROM alpine\nCOPY <<"EOF" /a\n$X\nEOF\n',
    "heredoc-two-on-one-line": "FROM alpine\nRUN <<A cat > /a && <<B cat > /b\nx\nA\ny\nB\n",
    "heredoc-fd": "FROM alpine\nRUN 3<<EOF cat /dev/fd/3\nx\nEOF\n",
    "heredoc-with-flags": "FROM alpine\nRUN --mount=type=secret,id=a <<EOF\ncat /run/secrets/a\nEOF\n",
    "heredoc-in-json-is-not": 'FROM alpine\nRUN ["sh", "-c", "cat <<EOF"]\nEOF\n',
    "exec-form": 'FROM alpine\nCMD ["a", "b"]\nENTRYPOINT ["x"] trailing\n',
    "not-json": "FROM alpine\nRUN [ -f /a ] && echo\n",
    "flags-quoted": 'FROM alpine\nCOPY --chown="1000:1000" --from=build /a /b\n',
    "flag-double-dash-ends": "FROM alpine\nRUN -- --not-a-flag\n",
    "stage-names": "FROM alpine AS Build\nFROM build as final\n",
    "directives-then-comment": "# syntax=docker/dockerfile:1\n# escape=\\\n# check=skip=all\n# just a comment\nFROM alpine\n",
    "directive-after-comment-is-comment": "# hello\n# escape=`\nFROM alpine\nRUN a \\\n b\n",
    "leading-whitespace": "  FROM alpine\n\t RUN true\n",
    "lowercase": "from alpine\nrun echo\n",
    "onbuild": "FROM alpine\nONBUILD RUN --mount=type=cache,target=/c echo\nONBUILD ARG TOKEN\n",
    "env-legacy-form": "FROM alpine\nENV A some value here\n",
    "unknown-instruction": "FROM alpine\nFOO bar\n",
    "unicode": "FROM alpine\nLABEL description=\"Ünïcödé ✓\"\nRUN echo 'héllo'\n",
    "only-continuation-at-eof": "FROM alpine\nRUN a && \\\n",
    "lone-cr": "FROM alpine\nRUN echo a\rb\n",
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_round_trip(name):
    text = EDGE_CASES[name]
    df = parse(text)
    assert str(df) == text
    assert "".join(n.text for n in df.nodes) == text
    # Nodes tile the text: each starts where the previous one ended.
    pos = 0
    for node in df.nodes:
        assert node.span.start == pos
        pos = node.span.end
    assert pos == len(text)


@pytest.mark.skipif(not official_available(), reason=OFFICIAL_MISSING)
@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_agrees_with_official(name):
    text = EDGE_CASES[name]
    assert our_summary(text) == official_summary(text)


def test_heredoc_spans_and_content():
    text = "FROM alpine\nRUN <<A cat > /a && <<-B cat > /b\nx\nA\n\ty\n\tB\nRUN true\n"
    df = parse(text)
    run = df.instructions[1]
    assert [h.name for h in run.heredocs] == ["A", "B"]
    assert run.heredocs[0].content == "x\n"
    assert run.heredocs[1].content == "\ty\n"
    assert run.heredocs[1].chomp
    assert text[run.heredocs[0].body_span.start : run.heredocs[0].body_span.end] == "x\n"
    assert (run.start_line, run.end_line) == (2, 6)
    assert df.instructions[2].start_line == 7


def test_quoted_heredoc_does_not_expand():
    df = parse("FROM alpine\nRUN <<'EOF'\n$X\nEOF\nRUN <<EOF\n$X\nEOF\n")
    assert [h.expand for i in df.instructions[1:] for h in i.heredocs] == [False, True]


def test_logical_line_maps_back_to_source():
    text = "FROM alpine\nRUN echo a \\\n  # c\n  && echo $TOKEN\n"
    df = parse(text)
    run = df.instructions[1]
    i = run.logical.index("$TOKEN")
    span = run.source_span(i, i + len("$TOKEN"))
    assert text[span.start : span.end] == "$TOKEN"


def test_flag_spans_point_at_raw_text():
    text = 'FROM alpine\nCOPY --chown="1:1" --from=b /a /b\n'
    copy = parse(text).instructions[1]
    assert [f.text for f in copy.flags] == ["--chown=1:1", "--from=b"]
    assert [text[f.span.start : f.span.end] for f in copy.flags] == ['--chown="1:1"', "--from=b"]
    assert copy.flags[0].name == "chown" and copy.flags[0].value == "1:1"


def test_escape_directive_changes_continuation():
    df = parse("# escape=`\nFROM w\nRUN a `\n  b\nRUN c \\\n")
    assert df.escape == "`"
    assert [i.cmd for i in df.instructions] == ["FROM", "RUN", "RUN"]
    assert df.instructions[1].logical.endswith("b")


def test_stages():
    df = parse("ARG V=1\nFROM alpine:$V AS Build\nRUN a\nFROM build\nRUN b\n")
    assert [(s.index, s.name, s.base) for s in df.stages] == [(0, "build", "alpine:$V"), (1, None, "build")]
    assert [i.stage for i in df.instructions] == [-1, 0, 0, 1, 1]


@pytest.mark.parametrize("text, line, message", [
    ("FROM alpine\nRUN <<EOF\nno end\n", 2, "unterminated heredoc"),
    ("# escape=x\nFROM alpine\n", 1, "invalid escape token"),
    ("# syntax=a\n# syntax=b\nFROM alpine\n", 2, "only one syntax parser directive"),
    ("FROM alpine\nCMD [1, 2]\n", 2, "arrays must be comprised of strings"),
    ("FROM alpine\nENV ONLYNAME\n", 2, "ENV must have two arguments"),
    ("FROM alpine\nENV A=1 B\n", 2, "can't find = in"),
])
def test_errors_name_the_line(text, line, message):
    with pytest.raises(DockerfileSyntaxError) as exc:
        parse(text)
    assert exc.value.line == line
    assert message in exc.value.message


@pytest.mark.skipif(not official_available(), reason=OFFICIAL_MISSING)
@pytest.mark.parametrize("text", [
    "FROM alpine\nRUN <<EOF\nno end\n",
    "FROM alpine\nCMD [1, 2]\n",
    "FROM alpine\nENV ONLYNAME\n",
    "FROM alpine\nENV A=1 B\n",
])
def test_official_rejects_the_same(text):
    with pytest.raises(ValueError):
        official_summary(text)


# Differential test over the shared real-world corpus: on every file the
# official parser accepts, we agree on instructions, lines, flags, heredocs.
from corpus import CORPUS_MISSING, corpus_files, read_text  # noqa: E402

CORPUS_FILES = [p for folder in ("clean", "unsafe", "migrated") for p in corpus_files(folder)]


@pytest.mark.skipif(not CORPUS_FILES, reason=CORPUS_MISSING)
@pytest.mark.skipif(not official_available(), reason=OFFICIAL_MISSING)
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[f"{p.parent.name}/{p.name}" for p in CORPUS_FILES])
def test_corpus_agrees_with_official(path):
    text = read_text(path)
    try:
        official = official_summary(text)
    except ValueError:
        pytest.skip("the official parser rejects this file")
    assert our_summary(text) == official
    assert str(parse(text)) == text
