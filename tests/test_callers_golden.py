"""Golden repositories for caller migration (Compose, scripts, Makefiles, CI).

Layout: ``golden/callers/<case>/`` holds

- ``in/``            the repository before: Dockerfiles and their callers
- ``out/``           the files `fix` changes, as they must be afterwards, at the same
                     relative paths (a file absent here must come out byte-identical; a
                     symlink in ``in/`` must stay the same link)
- ``expected.json``  ``{"files": [...]}``: the JSON report of ``fix .`` reduced to
                     ``path``, ``kind`` (``dockerfile`` or the caller kind), ``changed``,
                     ``findings`` and ``build_requirements``
- ``case.json``      ``{"description": ..., "args": [...]}``: CLI paths (default ``["."]``)

Each case is run from a temporary copy of ``in/`` with ``--isolated``. Checked: the
rewritten tree and the report; `fix` on the expected tree changes nothing; `diff .`
is one patch that `git apply --check` accepts and that yields the expected tree; in
each rewritten caller, every line that changed belongs to an edited key; the official
BuildKit parser reads each rewritten Dockerfile as ours does.

Regenerate after a deliberate change with
``DM_GOLDEN_UPDATE=1 .venv/bin/python -m pytest tests/test_callers_golden.py`` and
review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.discovery import is_dockerfile_name

from oracle import OFFICIAL_MISSING, official_available, official_summary, our_summary

ROOT = Path(__file__).resolve().parents[1] / "golden" / "callers"
CASES = sorted(p for p in ROOT.iterdir() if (p / "in").is_dir()) if ROOT.is_dir() else []
IDS = [c.name for c in CASES]
KEYS = ("path", "kind", "changed", "findings", "build_requirements")
UPDATE = os.environ.get("DM_GOLDEN_UPDATE") == "1"
HAVE_GIT = shutil.which("git") is not None


def cli(args: list[str], cwd: Path):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)


def tree(root: Path) -> dict[str, bytes]:
    """Each file's bytes; a symlink as its link text (a fix writes through it, never replaces it)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if ".git" in rel.parts:
            continue
        if p.is_symlink():
            out[rel.as_posix()] = b"symlink -> " + os.readlink(p).encode()
        elif p.is_file():
            out[rel.as_posix()] = p.read_bytes()
    return out


def meta(case: Path) -> dict:
    p = case / "case.json"
    return json.loads(p.read_text()) if p.exists() else {}


def expected_tree(case: Path) -> dict[str, bytes]:
    t = tree(case / "in")
    if (case / "out").is_dir():
        t.update(tree(case / "out"))
    return t


def expected_checkout(case: Path, dst: Path) -> Path:
    """The repository as `fix` must leave it: ``in/`` (symlinks kept) with ``out/`` over it."""
    checkout(case / "in", dst)
    if (case / "out").is_dir():
        shutil.copytree(case / "out", dst, symlinks=True, dirs_exist_ok=True)
    return dst


def checkout(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def reduced(report: dict) -> list[dict]:
    return [{k: (f.get(k, "dockerfile") if k == "kind" else f[k]) for k in KEYS} for f in report["files"]]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fix_tree_and_report(case: Path, tmp_path: Path):
    repo = checkout(case / "in", tmp_path / "repo")
    r = cli(["fix", "--isolated", "--format", "json", *meta(case).get("args", ["."])], repo)
    assert r.exit_code == 0, r.output
    got = reduced(json.loads(r.stdout))
    if UPDATE:
        before, after = tree(case / "in"), tree(repo)
        shutil.rmtree(case / "out", ignore_errors=True)
        for rel, data in after.items():
            if before.get(rel) != data:
                (case / "out" / rel).parent.mkdir(parents=True, exist_ok=True)
                (case / "out" / rel).write_bytes(data)
        (case / "expected.json").write_text(json.dumps({"files": got}, indent=2) + "\n")
    assert tree(repo) == expected_tree(case)
    assert got == json.loads((case / "expected.json").read_text())["files"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_second_fix_changes_nothing(case: Path, tmp_path: Path):
    repo = expected_checkout(case, tmp_path / "repo")
    r = cli(["diff", "--isolated", *meta(case).get("args", ["."])], repo)
    assert r.exit_code == 0, r.stdout
    assert r.stdout == ""
    cli(["fix", "--isolated", *meta(case).get("args", ["."])], repo)
    assert tree(repo) == expected_tree(case)


@pytest.mark.skipif(not HAVE_GIT, reason="git is not installed")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_diff_is_one_patch_git_applies(case: Path, tmp_path: Path):
    repo = checkout(case / "in", tmp_path / "repo")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "core.autocrlf=false"]
    subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
    subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-qm", "before"], cwd=repo, check=True)
    r = cli(["diff", "--isolated", *meta(case).get("args", ["."])], repo)
    changed = expected_tree(case) != tree(case / "in")
    assert r.exit_code == (1 if changed else 0)
    patch = tmp_path / "migration.patch"
    patch.write_text(r.stdout)
    if not changed:
        assert r.stdout == ""
        return
    assert r.stdout.count("diff --git ") == len(tree(case / "out"))
    subprocess.run(git + ["apply", "--check", str(patch)], cwd=repo, check=True)
    subprocess.run(git + ["apply", str(patch)], cwd=repo, check=True)
    assert tree(repo) == expected_tree(case)
    # The summary goes to stderr with the text report; the patch alone is on stdout.
    assert "Migration summary:" in r.stderr


_EDITED_KEYS = re.compile(r"^\s*(?:-\s*)?(?:args|build-args|build|secrets|ssh|context)\s*:")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_only_edited_keys_change(case: Path):
    """In callers, every line that is gone names a migrated build arg, is the key that held
    it, or belongs to a rewritten command; all other lines stay byte-identical."""
    expected = json.loads((case / "expected.json").read_text())["files"]
    for f in expected:
        if f["kind"] == "dockerfile" or not f["changed"]:
            continue
        names = set(re.findall(r"\b([A-Z][A-Z0-9_]*[A-Z0-9])\b", " ".join(x["message"] for x in f["findings"])))
        spans = [range(x["line"], x["end_line"] + 1) for x in f["findings"] if x["fixable"] and f["kind"] != "compose"]
        before = (case / "in" / f["path"]).read_bytes().decode().splitlines(keepends=True)
        after = (case / "out" / f["path"]).read_bytes().decode().splitlines(keepends=True)
        gone = Counter(before) - Counter(after)
        for n, line in enumerate(before, 1):
            if gone.get(line):
                assert any(x in line for x in names) or _EDITED_KEYS.match(line) or any(n in s for s in spans), \
                    (f["path"], n, line)


@pytest.mark.skipif(not official_available(), reason=OFFICIAL_MISSING)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_official_parser_agrees_on_rewritten_dockerfiles(case: Path):
    out = case / "out"
    rewritten = [p for p in sorted(out.rglob("*")) if p.is_file() and is_dockerfile_name(p.name)] if out.is_dir() else []
    for p in rewritten:
        text = p.read_bytes().decode("utf-8")
        assert our_summary(text) == official_summary(text), p
