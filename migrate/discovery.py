"""Find Dockerfiles under the given paths.

Inside a git repository the candidates are the files git knows about: tracked
ones plus untracked ones that are not ignored (`git ls-files -co
--exclude-standard`), so build output, caches and ignored checkouts are never
scanned. Elsewhere (or when git is unavailable) the tree is walked. Either way
`SKIP_DIRS` (node_modules, vendor, .git, ...) and the `--exclude`/config globs
apply, and the order is the same: files of a folder, then its sub-folders, by
name.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import subprocess
from pathlib import Path

DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*")
NOT_DOCKERFILES = (".dockerignore", ".md", ".txt", ".orig", ".rej", ".bak", ".swp", ".sh", ".json", ".yml", ".yaml")
SKIP_DIRS = frozenset({".git", "node_modules", "vendor", ".venv", "__pycache__", ".tox", ".hg", ".svn"})


def _any_glob(patterns: tuple[str, ...]):
    """One compiled `fullmatch` answering `any(fnmatchcase(name, p) for p in patterns)`
    (one regex instead of a loop of fnmatch calls: discovery asks this of every file)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns), re.S).match


_DOCKERFILE_NAME = _any_glob(DOCKERFILE_PATTERNS)


def is_dockerfile_name(name: str) -> bool:
    if name.lower().endswith(NOT_DOCKERFILES):
        return False
    return _DOCKERFILE_NAME(name) is not None


def _excluded(rel: str, excludes: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(os.path.basename(rel), pat) for pat in excludes)


def _walk_order(rel: str) -> list[tuple[int, str]]:
    """Sort key giving os.walk's order: a folder's files, then its sub-folders, by name."""
    parts = rel.split("/")
    return [(1, p) for p in parts[:-1]] + [(0, parts[-1])]


