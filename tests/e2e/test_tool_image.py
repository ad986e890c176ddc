"""The tool's own Dockerfile (repository root) builds with a real engine, runs as a
non-root user with /bin/sh present, and the image works on a mounted repository.

No registry here: the Dockerfile's pinned base (python:3.12.8-slim-bookworm) cannot be
pulled, so the harness tags a local stand-in under that name for the build, as it does
for every external base (tests/e2e/dockerlib.py). The stand-in (`dm-base:python`) is
Debian bookworm minbase (dm-base:ssh-rootfs from scripts/docker-engine.sh) plus Debian's
python3 and python3-venv, and the CA bundle this machine's pip trusts (`PIP_CERT`: egress
here goes through a TLS-intercepting proxy); it is built once per engine and kept (label
dm.standin). The
build itself runs with network, like a user's `docker build .`: pip fetches the
dependencies from PyPI. The Dockerfile text is built unchanged (it has no `# syntax`
line, so nothing else would be fetched).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import dockerlib

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STANDIN = "dm-base:python"
STANDIN_VERSION = "2"  # bump to rebuild the stand-in
ROOTFS = "dm-base:ssh-rootfs"
STANDIN_DOCKERFILE = """\
FROM dm-base:ssh-rootfs
RUN apt-get update -qq \\
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null \\
    && rm -rf /var/lib/apt/lists/* \\
    && ln -s /usr/bin/python3 /usr/local/bin/python
COPY host-ca.crt /usr/local/share/dm-host-ca.crt
ENV PIP_CERT=/usr/local/share/dm-host-ca.crt
LABEL dm.standin=python-{version}
"""
LEAKY = "FROM node:20\nARG NPM_TOKEN\nRUN npm ci\n"


def docker(*args, timeout=120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([dockerlib.DOCKER, *args], capture_output=True, text=True, timeout=timeout, **kw)


@pytest.fixture(scope="module")
def python_base(docker_engine, tmp_path_factory) -> str:
    label = docker("image", "inspect", "-f", '{{index .Config.Labels "dm.standin"}}', STANDIN).stdout.strip()
    if label == f"python-{STANDIN_VERSION}":
        return STANDIN
    if not dockerlib.image_exists(ROOTFS):
        pytest.skip(f"{ROOTFS} missing (needed for the python stand-in base); {dockerlib.SETUP_HINT}")
    ctx = tmp_path_factory.mktemp("python-standin")
    (ctx / "Dockerfile").write_text(STANDIN_DOCKERFILE.format(version=STANDIN_VERSION))
    # The CA bundle this machine's pip trusts (a TLS-intercepting egress proxy may sit
    # between us and PyPI); the real python image would need the same on such a network.
    ca = next((Path(p) for p in (os.environ.get("PIP_CERT"), os.environ.get("SSL_CERT_FILE"),
                                 "/etc/ssl/certs/ca-certificates.crt") if p and Path(p).is_file()), None)
    (ctx / "host-ca.crt").write_bytes(ca.read_bytes() if ca else b"")
    r = docker("buildx", "build", "--load", "-t", STANDIN, str(ctx), timeout=900)
    assert r.returncode == 0, f"building the python stand-in base failed (needs Debian's mirror):\n{r.stderr[-3000:]}"
    return STANDIN


@pytest.fixture(scope="module")
def tool_image(python_base, tmp_path_factory) -> str:
    """`docker build .` of the repository's own Dockerfile and .dockerignore."""
    ctx = tmp_path_factory.mktemp("tool-context")
    # The real context is the repository; copy what .dockerignore lets through (and the
    # ignore file itself, to prove it keeps the rest out).
    for name in ("Dockerfile", ".dockerignore", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, ctx / name)
    shutil.copytree(ROOT / "migrate", ctx / "migrate", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (ctx / ".venv").mkdir()
    (ctx / ".venv" / "junk").write_text("must not reach the image\n")
    text = (ROOT / "Dockerfile").read_text()
    r = dockerlib.build(text, ctx, base=python_base, network="default", no_cache=False, timeout=900,
                        tag="dm-e2e-dockerfile-migrate:test")
    assert r.ok, str(r)
    assert "harness: tagged dm-base:python as python:3.12.8-slim-bookworm" in r.log
    return r.image_id


def test_image_runs_as_non_root_with_a_shell(tool_image):
    r = docker("run", "--rm", "--network", "none", tool_image, "--version")
    assert r.returncode == 0 and r.stdout.startswith("dockerfile-migrate, version"), r.stderr
    r = docker("run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", tool_image,
               "-c", "id -u; id -g; command -v dockerfile-migrate; ls -a /opt/dockerfile-migrate /src")
    assert r.returncode == 0, r.stderr
    uid, gid, exe, *listing = r.stdout.split("\n")
    assert uid == "10001" and gid == "10001"
    assert exe == "/opt/dockerfile-migrate/bin/dockerfile-migrate"
    r = docker("image", "inspect", "-f", "{{.Config.User}}", tool_image)
    assert r.stdout.strip() == "10001:10001"
    # Nothing of the context but the package went in.
    r = docker("run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", tool_image, "-c",
               "find / -xdev -name junk -path '*.venv*' 2>/dev/null | head -1; test -e /build || echo no-build-dir")
    assert r.stdout.strip() == "no-build-dir", r.stdout


def test_image_checks_and_fixes_a_mounted_repository(tool_image, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "Dockerfile").write_text(LEAKY)
    (repo / "Dockerfile").chmod(0o666)
    repo.chmod(0o777)
    mount = ["-v", f"{repo}:/src"]
    r = docker("run", "--rm", "--network", "none", *mount, tool_image, "check", ".")
    assert r.returncode == 1 and "Dockerfile:2: DM101" in r.stdout, r.stdout + r.stderr
    r = docker("run", "--rm", "--network", "none", *mount, tool_image, "fix", ".")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci" in (repo / "Dockerfile").read_text()
    # Bulk engines run shell commands in the container.
    r = docker("run", "--rm", "--network", "none", *mount, "--entrypoint", "/bin/sh", tool_image,
               "-c", "cd /src && dockerfile-migrate check . && echo clean")
    assert r.returncode == 0 and r.stdout.strip().endswith("clean"), r.stdout + r.stderr
