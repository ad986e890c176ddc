"""Fixtures for the real-build tests. Tests marked ``e2e`` need a Docker engine with BuildKit
(scripts/docker-engine.sh); without one they are skipped with the reason ``engine_status()``
gives. Independent of any tests/conftest.py."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dockerlib  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: builds images with a real Docker engine (skipped without one)")


def pytest_terminal_summary(terminalreporter) -> None:
    """The golden E2E driver's one line per case (original leaks -> migrated clean ...)."""
    if dockerlib.SUMMARY_LINES:
        terminalreporter.write_sep("=", f"golden E2E: {len(dockerlib.SUMMARY_LINES)} cases built for real")
        for line in dockerlib.SUMMARY_LINES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def docker_engine():
    """Skips unless a usable engine is up; removes the images the session built at the end."""
    reason = dockerlib.engine_status()
    if reason:
        pytest.skip(reason)
    yield
    dockerlib.cleanup_images()


@pytest.fixture(autouse=True)
def _e2e_needs_engine(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("e2e"):
        request.getfixturevalue("docker_engine")


@pytest.fixture
def ctx(tmp_path: Path) -> Path:
    """An empty build context directory."""
    d = tmp_path / "ctx"
    d.mkdir()
    return d


@pytest.fixture
def token() -> str:
    """A fresh random secret value."""
    return "dmtok" + secrets.token_hex(16)


@pytest.fixture
def ssh_image(docker_engine) -> str:
    if not dockerlib.image_exists(dockerlib.BASE_SSH):
        pytest.skip(f"{dockerlib.BASE_SSH} missing; {dockerlib.SETUP_HINT}")
    return dockerlib.BASE_SSH


@pytest.fixture(scope="module")
def ssh_server():
    """sshd on 127.0.0.1 serving a bare git repo, accepting one generated user key."""
    if not Path(dockerlib.SshServer.SSHD).exists():
        pytest.skip(f"{dockerlib.SshServer.SSHD} missing (openssh-server); {dockerlib.SETUP_HINT}")
    with dockerlib.SshServer() as server:
        yield server
