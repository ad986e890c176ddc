"""An all-repos autofixer: migrate every cloned repository that has a Dockerfile.

    all-repos-clone -C all-repos.json
    python -m migrate.integrations.all_repos -C all-repos.json [--dry-run] [--repos PATH...]
        [--jobs N] [--limit N] [--author A] [--shard K/N] [--select CODES] [--ignore CODES]
        [--frontend legacy] [--branch NAME] [--message MSG]

For each repository (all-repos clones it to a temporary directory and checks
out a branch `all-repos_autofix_<branch>` from origin/HEAD) this runs
`dockerfile-migrate fix` in the repository root, then `dockerfile-migrate diff`
as the check (a second run must change nothing). A repository where nothing
changed gets no commit; one with changes gets a commit on that branch, pushed
by the push module of the all-repos configuration. A failing run (a file that
does not parse, a write error) leaves the repository alone.

This module is also an all-repos *push* module that pushes the branch to the
repository's origin (no pull request: for forges all-repos has no API module
for, for review in bulk, or for tests):

    {"push": "migrate.integrations.all_repos", "push_settings": {}}
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Sequence
from typing import NamedTuple

# Dockerfile names as discovery.is_dockerfile_name understands them (for `all-repos` file search).
DOCKERFILE_RE = r"(^|/)(Dockerfile|Containerfile)(\.[^/]*)?$|\.[Dd]ockerfile$"
BRANCH = "dockerfile-migrate"
MESSAGE = ("Move build secrets to BuildKit secret/SSH mounts (dockerfile-migrate)\n\n"
           "Secrets passed as build args or ENV end up in the image history; they are now\n"
           "mounted for the RUN steps that use them. Builds need the flags listed by\n"
           "`dockerfile-migrate check` (--secret id=...,env=... / --ssh default).")


def _lib():
    try:
        from all_repos import autofix_lib
    except ImportError:  # pragma: no cover - depends on the environment
        raise SystemExit("This tool requires the `all-repos` package: pip install all-repos") from None
    return autofix_lib


def _cli_args(args: argparse.Namespace) -> tuple[str, ...]:
    out: list[str] = []
    if args.select:
        out += ["--select", args.select]
    if args.ignore:
        out += ["--ignore", args.ignore]
    if args.frontend:
        out += ["--frontend", args.frontend]
    return tuple(out)


def find_repos(config) -> list[str]:
    """Cloned repositories with at least one Dockerfile (all-repos `find_files`)."""
    from all_repos.find_files import find_files

    return sorted(find_files(config, DOCKERFILE_RE))


def apply_fix(extra: tuple[str, ...] = ()) -> None:
    """Run in the repository root (all-repos' cwd): rewrite in place."""
    _lib().run(sys.executable, "-m", "migrate.cli", "fix", *extra)


def check_fix(extra: tuple[str, ...] = ()) -> None:
    """A second run changes nothing (exit 1 would stop this repository's commit)."""
    _lib().run(sys.executable, "-m", "migrate.cli", "diff", "--format", "text", *extra)


def main(argv: Sequence[str] | None = None) -> int:
    autofix_lib = _lib()
    from ..bulk import UsageError, parse_shard, select_shard

    parser = argparse.ArgumentParser(prog="python -m migrate.integrations.all_repos",
                                     description="Migrate Docker build secrets in every repository (all-repos).")
    autofix_lib.add_fixer_args(parser)
    parser.add_argument("--shard", metavar="K/N", help="only the K-th of N shares of the repositories")
    parser.add_argument("--select", metavar="CODES", help="rule codes to run (passed to dockerfile-migrate)")
    parser.add_argument("--ignore", metavar="CODES", help="rule codes to skip (passed to dockerfile-migrate)")
    parser.add_argument("--frontend", choices=("modern", "legacy"))
    parser.add_argument("--branch", default=BRANCH, help="branch name suffix (default %(default)s)")
    parser.add_argument("--message", default=MESSAGE, help="commit message")
    args = parser.parse_args(argv)
    try:
        shard = parse_shard(args.shard)
    except UsageError as exc:
        parser.error(str(exc))

    repos, config, commit, settings = autofix_lib.from_cli(
        args, find_repos=find_repos, msg=args.message, branch_name=args.branch)
    repos = select_shard(list(repos), shard)
    extra = _cli_args(args)
    autofix_lib.fix(
        repos,
        apply_fix=functools.partial(apply_fix, extra),
        check_fix=functools.partial(check_fix, extra),
        config=config,
        commit=commit,
        autofix_settings=settings,
    )
    return 0


# --- all-repos push module: push the autofix branch to origin -------------------------

class Settings(NamedTuple):
    remote: str = "origin"


def push(settings: Settings, branch_name: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", branch_name):
        raise ValueError(f"unexpected branch name {branch_name!r}")
    _lib().run("git", "push", "--quiet", settings.remote, f"HEAD:refs/heads/{branch_name}")


if __name__ == "__main__":
    raise SystemExit(main())
