"""The CLI contract: exit codes, formats, stdin, config, errors, writes."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner

from migrate.cli import main

LEAKY = "FROM alpine:3.20\nARG THEPASSWORD\nRUN ./use_secret.sh\n"
FIXED = ("# syntax=docker/dockerfile:1\nFROM alpine:3.20\n"
         "RUN --mount=type=secret,id=THEPASSWORD,env=THEPASSWORD,required ./use_secret.sh\n")
CLEAN = "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
PLANTED = "ghp_Zx9Lq2Wm4Rt7Yp1Kd8Hs3Vb6Nc0Jf5Gq2Tw8"


def cli(args, input=None, cwd=None):
    runner = CliRunner()
    if cwd:
        old = os.getcwd()
        os.chdir(cwd)
    try:
        return runner.invoke(main, args, input=input, catch_exceptions=False)
    finally:
        if cwd:
            os.chdir(old)


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "Dockerfile").write_text(LEAKY)
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile.prod").write_text(CLEAN)
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "Dockerfile").write_text(LEAKY)
    return tmp_path


def test_check_exit_codes(repo):
    assert cli(["check", str(repo / "svc")]).exit_code == 0
    r = cli(["check", str(repo)])
    assert r.exit_code == 1
    assert "DM101" in r.output and "node_modules" not in r.output
    assert "docker build --secret id=THEPASSWORD,env=THEPASSWORD" in r.output


def test_diff_writes_nothing_and_applies_with_git(repo):
    r = cli(["diff", "."], cwd=repo)
    assert r.exit_code == 1
    assert (repo / "Dockerfile").read_text() == LEAKY
    assert r.stdout.startswith("diff --git a/Dockerfile b/Dockerfile\n")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "p.diff").write_text(r.stdout)
    subprocess.run(["git", "apply", "--check", "p.diff"], cwd=repo, check=True)
    subprocess.run(["git", "apply", "p.diff"], cwd=repo, check=True)
    assert (repo / "Dockerfile").read_text() == FIXED
    assert cli(["diff", "."], cwd=repo).exit_code == 0


def test_fix_rewrites_keeps_mode_and_is_idempotent(repo):
    target = repo / "Dockerfile"
    os.chmod(target, 0o640)
    r = cli(["fix", str(repo)])
    assert r.exit_code == 0
    assert target.read_text() == FIXED
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert cli(["fix", str(repo), "--exit-non-zero-on-fix"]).exit_code == 0
    target.write_text(LEAKY)
    assert cli(["fix", str(repo), "--exit-non-zero-on-fix"]).exit_code == 1
    assert [p.name for p in repo.iterdir() if p.name.startswith(".dockerfile-migrate")] == []


def test_stdin_and_stdout():
    r = cli(["fix", "-"], input=LEAKY)
    assert r.exit_code == 0
    assert r.stdout == FIXED
    r = cli(["check", "-", "--format", "json"], input=LEAKY)
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["files"][0]["path"] == "Dockerfile"
    assert data["files"][0]["build_requirements"] == [{"type": "secret", "id": "THEPASSWORD", "env": "THEPASSWORD"}]


def test_json_contract(repo):
    r = cli(["check", "--format", "json", str(repo / "Dockerfile")])
    data = json.loads(r.stdout)
    f = data["files"][0]
    assert set(f) >= {"path", "changed", "findings", "build_requirements"}
    assert f["changed"] is True
    assert {"code", "line", "message", "fixable"} <= set(f["findings"][0])
    assert f["findings"][0]["code"] == "DM101" and f["findings"][0]["line"] == 2


def test_select_ignore_and_inline_ignore(repo):
    assert cli(["check", "--ignore", "DM101", str(repo / "Dockerfile")]).exit_code == 0
    assert cli(["check", "--select", "DM102", str(repo / "Dockerfile")]).exit_code == 0
    assert cli(["check", "--select", "DM1", str(repo / "Dockerfile")]).exit_code == 1
    (repo / "Dockerfile").write_text("FROM alpine\n# dockerfile-migrate: ignore=DM101\nARG THEPASSWORD\nRUN ./x\n")
    assert cli(["check", str(repo / "Dockerfile")]).exit_code == 0


def test_config_files(repo):
    (repo / ".dockerfile-migrate.toml").write_text('ignore = ["DM101"]\n')
    assert cli(["check", "Dockerfile"], cwd=repo).exit_code == 0
    assert cli(["check", "--isolated", "Dockerfile"], cwd=repo).exit_code == 1
    (repo / ".dockerfile-migrate.toml").unlink()
    (repo / "pyproject.toml").write_text('[tool.dockerfile-migrate]\nfrontend = "legacy"\n')
    r = cli(["fix", "-"], input=LEAKY, cwd=repo)
    assert "/run/secrets/THEPASSWORD" in r.stdout and "# syntax" not in r.stdout
    (repo / "pyproject.toml").write_text('[tool.dockerfile-migrate]\nbogus = 1\n')
    r = cli(["check", "Dockerfile"], cwd=repo)
    assert r.exit_code == 2 and "unknown setting" in r.stderr


def test_secret_names_from_config(repo):
    (repo / "Dockerfile").write_text("FROM alpine\nARG ACME_MAGIC\nRUN ./x\n")
    assert cli(["check", "Dockerfile"], cwd=repo).exit_code == 0
    (repo / ".dockerfile-migrate.toml").write_text('[secrets]\nextra-names = ["ACME_.*"]\n')
    assert cli(["check", "Dockerfile"], cwd=repo).exit_code == 1


def test_bad_input_is_reported_and_others_go_on(tmp_path):
    (tmp_path / "Dockerfile").write_text(LEAKY)
    (tmp_path / "Dockerfile.bad").write_text("FROM alpine\nRUN <<EOF\nnever ends\n")
    (tmp_path / "Dockerfile.bin").write_bytes(b"FROM alpine\n\xff\xfe\n")
    r = cli(["fix", str(tmp_path)])
    assert r.exit_code == 2
    assert "Dockerfile.bad:2: unterminated heredoc" in r.stderr
    assert "Dockerfile.bin:2: not valid UTF-8" in r.stderr
    assert (tmp_path / "Dockerfile").read_text() == FIXED
    assert (tmp_path / "Dockerfile.bad").read_text() == "FROM alpine\nRUN <<EOF\nnever ends\n"
    r = cli(["check", str(tmp_path / "missing")])
    assert r.exit_code == 2 and "no such file" in r.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_reports_never_print_secret_values(tmp_path, fmt):
    (tmp_path / "Dockerfile").write_text(
        f"FROM alpine\nARG GITHUB_TOKEN={PLANTED}\nENV NPM_TOKEN=npm_Q8r2Lx7Vb4Nc1Jf6Gq3Tw9Zs5Hd0Kp2Ym7Ra\n"
        f"RUN curl -H 'Authorization: token {PLANTED[::-1]}' https://deploy:Sup3rS3cret@example.invalid/ && ./build\n")
    for cmd in ("check", "fix"):
        r = cli([cmd, "--format", fmt, str(tmp_path)])
        out = r.stdout + r.stderr
        for secret in (PLANTED, "Q8r2Lx7Vb4Nc1Jf6Gq3Tw9Zs5Hd0Kp2Ym7Ra", "Sup3rS3cret", PLANTED[::-1][:12]):
            assert secret not in out


def test_sarif_shape(repo):
    r = cli(["check", "--format", "sarif", str(repo / "Dockerfile")])
    data = json.loads(r.stdout)
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} >= {"DM101", "DM102"}
    res = run["results"][0]
    assert res["ruleId"] == "DM101"
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    again = json.loads(cli(["check", "--format", "sarif", str(repo / "Dockerfile")]).stdout)
    assert again["runs"][0]["results"][0]["partialFingerprints"] == res["partialFingerprints"]


def test_github_annotations(repo):
    r = cli(["check", "--format", "github", str(repo / "Dockerfile")])
    assert r.stdout.startswith("::error file=")
    assert ",line=2," in r.stdout


def test_rules_and_explain():
    r = cli(["rules"])
    assert "DM101" in r.output and "secret-build-arg" in r.output
    r = cli(["explain", "DM101"])
    assert "Why it leaks:" in r.output and "Build flags:" in r.output
    assert cli(["explain", "DM999"]).exit_code == 2


def test_console_script_installed():
    exe = shutil.which("dockerfile-migrate", path=os.path.dirname(sys.executable))
    assert exe, "console script not installed next to the interpreter"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout
    assert "dockerfile-migrate" in out
