"""Find Dockerfiles under the given paths."""

from __future__ import annotations

import fnmatch
import os
import re
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
    """Files named on the command line are taken as they are (callers aside: see
    `discover_callers`); directories are walked."""
    out: list[str] = []
    seen: set[str] = set()
    for p in paths:
        if p != "-" and not os.path.isdir(p) and caller_kind(p) is not None:
            continue
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


# Files that build Dockerfiles ("callers"), by kind; see migrate/callers/.
COMPOSE_PATTERNS = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml",
                    "docker-compose.*.yml", "docker-compose.*.yaml", "compose.*.yaml", "compose.*.yml")
CI_PATTERNS = (".gitlab-ci.yml", "*.gitlab-ci.yml", ".circleci/config.yml", "bitbucket-pipelines.yml",
               "azure-pipelines.yml", ".drone.yml", ".woodpecker.yml", ".woodpecker/*.yml", ".travis.yml",
               ".buildkite/pipeline.yml", "cloudbuild.yaml", "cloudbuild.yml")
NAME_KINDS = (
    (COMPOSE_PATTERNS, "compose"),
    (("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml", "Taskfile.dist.yml", "Taskfile.dist.yaml"),
     "taskfile"),
    (("Makefile", "makefile", "GNUmakefile", "*.mk"), "make"),
    (("justfile", "Justfile", ".justfile", "*.just"), "just"),
    (("*.sh", "*.bash"), "sh"),
)
_SHEBANG = re.compile(rb"^#![^\n]*\b(?:ba|da|k|z)?sh\b")


def caller_kind(path: str) -> str | None:
    """"compose", "workflow", "ci", "taskfile", "make", "just", "sh" or None."""
    norm = path.replace(os.sep, "/")
    parts = norm.split("/")
    name = parts[-1]
    if len(parts) >= 3 and parts[-2] == "workflows" and parts[-3] == ".github" and name.endswith((".yml", ".yaml")):
        return "workflow"
    tail2 = "/".join(parts[-2:])
    if any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(tail2, p) for p in CI_PATTERNS):
        return "ci"
    for patterns, kind in NAME_KINDS:
        if any(fnmatch.fnmatchcase(name, p) for p in patterns):
            return kind
    return None


def _shell_script(path: str) -> bool:
    """An extension-less executable script with a POSIX-shell shebang."""
    try:
        if os.path.getsize(path) > (1 << 20):
            return False
        with open(path, "rb") as f:
            return bool(_SHEBANG.match(f.read(128)))
    except OSError:
        return False


def caller_root(path: str, walked: str | None) -> str:
    """Repository root for a caller: the checkout root for CI files, else the walked directory."""
    full = os.path.abspath(path)
    kind = caller_kind(path)
    if kind == "workflow":
        return os.path.dirname(os.path.dirname(os.path.dirname(full)))
    if kind == "ci":
        d = os.path.dirname(full)
        return os.path.dirname(d) if os.path.basename(d) in (".circleci", ".woodpecker", ".buildkite") else d
    return os.path.abspath(walked) if walked else os.getcwd()


def discover_callers(paths: list[str], excludes: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """(path, kind, repository root) of the callers named on the command line or found
    in walked directories."""
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for p in paths:
        if p == "-" or not os.path.lexists(p):
            continue
        if not os.path.isdir(p):
            kind = caller_kind(p)
            if kind and p not in seen:
                seen.add(p)
                out.append((p, kind, caller_root(p, None)))
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS
                             and not _excluded(os.path.relpath(os.path.join(root, d), p), excludes))
            for name in sorted(files):
                full = os.path.normpath(os.path.join(root, name))
                if full in seen or _excluded(os.path.relpath(full, p), excludes) or is_dockerfile_name(name):
                    continue
                kind = caller_kind(full)
                if kind is None and "." not in name and os.access(full, os.X_OK) and _shell_script(full):
                    kind = "sh"
                if kind:
                    seen.add(full)
                    out.append((full, kind, caller_root(full, p)))
    return out
