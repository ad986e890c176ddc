"""The all-repos autofixer, for real: local bare repositories listed by a JSON
file (all_repos.source.json_file), cloned with `all-repos-clone`, fixed with
`python -m migrate.integrations.all_repos`; no network."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

if os.environ.get("CI") == "true":
    import all_repos  # noqa: F401  (in CI the `test` extra installs it: a missing package fails, not skips)
else:
    pytest.importorskip("all_repos")

LEAKY = "FROM alpine:3.20\nARG THEPASSWORD\nRUN ./use_secret.sh\n"
FIXED = ("# syntax=docker/dockerfile:1\nFROM alpine:3.20\n"
         "RUN --mount=type=secret,id=THEPASSWORD,env=THEPASSWORD,required ./use_secret.sh\n")
CLEAN = "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
BRANCH = "refs/heads/all-repos_autofix_dockerfile-migrate"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}


def git(*args, cwd=None):
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def bare_repo(base, name, files):
    bare = base / "remotes" / f"{name}.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    work = base / "seed" / name
    git("init", "-q", "-b", "main", str(work))
    for rel, text in files.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text)
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "init", cwd=work)
    git("push", "-q", str(bare), "main", cwd=work)
    return bare


def file_at(bare, ref, path):
    return git("--git-dir", str(bare), "show", f"{ref}:{path}")


def branches(bare):
    return set(git("--git-dir", str(bare), "for-each-ref", "--format=%(refname)", "refs/heads").split())


@pytest.fixture
def fleet(tmp_path):
    repos = {
        "leaky": bare_repo(tmp_path, "leaky", {"Dockerfile": LEAKY, "README.md": "x\n"}),
        "clean": bare_repo(tmp_path, "clean", {"Dockerfile": CLEAN}),
        "nested": bare_repo(tmp_path, "nested", {
            "svc/api/Dockerfile": LEAKY,
            "docker-compose.yml": ("services:\n  api:\n    build:\n      context: svc/api\n"
                                   "      args:\n        THEPASSWORD: ${THEPASSWORD}\n"),
        }),
        "nodocker": bare_repo(tmp_path, "nodocker", {"main.py": "print(1)\n"}),
    }
    listing = tmp_path / "repos.json"
    listing.write_text(json.dumps({name: str(path) for name, path in repos.items()}))
    config = tmp_path / "all-repos.json"
    config.write_text(json.dumps({
        "output_dir": "output",
        "source": "all_repos.source.json_file",
        "source_settings": {"filename": str(listing)},
        "push": "migrate.integrations.all_repos",
        "push_settings": {},
    }))
    os.chmod(config, 0o600)
    env = {**os.environ, **GIT_ENV}
    env.pop("DRY_RUN", None)
    subprocess.run([sys.executable, "-m", "all_repos.clone", "-C", str(config)], cwd=tmp_path, env=env,
                   check=True, capture_output=True)
    return tmp_path, config, repos, env


def autofix(fleet, *args):
    tmp_path, config, _repos, env = fleet
    return subprocess.run([sys.executable, "-m", "migrate.integrations.all_repos", "-C", str(config), *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True)


def test_autofix_commits_on_a_branch_only_where_something_changed(fleet):
    _tmp, _config, repos, _env = fleet
    r = autofix(fleet)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Errored" not in r.stdout, r.stdout
    # Migrated repositories: a branch with one commit on top of main holding the migration.
    for name, path in (("leaky", "Dockerfile"), ("nested", "svc/api/Dockerfile")):
        bare = repos[name]
        assert BRANCH in branches(bare), name
        assert file_at(bare, BRANCH, path) == FIXED
        assert file_at(bare, "refs/heads/main", path) == LEAKY  # main untouched
        log = git("--git-dir", str(bare), "log", "--format=%s", f"main..{BRANCH}").splitlines()
        assert log == ["Move build secrets to BuildKit secret/SSH mounts (dockerfile-migrate)"]
        changed = git("--git-dir", str(bare), "diff", "--name-only", "main", BRANCH).split()
        assert path in changed and all(not c.startswith(".dockerfile-migrate") for c in changed)
    # The Compose caller moved with its Dockerfile.
    compose = file_at(repos["nested"], BRANCH, "docker-compose.yml")
    assert "secrets:" in compose and "args:" not in compose
    # Nothing to migrate, or no Dockerfile at all: no branch.
    assert branches(repos["clean"]) == {"refs/heads/main"}
    assert branches(repos["nodocker"]) == {"refs/heads/main"}


def test_dry_run_and_repos_and_shard(fleet):
    tmp_path, _config, repos, _env = fleet
    r = autofix(fleet, "--dry-run")
    assert r.returncode == 0, r.stdout + r.stderr
    assert all(b == {"refs/heads/main"} for b in map(branches, repos.values()))
    # --repos limits the run; --shard splits the list (2 shares of 1 repository: one is empty).
    only = str(tmp_path / "output" / "leaky")
    r = autofix(fleet, "--repos", only, "--shard", "2/2")
    assert r.returncode == 0 and branches(repos["leaky"]) == {"refs/heads/main"}
    r = autofix(fleet, "--repos", only, "--shard", "1/2")
    assert r.returncode == 0, r.stdout + r.stderr
    assert BRANCH in branches(repos["leaky"])
    assert branches(repos["nested"]) == {"refs/heads/main"}
