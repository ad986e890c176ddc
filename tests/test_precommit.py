"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real `pre-commit` package
against local git repositories.

pre-commit clones the hook repository (here: a local snapshot of this working tree,
committed to a temporary git repository, so uncommitted and untracked changes are what
gets tested) and pip-installs it into a virtualenv of its own; that install needs PyPI
for click/rich/ruamel.yaml, nothing else touches the network. Two environments are built
per session (about 15 s each, built concurrently): one by `pre-commit try-repo` (which
always uses a throwaway store) and one shared by the `pre-commit run` tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checkout import copy_package

ROOT = Path(__file__).resolve().parents[1]
LEAKY = "FROM alpine:3.20\nARG NPM_TOKEN\nRUN npm ci\n"
FIXED = "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci\n"
CLEAN = "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
COMPOSE = "services:\n  web:\n    build:\n      context: .\n      args:\n        NPM_TOKEN: ${NPM_TOKEN}\n"
COMPOSE_FIXED = ("services:\n  web:\n    build:\n      context: .\n      secrets:\n        - NPM_TOKEN\n\n"
                 "secrets:\n  NPM_TOKEN:\n    environment: NPM_TOKEN\n")
# What `pip install .` needs (pyproject.toml names README.md as the readme).
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "migrate")


def git(cwd, *args) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=cwd, env=_env(), check=True, capture_output=True, text=True).stdout


def _env(home: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PRE_COMMIT_COLOR="never", NO_COLOR="1")
    if home is not None:
        env["PRE_COMMIT_HOME"] = str(home)
    return env


