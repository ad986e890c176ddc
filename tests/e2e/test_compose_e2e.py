"""End to end: a Compose service migrated by `dockerfile-migrate fix` builds with a
real Docker engine and Compose v2, gets its secret from `build.secrets`, and the
value is not in the image.

Needs a Docker engine (scripts/docker-engine.sh), `docker compose` v2 and the local
base image dm-base:busybox (no registry is used). Skipped with the reason otherwise.
The `# syntax=docker/dockerfile:1` line the fix adds is dropped before building:
its frontend image would have to be pulled, and the engine's built-in frontend
(Docker >= 28) already supports `RUN --mount=type=secret,env=`.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli import main

pytestmark = pytest.mark.e2e

BASE = "dm-base:busybox"
HERE = Path(__file__).resolve().parent


def _run(args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=kw.pop("timeout", 60), **kw)


def _harness_reason() -> str | None:
    """Ask tests/e2e/dockerlib.py (when present) whether the engine is ready."""
    path = HERE / "dockerlib.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("dm_e2e_dockerlib", path)
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
        status = mod.engine_status()
    except Exception:  # the harness is optional here; fall back to our own probes
        return None
    ok = getattr(status, "ok", None)
    if ok is None and isinstance(status, tuple) and status and isinstance(status[0], bool):
        ok = status[0]
    if ok is False:
        return str(getattr(status, "reason", None) or (status[1] if isinstance(status, tuple) else status))
    return None


def _skip_reason() -> str | None:
    if shutil.which("docker") is None:
        return "docker CLI not installed"
    reason = _harness_reason()
    if reason:
        return reason
    try:
        if _run(["docker", "info"], timeout=30).returncode != 0:
            return "no Docker engine answers (`docker info` failed); start one with scripts/docker-engine.sh"
        if _run(["docker", "compose", "version"], timeout=30).returncode != 0:
            return "Docker Compose v2 is not available (`docker compose version` failed)"
        if _run(["docker", "image", "inspect", BASE], timeout=30).returncode != 0:
            return f"base image {BASE} is missing (scripts/docker-engine.sh builds it)"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"docker does not answer: {exc}"
    return None


REASON = _skip_reason()

DOCKERFILE = f"""FROM {BASE}
ARG NPM_TOKEN
RUN require-env NPM_TOKEN && echo ok > /built
"""


@pytest.mark.skipif(REASON is not None, reason=REASON or "")
def test_migrated_compose_service_builds_with_its_secret(tmp_path):
    token = "dm-e2e-" + uuid.uuid4().hex  # a throwaway value, not a credential
    project = "dme2e" + uuid.uuid4().hex[:10]
    image = f"dm-e2e-compose:{project}"
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  app:  # built locally\n"
        f"    image: {image}\n"
        "    build:\n"
        "      context: .\n"
        "      args:\n"
        "        NPM_TOKEN: ${NPM_TOKEN}\n")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        r = CliRunner().invoke(main, ["fix", "--isolated", "."], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert r.exit_code == 0, r.output
    compose = (tmp_path / "compose.yaml").read_text()
    assert "args:" not in compose and "environment: NPM_TOKEN" in compose
    df = (tmp_path / "Dockerfile").read_text()
    assert "--mount=type=secret,id=NPM_TOKEN" in df
    (tmp_path / "Dockerfile").write_text("".join(l for l in df.splitlines(True) if not l.startswith("# syntax=")))

    env = {**os.environ, "NPM_TOKEN": token, "COMPOSE_PROJECT_NAME": project}
    try:
        built = _run(["docker", "compose", "build", "--no-cache"], cwd=tmp_path, env=env, timeout=300)
        assert built.returncode == 0, built.stdout + built.stderr
        history = _run(["docker", "history", "--no-trunc", image], timeout=60)
        inspect = _run(["docker", "image", "inspect", image], timeout=60)
        assert history.returncode == 0 and inspect.returncode == 0
        assert token not in history.stdout and token not in inspect.stdout

        # Without the variable the required secret is missing and the build fails.
        env.pop("NPM_TOKEN")
        missing = _run(["docker", "compose", "build", "--no-cache"], cwd=tmp_path, env=env, timeout=300)
        assert missing.returncode != 0
    finally:
        _run(["docker", "image", "rm", "-f", image], timeout=60)
