"""Command line: check / diff / fix, plus rules and explain.

Exit codes: check 0 clean, 1 findings; diff 0 no change, 1 changes; fix 0
(1 with --exit-non-zero-on-fix when a file changed); 2 on any error.
"""

from __future__ import annotations

import sys
from dataclasses import replace

import click

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
    f = bulk_options(f)
    f = click.argument("paths", nargs=-1, required=False)(f)  # none: "." (how bulk-change engines call it)
    return f


def bulk_options(f):
    """--jobs / --patch-dir / --shard (see migrate/bulk.py)."""
    f = click.option("--shard", default=None, metavar="K/N",
                     help="Only the K-th of N shares of the path arguments (sorted, dealt round-robin).")(f)
    f = click.option("--patch-dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
                     help="Write one `git apply`-able patch per repository into DIR.")(f)
    f = click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, metavar="N",
                     help="Worker processes for large runs (default 0: all cores; 1: in-process).")(f)
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


def run(mode: str, paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename,
        exit_non_zero_on_fix: bool = False, jobs: int = 0, patch_dir: str | None = None,
        shard: str | None = None) -> int:
    from . import bulk

    paths = tuple(paths) or (".",)
    try:
        settings, excludes = _settings(select, ignore, config_path, isolated, frontend, exclude)
    except UsageFailure as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    return bulk.run(mode, paths, fmt, settings, excludes, stdin_filename, exit_non_zero_on_fix,
                    jobs=jobs, patch_dir=patch_dir, shard=shard)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dockerfile-migrate")
def main() -> None:
    """Find build secrets leaking into Docker images and migrate Dockerfiles to
    BuildKit secret and SSH mounts."""


@main.command()
@common_options
def check(paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename, jobs, patch_dir,
          shard):
    """Report findings. Exit 0: none, 1: findings, 2: error."""
    sys.exit(run("check", paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename,
                 jobs=jobs, patch_dir=patch_dir, shard=shard))


@main.command()
@common_options
def diff(paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename, jobs, patch_dir,
          shard):
    """Print the migration as a unified diff; write nothing. Exit 0: no change, 1: changes, 2: error."""
    sys.exit(run("diff", paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename,
                 jobs=jobs, patch_dir=patch_dir, shard=shard))


@main.command()
@common_options
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when a file was rewritten.")
def fix(paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename, exit_non_zero_on_fix,
        jobs, patch_dir, shard):
    """Rewrite files in place. Exit 0 (changed or not), 2: error."""
    sys.exit(run("fix", paths, fmt, select, ignore, config_path, isolated, frontend, exclude, stdin_filename,
                 exit_non_zero_on_fix, jobs=jobs, patch_dir=patch_dir, shard=shard))


@main.command()
def rules():
    """List the rules."""
    from .callers import CALLER_RULES
    from .rules import ALL_RULES

    for r in ALL_RULES + CALLER_RULES:
        click.echo(f"{r.code}  {r.name:<24} {r.summary()}")


def _complete_rule(ctx, param, incomplete: str):
    """Shell completion for rule codes and names (`explain DM1<TAB>`)."""
    from click.shell_completion import CompletionItem

    from .callers import CALLER_RULES
    from .rules import ALL_RULES

    low = incomplete.lower()
    return [CompletionItem(r.code, help=r.name) for r in ALL_RULES + CALLER_RULES if r.code.lower().startswith(low)] + \
        [CompletionItem(r.name, help=r.code) for r in ALL_RULES + CALLER_RULES if low and r.name.startswith(low)]


@main.command()
@click.argument("code", required=False, shell_complete=_complete_rule)
@click.option("--all", "show_all", is_flag=True, help="Print the documentation of every rule.")
def explain(code, show_all):
    """Print a rule's documentation: why it leaks, bad and good examples, build flags."""
    from .callers import CALLER_RULES
    from .rules import ALL_RULES

    if show_all or code is None:
        if not show_all:
            click.echo("error: give a rule code (see `dockerfile-migrate rules`) or --all", err=True)
            sys.exit(2)
        click.echo("\n\n".join(f"{r.code} ({r.name})\n\n{r.doc()}" for r in ALL_RULES + CALLER_RULES))
        return
    for r in ALL_RULES + CALLER_RULES:
        if r.code == code.upper() or r.name == code.lower():
            click.echo(f"{r.code} ({r.name})\n\n{r.doc()}")
            return
    click.echo(f"error: unknown rule {code!r}; see `dockerfile-migrate rules`", err=True)
    sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
