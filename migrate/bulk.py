"""The run behind `check` / `diff` / `fix`: many files, many repositories.

Path arguments are grouped by repository (the git work tree holding them, else
the folder given; loose files outside git belong to the working directory).
Each group's Dockerfiles go through `parallel.run_tasks` (a process pool for
large runs), then its callers (Compose, scripts, CI) in this process. Output
is streamed in file order: diffs, finding lines, JSON file entries; only
totals, per-repository counts and what the final text summary lists are kept,
so memory does not grow with the number of clean files.

Bulk extras: `--patch-dir` (one `git apply`-able patch per repository, paths
relative to its root), a per-repository summary table on stderr, a progress
bar when stderr is a terminal, `--shard K/N`, and `DRY_RUN=true` turning `fix`
into a diff-only run (multi-gitter, turbolift and friends set it).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field

from .discovery import clear_caches, discover_all, display_path, git_root, prefetch_git
from .jsonfmt import dumps_indented
from .parallel import CLEAN, Job, Outcome, Task, default_jobs, process_guarded, run_tasks
from .report import FileReport, console_for, file_json

# Files kept for the final text summary ("Build with:", migration summary); the rest are counted.
LISTED_MAX = 200
PROGRESS_MIN_FILES = 200


class UsageError(ValueError):
    pass


def parse_shard(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    k, sep, n = value.partition("/")
    try:
        ki, ni = int(k), int(n)
    except ValueError:
        ki = ni = 0
    if not sep or ni < 1 or not 1 <= ki <= ni:
        raise UsageError(f"--shard must be K/N with 1 <= K <= N (got {value!r})")
    return ki, ni


def select_shard(paths: list[str], shard: tuple[int, int] | None) -> list[str]:
    """The paths of shard K of N: the sorted, de-duplicated list dealt round-robin,
    so every path lands in exactly one shard whatever order the list is given in."""
    if shard is None:
        return list(paths)
    k, n = shard
    mine = {p for i, p in enumerate(sorted(set(paths))) if i % n == k - 1}
    out, seen = [], set()
    for p in paths:
        if p in mine and p not in seen:
            seen.add(p)
            out.append(p)
    return out


def dry_run_env() -> bool:
    return os.environ.get("DRY_RUN", "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class Group:
    """One repository (or folder) of the run."""

    root: str  # absolute, real; patch paths are relative to it
    name: str  # as shown
    key: str = ""
    args: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    callers: list = field(default_factory=list)
    # counts
    scanned: int = 0
    findings: int = 0
    changed: int = 0
    written: int = 0
    errors: int = 0
    callers_changed: int = 0
    needs: dict = field(default_factory=dict)  # (type, id) -> BuildRequirement callers must now pass
    patch_file: str | None = None

    def to_json(self, mode: str) -> dict:
        return {"repository": self.name, "root": self.root, "files": self.scanned, "findings": self.findings,
                "changed": self.changed, "written": self.written, "callers_changed": self.callers_changed,
                "errors": self.errors, "requirements": [r.to_json() for r in _sorted_reqs(self.needs)],
                "patch": self.patch_file}


def _sorted_reqs(needs: dict) -> list:
    return sorted(needs.values(), key=lambda r: (r.type != "secret", r.id))


def plan(paths: list[str], excludes: tuple[str, ...]) -> list[Group]:
    """Group the path arguments by repository and discover their files."""
    clear_caches()
    prefetch_git([p for p in paths if p != "-" and os.path.isdir(p)])
    groups: dict[str, Group] = {}
    cwd = os.path.realpath(os.getcwd())
    for p in paths:
        if p == "-":
            key, root = "-", cwd
        elif os.path.isdir(p):
            real = os.path.realpath(p)
            root = git_root(real) or real
            key = root
        else:
            root = git_root(os.path.dirname(os.path.realpath(p)) or ".") or cwd
            key = root
        g = groups.get(key)
        if g is None:
            name = "-" if key == "-" else display_path(root) if root != cwd else "."
            g = groups[key] = Group(root, name, key=key)
        g.args.append(p)
    out: list[Group] = []
    for g in groups.values():
        # A folder outside git holding repositories: each nested work tree is its own group.
        roots: dict[str, str] = {}
        files, callers = discover_all(g.args, excludes, roots)
        subs: dict[str, Group] = {}

        def group_of(path: str, g: Group = g, roots: dict = roots, subs: dict = subs) -> Group:
            r = roots.get(os.path.normpath(path))
            if r is None or r == g.root or g.key == "-":
                return g
            if r not in subs:
                subs[r] = Group(r, display_path(r) if r != cwd else ".")
            return subs[r]

        for f in files:
            group_of(f).files.append(f)
        for c in callers:
            group_of(c[0]).callers.append(c)
        if g.files or g.callers or not subs:
            out.append(g)
        out.extend(subs.values())
    for g in out:
        g.files = resolve_links(g.files, g.root, {p for p in g.args if not os.path.isdir(p)})
    return out


def resolve_links(files: list[str], root: str, named: set[str]) -> list[str]:
    """``files`` with each symlink that leads to a regular file inside ``root`` taken as that file
    (a patch or diff under the link's path would not `git apply`: git stores the link, not the
    text), and dropped when its target is in ``files`` too (one file, checked and written once).
    A file ``named`` on the command line outside a git work tree keeps the link's own policy
    (`files.read_bytes`), as do links that leave ``root`` or lead nowhere."""
    links = [f for f in files if f != "-" and os.path.islink(f)]
    if not links:
        return files
    in_git = git_root(root) == root
    present = {os.path.realpath(f) for f in files if f != "-" and not os.path.islink(f)}
    taken: dict[str, str] = {}
    for f in links:
        if f in named and not in_git:
            continue
        real = os.path.realpath(f)
        if _in_root(real, root) is not None and os.path.isfile(real):
            taken[f] = real
    out: list[str] = []
    for f in files:
        real = taken.get(f)
        if real is None:
            out.append(f)
        elif real not in present:
            present.add(real)
            out.append(real)
    return out


def _in_root(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` with "/" (None: outside it)."""
    full = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))
    rel = os.path.relpath(full, root)
    if rel.startswith(".."):
        return None
    return rel.replace(os.sep, "/")


