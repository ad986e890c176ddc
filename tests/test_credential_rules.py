"""DM201 (credential files copied in) and DM202 (tokens written to files in RUN): the building blocks
(credential names, content verdicts, `.dockerignore` matching) and behaviours the golden cases do not
pin one by one."""

from __future__ import annotations

from dataclasses import replace

import pytest

from migrate.analysis.credential_files import inspect_content, kind_of_name
from migrate.analysis.dockerignore import excluded
from migrate.engine import migrate_source
from migrate.secrets import find_credential_literals
from migrate.settings import DEFAULT_SETTINGS

from golden import cases


def _run(text: str, context: dict[str, str] | None = None):
    settings = DEFAULT_SETTINGS
    if context is not None:
        settings = replace(settings, read_context=lambda rel: context.get(rel))
    return migrate_source(text, settings, "Dockerfile")


def _codes(result, prefix="DM2"):
    return [(f.code, f.line, f.fixed) for f in result.findings if f.code.startswith(prefix)]


@pytest.mark.parametrize("name,expected", [
    (".npmrc", "npmrc"), (".npmrc-ci", "npmrc"), ("ci.npmrc", "npmrc"), (".pypirc", "pypirc"),
    ("pip.conf", "pip_conf"), (".netrc", "netrc"), (".git-credentials", "git_credentials"),
    (".docker/config.json", "docker_config"), (".aws/credentials", "aws_credentials"),
    (".gem/credentials", "gem_credentials"), ("NuGet.Config", "nuget_config"), (".env", "dotenv"),
    (".env.production", "dotenv"), ("kubeconfig", "kubeconfig"), ("server.key", "private_key"),
    ("tls-key.pem", "private_key"), ("client.p12", "keystore"), ("gcp-service-account.json", "service_account"),
    (".yarnrc.yml", "yarnrc"),
    (".npmrc.example", None), (".env.sample", None), ("id_rsa.pub", None), ("known_hosts", None),
    ("ssh_config", None), ("ca.pem", None), ("cert.pem", None), ("truststore.p12", None),
    ("package.json", None), ("tsconfig.json", None), ("config.json", None), ("settings.xml", None),
])
def test_credential_names(name, expected):
    kind = kind_of_name(name, is_source=True)
    assert (kind.id if kind else None) == expected


def test_generic_names_need_their_tool():
    assert kind_of_name("settings.xml", is_source=True, tools=frozenset({"mvn"})).id == "maven_settings"
    assert kind_of_name("auth.json", is_source=True, tools=frozenset({"composer"})).id == "composer_auth"
    assert kind_of_name("auth.json", is_source=True) is None


@pytest.mark.parametrize("kind_name,text,verdict", [
    (".npmrc", "//npm.pkg.example/:_authToken=${NPM_TOKEN}\n", "template"),
    (".npmrc", "//npm.pkg.example/:_authToken=npm_k3Vd9QzT2mW8xLp4Rb7Yc1Hn6Fs0Gj5Ua2Ee\n", "secret"),
    (".npmrc", "registry=https://registry.npmjs.org/\n", "plain"),
    (".netrc", "machine h login u password $NETRC_PASSWORD\n", "template"),
    (".netrc", "machine h login u password hunter2-but-longer\n", "secret"),
    (".pypirc", "[pypi]\nusername = __token__\npassword = ${PYPI_TOKEN}\n", "template"),
    (".docker/config.json", '{"auths": {"r": {"auth": "dXNlcjpwYXNzd29yZA=="}}}', "secret"),
])
def test_content_verdicts(kind_name, text, verdict):
    assert inspect_content(kind_of_name(kind_name, is_source=True), text).verdict == verdict


@pytest.mark.parametrize("patterns,path,out", [
    (".npmrc\n", ".npmrc", True),
    (".npmrc\n", "sub/.npmrc", False),
    ("**/.npmrc\n", "sub/.npmrc", True),
    ("*.npmrc\n!.npmrc\n", ".npmrc", False),
    ("secrets\n", "secrets/key.json", True),
    ("/secrets\n", "secrets/key.json", True),
    ("# .npmrc\n", ".npmrc", False),
    (".npmrc*\n", ".npmrc-ci", True),
    ("*\n!package.json\n", ".npmrc", True),
])
def test_dockerignore_matching(patterns, path, out):
    assert excluded(patterns, path) is out


