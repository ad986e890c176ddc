"""Bulk runs: git-aware discovery, the bulk-change engine contract (multi-gitter,
turbolift, Sourcegraph batch changes), --jobs, --patch-dir, --shard, the JSON
per-repository summary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from migrate import bulk, parallel
from migrate.cli import main

LEAKY = "FROM alpine:3.20\nARG THEPASSWORD\nRUN ./use_secret.sh\n"
FIXED = ("# syntax=docker/dockerfile:1\nFROM alpine:3.20\n"
         "RUN --mount=type=secret,id=THEPASSWORD,env=THEPASSWORD,required ./use_secret.sh\n")
LEAKY_SSH = "FROM alpine:3.20\nARG NPM_TOKEN\nRUN npm ci\n"
CLEAN = "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
EXE = shutil.which("dockerfile-migrate", path=os.path.dirname(sys.executable))


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def make_repo(path, files, commit=True):
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "t@example.invalid")
    git(path, "config", "user.name", "t")
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    if commit:
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", "init")
    return path


def cli(args, cwd=None, env=None):
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=False, env=env)
    finally:
        os.chdir(old)


def run_exe(args, cwd, env_extra=None, drop=("DRY_RUN",)):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra or {})
    return subprocess.run([EXE, *args], cwd=cwd, env=env, capture_output=True, text=True)


# --- discovery ---------------------------------------------------------------------------

def test_git_discovery_tracked_and_untracked_not_ignored(tmp_path):
    repo = make_repo(tmp_path / "r", {
        "Dockerfile": LEAKY,
        ".gitignore": "build/\n*.generated.Dockerfile\n",
        "vendor/Dockerfile": LEAKY,
    })
    (repo / "svc").mkdir()
    (repo / "svc" / "Dockerfile").write_text(LEAKY)  # untracked, not ignored: scanned
    (repo / "build").mkdir()
    (repo / "build" / "Dockerfile").write_text(LEAKY)  # ignored by .gitignore
    (repo / "x.generated.Dockerfile").write_text(LEAKY)  # ignored by pattern
    (repo / "node_modules" / "p").mkdir(parents=True)
    (repo / "node_modules" / "p" / "Dockerfile").write_text(LEAKY)
    (repo / "tmp").mkdir()
    (repo / "tmp" / "Dockerfile").write_text(LEAKY)
    r = cli(["check", "--format", "json", "--exclude", "tmp", "."], cwd=repo)
    paths = [f["path"] for f in json.loads(r.stdout)["files"]]
    assert paths == ["Dockerfile", "svc/Dockerfile"]
    # The same tree outside git: walked, so the ignored files are back (SKIP_DIRS still apply).
    shutil.rmtree(repo / ".git")
    r = cli(["check", "--format", "json", "--exclude", "tmp", "."], cwd=repo)
    paths = [f["path"] for f in json.loads(r.stdout)["files"]]
    assert paths == ["Dockerfile", "x.generated.Dockerfile", "build/Dockerfile", "svc/Dockerfile"]


def test_git_discovery_skips_files_deleted_from_the_work_tree_and_honours_config_excludes(tmp_path):
    repo = make_repo(tmp_path / "r", {"Dockerfile": LEAKY, "old/Dockerfile": LEAKY, "docs/Dockerfile": LEAKY,
                                      ".dockerfile-migrate.toml": 'exclude = ["docs"]\n'})
    os.unlink(repo / "old" / "Dockerfile")
    r = cli(["check", "--format", "json"], cwd=repo)
    assert [f["path"] for f in json.loads(r.stdout)["files"]] == ["Dockerfile"]


def test_git_discovery_from_a_subdirectory(tmp_path):
    repo = make_repo(tmp_path / "r", {"a/Dockerfile": LEAKY, "b/Dockerfile": LEAKY})
    r = cli(["check", "--format", "json", "a"], cwd=repo)
    data = json.loads(r.stdout)
    assert [f["path"] for f in data["files"]] == ["a/Dockerfile"]
    assert data["repositories"][0]["repository"] == "."


# --- the bulk-change engine contract --------------------------------------------------------

@pytest.mark.skipif(EXE is None, reason="console script not installed")
def test_fix_the_way_multi_gitter_and_turbolift_run_it(tmp_path):
    """cwd = repository root, no path argument; exit 0 after changing files; no new files;
    DRY_RUN=true: the diff on stdout and nothing written."""
    repo = make_repo(tmp_path / "r", {"Dockerfile": LEAKY, "svc/Dockerfile": CLEAN})
    dry = run_exe(["fix"], repo, {"DRY_RUN": "true"})
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("diff --git a/Dockerfile b/Dockerfile\n")
    assert "DRY_RUN" in dry.stderr
    assert (repo / "Dockerfile").read_text() == LEAKY
    assert git(repo, "status", "--porcelain") == ""

    real = run_exe(["fix"], repo)
    assert real.returncode == 0, real.stderr
    assert (repo / "Dockerfile").read_text() == FIXED
    # Only the changed file: no temporary, backup or report file left behind.
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == " M Dockerfile\n"
    # The dry-run diff is exactly the change that was made.
    git(repo, "stash", "-q")
    (tmp_path / "p.diff").write_text(dry.stdout)
    git(repo, "apply", str(tmp_path / "p.diff"))
    assert (repo / "Dockerfile").read_text() == FIXED

    again = run_exe(["fix", "--exit-non-zero-on-fix"], repo)
    assert again.returncode == 0  # nothing left to change
    git(repo, "checkout", "-q", "--", "Dockerfile")
    assert run_exe(["fix", "--exit-non-zero-on-fix"], repo).returncode == 1


@pytest.mark.skipif(EXE is None, reason="console script not installed")
def test_dry_run_false_values_write(tmp_path):
    repo = make_repo(tmp_path / "r", {"Dockerfile": LEAKY})
    r = run_exe(["fix"], repo, {"DRY_RUN": "false"})
    assert r.returncode == 0 and (repo / "Dockerfile").read_text() == FIXED


# --- patch dir, summary, shard, jobs ---------------------------------------------------------

def test_patch_dir_one_patch_per_repository_applies_with_git(tmp_path):
    a = make_repo(tmp_path / "repos" / "a", {"Dockerfile": LEAKY, "svc/Dockerfile": LEAKY_SSH})
    make_repo(tmp_path / "repos" / "b", {"Dockerfile": CLEAN})
    c = make_repo(tmp_path / "repos" / "c", {"deploy/Dockerfile": LEAKY})
    out = tmp_path / "patches"
    r = cli(["diff", "--format", "json", "--patch-dir", str(out), "repos/a", "repos/b", "repos/c"], cwd=tmp_path)
    assert r.exit_code == 1
    assert sorted(os.listdir(out)) == ["a.patch", "c.patch"]
    data = json.loads(r.stdout[r.stdout.index("{\n"):])
    repos = {g["repository"]: g for g in data["repositories"]}
    assert repos["repos/a"]["files"] == 2 and repos["repos/a"]["changed"] == 2
    assert {q["id"] for q in repos["repos/a"]["requirements"]} == {"THEPASSWORD", "NPM_TOKEN"}
    assert repos["repos/b"]["changed"] == 0 and repos["repos/b"]["patch"] is None
    assert data["summary"]["files"] == 4
    patch_a = (out / "a.patch").read_text()
    assert patch_a.startswith("diff --git a/Dockerfile b/Dockerfile\n") and "a/svc/Dockerfile" in patch_a
    for repo, name in ((a, "a.patch"), (c, "c.patch")):
        git(repo, "apply", "--check", str(out / name))
        git(repo, "apply", str(out / name))
    assert (a / "Dockerfile").read_text() == FIXED and (c / "deploy" / "Dockerfile").read_text() == FIXED
    assert cli(["check", "repos/a", "repos/c"], cwd=tmp_path).exit_code == 0
    # The per-repository table goes to stderr: in a log, one plain line per repository.
    assert "per repository" in r.stderr and "repos/a" in r.stderr
    rows = {line.split()[0]: line.split() for line in r.stderr.splitlines() if line.startswith("repos/")}
    assert rows["repos/a"][1:5] == ["2", "2", "2", "0"] and rows["repos/b"][1:5] == ["1", "0", "0", "0"]
    assert rows["repos/a"][-1].endswith("a.patch") and rows["repos/b"][-1] == "-"


@pytest.mark.parametrize("in_git", [True, False])
def test_symlinked_dockerfiles_are_checked_as_their_target_and_patches_apply(tmp_path, in_git):
    files = {"Dockerfile": LEAKY, "build/prod.Dockerfile": LEAKY_SSH}
    repo = make_repo(tmp_path / "r", files, commit=False) if in_git else tmp_path / "r"
    if not in_git:
        for rel, text in files.items():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_text(text)
    (repo / "docker").mkdir()
    os.symlink("../Dockerfile", repo / "docker" / "Dockerfile")  # its target is in the run too
    # A target only the link leads to (discovery does not take a .txt file).
    (repo / "build" / "prod.Dockerfile").rename(repo / "build" / "prod.txt")
    os.symlink("../build/prod.txt", repo / "docker" / "Dockerfile.prod")
    if in_git:
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "init")
    out = tmp_path / "patches"
    r = cli(["diff", "--format", "json", "--patch-dir", str(out), "."], cwd=repo)
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout[r.stdout.index("{\n"):])
    # The linked Dockerfile once, under its own path; the other link under its target's path.
    assert sorted(f["path"] for f in data["files"]) == ["Dockerfile", "build/prod.txt"]
    assert all(f["changed"] and not f.get("error") for f in data["files"])
    assert data["summary"]["files"] == 2
    [patch_file] = os.listdir(out)
    patch = (out / patch_file).read_text()
    assert patch.count("diff --git") == 2 and "a/docker/" not in patch
    if in_git:
        git(repo, "apply", "--check", str(out / patch_file))
        git(repo, "apply", str(out / patch_file))
    else:
        assert cli(["fix", "."], cwd=repo).exit_code == 0
    # The links are still links, and the files they lead to are migrated.
    assert os.readlink(repo / "docker" / "Dockerfile") == "../Dockerfile"
    assert os.readlink(repo / "docker" / "Dockerfile.prod") == "../build/prod.txt"
    assert (repo / "Dockerfile").read_text() == FIXED
    assert cli(["check", "."], cwd=repo).exit_code == 0


def test_shard_splits_the_path_list_deterministically():
    paths = [f"repo{i:02d}" for i in range(11)]
    shards = [bulk.select_shard(paths, (k, 3)) for k in (1, 2, 3)]
    assert sorted(p for s in shards for p in s) == sorted(paths)
    assert all(len(s) in (3, 4) for s in shards)
    # The order the list is given in does not matter.
    assert bulk.select_shard(list(reversed(paths)), (2, 3)) == list(reversed(shards[1]))
    for bad in ("0/3", "4/3", "1", "a/b", "1/0"):
        with pytest.raises(bulk.UsageError):
            bulk.parse_shard(bad)


def test_shard_option(tmp_path):
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text(LEAKY)
    seen = []
    for k in (1, 2):
        r = cli(["check", "--format", "json", "--shard", f"{k}/2", "a", "b", "c"], cwd=tmp_path)
        seen += [f["path"] for f in json.loads(r.stdout)["files"]]
    assert sorted(seen) == ["a/Dockerfile", "b/Dockerfile", "c/Dockerfile"]
    r = cli(["check", "--shard", "3/2", "a"], cwd=tmp_path)
    assert r.exit_code == 2 and "--shard" in r.stderr


@pytest.mark.parametrize("mode", ["check", "diff", "fix"])
def test_jobs_pool_gives_the_same_output_in_the_same_order(tmp_path, monkeypatch, mode):
    texts = [LEAKY, CLEAN, LEAKY_SSH, "FROM alpine\nRUN <<EOF\n", CLEAN + "# x\n"]
    for i in range(40):
        d = tmp_path / f"s{i:02d}"
        d.mkdir()
        (d / "Dockerfile").write_text(texts[i % len(texts)] + f"# replica {i}\n")
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  s00:\n    build:\n      context: s00\n      args:\n        THEPASSWORD: x\n")

    def run(jobs):
        work = tmp_path.parent / f"{mode}-{jobs}"
        shutil.copytree(tmp_path, work)
        r = cli([mode, "--format", "json", "--jobs", str(jobs), "."], cwd=work)
        out = r.stdout.replace(os.path.realpath(work), "WORK")  # the repositories' "root"
        files = {p.relative_to(work).as_posix(): p.read_text() for p in sorted(work.rglob("*")) if p.is_file()}
        return r.exit_code, out, files

    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(parallel, "CHUNK", 4)
    one, two = run(1), run(2)
    assert one == two
    assert one[0] == 2  # the broken heredoc is an error in every mode
    if mode == "fix":
        assert one[2]["s00/Dockerfile"] == FIXED + "# replica 0\n"
        assert "secrets:" in one[2]["docker-compose.yml"]


def test_no_path_argument_means_the_working_directory(tmp_path):
    (tmp_path / "Dockerfile").write_text(LEAKY)
    r = cli(["check"], cwd=tmp_path)
    assert r.exit_code == 1 and "Dockerfile:2: DM101" in r.stdout


def test_a_bug_on_one_file_does_not_end_the_run(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text(LEAKY)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "Dockerfile").write_text(LEAKY + "# boom\n")
    real = parallel.migrate_source

    def flaky(text, settings, path=None, **options):
        if "# boom" in text:
            raise RuntimeError("simulated bug")
        return real(text, settings, path, **options)

    monkeypatch.setattr(parallel, "migrate_source", flaky)
    r = cli(["check", "--format", "json", "."], cwd=tmp_path)
    assert r.exit_code == 2
    files = {f["path"]: f for f in json.loads(r.stdout)["files"]}
    assert files["a/Dockerfile"]["findings"]
    assert "internal error (RuntimeError)" in files["b/Dockerfile"]["error"]["message"]
    assert "b/Dockerfile: internal error" in r.stderr


def test_a_folder_of_repositories_outside_git_is_reported_per_repository(tmp_path):
    work = tmp_path / "work"
    make_repo(work / "repos" / "a", {"Dockerfile": LEAKY, ".gitignore": "out/\n"})
    (work / "repos" / "a" / "out").mkdir()
    (work / "repos" / "a" / "out" / "Dockerfile").write_text(LEAKY)  # ignored inside repository a
    make_repo(work / "repos" / "b", {"svc/Dockerfile": CLEAN})
    (work / "repos" / "loose").mkdir()
    (work / "repos" / "loose" / "Dockerfile").write_text(LEAKY)  # not in any repository
    out = tmp_path / "patches"
    r = cli(["diff", "--format", "json", "--patch-dir", str(out), "repos"], cwd=work)
    data = json.loads(r.stdout[r.stdout.index("{\n"):])
    assert sorted(f["path"] for f in data["files"]) == ["repos/a/Dockerfile", "repos/b/svc/Dockerfile",
                                                        "repos/loose/Dockerfile"]
    repos = {g["repository"]: g["files"] for g in data["repositories"]}
    assert repos == {"repos": 1, "repos/a": 1, "repos/b": 1}
    # Repository a's patch is relative to its own root.
    assert (out / "a.patch").read_text().startswith("diff --git a/Dockerfile b/Dockerfile\n")
    assert (out / "repos.patch").read_text().startswith("diff --git a/loose/Dockerfile b/loose/Dockerfile\n")


def test_patch_dir_that_cannot_be_written_is_a_usage_error(tmp_path):
    (tmp_path / "Dockerfile").write_text(LEAKY)
    (tmp_path / "taken").write_text("a file, not a folder\n")
    r = cli(["diff", "--patch-dir", "taken", "."], cwd=tmp_path)  # click says so
    assert r.exit_code == 2 and "taken" in r.stderr and r.stdout == ""
    r = cli(["diff", "--patch-dir", "taken/sub", "."], cwd=tmp_path)  # and we do
    assert r.exit_code == 2 and "error: --patch-dir taken/sub:" in r.stderr and r.stdout == ""
