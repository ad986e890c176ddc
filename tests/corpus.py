"""Locate the shared real-world corpus (../shared/corpus); tests skip without it."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("DM_CORPUS", ROOT.parent / "shared" / "corpus"))
CORPUS_MISSING = f"shared corpus not found at {CORPUS} (set DM_CORPUS or check out ../shared)"


def corpus_files(folder: str) -> list[Path]:
    d = CORPUS / folder
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.is_file() and p.suffix == ".Dockerfile")


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def assert_sound_rewrite(name: str, output: str):
    """A rewritten file round-trips in our model, parses as the official parser parses it (where
    installed), and a second run leaves it unchanged. Returns that second run's Result."""
    import pytest

    from migrate.engine import migrate_source
    from migrate.syntax import parse
    from oracle import official_available, official_summary, our_summary

    assert str(parse(output)) == output, name
    if official_available():
        try:
            official = official_summary(output)
        except ValueError as exc:  # pragma: no cover - a failure to report
            pytest.fail(f"{name}: official parser rejects our output: {exc}")
        assert our_summary(output) == official, name
    again = migrate_source(output)
    assert again.output == output, f"{name}: a second run changes the file"
    return again
