"""Find Dockerfiles under the given paths."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*")
NOT_DOCKERFILES = (".dockerignore", ".md", ".txt", ".orig", ".rej", ".bak", ".swp", ".sh", ".json", ".yml", ".yaml")
SKIP_DIRS = frozenset({".git", "node_modules", "vendor", ".venv", "__pycache__", ".tox", ".hg", ".svn"})


def is_dockerfile_name(name: str) -> bool:
    if name.lower().endswith(NOT_DOCKERFILES):
        return False
    return any(fnmatch.fnmatchcase(name, p) for p in DOCKERFILE_PATTERNS)


def _excluded(rel: str, excludes: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(os.path.basename(rel), pat) for pat in excludes)


def discover(paths: list[str], excludes: tuple[str, ...] = ()) -> list[str]:
    """Files named on the command line are taken as they are; directories are walked."""
    out: list[str] = []
    seen: set[str] = set()
    for p in paths:
        if p == "-" or not os.path.isdir(p):
            if p not in seen:
                seen.add(p)
                out.append(p)
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not _excluded(os.path.relpath(os.path.join(root, d), p), excludes))
            for name in sorted(files):
                full = os.path.join(root, name)
                if is_dockerfile_name(name) and not _excluded(os.path.relpath(full, p), excludes):
                    norm = os.path.normpath(full)
                    if norm not in seen:
                        seen.add(norm)
                        out.append(norm)
    return out


def display_path(path: str) -> str:
    """Path relative to the working directory, with forward slashes (for diffs)."""
    if path == "-":
        return "-"
    try:
        rel = os.path.relpath(path)
    except ValueError:
        rel = path
    if rel.startswith(".."):
        rel = str(Path(path))
    return rel.replace(os.sep, "/")
