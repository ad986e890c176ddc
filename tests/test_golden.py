"""Golden before/after cases: exact output, exact findings, idempotence,
lossless round trip and agreement with the official BuildKit parser."""

from __future__ import annotations

import json

import pytest

from migrate.syntax import parse

from golden import Case, cases, update_enabled
from oracle import OFFICIAL_MISSING, official_available, official_summary, our_summary

CASES = cases()
IDS = [c.id for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_output_and_findings(case: Case):
    result = case.run()
    assert result.error is None, f"{case.id}: {result.error}"
    report = case.report(result)
    if update_enabled():
        if result.changed:
            (case.dir / "out.Dockerfile").write_bytes(result.output.encode("utf-8"))
        elif (case.dir / "out.Dockerfile").exists():
            (case.dir / "out.Dockerfile").unlink()
        (case.dir / "expected.json").write_text(json.dumps(report, indent=2) + "\n")
    assert result.output == case.expected_output
    expected = json.loads(case.read("expected.json") or "null")
    assert expected is not None, f"{case.id}: missing expected.json (run with DM_GOLDEN_UPDATE=1 and review)"
    assert report == expected


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_second_run_changes_nothing(case: Case):
    out = case.expected_output
    again = case.run(out)
    assert again.output == out
    assert not any(f.fixable for f in again.findings), [f.message for f in again.findings if f.fixable]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_lossless_round_trip(case: Case):
    for text in (case.input, case.expected_output):
        df = parse(text)
        assert str(df) == text
        assert "".join(n.text for n in df.nodes) == text


@pytest.mark.skipif(not official_available(), reason=OFFICIAL_MISSING)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_official_parser_agrees(case: Case):
    for text in (case.input, case.expected_output):
        try:
            official = official_summary(text)
        except ValueError:
            assert text is case.input, f"{case.id}: the official parser rejects our output"
            continue
        assert our_summary(text) == official
