"""The prefilter may only skip files on which the full check finds nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from migrate.engine import check
from migrate.rules import ALL_RULES
from migrate.settings import DEFAULT_SETTINGS
from migrate.syntax import DockerfileSyntaxError, parse

from corpus import corpus_files, read_text
from golden import cases

TEXTS = [(c.id, c.input) for c in cases()] + [
    (f"{p.parent.name}/{p.name}", read_text(p)) for f in ("clean", "unsafe", "migrated") for p in corpus_files(f)
]


@pytest.mark.parametrize("name, text", TEXTS, ids=[n for n, _ in TEXTS])
def test_quick_reject_is_sound(name, text):
    try:
        df = parse(text)
    except DockerfileSyntaxError:
        pytest.skip("unparsable")
    for rule in ALL_RULES:
        if rule.quick_reject(text, DEFAULT_SETTINGS):
            only = replace(DEFAULT_SETTINGS, select=frozenset({rule.code}))
            assert check(df, only, gate=False) == [], f"{rule.code} rejected {name} but finds something"


@pytest.mark.parametrize("name, text", TEXTS, ids=[n for n, _ in TEXTS])
def test_rules_the_engine_leaves_out_find_nothing(name, text):
    """engine.check runs only the rules skip.rules_that_may_fire names: the same findings."""
    crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
    compared = 0
    for variant in (text, crlf, "\ufeff" + text):
        try:
            df = parse(variant)
        except DockerfileSyntaxError:
            continue
        assert check(df, DEFAULT_SETTINGS) == check(df, DEFAULT_SETTINGS, gate=False), name
        compared += 1
    if not compared:
        pytest.skip("unparsable")


def test_prefilter_skips_most_clean_files():
    clean = [read_text(p) for p in corpus_files("clean")]
    if not clean:
        pytest.skip("corpus absent")
    skipped = sum(all(r.quick_reject(t, DEFAULT_SETTINGS) for r in ALL_RULES) for t in clean)
    assert skipped >= len(clean) // 2, f"only {skipped}/{len(clean)} clean files skipped"


from migrate.syntax.prescan import may_raise  # noqa: E402

from test_parser import EDGE_CASES  # noqa: E402

BAD = [
    "FROM alpine\nRUN <<EOF\nno end\n",
    "# escape=x\nFROM alpine\n",
    "# syntax=a\n# syntax=b\nFROM alpine\n",
    "FROM alpine\nCMD [1, 2]\n",
    "FROM alpine\nHEALTHCHECK CMD [\"a\", 1]\n",
    "FROM alpine\nENV ONLYNAME\n",
    "FROM alpine\nENV A=1 B\n",
    "FROM alpine\nLABEL a=b c\n",
    "FROM alpine\nonbuild env X\n",
]


@pytest.mark.parametrize("text", BAD + list(EDGE_CASES.values()) + [t for _, t in TEXTS])
def test_may_raise_over_approximates(text):
    try:
        parse(text)
    except DockerfileSyntaxError:
        assert may_raise(text), text
