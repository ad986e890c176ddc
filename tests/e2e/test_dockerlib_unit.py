"""Pure parts of the harness (no Docker needed)."""

from __future__ import annotations

import subprocess
import textwrap

from dockerlib import external_bases, neutralize_syntax_directive, secret_needles


def test_syntax_directive_is_neutralized_keeping_lines_and_other_directives():
    text = "# syntax=docker/dockerfile:1.7\n# escape=`\nFROM node:20\nRUN echo hi\n"
    out = neutralize_syntax_directive(text)
    assert out.count("\n") == text.count("\n")
    lines = out.split("\n")
    assert lines[0] == "# escape=`" and "syntax" not in lines[0]
    assert lines[2:] == ["FROM node:20", "RUN echo hi", ""]
    assert neutralize_syntax_directive("FROM a\n# syntax=x\n") == "FROM a\n# syntax=x\n"


def test_external_bases_skip_stages_scratch_and_resolve_args():
    df = textwrap.dedent("""\
        ARG BASE=python:3.12-slim
        ARG GO=1.22
        FROM --platform=$BUILDPLATFORM golang:${GO} AS build
        RUN <<EOF
        FROM not-an-instruction
        EOF
        FROM build AS test
        FROM scratch AS empty
        FROM ${BASE}
        FROM alpine@sha256:abc AS final
        """)
    names = [img for _, _, img in external_bases(df, {"GO": "1.23"})]
    assert names == ["golang:1.23", "python:3.12-slim", "alpine@sha256:abc"]


def test_secret_needles_find_a_rewrapped_key(tmp_path):
    key = tmp_path / "k"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    pem = key.read_text()
    body = "".join(pem.strip().splitlines()[1:-1])
    rewrapped = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    needles = secret_needles(pem)
    assert any(n.decode() in rewrapped for n in needles)
    assert any(n.decode() in body for n in needles)
    assert secret_needles("  tok123 \n") == [b"tok123"]