@functools.lru_cache(maxsize=4096)
def git_root(directory: str) -> str | None:
    """The top level of the git work tree holding ``directory`` (None: not in one, or no git)."""
    try:
        r = subprocess.run(["git", "-C", directory, "rev-parse", "--show-toplevel"],
                           capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if r.returncode != 0:
        return None
    top = os.fsdecode(r.stdout.rstrip(b"\n"))
    return os.path.realpath(top) if top else None


@functools.lru_cache(maxsize=256)
def _git_listing(directory: str) -> tuple[str, ...] | None:
    """Paths (relative to ``directory``, "/"-separated) git tracks or would track under it;
    untracked nested repositories end with "/". None when not in a git work tree."""
    if git_root(directory) is None:
        return None
    try:
        r = subprocess.run(["git", "-C", directory, "ls-files", "-co", "--exclude-standard", "-z"],
                           capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    if r.returncode != 0:
        return None
    return tuple(sorted({os.fsdecode(x) for x in r.stdout.split(b"\0") if x}, key=_walk_order))


def _skipped(rel: str, excludes: tuple[str, ...]) -> bool:
    parts = rel.split("/")
    if any(p in SKIP_DIRS for p in parts[:-1]):
        return True
    # A folder glob (`build`, `docs/*`) excludes everything below it, as in the walk.
    for i in range(1, len(parts)):
        if _excluded("/".join(parts[:i]), excludes):
            return True
    return _excluded(rel, excludes)


def prefetch_git(folders: list[str]) -> None:
    """Ask git about many repositories at once (top level, file listing: two `git` processes
    each, which threads can wait for together); `iter_files` then finds the answers cached."""
    if len(folders) < 4:
        return
    from concurrent.futures import ThreadPoolExecutor

    def ask(folder: str) -> None:
        git_root(os.path.realpath(folder))
        _git_listing(os.path.abspath(folder))

    with ThreadPoolExecutor(max_workers=min(8, len(folders))) as pool:
        list(pool.map(ask, folders))


def clear_caches() -> None:
    """Forget git answers (each run starts afresh: a long-lived process may see repositories change)."""
    git_root.cache_clear()
    _git_listing.cache_clear()


def iter_files(top: str, excludes: tuple[str, ...] = ()):
    """(full path, file name, repository) of the candidate files under folder ``top``:
    git's view inside a work tree, else a walk in which each nested work tree again
    gets git's view; `SKIP_DIRS` and ``excludes`` (globs matched against the path
    relative to ``top`` and against the name) left out. ``repository`` is the git
    top level that listed the file (None: found by walking)."""
    top_abs = os.path.abspath(top)
    listing = _git_listing(top_abs)
    if listing is None:
        yield from _walk(top, "", excludes)
        return
    repo = git_root(top_abs)
    for rel in listing:
        if rel.endswith("/"):  # an untracked repository inside this one: its own git view
            rel = rel.rstrip("/")
            if not _skipped(rel + "/x", excludes):
                yield from _nested(top, rel, excludes)
            continue
        if _skipped(rel, excludes):
            continue
        full = os.path.join(top, *rel.split("/"))
        if os.path.isfile(full):  # not deleted from the work tree, not a submodule
            yield full, rel.rsplit("/", 1)[-1], repo


def _nested(top: str, rel: str, excludes: tuple[str, ...]):
    """Files of the repository at ``top/rel``, with ``excludes`` still relative to ``top``."""
    for f, n, r in iter_files(os.path.join(top, rel), ()):
        if not _skipped(os.path.relpath(f, top).replace(os.sep, "/"), excludes):
            yield f, n, r


def _walk(top: str, rel: str, excludes: tuple[str, ...]):
    """os.walk's order (a folder's files, then its sub-folders, by name; symlinked
    folders not entered), but a folder holding `.git` is listed by git."""
    folder = os.path.join(top, rel) if rel else top
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    subdirs = []
    for e in entries:
        r = f"{rel}/{e.name}" if rel else e.name
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if e.name not in SKIP_DIRS and not _excluded(r, excludes) and not e.is_symlink():
                subdirs.append(r)
        elif not _excluded(r, excludes):
            yield os.path.join(folder, e.name), e.name, None
    for r in subdirs:
        if os.path.lexists(os.path.join(top, r, ".git")):
            yield from _nested(top, r, excludes)
        else:
            yield from _walk(top, r, excludes)


def display_path(path: str) -> str:
    """Path relative to the working directory, with forward slashes (for diffs)."""
    if path == "-":
        return "-"
    if not os.path.isabs(path) and path == os.path.normpath(path) and not path.startswith(".."):
        return path.replace(os.sep, "/")  # what relpath would answer, without its two abspath calls
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
_CI_NAME = _any_glob(CI_PATTERNS)
_NAME_KINDS = tuple((_any_glob(patterns), kind) for patterns, kind in NAME_KINDS)
_SHEBANG = re.compile(rb"^#![^\n]*\b(?:ba|da|k|z)?sh\b")


def caller_kind(path: str) -> str | None:
    """"compose", "workflow", "ci", "taskfile", "make", "just", "sh" or None."""
    norm = path.replace(os.sep, "/")
    parts = norm.split("/")
    name = parts[-1]
    if len(parts) >= 3 and parts[-2] == "workflows" and parts[-3] == ".github" and name.endswith((".yml", ".yaml")):
        return "workflow"
    if _CI_NAME(name) is not None or (len(parts) >= 2 and _CI_NAME("/".join(parts[-2:])) is not None):
        return "ci"
    for matches, kind in _NAME_KINDS:
        if matches(name) is not None:
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


def discover_all(paths: list[str], excludes: tuple[str, ...] = (),
                 roots: dict | None = None) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The Dockerfiles and the callers under ``paths``, in one walk of each folder.

    Dockerfiles: files named on the command line are taken as they are (unless they are
    callers); folders are walked. Callers: (path, kind, repository root) of those named on
    the command line or found in walked folders (a nested git repository is the root of
    its callers). ``roots`` (when given) receives path -> git top level for files a git
    listing found."""
    files: list[str] = []
    callers: list[tuple[str, str, str]] = []
    seen_files: set[str] = set()
    seen_callers: set[str] = set()
    for p in paths:
        if p == "-":
            if p not in seen_files:
                seen_files.add(p)
                files.append(p)
            continue
        if not os.path.isdir(p):
            kind = caller_kind(p)
            if kind is None:
                if p not in seen_files:
                    seen_files.add(p)
                    files.append(p)
            elif p not in seen_callers and os.path.lexists(p):
                seen_callers.add(p)
                callers.append((p, kind, caller_root(p, None)))
            continue
        top = os.path.realpath(p)
        for full, name, repo in iter_files(p, excludes):
            full = os.path.normpath(full)
            if is_dockerfile_name(name):
                if full not in seen_files:
                    seen_files.add(full)
                    files.append(full)
                    if roots is not None and repo is not None:
                        roots[full] = repo
                continue
            if full in seen_callers:
                continue
            kind = caller_kind(full)
            if kind is None and "." not in name and os.access(full, os.X_OK) and _shell_script(full):
                kind = "sh"
            if kind:
                seen_callers.add(full)
                nested = repo is not None and repo != top and repo.startswith(top + os.sep)
                callers.append((full, kind, caller_root(full, repo if nested else p)))
                if roots is not None and repo is not None:
                    roots[full] = repo
    return files, callers


def discover(paths: list[str], excludes: tuple[str, ...] = (), roots: dict | None = None) -> list[str]:
    """The Dockerfiles of `discover_all`."""
    return discover_all(paths, excludes, roots)[0]
