"""A copy of this working tree's package files, as a user's checkout of the project holds
them (the GitHub Action's and pre-commit's view of the repository)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_package(dest: Path, names: tuple[str, ...]) -> Path:
    """Copy the files and folders ``names`` of the project root into ``dest`` (no byte-code)."""
    for name in names:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, dest / name)
    return dest
