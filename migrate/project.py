"""Repository-level pipeline: after the Dockerfiles of a run are migrated, move
their callers (Compose files, scripts, Makefiles, CI) with them.

The Dockerfile results are the only input the callers see (`Needs`, keyed by
real path); this module is the shell around `migrate.callers`: it reads the
caller files and answers "which Dockerfile is at this path" from the run and
the file system.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .callers import OTHER, CallerContext, Needs, migrate_caller
from .engine import Result
from .files import FileError, SourceFile, internal_error, read_source
from .settings import Settings

# A caller that mentions none of these cannot build anything.
_HINT = re.compile(r"\b(?:docker|podman|buildah)\b|\bbuild\s*:", re.I)


@dataclass
class CallerRun:
    path: str  # on disk
    shown: str  # as reported
    kind: str
    src: SourceFile | None = None
    result: Result | None = None
    error: str | None = None
    error_line: int | None = None

    @property
    def listed(self) -> bool:
        """Callers appear in reports when they build a Dockerfile of the run or have something to say."""
        r = self.result
        return self.error is not None or (r is not None and bool(r.findings or r.build_requirements or r.notes
                                                                   or r.changed))


def needs_index(dockerfiles: list[tuple[str, str, Result]]) -> dict[str, Needs]:
    """Real path -> Needs for every Dockerfile of the run that parsed."""
    out: dict[str, Needs] = {}
    for path, shown, result in dockerfiles:
        if path == "-" or result.error is not None:
            continue
        out[os.path.realpath(path)] = Needs.from_result(shown, result)
    return out


def _lookup(index: dict[str, Needs]):
    def lookup(abs_path: str):
        real = os.path.realpath(abs_path)
        if real in index:
            return index[real]
        return OTHER if os.path.isfile(real) else None

    return lookup


def run_callers(dockerfiles: list[tuple[str, str, Result]], callers: list[tuple[str, str, str]],
                settings: Settings, display) -> list[CallerRun]:
    """Migrate every caller against the Dockerfiles of this run (nothing when there are none)."""
    if not callers:
        return []  # Needs cost two parses per Dockerfile: only when a caller can use them
    return run_callers_with(needs_index(dockerfiles), callers, settings, display)


def run_callers_with(index: dict[str, Needs], callers: list[tuple[str, str, str]],
                     settings: Settings, display) -> list[CallerRun]:
    """`run_callers` from a ready index (real path -> Needs), e.g. built by parallel workers."""
    if not index or not callers:
        return []
    lookup = _lookup(index)
    all_needs = tuple(index.values())
    runs: list[CallerRun] = []
    for path, kind, root in callers:
        run = CallerRun(path, display(path), kind)
        runs.append(run)
        try:
            run.src = read_source(path)
        except FileError as exc:
            run.error, run.error_line = exc.message, exc.line
            continue
        if not _HINT.search(run.src.text):
            run.result = Result(run.src.text, run.src.text)
            continue
        ctx = CallerContext(run.shown, os.path.abspath(path), root, lookup, all_needs, kind=kind, settings=settings)
        try:
            run.result = migrate_caller(run.src.text, ctx)
        except Exception as exc:  # a bug of ours: by type only (the message may quote the file)
            if os.environ.get("DM_DEBUG"):
                raise
            run.error, run.error_line = internal_error(exc), None
    return [r for r in runs if r.listed]
