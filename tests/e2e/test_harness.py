"""Proof that the harness and the oracle work: builds with a real engine (marked e2e)."""

from __future__ import annotations

import pytest

from dockerlib import SshAgent, build, leak_scan, secret_needles

pytestmark = pytest.mark.e2e

NPM_ENV_SECRET = {"type": "secret", "id": "NPM_TOKEN", "env": "NPM_TOKEN"}


def test_build_arg_secret_is_found_by_the_oracle(ctx, token):
    r = build("FROM node:20\nARG NPM_TOKEN\nRUN npm ci\n", ctx, build_args={"NPM_TOKEN": token})
    assert r.ok, r.log
    hits = leak_scan(r.image_id, [token])
    assert any(h.startswith("docker history") for h in hits), hits
    assert any("config" in h for h in hits), hits


def test_env_secret_mount_builds_and_leaves_no_trace(ctx, token):
    df = "FROM node:20\nRUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci\n"
    r = build(df, ctx, secrets=[NPM_ENV_SECRET], env={"NPM_TOKEN": token})
    assert r.ok, r.log
    assert "added 42 packages" in r.log
    assert leak_scan(r.image_id, [token]) == []

    missing = build(df, ctx)
    assert not missing.ok, missing.log


def test_stubs_fail_without_credentials(ctx):
    r = build("FROM node:20\nRUN npm ci\n", ctx)
    assert not r.ok
    assert "E401" in r.log
    # a mount that is not `required` and gets no secret: the tool itself must fail
    r = build("FROM node:20\nRUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN npm ci\n", ctx)
    assert not r.ok
    assert "E401" in r.log
    r = build("FROM python:3.12-slim\nRUN pip install private-package\n", ctx)
    assert not r.ok and "No matching distribution" in r.log


def test_file_secret_mount_builds_and_leaves_no_trace(ctx, tmp_path, token):
    npmrc = tmp_path / "secret.npmrc"
    npmrc.write_text(f"//npm.pkg.example/:_authToken={token}\n")
    df = "FROM node:20\nWORKDIR /app\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc,required npm ci\n"
    r = build(df, ctx, secrets=[{"type": "secret", "id": "npmrc", "src": str(npmrc)}])
    assert r.ok, r.log
    assert leak_scan(r.image_id, [token]) == []


def test_copied_then_deleted_file_still_leaks(ctx, token):
    (ctx / ".npmrc").write_text(f"//npm.pkg.example/:_authToken={token}\n")
    r = build("FROM node:20\nCOPY .npmrc /root/.npmrc\nRUN npm ci && rm /root/.npmrc\n", ctx)
    assert r.ok, r.log
    hits = leak_scan(r.image_id, [token])
    assert any("layer" in h and "root/.npmrc" in h for h in hits), hits


def test_syntax_directive_multistage_and_digest_from(ctx, token):
    df = (
        "# syntax=docker/dockerfile:1.7\n"
        "# check=skip=SecretsUsedInArgOrEnv\n"
        "FROM golang:1.22 AS build\n"
        "RUN --mount=type=secret,id=GH_TOKEN,env=GH_TOKEN,required \\\n"
        "    git config --global url.\"https://x-access-token:${GH_TOKEN}@github.com/\".insteadOf \"https://github.com/\" && \\\n"
        "    GOPRIVATE=github.com/acme go mod download && go build -o /out/app ./...\n"
        "FROM alpine@sha256:" + "0" * 64 + " AS final\n"
        "COPY --from=build /out/app /app\n"
        "RUN /app\n"
    )
    r = build(df, ctx, secrets=[{"type": "secret", "id": "GH_TOKEN", "env": "GH_TOKEN"}], env={"GH_TOKEN": token})
    assert r.ok, r.log
    assert "built by the go stub" in r.log
    # the token went into the build stage's ~/.gitconfig, not into the final image
    assert leak_scan(r.image_id, [token]) == []
    build_stage = build(df, ctx, secrets=[{"type": "secret", "id": "GH_TOKEN", "env": "GH_TOKEN"}],
                        env={"GH_TOKEN": token}, target="build")
    assert build_stage.ok, build_stage.log
    assert any("root/.gitconfig" in h for h in leak_scan(build_stage.image_id, [token]))


def _clone_dockerfile(server, *, mount: bool, copy_key: bool = False) -> str:
    prefix = "RUN --mount=type=ssh,required " if mount else "RUN "
    lines = ["FROM python:3.12-slim"]
    if copy_key:
        lines.append("COPY --chmod=600 id_ed25519 /root/.ssh/id_ed25519")
    lines.append(
        prefix + f"mkdir -p -m 0700 ~/.ssh && ssh-keyscan -p {server.port} 127.0.0.1 >> ~/.ssh/known_hosts"
        f" && git clone {server.url} /src && grep -q {server.marker} /src/README"
    )
    return "\n".join(lines) + "\n"


def test_ssh_mount_clones_and_leaves_no_key(ctx, ssh_image, ssh_server):
    with SshAgent(ssh_server.private_key_path) as agent_env:
        r = build(_clone_dockerfile(ssh_server, mount=True), ctx, secrets=[{"type": "ssh", "id": "default"}], env=agent_env)
    assert r.ok, r.log + ssh_server.log
    assert leak_scan(r.image_id, secret_needles(ssh_server.private_key)) == []


def test_ssh_clone_without_mount_fails(ctx, ssh_image, ssh_server):
    r = build(_clone_dockerfile(ssh_server, mount=False), ctx, base="ssh", network="host")
    assert not r.ok
    assert "Permission denied" in r.log or "Could not read from remote repository" in r.log, r.log


def test_copied_ssh_key_leaks(ctx, ssh_image, ssh_server):
    (ctx / "id_ed25519").write_text(ssh_server.private_key)
    r = build(_clone_dockerfile(ssh_server, mount=False, copy_key=True), ctx, base="ssh", network="host")
    assert r.ok, r.log + ssh_server.log
    hits = leak_scan(r.image_id, secret_needles(ssh_server.private_key))
    assert any("root/.ssh/id_ed25519" in h for h in hits), hits


def test_leak_scan_blob_cache_gives_the_same_places(ctx, token, monkeypatch):
    import dockerlib

    monkeypatch.setattr(dockerlib, "_CACHE_MIN", 0)  # cache every blob, not only big base layers
    monkeypatch.setattr(dockerlib, "_BLOB_HITS", {})
    (ctx / "f").write_text(f"value={token}\n")
    r = build("FROM node:20\nCOPY f /etc/app.conf\n", ctx)
    assert r.ok, r.log
    other = "dm-not-in-the-image-" + token[::-1]
    first = leak_scan(r.image_id, [token, other])
    assert any("layer" in h and "etc/app.conf" in h and "needle #0" in h for h in first), first
    assert dockerlib._BLOB_HITS, "nothing was cached"
    # again, needles in another order plus a new one: cached blobs answer, indexes follow the call
    again = leak_scan(r.image_id, [other, "dm-new-needle-" + token[:8], token])
    assert sorted(h.replace("needle #2", "needle #0") for h in again if "docker save" in h) == \
        sorted(h for h in first if "docker save" in h)