class StreamSummary:
    """Totals of a streamed run, read by `report.write_text_footer` like a RunSummary."""

    def __init__(self) -> None:
        self.files: list[FileReport] = []  # only those the footer lists
        self.scanned = 0
        self.findings = 0
        self.changed = 0
        self.errors = 0
        self.fixable = 0
        self.written = 0
        self.dockerfiles = 0
        self.unlisted = 0

    def add(self, fr: FileReport, keep_all: bool) -> None:
        self.scanned += 1
        if fr.kind == "dockerfile":
            self.dockerfiles += 1
        r = fr.result
        if fr.failed:
            self.errors += 1
        if r is not None:
            self.findings += len(r.findings)
            self.fixable += sum(1 for f in r.findings if f.fixable)
            if r.changed:
                self.changed += 1
        if fr.written:
            self.written += 1
        worth = r is not None and (r.findings or r.build_requirements or r.changed or r.notes)
        if keep_all and (worth or fr.failed):
            self.files.append(fr)
        elif worth and (fr.kind != "dockerfile" or r.build_requirements):
            if len(self.files) < LISTED_MAX or fr.kind != "dockerfile":
                self.files.append(fr)
            else:
                self.unlisted += 1


class _Sinks:
    """Where each kind of output goes, in which order."""

    def __init__(self, mode: str, fmt: str, fix_stdin: bool, dry: bool):
        self.stdout = _Batched.around(sys.stdout)
        self.report_out = sys.stderr if fix_stdin else self.stdout
        diff_on_stdout = mode == "diff" or dry or fix_stdin
        # Machine reports after the diff on the same stream: spool them (bounded memory) and copy at the end.
        self.spool = None
        if fmt in ("json", "github") and diff_on_stdout and self.report_out is self.stdout:
            self.spool = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")
        self.report = self.spool or self.report_out

    def finish(self) -> None:
        if self.spool is not None:
            self.spool.seek(0)
            while True:
                block = self.spool.read(1 << 16)
                if not block:
                    break
                self.report_out.write(block)
            self.spool.close()
            self.spool = None
        self.flush()

    def flush(self) -> None:
        if isinstance(self.stdout, _Batched):
            self.stdout.flush()


