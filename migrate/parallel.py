"""Per-file work for `check`/`diff`/`fix`, in-process or in worker processes.

A file is read as bytes, decoded, and handed to the engine, whose prefilter
(`skip.can_skip`) answers for files no rule can touch without parsing them.
What comes back to the parent is small (`Outcome`): findings without their
edits, build requirements, the diff text when one was asked for, the callers'
`Needs` when the repository has callers. Source and output texts stay in the
worker, so the parent's memory does not grow with the number of files.

`run_tasks` keeps the order of the input: results are yielded in file order,
with a bounded number of chunks in flight.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from collections import deque
from dataclasses import dataclass, field, replace

from .engine import Result, migrate_source
from .skip import can_skip
from .files import FileError, SourceFile, decode, internal_error, write_atomic
from .findings import Finding
from .fix import BuildRequirement, Fix
from .settings import Settings

# Below this many files a run stays in-process (a pool costs ~10-20 ms per worker).
PARALLEL_MIN_FILES = int(os.environ.get("DM_PARALLEL_MIN_FILES", "160"))
CHUNK = 48

# A finding's fix is not needed once the engine has run: only whether it had one.
_FIXABLE = Fix(edits=())


@dataclass(slots=True)
class Lite:
    """An `engine.Result` without the texts (same attributes as reports read)."""

    findings: list[Finding] = field(default_factory=list)
    build_requirements: list[BuildRequirement] = field(default_factory=list)
    error: str | None = None
    error_line: int | None = None
    notes: list[str] = field(default_factory=list)
    changed: bool = False

    @classmethod
    def of(cls, r: Result) -> Lite:
        findings = [replace(f, fix=_FIXABLE) if f.fix is not None else f for f in r.findings]
        return cls(findings, list(r.build_requirements), r.error, r.error_line, list(r.notes), r.changed)

    def to_json(self, path: str) -> dict:
        return Result.to_json(self, path)  # same fields; `changed` is a plain attribute here


CLEAN = Lite()


@dataclass(slots=True)
class Task:
    path: str  # on disk
    shown: str  # as reported (and in the stdout diff)
    patch_path: str | None = None  # path inside the repository, when a per-repository patch is written
    want_needs: bool = False  # the repository has callers: compute `Needs`


@dataclass(slots=True)
class Outcome:
    shown: str
    result: Lite | None = None
    error: str | None = None
    error_line: int | None = None
    written: bool = False
    diff: str = ""  # for stdout (diff mode / DRY_RUN)
    patch: str = ""  # for the repository's patch file
    needs: object = None  # callers.Needs
    realpath: str = ""


@dataclass(frozen=True)
class Job:
    mode: str  # check | diff | fix
    settings: Settings
    write: bool  # fix mode without DRY_RUN
    stdout_diff: bool


# Entries of build-context folders, shared by the Dockerfiles of a folder: root -> (mtime_ns of the
# folder, when it was listed, names). Reused only while the folder's mtime is unchanged and was already
# a second old when listed (a change after the listing then moves the mtime, whatever its granularity).
_LISTINGS: dict[str, tuple[int, int, frozenset[str]]] = {}


def _listing(root: str) -> frozenset[str] | None:
    try:
        mtime = os.stat(root).st_mtime_ns
        known = _LISTINGS.get(root)
        if known is not None and known[0] == mtime and mtime < known[1] - 1_000_000_000:
            return known[2]
        now = time.time_ns()
        names = frozenset(os.listdir(root))
    except OSError:
        return None
    if len(_LISTINGS) >= 4096:
        _LISTINGS.clear()  # bounded memory on huge runs
    _LISTINGS[root] = (mtime, now, names)
    return names


# Real paths of the folders Dockerfiles sit in (many share one), bounded like _LISTINGS.
_REAL_FOLDERS: dict[str, str] = {}


def _real_folder(folder: str) -> str:
    real = _REAL_FOLDERS.get(folder)
    if real is None:
        if len(_REAL_FOLDERS) >= 4096:
            _REAL_FOLDERS.clear()
        real = _REAL_FOLDERS[folder] = os.path.realpath(folder)
    return real


def context_reader(dockerfile_path: str):
    """Read-only access to files of the build context (the Dockerfile's folder)."""
    where: list = []  # root, prefix, names: worked out on the first probe (most files never probe)

    def context():
        if not where:
            root = _real_folder(os.path.dirname(os.path.abspath(dockerfile_path)))
            where.extend((root, root + os.sep, _listing(root)))
        return where

    def names(rel_dir: str) -> frozenset[str] | None:
        """Entry names of the context folder ``rel_dir`` (None: not known), so that a caller
        probing many names under it can skip those whose first component is not there."""
        root, _prefix, listed = context()
        if rel_dir in ("", "."):
            return listed
        parts = rel_dir.split("/")
        if rel_dir.startswith("/") or ".." in parts:
            return None
        if listed is not None and parts[0] not in listed:
            return frozenset()  # no such folder: nothing under it exists
        return _listing(os.path.join(root, *parts))

    def read(rel: str) -> str | None:
        # Most probes are for files that do not exist: the listing of the context folder
        # answers those; a stat and the (costlier) symlink resolution only for files that may exist.
        root, prefix, listed = context()
        if listed is not None and ".." not in rel and not rel.startswith("/") and \
                rel.split("/", 1)[0] not in listed and rel.split("/", 1)[0] not in ("", "."):
            return None  # a plain relative name whose first component the folder does not hold
        full = os.path.normpath(os.path.join(root, rel))
        if not full.startswith(prefix):
            return None  # the root itself, or outside the context
        if listed is not None and full[len(prefix):].split(os.sep, 1)[0] not in listed:
            return None
        if not os.path.isfile(full):
            return None
        full = os.path.realpath(full)
        if not (full == root or full.startswith(root + os.sep)):
            return None
        try:
            with open(full, "rb") as f:
                raw = f.read(1 << 20)
            return raw.decode("utf-8", errors="replace")
        except OSError:
            return None

    read.names = names
    return read


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FAST_OPEN = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _NOFOLLOW


def read_bytes(path: str) -> bytes:
    """`files.read_bytes` (never blocks on a FIFO; refuses outside symlinks and huge files),
    with a fast path for the common case, a regular file that is not a symlink: one open
    that refuses symlinks, one fstat, the reads. Everything else takes the careful path,
    which also words the errors."""
    from .files import MAX_BYTES, read_bytes as read_checked

    if not _NOFOLLOW:
        return read_checked(path)
    try:
        fd = os.open(path, _FAST_OPEN)
    except OSError:
        return read_checked(path)  # a symlink (ELOOP), missing, unreadable...
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            return read_checked(path)
        chunks = []
        left = MAX_BYTES + 1  # as read_checked: one byte over the limit tells a file that grew
        while left > 0:
            chunk = os.read(fd, min(left, max(st.st_size + 1, 65536)))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError:
        return read_checked(path)
    finally:
        os.close(fd)


def _with_reader(settings: Settings, reader) -> Settings:
    """``replace(settings, read_context=reader)`` without re-running the dataclass machinery
    (once per file)."""
    clone = object.__new__(Settings)
    clone.__dict__.update(settings.__dict__)
    clone.__dict__["read_context"] = reader
    return clone


def process(task: Task, job: Job, raw: bytes | None = None) -> Outcome:
    """Read, migrate, diff and (fix mode) write one Dockerfile. Never raises on user input."""
    from .diffing import unified_diff

    out = Outcome(task.shown)
    try:
        if raw is None:
            raw = read_bytes(task.path)
        text = decode(task.shown, raw)
    except FileError as exc:
        out.error, out.error_line = exc.message, exc.line
        return out
    # The prefilter first: files no rule can touch are not parsed. It is asked with the build
    # context readable, as the rules are: DM201 finds `COPY . .` of a context holding `.npmrc`
    # in a text with no credential word (the reader lists a folder only when a probe needs it).
    ctx_path = task.path if task.path != "-" else "."
    try:
        settings = _with_reader(job.settings, context_reader(ctx_path))
        if can_skip(text, settings):
            result = Result(text, text)
        else:
            result = migrate_source(text, settings, task.shown, prefiltered=True)
        if task.want_needs and task.path != "-" and result.error is None:
            from .callers import Needs

            out.needs = Needs.from_result(task.shown, result)
            out.realpath = os.path.realpath(task.path)
    except Exception as exc:  # a bug of ours: report it by type only (its message may quote the file)
        if os.environ.get("DM_DEBUG"):
            raise
        out.error, out.error_line = internal_error(exc), None
        return out
    if result.error is None and result.changed:
        if job.stdout_diff:
            out.diff = unified_diff(task.shown, result.source, result.output)
        if task.patch_path is not None:
            out.patch = (out.diff if out.diff and task.patch_path == task.shown
                         else unified_diff(task.patch_path, result.source, result.output))
        if job.write and task.path != "-":
            try:
                write_atomic(SourceFile(task.path, text, raw), result.output)
                out.written = True
            except FileError as exc:
                out.error, out.error_line = exc.message, None
    if job.mode == "fix" and task.path == "-" and result.error is None:
        out.diff = result.output  # `fix -` prints the rewritten file
    out.result = CLEAN if (not result.findings and not result.notes and not result.build_requirements
                           and result.error is None and not result.changed) else Lite.of(result)
    return out


# --- worker processes ----------------------------------------------------------------

_JOB: Job | None = None


def _init(job: Job) -> None:
    global _JOB
    _JOB = job


def process_guarded(task: Task, job: Job, raw: bytes | None = None) -> Outcome:
    """`process`, but a bug on one file is that file's error, not the end of a 10,000-file run."""
    try:
        return process(task, job, raw)
    except Exception as exc:  # pragma: no cover - only reached through a bug
        return Outcome(task.shown, error=f"internal error ({type(exc).__name__}); please report it", error_line=None)


def _plain_clean(o: Outcome) -> bool:
    return (o.result is CLEAN and o.error is None and not o.written and not o.diff and not o.patch
            and o.needs is None and not o.realpath)


def _chunk(tasks: list[Task]) -> list[Outcome | None]:
    """Outcomes of a worker's chunk; None for a clean file with nothing else to say (most
    files): the parent rebuilds those, so they are not pickled."""
    assert _JOB is not None
    return [None if _plain_clean(o) else o for o in (process_guarded(t, _JOB) for t in tasks)]


def _outcomes(tasks: list[Task], outcomes: list[Outcome | None]):
    for t, o in zip(tasks, outcomes):
        yield Outcome(t.shown, result=CLEAN) if o is None else o


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_tasks(tasks: list[Task], job: Job, jobs: int):
    """Outcomes of ``tasks`` in order; a process pool when there are enough files."""
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_FILES:
        for t in tasks:
            yield process_guarded(t, job)
        return
    import multiprocessing

    method = "fork" if sys.platform.startswith("linux") else None
    ctx = multiprocessing.get_context(method)
    jobs = min(jobs, (len(tasks) + CHUNK - 1) // CHUNK)
    size = max(8, min(CHUNK, len(tasks) // (jobs * 4) or 1))
    chunks = (tasks[i:i + size] for i in range(0, len(tasks), size))
    pool = ctx.Pool(jobs, initializer=_init, initargs=(job,))
    try:
        pending: deque = deque()
        for c in chunks:
            pending.append((c, pool.apply_async(_chunk, (c,))))
            if len(pending) >= 3 * jobs:  # bounded: at most this many chunks in flight
                c, res = pending.popleft()
                yield from _outcomes(c, res.get())
        while pending:
            c, res = pending.popleft()
            yield from _outcomes(c, res.get())
        pool.close()
    finally:
        pool.terminate()
        pool.join()
