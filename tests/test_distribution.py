"""How users get the tool: the container Dockerfile (its static properties; the real
build is tests/e2e/test_tool_image.py), shell completion, --version, rules/explain."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from migrate import __version__
from migrate.cli import main
from migrate.syntax import parse

ROOT = Path(__file__).resolve().parents[1]


def test_own_dockerfile_passes_its_own_check():
    for args in (["check", "Dockerfile"], ["check", "--isolated", "--format", "json", "Dockerfile"]):
        old = os.getcwd()
        os.chdir(ROOT)
        try:
            r = CliRunner().invoke(main, args, catch_exceptions=False)
        finally:
            os.chdir(old)
        assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["summary"] == {"files": 1, "findings": 0, "changed": 0, "errors": 0}


def test_own_dockerfile_is_pinned_non_root_and_secret_free():
    df = parse((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    froms = [i for i in df.nodes if getattr(i, "cmd", None) == "FROM"]
    for f in froms:
        image = f.args.split()[0]
        if image == "build":
            continue
        # A full version tag (major.minor.patch + variant), never a floating one.
        assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-[a-z]+(@sha256:[0-9a-f]{64})?", image), image
    users = [i.args.strip() for i in df.nodes if getattr(i, "cmd", None) == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert not [i for i in df.nodes if getattr(i, "cmd", None) == "ARG"]  # no build arguments at all
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[1:4] == ["*", "!pyproject.toml", "!README.md"]  # allowlist: .venv/.git never sent
