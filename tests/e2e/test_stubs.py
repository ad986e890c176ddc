"""The stub toolchain (tests/e2e/stubs) run on the host, under dash and busybox ash: each tool
succeeds only when its credential is visible. No Docker needed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

STUBS = Path(__file__).resolve().parent / "stubs"
SHELLS = [pytest.param(["sh"], id="sh")]
if shutil.which("busybox"):
    SHELLS.append(pytest.param(["busybox", "sh"], id="busybox"))

TOKEN = "dm-stub-test-value"

# (command, extra env, files relative to HOME ("~/") or cwd, should succeed)
CASES = [
    ("npm ci", {}, {}, False),
    ("npm ci", {"NPM_TOKEN": TOKEN}, {}, True),
    ("npm install", {}, {".npmrc": "//npm.pkg.example/:_authToken=${TOK}\n"}, False),
    ("npm install", {"TOK": TOKEN}, {".npmrc": "//npm.pkg.example/:_authToken=${TOK}\n"}, True),
    ("npm ci", {}, {"~/.npmrc": f"//npm.pkg.example/:_authToken={TOKEN}\n"}, True),
    ("npm run build", {}, {}, True),
    ("npm config set //npm.pkg.example/:_authToken " + TOKEN + " && npm ci", {}, {}, True),
    ("yarn install --frozen-lockfile", {}, {}, False),
    ("yarn", {"TOK": TOKEN}, {".yarnrc.yml": 'npmAuthToken: "${TOK}"\n'}, True),
    ("pip install private-package", {}, {}, False),
    ("pip install private-package", {"PIP_INDEX_URL": f"https://u:{TOKEN}@pypi.pkg.example/simple"}, {}, True),
    ("pip install private-package", {"PIP_INDEX_URL": "https://u:@pypi.pkg.example/simple"}, {}, False),
    ("pip3 install -r req.txt", {"T": TOKEN}, {"req.txt": "--extra-index-url https://__token__:${T}@x.example/simple\nfoo\n"}, True),
    ("pip install -r req.txt", {}, {"req.txt": "--extra-index-url https://__token__:${T}@x.example/simple\nfoo\n"}, False),
    ("pip install foo", {}, {"~/.config/pip/pip.conf": f"[global]\nindex-url = https://u:{TOKEN}@x.example/simple\n"}, True),
    ("pip install foo", {}, {"~/.netrc": f"machine x.example login u password {TOKEN}\n"}, True),
    ("pip install --no-index /wheels/foo.whl", {}, {}, True),
    ("pip wheel -r req.txt -w wh && test -s wh/private_package-1.0-py3-none-any.whl", {}, {}, False),
    ("pip wheel app -w wh && test -s wh/app-1.0-py3-none-any.whl",
     {"PIP_INDEX_URL": f"https://u:{TOKEN}@pypi.pkg.example/simple"}, {}, True),
    ("aws s3 cp s3://bucket/x .", {}, {}, False),
    ("aws s3 cp s3://bucket/x .", {"AWS_SECRET_ACCESS_KEY": TOKEN}, {}, True),
    ("aws configure set aws_secret_access_key " + TOKEN + " && aws s3 ls", {}, {}, True),
    ("curl -fsSL https://files.example/x", {}, {}, False),
    ('curl -fsSL -H "Authorization: Bearer " https://files.example/x', {}, {}, False),
    (f'curl -fsSLo out -H "Authorization: Bearer {TOKEN}" https://files.example/x && test -s out', {}, {}, True),
    ("curl -fsSL -H @hdr https://files.example/x", {}, {"hdr": f"Authorization: token {TOKEN}\n"}, True),
    (f"curl -u u:{TOKEN} https://files.example/x", {}, {}, True),
    ("wget -qO- https://files.example/x", {}, {}, False),
    (f'wget -qO- --header="PRIVATE-TOKEN: {TOKEN}" https://files.example/x', {}, {}, True),
    ("git clone https://git.example/acme/p.git", {}, {}, False),
    (f"git clone https://x:{TOKEN}@git.example/acme/p.git && test -f p/README", {}, {}, True),
    (f'git config --global url."https://{TOKEN}@git.example/".insteadOf "https://git.example/" && git clone https://git.example/acme/p.git', {}, {}, True),
    ("git clone https://git.example/acme/p.git",
     {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.https://x:{TOKEN}@git.example/.insteadOf", "GIT_CONFIG_VALUE_0": "https://git.example/"}, {}, True),
    ("git clone https://git.example/acme/p.git",
     {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.https://x:{TOKEN}@other.example/.insteadOf", "GIT_CONFIG_VALUE_0": "https://other.example/"}, {}, False),
    (f'git -c http.extraheader="AUTHORIZATION: basic {TOKEN}" clone https://git.example/acme/p.git', {}, {}, True),
    ("git clone git@git.example:acme/p.git", {"SSH_AUTH_SOCK": "/tmp/x"}, {}, False),
    ("go mod download", {}, {}, False),
    ("go mod download", {"GOPRIVATE": "git.example"}, {}, False),
    ("go mod download", {"GOPRIVATE": "git.example"}, {"~/.netrc": f"machine git.example login x password {TOKEN}\n"}, True),
    ("go build -o /tmp/app .", {"GOFLAGS": "-mod=vendor"}, {}, True),
    ("go build -o app .", {}, {}, False),
    ("mvn -B package", {}, {}, False),
    ("mvn -B package", {"MVN_PASS": TOKEN}, {"~/.m2/settings.xml": "<settings><password>${env.MVN_PASS}</password></settings>\n"}, True),
    ("mvn -B package", {}, {"~/.m2/settings.xml": "<settings><password>${env.MVN_PASS}</password></settings>\n"}, False),
    ("composer install", {}, {}, False),
    ("composer install", {"COMPOSER_AUTH": '{"github-oauth": {"github.com": "%s"}}' % TOKEN}, {}, True),
    ("bundle install", {}, {}, False),
    ("bundle install", {"BUNDLE_GEMS__PKG__EXAMPLE": "u:" + TOKEN}, {}, True),
    ("bundle config set --global gems.pkg.example u:" + TOKEN + " && bundle install", {}, {}, True),
    ("poetry install --no-root", {}, {}, False),
    ("poetry install --no-root", {"POETRY_HTTP_BASIC_PRIVATE_PASSWORD": TOKEN}, {}, True),
    ("poetry config http-basic.private u " + TOKEN + " && poetry install", {}, {}, True),
    ("require-env A B", {"A": "1"}, {}, False),
    ("require-env A B", {"A": "1", "B": "2"}, {}, True),
    ("require-file f", {}, {"f": ""}, False),
    ("require-file f", {}, {"f": "x"}, True),
    ("ssh-keyscan -p 2222 127.0.0.1 | grep -q '^\\[127.0.0.1\\]:2222 ssh-ed25519 '", {}, {}, True),
]


def _busybox_prefers_applets() -> bool:
    p = subprocess.run([shutil.which("busybox") or "busybox", "sh", "-c", "command -v wget"], env={"PATH": "/nonexistent"}, capture_output=True, text=True)
    return p.returncode == 0


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("command,env,files,ok", CASES, ids=[f"{c[0][:40]}-{'ok' if c[3] else 'fail'}-{i}" for i, c in enumerate(CASES)])
def test_stub(tmp_path: Path, shell: list[str], command: str, env: dict, files: dict, ok: bool) -> None:
    if shell[0] == "busybox" and command.startswith("wget") and _busybox_prefers_applets():
        pytest.skip("this busybox's sh runs its own wget applet before PATH (the e2e image uses one that does not)")
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    for name, content in files.items():
        p = home / name[2:] if name.startswith("~/") else work / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    bindir = tmp_path / "bin"  # the stubs, each run through the shell under test
    bindir.mkdir()
    for stub in STUBS.iterdir():
        if stub.name == "dm-stub-lib.sh":
            continue
        wrapper = bindir / stub.name
        wrapper.write_text(f'#!/bin/sh\nexec {" ".join(shell)} "{stub}" "$@"\n')
        wrapper.chmod(0o755)
    run_env = {"PATH": f"{bindir}:/usr/bin:/bin", "HOME": str(home), **env}
    p = subprocess.run([*shell, "-c", command], cwd=work, env=run_env, capture_output=True, text=True, timeout=30)
    assert (p.returncode == 0) == ok, f"rc={p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}"
    if not ok:
        assert p.stderr.strip(), "a failing stub must say why on stderr"