# The fake credentials the golden cases and their contexts hold.
_KNOWN_FAKE_SECRETS = ("k3Vd9QzT2mW8xLp4Rb7Yc1Hn6Fs0Gj5Ua2Ee", "s3cr3t-pip-pass", "R4nd0mL00kingT0kenV4lue0123456789ab",
                       "AgEIcHlwaS5vcmcCJGE4ZjYxN2Q1")


def test_messages_never_contain_context_or_dockerfile_literals():
    checked = 0
    found: set[str] = set()
    for case in cases():
        if not case.id.startswith(("credential-file-copied/", "token-persisted-in-run/")):
            continue
        texts = [case.input]
        if case.context_dir is not None:
            texts += [p.read_text() for p in case.context_dir.rglob("*") if p.is_file()]
        literals = {t[c.start:c.end] for t in texts for c in find_credential_literals(t) if c.end - c.start >= 8}
        literals |= {v for v in _KNOWN_FAKE_SECRETS if any(v in t for t in texts)}
        result = case.run()
        for f in result.findings:
            for value in literals:
                assert value not in f.message, (case.id, f.code)
            checked += 1
        found.update(v for v in _KNOWN_FAKE_SECRETS if v in literals)
    assert checked >= 20
    assert set(found) == set(_KNOWN_FAKE_SECRETS)  # each one was really present in some case


def test_every_reader_gets_the_mount_including_child_stages_and_none_after_the_rm():
    text = ("FROM node:20 AS base\nWORKDIR /app\nCOPY .npmrc ./\nRUN npm ci\n\n"
            "FROM base AS test\nRUN npm test\nRUN rm .npmrc\nRUN npm run lint\n")
    r = _run(text)
    assert _codes(r) == [("DM201", 3, True)]
    mount = "--mount=type=secret,id=npmrc,target=/app/.npmrc,required"
    assert r.output.count(mount) == 2
    assert f"RUN {mount} npm ci" in r.output and f"RUN {mount} npm test" in r.output
    assert "RUN npm run lint" in r.output and "rm .npmrc" not in r.output
    assert [x.flag() for x in r.build_requirements] == ["--secret id=npmrc,src=.npmrc"]


def test_config_blind_runs_do_not_get_the_mount():
    r = _run("FROM debian:12\nCOPY .netrc /root/.netrc\nRUN apt-get update && mkdir -p /x\nRUN curl -n https://h/x\n")
    assert "RUN apt-get update && mkdir -p /x" in r.output
    assert "RUN --mount=type=secret,id=netrc,target=/root/.netrc,required curl -n https://h/x" in r.output


def test_earlier_copy_dot_also_blocks_and_dockerignore_unblocks():
    text = "FROM node:20\nWORKDIR /app\nCOPY . .\nCOPY .npmrc-ci .npmrc\nRUN npm ci\n"
    r = _run(text)
    assert _codes(r) == [("DM201", 4, False)]
    assert "COPY at line 3 copies the build context's `.npmrc-ci`" in r.findings[0].message
    ctx = {".npmrc-ci": "//r/:_authToken=${NPM_TOKEN}x\n", ".dockerignore": ".npmrc-ci\n"}
    r = _run(text, ctx)
    assert _codes(r) == [("DM201", 4, True)]


def test_copy_from_of_the_exact_file_blocks():
    text = ("FROM alpine AS creds\nCOPY .netrc /root/.netrc\nRUN wget -q https://h/x\n"
            "FROM alpine\nCOPY --from=creds /root/.netrc /root/.netrc\nCMD [\"sh\"]\n")
    r = _run(text)
    assert [(c, fixed) for c, _, fixed in _codes(r)] == [("DM201", False)]
    assert r.output == text


