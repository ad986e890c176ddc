"""Property-based tests (issue 7): over generated Dockerfiles (fuzz/dockerfiles.py)
the model round-trips byte for byte, fix output re-parses (ours and, where the
PyPI `dockerfile` bindings are installed, BuildKit's own parser), a second fix
is a no-op, a file without fixes is byte-identical, and every node no applied
edit touches is unchanged (fuzz/invariants.py).

Fixed seed (`derandomize=True`, no example database), so CI runs the same
examples every time. Budget: about 5,000 examples in total; scale with
DM_PROPERTY_SCALE (e.g. 10 for a longer local run). Open-ended fuzzing:
`python -m fuzz` (see README "Robustness").
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.dockerfiles import dockerfiles, token_soup
from fuzz.invariants import check_migrate, check_model, check_oracle, check_untouched
from migrate.engine import migrate_source
from migrate.settings import DEFAULT_SETTINGS
from migrate.syntax import parse

SCALE = float(os.environ.get("DM_PROPERTY_SCALE", "1"))


def budget(n: int):
    return settings(max_examples=max(1, int(n * SCALE)), derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)


def _all(text: str, s=DEFAULT_SETTINGS) -> None:
    df = check_model(text)
    check_oracle(text, df)
    check_migrate(text, s)


@budget(2000)
@given(dockerfiles())
def test_generated_dockerfiles(text):
    _all(text)


@budget(300)
@given(dockerfiles())
def test_generated_dockerfiles_legacy_frontend(text):
    _all(text, replace(DEFAULT_SETTINGS, frontend="legacy"))


@budget(1500)
@given(token_soup())
def test_token_soup(text):
    _all(text)


@budget(1000)
@given(st.text(max_size=200))
def test_arbitrary_text(text):
    _all(text)


@budget(200)
@given(dockerfiles())
def test_bom_and_final_newline_survive(text):
    """The byte-level details a rewrite must keep: BOM, line ends, (missing) final newline."""
    r = migrate_source(text)
    if r.error is not None or not r.changed:
        return
    assert r.output.startswith("\ufeff") == text.startswith("\ufeff")
    assert r.output.endswith("\n") == text.endswith("\n")
    if "\n" not in text.replace("\r\n", ""):  # pure CRLF input stays pure CRLF
        assert "\n" not in r.output.replace("\r\n", "")


# The invariant must be able to fail: hand it outputs that change bytes no edit touched.

SAMPLE = "# keep me\nFROM alpine\nARG NPM_TOKEN\nRUN npm ci\nRUN echo done\n"


def test_untouched_check_catches_a_changed_line():
    r = migrate_source(SAMPLE)
    assert r.changed and r.steps
    check_untouched(parse(SAMPLE), r)  # the real output passes
    for bad in (r.output.replace("RUN echo done", "RUN echo  done"),
                r.output.replace("# keep me\n", "# keep me\r\n"),
                r.output.replace("FROM alpine\n", "FROM alpine\n\n"),
                r.output + "\n"):
        assert bad != r.output
        broken = replace(r, output=bad)
        with pytest.raises(AssertionError):
            check_untouched(parse(SAMPLE), broken)


def test_recorded_steps_reproduce_the_output():
    r = migrate_source(SAMPLE)
    with pytest.raises(AssertionError):
        check_untouched(parse(SAMPLE), replace(r, steps=r.steps[:-1] if len(r.steps) > 1 else []))


# Inputs `python -m fuzz` found, kept as regressions (each disagreed with BuildKit's parser).
FOUND = [
    # extractBuilderFlags reads bytes: U+00A0 is no space to it, so this RUN has no flags.
    ("RUN \xa0--mount=type=secret,id=x ", lambda df: df.instructions[0].flags == []),
    # An open quote makes BuildKit's lexer fail: no heredoc, the next lines are instructions.
    ("FROM alpine\nRUN <<'E `\nF'\nE F\n", lambda df: [i.cmd for i in df.instructions] == ["FROM", "RUN", "F'", "E"]),
    ("FROM alpine\nRUN <<EOF ${a\nx\nEOF\n", lambda df: df.instructions[1].heredocs == []),
    ("#!/usr/bin/env -S docker build -f\n# escape=`\nFROM `\nalpine\nRUN <<'E `\nF'\nE F\nRUN\n",
     lambda df: df.escape == "\\"),
    # (atheris) The prefilter must see whole BuildKit names: `A]PWD` is secret, `A` and `PWD` are not.
    ("ARG\tF\x00\x0fR]\x01\x05PWD\n\n\nUR#\n\\\x7f\x00M\tb+?", lambda df: True),
    ("FROM a\nARG A]PWD\nRUN x\n", lambda df: True),
    ("FROM a\nARG A\x1cPWD\nRUN x\n", lambda df: True),
    ("\nARG\x0b\"+\x00\x00\x00\x10z \x00\x00\x00\x0ePWD", lambda df: True),
    ("ARG A\x15T\x15\x00\x00\\ \x00\x00\x04PWD)\x00\\==)", lambda df: True),
    # (atheris; an invariant bug) Two passes each remove a last node of a file without a final newline.
    ("X\nARG AUTH={x\nARG AUTH=x", lambda df: True),
    # (atheris) More passes than `max_passes` would need: the file is left unchanged, so a
    # second run is a no-op too.
    ("ARG a" + " PAT b" * 12, lambda df: True),
    # (fuzz) \x1f is no space to Go: `ENV \x1f` is an error the prefilter must not hide.
    ("ENV \x1f", lambda df: True),
    ("FROM a\nENV \x1c\n", lambda df: True),
    # (fuzz) Go's text/scanner skips a BOM at the start of the heredoc name.
    ("RUN <<\ufeff", lambda df: df.instructions[0].heredocs == []),
    ("FROM a\nRUN <<\ufeffX\nX\n", lambda df: [h.name for h in df.instructions[1].heredocs] == ["X"]),
    # (fuzz) ENV flags: the name/value check applies to what follows them.
    ("ENV --FROM alpine\n", lambda df: True),
    ("ENV\x0c--\x0c~\x0c", lambda df: True),
    ("FROM a\nENV --  a b\n", lambda df: True),
]


@pytest.mark.parametrize("text,expect", FOUND)
def test_fuzz_findings_stay_fixed(text, expect):
    df = check_model(text)
    assert df is None or expect(df)
    check_oracle(text, df)
    check_migrate(text)