def pre_commit(cwd, home, *args) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "-m", "pre_commit", *args, "--color", "never"], cwd=cwd, env=_env(home),
                       capture_output=True, text=True, timeout=600)
    if "Installing environment" in r.stdout and "An unexpected error has occurred" in r.stdout + r.stderr:
        pytest.fail(f"pre-commit could not install the hook environment (PyPI needed):\n{r.stdout}\n{r.stderr}")
    return r


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This working tree's package files committed to a fresh local git repository."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    snap = tmp_path_factory.mktemp("hook-repo")
    copy_package(snap, PACKAGE_FILES)
    git(snap, "init", "-q")
    git(snap, "add", "-A")
    git(snap, "commit", "-q", "-m", "snapshot")
    return snap, git(snap, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def _pc_warmup(tmp_path_factory, hook_repo):
    """Starts building the shared hook environment in the background (`pre-commit
    install-hooks`), so that it overlaps with the try-repo test's own install."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    repo = sample_repo(tmp_path_factory.mktemp("warmup"), {"Dockerfile": CLEAN},
                       ["dockerfile-migrate", "dockerfile-migrate-fix", "dockerfile-migrate-project",
                        "dockerfile-migrate-fix-project"], hook_repo)
    proc = subprocess.Popen([sys.executable, "-m", "pre_commit", "install-hooks", "--color", "never"], cwd=repo,
                            env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield home, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture
def pc_home(_pc_warmup) -> Path:
    home, proc = _pc_warmup
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"pre-commit install-hooks failed (pip needs PyPI):\n{out}"
    return home


def sample_repo(path: Path, files: dict[str, str], hooks=None, hook_repo=None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    if hooks:
        repo, rev = hook_repo
        (path / ".pre-commit-config.yaml").write_text(
            f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n"
            + "".join(f"      - id: {h}\n" for h in hooks))
    git(path, "add", "-A")
    return path


def status(output: str, name: str) -> str:
    """`Passed`, `Failed` or `Skipped` for the hook named `name`."""
    m = re.search(r"^" + re.escape(name) + r"\.+(?:\([^)]*\))?(Passed|Failed|Skipped)$", output, re.M)
    assert m, f"no status line for {name!r} in:\n{output}"
    return m.group(1)


def test_manifest_is_valid():
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"dockerfile-migrate", "dockerfile-migrate-fix", "dockerfile-migrate-project",
                          "dockerfile-migrate-fix-project"}
    assert hooks["dockerfile-migrate"]["types"] == ["dockerfile"]
    assert hooks["dockerfile-migrate-fix"]["types"] == ["dockerfile"]
    for h in ("dockerfile-migrate-project", "dockerfile-migrate-fix-project"):
        assert hooks[h]["pass_filenames"] is False and "yaml" in hooks[h]["types_or"]


def test_try_repo_check_fails_fix_rewrites_dockerfile_and_callers(tmp_path, hook_repo, _pc_warmup):
    repo = sample_repo(tmp_path / "app", {"Dockerfile": LEAKY, "compose.yaml": COMPOSE, "svc/Dockerfile": CLEAN})
    r = pre_commit(repo, tmp_path / "home", "try-repo", str(hook_repo[0]), "--ref", hook_repo[1], "--all-files")
    out = r.stdout
    assert r.returncode == 1, out + r.stderr
    # Hooks run in id order: check, fix, fix-project, project.
    assert status(out, "dockerfile-migrate (check)") == "Failed"
    assert "Dockerfile:2: DM101 ARG NPM_TOKEN" in out and "svc/Dockerfile" not in out
    assert status(out, "dockerfile-migrate (fix)") == "Failed"
    assert "files were modified by this hook" in out
    assert status(out, "dockerfile-migrate (fix Dockerfiles and callers)") == "Failed"
    assert "compose.yaml:5: DM501" in out
    # Everything is migrated by then: the repository-wide check passes.
    assert status(out, "dockerfile-migrate (check Dockerfiles and callers)") == "Passed"
    assert (repo / "Dockerfile").read_text() == FIXED
    assert (repo / "compose.yaml").read_text() == COMPOSE_FIXED
    assert (repo / "svc" / "Dockerfile").read_text() == CLEAN


def test_check_hook_passes_on_clean_files_and_skips_others(tmp_path, hook_repo, pc_home):
    repo = sample_repo(tmp_path / "app", {"Dockerfile": CLEAN, "svc/Containerfile": CLEAN, "notes.txt": "x\n"},
                       ["dockerfile-migrate", "dockerfile-migrate-project"], hook_repo)
    r = pre_commit(repo, pc_home, "run", "--all-files")
    assert r.returncode == 0, r.stdout + r.stderr
    assert status(r.stdout, "dockerfile-migrate (check)") == "Passed"
    assert status(r.stdout, "dockerfile-migrate (check Dockerfiles and callers)") == "Passed"
    # Only a text file staged: the Dockerfile hooks do not run.
    git(repo, "commit", "-q", "-m", "init")
    (repo / "notes.txt").write_text("y\n")
    git(repo, "add", "notes.txt")
    r = pre_commit(repo, pc_home, "run")
    assert r.returncode == 0 and "(no files to check)Skipped" in r.stdout, r.stdout


def test_check_hook_fails_on_a_staged_leaking_dockerfile_only(tmp_path, hook_repo, pc_home):
    repo = sample_repo(tmp_path / "app", {"Dockerfile": CLEAN, "api/Dockerfile.prod": CLEAN},
                       ["dockerfile-migrate"], hook_repo)
    git(repo, "commit", "-q", "-m", "init")
    (repo / "api" / "Dockerfile.prod").write_text(LEAKY)
    git(repo, "add", "api/Dockerfile.prod")
    r = pre_commit(repo, pc_home, "run")
    assert r.returncode == 1, r.stdout
    assert "api/Dockerfile.prod:2: DM101" in r.stdout
    assert (repo / "api" / "Dockerfile.prod").read_text() == LEAKY  # check writes nothing


def test_fix_hook_rewrites_staged_dockerfiles_and_project_hook_migrates_a_compose_change(tmp_path, hook_repo, pc_home):
    hooks = ["dockerfile-migrate-fix", "dockerfile-migrate-fix-project"]
    repo = sample_repo(tmp_path / "app", {"Dockerfile": LEAKY}, hooks, hook_repo)
    r = pre_commit(repo, pc_home, "run", "dockerfile-migrate-fix")
    assert r.returncode == 1 and "files were modified by this hook" in r.stdout, r.stdout
    assert (repo / "Dockerfile").read_text() == FIXED
    git(repo, "add", "-A")
    assert pre_commit(repo, pc_home, "run", "dockerfile-migrate-fix").returncode == 0  # idempotent
    git(repo, "commit", "-q", "-m", "migrated")
    # Later a Compose file is added that passes the secret as a build arg again. Only
    # compose.yaml is staged; the project hook migrates it from its Dockerfile's result.
    (repo / "compose.yaml").write_text(COMPOSE)
    git(repo, "add", "compose.yaml")
    r = pre_commit(repo, pc_home, "run")
    assert status(r.stdout, "dockerfile-migrate (fix)") == "Skipped"  # no Dockerfile staged
    assert status(r.stdout, "dockerfile-migrate (fix Dockerfiles and callers)") == "Failed"
    assert (repo / "compose.yaml").read_text() == COMPOSE_FIXED
    assert (repo / "Dockerfile").read_text() == FIXED
    git(repo, "add", "-A")
    r = pre_commit(repo, pc_home, "run")
    assert r.returncode == 0, r.stdout
