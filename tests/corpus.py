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