class _Batched:
    """Batches the writes to a stream that is not a terminal: one system call per ~64 KB
    or 0.2 s instead of one per file report (PYTHONUNBUFFERED, common in CI and images,
    makes each write a system call). Output still streams."""

    def __init__(self, stream):
        self.stream = stream
        self.parts: list[str] = []
        self.size = 0
        self.since = time.monotonic()

    @classmethod
    def around(cls, stream):
        try:
            return stream if stream.isatty() else cls(stream)
        except (AttributeError, ValueError):
            return stream

    def write(self, text: str) -> int:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= 1 << 16 or time.monotonic() - self.since > 0.2:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self.parts:
            self.stream.write("".join(self.parts))
            self.parts.clear()
            self.size = 0
        self.stream.flush()
        self.since = time.monotonic()

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name):  # encoding, fileno, ... of the stream
        return getattr(self.stream, name)


class _Stderr:
    """Plain one-line messages on stderr (rich is imported only for tables, progress and text reports)."""

    def __init__(self) -> None:
        self.file = sys.stderr

    @property
    def is_terminal(self) -> bool:
        try:
            return self.file.isatty()
        except (AttributeError, ValueError):
            return False

    def print(self, message: str, markup: bool = False, highlight: bool = False) -> None:
        self.file.write(f"{message}\n")


def _rich_stderr():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


# The JSON entry of a clean Dockerfile (most files), with %s for its path: file_json's own.
_CLEAN_JSON = "    " + dumps_indented(file_json(FileReport("", result=CLEAN)), "    ").replace(
    '"path": ""', '"path": %s', 1)


