"""Command line: check / diff / fix, plus rules and explain.

Exit codes: check 0 clean, 1 findings; diff 0 no change, 1 changes; fix 0
(1 with --exit-non-zero-on-fix when a file changed); 2 on any error.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace

import click
from rich.console import Console

from . import __version__

FORMATS = ("text", "json", "sarif", "github")


def _codes(value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset(c.strip().upper() for c in value.split(",") if c.strip())


def common_options(f):
    f = click.option("--stdin-filename", default="Dockerfile", show_default=True,
                     help="Name shown for input read from `-`.")(f)
    f = click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB (repeatable).")(f)
    f = click.option("--frontend", type=click.Choice(["modern", "legacy"]), default=None,
                     help="legacy: no `# syntax` directive and no `env=` (builders that cannot fetch a frontend).")(f)
    f = click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
                     help="Config file (default: nearest .dockerfile-migrate.toml or pyproject.toml).")(f)
    f = click.option("--isolated", is_flag=True, help="Ignore configuration files.")(f)
    f = click.option("--ignore", default=None, metavar="CODES", help="Comma-separated rule codes to skip.")(f)
    f = click.option("--select", default=None, metavar="CODES", help="Comma-separated rule codes to run.")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)(f)
    f = click.argument("paths", nargs=-1, required=True)(f)
    return f


class UsageFailure(Exception):
    pass


def _settings(select, ignore, config_path, isolated, frontend, exclude):
    from .config import ConfigError, find_config, load_config, settings_from_config
    from .settings import Settings

    settings = Settings()
    excludes: tuple[str, ...] = ()
    path = None if isolated else (config_path or find_config())
    if path:
        try:
            settings, excludes = settings_from_config(load_config(path), path)
        except ConfigError as exc:
            raise UsageFailure(str(exc)) from None
    if select is not None:
        settings = replace(settings, select=_codes(select))
    if ignore is not None:
        settings = replace(settings, ignore=_codes(ignore) or frozenset())
    if frontend:
        settings = replace(settings, frontend=frontend)
    return settings, excludes + tuple(exclude)


def _context_reader(dockerfile_path: str):
    """Read-only access to files of the build context (the Dockerfile's folder)."""
    root = os.path.realpath(os.path.dirname(os.path.abspath(dockerfile_path)))

    def read(rel: str) -> str | None:
        full = os.path.realpath(os.path.join(root, rel))
        if not (full == root or full.startswith(root + os.sep)) or not os.path.isfile(full):
            return None
        try:
            with open(full, "rb") as f:
                raw = f.read(1 << 20)
            return raw.decode("utf-8", errors="replace")
        except OSError:
            return None

    return read


def _emit(mode: str, path: str, src, fr, diffs: list[str], stdout) -> None:
    """Collect the diff (`diff`) or write the file (`fix`) for one processed file."""
    from .diffing import unified_diff
    from .files import FileError, write_atomic

    result = fr.result
    if result is None or result.error is not None:
        return
    if mode == "diff" and result.changed:
        diffs.append(unified_diff(fr.path, result.source, result.output))
    elif mode == "fix":
        if path == "-":
            stdout.write(result.output)
        elif result.changed:
            try:
                write_atomic(src, result.output)
                fr.written = True
            except FileError as exc:
                fr.error, fr.error_line = exc.message, None


def run(mode: str, paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename,
        exit_non_zero_on_fix: bool = False) -> int:
    from .discovery import discover, discover_callers, display_path
    from .engine import migrate_source
    from .files import FileError, SourceFile, decode, read_source
    from .project import run_callers
    from .report import FileReport, RunSummary, dump_json, to_json, to_sarif, write_github, write_text

    err_console = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        settings, excludes = _settings(select, ignore, config_path, isolated, frontend, exclude)
    except UsageFailure as exc:
        err_console.print(f"error: {exc}", markup=False)
        return 2
    summary = RunSummary()
    stdout = sys.stdout
    # With `fix -` the rewritten file goes to stdout, so reports go to stderr.
    report_out = sys.stderr if (mode == "fix" and "-" in paths) else stdout
    diffs: list[str] = []
    dockerfiles: list = []  # (path, shown, Result) for the callers
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    for p in missing:
        summary.files.append(FileReport(display_path(p), error="no such file or directory"))
    for path in discover([p for p in paths if p not in missing], excludes):
        shown = stdin_filename if path == "-" else display_path(path)
        fr = FileReport(shown)
        summary.files.append(fr)
        try:
            if path == "-":
                raw = sys.stdin.buffer.read()
                src = SourceFile("-", decode(shown, raw), raw)
            else:
                src = read_source(path)
        except FileError as exc:
            fr.error, fr.error_line = exc.message, exc.line
            continue
        file_settings = replace(settings, read_context=_context_reader(path if path != "-" else "."))
        result = migrate_source(src.text, file_settings, shown)
        fr.result = result
        dockerfiles.append((path, shown, result))
        _emit(mode, path, src, fr, diffs, stdout)

    # Callers (Compose, scripts, Makefiles, CI) move with the Dockerfiles of this run.
    callers = discover_callers([p for p in paths if p not in missing], excludes)
    for cr in run_callers(dockerfiles, callers, settings, display_path):
        fr = FileReport(cr.shown, kind=cr.kind)
        summary.files.append(fr)
        if cr.error is not None:
            fr.error, fr.error_line = cr.error, cr.error_line
            continue
        fr.result = cr.result
        _emit(mode, cr.path, cr.src, fr, diffs, stdout)

    for fr in summary.files:
        msg = fr.error_text()
        if msg:
            err_console.print(f"error: {msg}", markup=False)
    if mode == "diff":
        stdout.write("".join(diffs))
    if fmt == "json":
        dump_json(to_json(summary), report_out)
    elif fmt == "sarif":
        dump_json(to_sarif(summary), report_out)
    elif fmt == "github":
        write_github(summary, report_out)
    elif mode == "diff":
        # The patch owns stdout; the human summary goes to stderr.
        write_text(summary, Console(stderr=True, highlight=False, soft_wrap=True), mode)
    else:
        console = Console(file=report_out, highlight=False, soft_wrap=True)
        write_text(summary, console, mode)
    if not any(fr.kind == "dockerfile" for fr in summary.files):
        err_console.print("warning: no Dockerfiles found", markup=False)
    if summary.errors:
        return 2
    if mode == "check":
        return 1 if summary.findings else 0
    if mode == "diff":
        return 1 if summary.changed else 0
    return 1 if (exit_non_zero_on_fix and summary.changed) else 0


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dockerfile-migrate")
def main() -> None:
    """Find build secrets leaking into Docker images and migrate Dockerfiles to
    BuildKit secret and SSH mounts."""


@main.command()
@common_options
def check(paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename):
    """Report findings. Exit 0: none, 1: findings, 2: error."""
    sys.exit(run("check", paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename))


@main.command()
@common_options
def diff(paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename):
    """Print the migration as a unified diff; write nothing. Exit 0: no change, 1: changes, 2: error."""
    sys.exit(run("diff", paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename))


@main.command()
@common_options
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when a file was rewritten.")
def fix(paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename, exit_non_zero_on_fix):
    """Rewrite files in place. Exit 0 (changed or not), 2: error."""
    sys.exit(run("fix", paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename,
                 exit_non_zero_on_fix))


@main.command()
def rules():
    """List the rules."""
    from .callers import CALLER_RULES
    from .rules import ALL_RULES

    for r in ALL_RULES + CALLER_RULES:
        click.echo(f"{r.code}  {r.name:<24} {r.summary()}")


@main.command()
@click.argument("code")
def explain(code):
    """Print a rule's documentation: why it leaks, bad and good examples, build flags."""
    from .callers import CALLER_RULES
    from .rules import ALL_RULES

    for r in ALL_RULES + CALLER_RULES:
        if r.code == code.upper() or r.name == code.lower():
            click.echo(f"{r.code} ({r.name})\n\n{r.doc()}")
            return
    click.echo(f"error: unknown rule {code!r}; see `dockerfile-migrate rules`", err=True)
    sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