def test_rm_with_other_operands_keeps_them():
    r = _run("FROM node:20\nWORKDIR /app\nCOPY .npmrc ./\nRUN npm ci && rm -f .npmrc .yarnrc\n")
    assert "npm ci && rm -f .yarnrc\n" in r.output


def test_token_write_cleaned_in_same_run_is_not_reported_but_append_to_existing_file_is_not_fixed():
    clean = ("FROM alpine AS b\nRUN --mount=type=secret,id=P,env=P echo \"machine h password $P\" > /root/.netrc"
             " && wget -q https://h/x && rm -f /root/.netrc\nFROM alpine\nCOPY --from=b /x /x\n")
    assert _codes(_run(clean)) == []
    appended = ("FROM alpine AS b\nCOPY netrc.base /root/.netrc\n"
                "RUN --mount=type=secret,id=P,env=P echo \"machine h password $P\" >> /root/.netrc && wget -q https://h/x\n"
                "FROM alpine\nCOPY --from=b /x /x\n")
    r = _run(appended)
    assert [(c, fixed) for c, _, fixed in _codes(r, "DM202")] == [("DM202", False)]
    assert "earlier steps may have filled" in r.findings[-1].message


def test_token_write_fix_is_idempotent_and_never_in_the_final_image_without_cmd():
    text = ("FROM golang:1.22\nRUN --mount=type=secret,id=T,env=T git config --global "
            "url.\"https://${T}@github.com/\".insteadOf \"https://github.com/\" && go mod download\n")
    r = _run(text)
    assert [(c, fixed) for c, _, fixed in _codes(r)] == [("DM202", False)]
    assert "base image" in r.findings[0].message


def test_token_write_moves_into_later_readers_only_with_the_same_workdir():
    text = ("FROM golang:1.22 AS b\nWORKDIR /src\nARG T\nRUN git config --global url.\"https://${T}@h.example/\".insteadOf "
            "\"https://h.example/\"\nRUN apk add make\nRUN go build ./...\nFROM scratch\nCOPY --from=b /src/app /app\n")
    r = _run(text)
    assert ("DM202", 4, True) in _codes(r)
    runs = [line for line in r.output.splitlines() if line.startswith("RUN")]
    assert runs[0] == "RUN apk add make"  # config-blind: untouched
    assert runs[1].endswith('git config --global url."https://${T}@h.example/".insteadOf "https://h.example/" && go build ./... '
                            '&& git config --global --remove-section url."https://${T}@h.example/"')
    assert r.output.count(".insteadOf") == 1  # the write RUN itself is gone
    moved = text.replace("RUN go build ./...", "WORKDIR /src/cmd\nRUN go build ./...")
    r = _run(moved)
    assert [(c, fixed) for c, _, fixed in _codes(r, "DM202")] == [("DM202", False)]
    assert "another WORKDIR" in [f for f in r.findings if f.code == "DM202"][0].message


def test_prefilter_with_a_readable_context_is_a_superset():
    from migrate.rules import RULES_BY_CODE

    seen = 0
    for case in cases():
        settings = case.settings()
        text = case.input
        codes = {f.code for f in case.run().findings}
        for code in ("DM201", "DM202"):
            if code in codes:
                assert not RULES_BY_CODE[code].quick_reject(text, settings), (case.id, code)
                seen += case.context_dir is not None
    # a COPY . . whose context holds a credential file, and nothing in the text hints at it
    text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
    ctx = {"sub/.npmrc": "//r/:_authToken=npm_k3Vd9QzT2mW8xLp4Rb7Yc1Hn6Fs0Gj5Ua2Ee\n"}
    settings = replace(DEFAULT_SETTINGS, read_context=ctx.get)
    assert RULES_BY_CODE["DM201"].quick_reject(text, settings)  # not under the copied directory
    moved = text.replace("COPY . .", "COPY sub/ ./")
    assert not RULES_BY_CODE["DM201"].quick_reject(moved, settings)
    assert [f.code for f in migrate_source(moved, settings).findings] == ["DM201"]
    assert seen >= 5