def run(mode: str, paths, fmt: str, settings, excludes: tuple[str, ...], stdin_filename: str,
        exit_non_zero_on_fix: bool = False, jobs: int | None = None, patch_dir: str | None = None,
        shard: str | None = None) -> int:
    from .report import dump_json, to_sarif, write_file_text, write_github, write_text_footer

    err_console = _Stderr()
    try:
        selected = select_shard(list(paths), parse_shard(shard))
    except UsageError as exc:
        err_console.print(f"error: {exc}", markup=False)
        return 2
    dry = mode == "fix" and dry_run_env()
    fix_stdin = mode == "fix" and "-" in selected
    sinks = _Sinks(mode, fmt, fix_stdin, dry)
    stdout = sinks.stdout
    job = Job(mode, settings, write=(mode == "fix" and not dry), stdout_diff=(mode == "diff" or dry))
    jobs = default_jobs() if not jobs or jobs < 1 else jobs
    if patch_dir:
        try:
            os.makedirs(patch_dir, exist_ok=True)
            probe = tempfile.NamedTemporaryFile(dir=patch_dir, prefix=".dm-probe-")
            probe.close()
        except OSError as exc:
            err_console.print(f"error: --patch-dir {patch_dir}: {exc.strerror or exc}", markup=False)
            return 2

    summary = StreamSummary()
    keep_all = fmt == "sarif"  # one document listing every finding
    text_console = None
    if fmt == "text":
        text_console = console_for(sys.stderr if (mode == "diff" or dry) else sinks.report_out,
                                   highlight=False, soft_wrap=True)
    json_first = [True]
    if fmt == "json":
        from . import __version__

        sinks.report.write('{\n  "version": 1,\n  "tool": ' + json.dumps({"name": "dockerfile-migrate",
                                                                       "version": __version__})
                           + ',\n  "files": [')

    def emit_report(fr: FileReport) -> None:
        """Stream one file's report lines."""
        if fmt == "text":
            if fr.result is not None and (fr.result.findings or fr.result.notes):
                write_file_text(fr, progress_console or text_console, mode)
        elif fmt == "json":
            if fr.result is CLEAN and fr.error is None and not fr.written and fr.kind == "dockerfile":
                # Most files: the entry file_json would give, without building and dumping it.
                sinks.report.write(("\n" if json_first[0] else ",\n") + _CLEAN_JSON % json.dumps(fr.path))
                json_first[0] = False
                return
            d = file_json(fr)
            sinks.report.write(("\n    " if json_first[0] else ",\n    ") + dumps_indented(d, "    "))
            json_first[0] = False
        elif fmt == "github":
            one = _Single(fr)
            write_github(one, sinks.report)

    # Missing paths are reported and the others go on.
    missing = [p for p in selected if p != "-" and not os.path.lexists(p)]
    groups = plan([p for p in selected if p not in missing], excludes)
    total = sum(len(g.files) for g in groups)
    progress = progress_console = None
    if err_console.is_terminal and total >= PROGRESS_MIN_FILES and fmt != "sarif":
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=_rich_stderr(), transient=True)
        progress.start()
        bar = progress.add_task(mode, total=total)
        if text_console is not None and text_console.is_terminal:
            progress_console = progress.console

    def record(fr: FileReport, group: Group | None) -> None:
        summary.add(fr, keep_all)
        msg = fr.error_text()
        if msg:
            (progress.console if progress is not None else err_console).print(f"error: {msg}", markup=False)
        if group is not None:
            group.scanned += 1
            r = fr.result
            group.errors += 1 if fr.failed else 0
            if r is not None:
                group.findings += len(r.findings)
                if r.changed:
                    if fr.kind == "dockerfile":
                        group.changed += 1
                        for req in r.build_requirements:
                            group.needs.setdefault((req.type, req.id), req)
                    else:
                        group.callers_changed += 1
            group.written += 1 if fr.written else 0
        emit_report(fr)

    def patch_write(group: Group, text: str) -> None:
        if not patch_dir or not text:
            return
        if group.patch_file is None:
            group.patch_file = _patch_name(patch_dir, group, groups)
            with open(group.patch_file, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        else:
            with open(group.patch_file, "a", encoding="utf-8", newline="") as f:
                f.write(text)

    try:
        for p in missing:
            record(FileReport(display_path(p), error="no such file or directory"), None)
        tasks_by_group = []
        for g in groups:
            for path in g.files:
                shown = stdin_filename if path == "-" else display_path(path)
                patch_path = None
                if patch_dir and path != "-":
                    patch_path = _in_root(path, g.root) or shown
                tasks_by_group.append((g, Task(path, shown, patch_path, bool(g.callers))))
        stdin_raw = None
        if any(t.path == "-" for _g, t in tasks_by_group):
            stdin_raw = sys.stdin.buffer.read()

        def outcomes():
            plain = [t for _g, t in tasks_by_group if t.path != "-"]
            it = run_tasks(plain, job, jobs)
            for g, t in tasks_by_group:
                yield g, (process_guarded(t, job, stdin_raw) if t.path == "-" else next(it))

        pending_needs: dict = {}
        remaining = {id(g): len(g.files) for g in groups}

        def finish_group(g: Group) -> None:
            """Callers of the group, once all its Dockerfiles are done."""
            index = pending_needs.pop(id(g), {})
            if not g.callers:
                return
            from .project import run_callers_with  # callers bring ruamel.yaml: only when there are some

            for cr in run_callers_with(index, g.callers, settings, display_path):
                fr = FileReport(cr.shown, kind=cr.kind)
                if cr.error is not None:
                    fr.error, fr.error_line = cr.error, cr.error_line
                else:
                    fr.result = cr.result
                    _caller_output(mode, dry, cr, fr, g, stdout, patch_write, job)
                record(fr, g)

        for g in groups:
            if not g.files:
                finish_group(g)
        for g, out in outcomes():
            fr = _file_report(out)
            if out.needs is not None:
                pending_needs.setdefault(id(g), {})[out.realpath] = out.needs
            if out.diff:
                stdout.write(out.diff)
            patch_write(g, out.patch)
            record(fr, g)
            if progress is not None:
                progress.advance(bar)
            remaining[id(g)] -= 1
            if remaining[id(g)] == 0:
                finish_group(g)
    finally:
        sinks.flush()
        if progress is not None:
            progress.stop()

    # Reports that need the whole run.
    if fmt == "json":
        tail = {"summary": {"files": summary.scanned, "findings": summary.findings, "changed": summary.changed,
                            "errors": summary.errors},
                "repositories": [g.to_json(mode) for g in groups]}
        body = json.dumps(tail, indent=2)
        sinks.report.write(("\n  ]" if not json_first[0] else "]") + ",\n" + body[2:])
        sinks.report.write("\n")
    elif fmt == "sarif":
        dump_json(to_sarif(summary), sinks.report)
    elif fmt == "text":
        write_text_footer(summary, text_console, "diff" if dry else mode)
        if summary.unlisted:
            text_console.print(f"({summary.unlisted} more Dockerfiles need build flags; "
                               "see --format json)", markup=False, highlight=False)
    sinks.finish()
    if dry:
        err_console.print("DRY_RUN is set: nothing was written.", markup=False)
    if len(groups) > 1 or patch_dir:
        _table(groups, mode, dry, console_for(sys.stderr, highlight=False, soft_wrap=True))
    if summary.dockerfiles == 0:
        err_console.print("warning: no Dockerfiles found", markup=False)
    if summary.errors:
        return 2
    if mode == "check":
        return 1 if summary.findings else 0
    if mode == "diff":
        return 1 if summary.changed else 0
    return 1 if (exit_non_zero_on_fix and summary.changed) else 0


class _Single:
    """A one-file RunSummary for the per-file writers of report.py."""

    def __init__(self, fr: FileReport):
        self.files = [fr]


def _file_report(out: Outcome) -> FileReport:
    fr = FileReport(out.shown)
    if out.error is not None and out.result is None:
        fr.error, fr.error_line = out.error, out.error_line
        return fr
    fr.result = out.result
    fr.written = out.written
    if out.error is not None:  # a write failed
        fr.error, fr.error_line = out.error, out.error_line
    return fr


def _caller_output(mode: str, dry: bool, cr, fr: FileReport, g: Group, stdout, patch_write, job: Job) -> None:
    from .diffing import unified_diff
    from .files import FileError, write_atomic

    result = cr.result
    if result is None or result.error is not None or not result.changed:
        return
    if job.stdout_diff:
        stdout.write(unified_diff(fr.path, result.source, result.output))
    patch_write(g, unified_diff(_in_root(cr.path, g.root) or fr.path, result.source, result.output))
    if job.write:
        try:
            write_atomic(cr.src, result.output)
            fr.written = True
        except FileError as exc:
            fr.error, fr.error_line = exc.message, None


def _patch_name(patch_dir: str, group: Group, groups: list[Group]) -> str:
    base = os.path.basename(group.root.rstrip(os.sep)) or "root"
    base = "".join(c if c.isalnum() or c in "-_." else "_" for c in base).lstrip(".") or "repo"
    same = [g for g in groups if (os.path.basename(g.root.rstrip(os.sep)) or "root") ==
            (os.path.basename(group.root.rstrip(os.sep)) or "root")]
    if len(same) > 1:
        base += f"-{same.index(group) + 1}"
    return os.path.join(patch_dir, base + ".patch")


def _needs_cell(needs: dict, shown: int = 4) -> str:
    """`--secret`/`--ssh` ids callers must now pass, the first few (the JSON report has them all)."""
    reqs = _sorted_reqs(needs)
    if not reqs:
        return "-"
    names = [f"ssh {r.id}" if r.type == "ssh" else r.id for r in reqs]
    cell = ", ".join(names[:shown])
    return cell + (f" (+{len(names) - shown} more)" if len(names) > shown else "")


def _table(groups: list[Group], mode: str, dry: bool, console) -> None:
    done = "rewritten" if mode == "fix" and not dry else "to rewrite"
    title = "dockerfile-migrate: per repository"
    columns = ("repository", "files", "findings", f"Dockerfiles {done}", "callers updated",
               "secrets callers must now pass", "patch")
    left = {0, 5, 6}  # text columns; the counts are right-aligned
    rows = [(g.name, str(g.scanned), str(g.findings), str(g.changed), str(g.callers_changed),
             _needs_cell(g.needs), display_path(g.patch_file) if g.patch_file else "-") for g in groups]
    if not console.is_terminal:
        # A log (CI, a pipe): plain aligned columns, one line per repository; rich's table costs
        # more than the whole run for hundreds of repositories and folds cells at 80 columns.
        widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]

        def line(cells) -> str:
            return "  ".join(c.ljust(w) if i in left else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        console.file.write("\n".join([title, line(columns), *map(line, rows)]) + "\n")
        return
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i in left else "right", overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
