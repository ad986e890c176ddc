"""Secrets stay secret (issue 7): unique values planted in Dockerfiles (ARG
defaults, ENV literals, tokens in RUN, a PEM block, URLs with user:password@),
in callers (Compose args, workflow build-args, a script's --build-arg), in the
build context (.npmrc) and in files that fail to parse; every format (text,
json, sarif, github) of `check`, `diff` and `fix` runs over them.

Rule: reports, messages and errors never contain a planted value. The one
exception is the patch `diff` prints: it is the user's own file content, so a
removed or context line may hold a value, but only verbatim as a diff line
(` `, `-` or `+` followed by exactly a line of that file). An internal error
(an exception inside the engine, whose message carries file text) is reported
by type only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

S = {  # unique planted values
    "arg": "npm_Q7vK2pLx9RzT4wYb8NcD5fGh1JmS3aE6uHk0",
    "env": "hunter2-Pw-9f8e7d6c5b4a",
    "run": "ghp_Zx9Lq2Wm4Rt7Yp1Kd8Hs3Vb6Nc0Jf5Gq2Tw8",
    "inline": "sk_live_51HqLyjWDarjtT1zdp7dcRxYz",
    "pem": "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "url": "Sup3rS3cretUrlPass",
    "compose": "compose-secret-5e1f0c2a9b",
    "workflow": "workflow-secret-8d2c4b6a1e",
    "script": "script-secret-3a7f9e1d5c",
    "npmrc": "npmrc-authtoken-0b9c8d7e6f",
    "broken": "broken-file-secret-4c3b2a1908",
    "utf8": "latin1-file-secret-77aa66bb",
    "json": "json-error-secret-1f2e3d4c",
}

FILES = {
    "app/Dockerfile": f"""FROM node:20
ARG NPM_TOKEN={S['arg']}
ENV DB_PASSWORD={S['env']}
ARG PIP_INDEX_URL=https://deploy:{S['url']}@pypi.example.com/simple
RUN curl -H "Authorization: Bearer {S['run']}" https://api.example.com/x
RUN STRIPE_KEY={S['inline']} ./pay.sh
RUN npm ci && pip install -r requirements.txt
RUN <<EOF
cat > /root/key.pem <<'KEY'
-----BEGIN RSA PRIVATE KEY-----
{S['pem']}
-----END RSA PRIVATE KEY-----
KEY
EOF
COPY .npmrc /root/.npmrc
RUN npm install
""",
    "app/.npmrc": f"//registry.npmjs.org/:_authToken={S['npmrc']}\n",
    "app/compose.yaml": f"""services:
  app:
    build:
      context: .
      args:
        NPM_TOKEN: {S['compose']}
""",
    "app/build.sh": f"#!/bin/sh\ndocker build --build-arg NPM_TOKEN={S['script']} .\n",
    ".github/workflows/ci.yml": f"""on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: app
          build-args: |
            NPM_TOKEN={S['workflow']}
""",
    "broken/Dockerfile": f"FROM alpine\nARG NPM_TOKEN={S['broken']}\nRUN <<EOF\necho {S['broken']}\n",
    "json/Dockerfile": f'FROM alpine\nARG NPM_TOKEN\nCMD ["{S["json"]}", 1]\n',
}
BINARY = {"latin1/Dockerfile": f"FROM alpine\n# caf\xe9\nARG NPM_TOKEN={S['utf8']}\n".encode("latin-1")}


def _make(top: Path) -> None:
    for rel, text in FILES.items():
        p = top / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    for rel, data in BINARY.items():
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_bytes(data)
    os.chmod(top / "app/build.sh", 0o755)


def _cli(args, cwd, prelude: str = "") -> subprocess.CompletedProcess:
    code = prelude + "\nfrom migrate.cli import main\nmain()\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", COLUMNS="300")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)


_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


def _hunk_lines(text: str) -> set[int]:
    """Indexes of the lines of ``text`` that are the body of a unified-diff hunk
    (counted from the `@@ -a,n +b,m @@` headers, so a report line is never one)."""
    lines = text.splitlines()
    body: set[int] = set()
    i = 0
    while i < len(lines):
        m = _HUNK.match(lines[i])
        i += 1
        if not m:
            continue
        old = int(m.group(1) or 1)
        new = int(m.group(2) or 1)
        while i < len(lines) and (old > 0 or new > 0):
            ln = lines[i]
            if ln.startswith("\\"):  # "\ No newline at end of file"
                i += 1
                continue
            tag = ln[:1]
            if tag == " ":
                old, new = old - 1, new - 1
            elif tag == "-":
                old -= 1
            elif tag == "+":
                new -= 1
            else:
                break
            body.add(i)
            i += 1
    return body


def _leaks(text: str, diff: bool) -> list[str]:
    """Lines of ``text`` holding a planted value, other than diff hunk lines (the
    file's own content) when ``diff``."""
    hunks = _hunk_lines(text) if diff else set()
    return [ln for i, ln in enumerate(text.splitlines())
            if any(v in ln for v in S.values()) and i not in hunks]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("mode", ["check", "diff", "fix"])
def test_no_report_prints_a_planted_secret(tmp_path, mode, fmt):
    _make(tmp_path)
    proc = _cli([mode, "--format", fmt, "."], tmp_path)
    assert proc.returncode == 2, proc.stderr  # the broken files are errors
    assert "error: broken/Dockerfile:3: unterminated heredoc" in proc.stderr
    assert "error: latin1/Dockerfile:2:" in proc.stderr
    assert "error: json/Dockerfile:3:" in proc.stderr
    assert _leaks(proc.stderr, False) == [], "stderr"
    assert _leaks(proc.stdout, mode == "diff") == [], "stdout"
    if mode == "diff":  # the patch is there (it may quote the file), the report is not leaking
        assert "+++ b/app/Dockerfile" in proc.stdout
    if mode != "check":
        assert "mount=type=secret" in (proc.stdout + (tmp_path / "app/Dockerfile").read_text())


def test_fix_stdin_reports_on_stderr_without_secrets(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    proc = subprocess.run([sys.executable, "-m", "migrate.cli", "fix", "--format", "json", "-"],
                          input=FILES["app/Dockerfile"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert _leaks(proc.stderr, False) == []
    assert "--mount=type=secret,id=NPM_TOKEN" in proc.stdout  # stdout is the file itself


# An engine exception whose message carries file text (the usual KeyError/ValueError shape).
BOOM = """
import migrate.engine as _e
_orig = _e.check
def _boom(df, settings, path=None):
    if "npm_Q7vK2pLx9" in df.text:
        raise KeyError(df.text)
    return _orig(df, settings, path)
_e.check = _boom
"""


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_internal_error_does_not_print_file_content(tmp_path, fmt):
    _make(tmp_path)
    proc = _cli(["check", "--format", fmt, "."], tmp_path, BOOM)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert _leaks(proc.stderr, False) == [] and _leaks(proc.stdout, False) == []
    assert "error: app/Dockerfile: internal error (KeyError)" in proc.stderr
    # ... and the run went on: the caller files were still processed, the other errors reported.
    assert "error: broken/Dockerfile:3: unterminated heredoc" in proc.stderr
