"""The README rule table is generated from the rule modules and must be current."""

from pathlib import Path

from migrate.docs import all_rule_classes, replace_table

ROOT = Path(__file__).resolve().parents[1]


def test_readme_rule_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert replace_table(readme) == readme, "run: python -m migrate.docs --write"


def test_every_rule_is_documented():
    codes = set()
    for r in all_rule_classes():
        assert r.code not in codes, f"duplicate code {r.code}"
        codes.add(r.code)
        sec = r.sections()
        for heading in ("why it leaks", "bad", "good", "build flags"):
            assert sec.get(heading), f"{r.code}: docstring lacks a `{heading}` section"
        assert r.summary() and r.name


def test_changelog_has_unreleased_section():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text
