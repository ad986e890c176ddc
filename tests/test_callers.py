"""Caller migration units: the shell lexer, build-command recognition, value
sources, Needs, and Compose/workflow edits for SSH and secret files (with
synthetic Needs), plus the CLI plumbing (rules, explain, SARIF, select/ignore,
explicit caller paths, summary, no secret values in reports)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.callers import CALLER_RULES, OTHER, CallerContext, migrate_caller
from migrate.callers.buildcmd import dockerfile_candidates, parse_build_call, split_at_eq, value_source
from migrate.callers.needs import Needs
from migrate.callers.shell import split_commands
from migrate.callers.yamltext import load, plain
from migrate.cli import main
from migrate.engine import Result, migrate_source
from migrate.fix import BuildRequirement

LEAKY = "FROM node:20\nARG NPM_TOKEN\nRUN npm ci\n"
PLANTED = "ghp_Zx9Lq2Wm4Rt7Yp1Kd8Hs3Vb6Nc0Jf5Gq2Tw8"


def words(text, dialect="sh"):
    return [[w.raw for w in c.words] for c in split_commands(text, dialect=dialect)]


def call(text, dialect="sh"):
    cmds = split_commands(text, dialect=dialect)
    return parse_build_call(cmds[0], dialect)


def cli(args, cwd):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)


# ----------------------------------------------------------------------------- lexer


def test_lexer_groups_quotes_expansions_and_skips_heredocs_and_comments():
    text = ('X="a b" docker build --build-arg "T=$(cat f | tr -d x)" . > log 2>&1 && echo ok # c\n'
            "cat <<'EOF' > f\ndocker build --build-arg NOPE=1 .\nEOF\n"
            "docker build --build-arg A=${{ secrets.A }} .\n")
    assert words(text) == [
        ['X="a b"', "docker", "build", "--build-arg", '"T=$(cat f | tr -d x)"', ".", ">", "log", "2>&1"],
        ["echo", "ok"],
        ["cat", "<<'EOF'", ">", "f"],
        ["docker", "build", "--build-arg", "A=${{ secrets.A }}", "."],
    ]


def test_lexer_continuations_and_make_dollars():
    assert words("docker build \\\n  --build-arg T=$(T) \\\n  --build-arg U=\"$$(cat f)\" .\n", "make") == [
        ["docker", "build", "--build-arg", "T=$(T)", "--build-arg", 'U="$$(cat f)"', "."]]


def test_split_at_eq_keeps_the_quote_of_the_value():
    assert split_at_eq("NPM_TOKEN=$X") == ("NPM_TOKEN", "$X")
    assert split_at_eq('"NPM_TOKEN=$X"') == ("NPM_TOKEN", '"$X"')
    assert split_at_eq("'A=b c'") == ("A", "'b c'")
    assert split_at_eq("NAME") == ("NAME", None)
    assert split_at_eq("$N=1") is None


# ----------------------------------------------------------------------------- build commands


@pytest.mark.parametrize("text, verb", [
    ("docker build .", "build"),
    ("sudo -E docker build .", "build"),
    ("env FOO=1 docker --context ci buildx build .", "buildx build"),
    ("docker image build .", "image build"),
    ("podman build .", "build"),
    ("buildah bud .", "bud"),
    ("exec /usr/bin/docker builder build .", "builder build"),
])
def test_build_commands_are_recognised(text, verb):
    c = call(text)
    assert c is not None and c.verb == verb and c.context.static == "."


@pytest.mark.parametrize("text", ["docker run --build-arg x .", "docker push app", "echo docker build .",
                                  "docker compose build"])
def test_other_commands_are_not(text):
    assert call(text) is None


def test_build_options_file_context_and_args():
    c = call('docker build -t app --no-cache --file=sub/D.df --build-arg=A=1 --build-arg B '
             '--secret id=S,env=S --ssh default --platform linux/amd64 ctx > out')
    assert c.file.static == "sub/D.df" and c.context.static == "ctx"
    assert [(b.name, b.value) for b in c.build_args] == [("A", "1"), ("B", None)]
    assert {(r.type, r.id) for r in c.passed()} == {("secret", "S"), ("ssh", "default")}
    assert dockerfile_candidates(c, "/r") == ["/r/sub/D.df"]
    assert dockerfile_candidates(call("docker build ctx"), "/r") == ["/r/ctx/Dockerfile"]
    assert dockerfile_candidates(call("podman build ctx"), "/r") == ["/r/ctx/Containerfile", "/r/ctx/Dockerfile"]
    assert "context" in dockerfile_candidates(call("docker build $DIR"), "/r").reason
    assert dockerfile_candidates(call("docker build -f - ."), "/r").reason


def test_value_sources():
    env = lambda v: v != "LOCAL"  # noqa: E731 - LOCAL is set in the script without export
    assert value_source(None, "T", "sh", env, env) == "T"
    assert value_source("$T", "T", "sh", env, env) == "T"
    assert value_source('"${GH}"', "T", "sh", env, env) == "GH"
    assert value_source("$LOCAL", "T", "sh", env, env) is None
    assert value_source('"$(cat f)"', "T", "sh", env, env) is None
    assert value_source("abc", "T", "sh", env, env) is None
    assert value_source("$(T)", "T", "make", env, lambda v: False) is None  # set in the Makefile
    assert value_source("$(T)", "T", "make", env, env) == "T"
    assert value_source("$$T", "T", "make", env, env) == "T"


# ----------------------------------------------------------------------------- needs


def test_needs_from_result_and_stale_args():
    r = migrate_source(LEAKY)
    n = Needs.from_result("Dockerfile", r)
    assert n.gone == {"NPM_TOKEN"} and n.replaces("NPM_TOKEN")
    assert n.secret_for_arg("NPM_TOKEN").id == "NPM_TOKEN"
    assert n.extra() == ()  # callers that never passed the arg need nothing new
    again = Needs.from_result("Dockerfile", migrate_source(r.output))
    assert again.introduced == () and again.replaces("NPM_TOKEN")  # a stale --build-arg is still replaced
    clean = Needs.from_result("Dockerfile", migrate_source("FROM alpine\nARG VERSION\nRUN echo $VERSION\n"))
    assert not clean.replaces("VERSION")


SSH_FILE = Needs("app/Dockerfile", frozenset({"APP_ENV"}), frozenset({"SSH_KEY"}),
                 (BuildRequirement("secret", "npmrc", src=".npmrc"), BuildRequirement("ssh", "default")),
                 (BuildRequirement("secret", "npmrc", src=".npmrc"), BuildRequirement("ssh", "default")))


def ctx_for(root: Path, rel: str, kind: str, needs: dict[str, Needs]) -> CallerContext:
    index = {os.path.normpath(str(root / k)): v for k, v in needs.items()}

    def lookup(p):
        return index.get(os.path.normpath(p)) or (OTHER if os.path.isfile(p) else None)

    return CallerContext(rel, str(root / rel), str(root), lookup, tuple(index.values()), kind=kind)


# ----------------------------------------------------------------------------- compose


def test_compose_ssh_and_secret_file_with_short_form(tmp_path):
    text = ("services:\n"
            "  app:\n"
            "    build:\n"
            "      context: ./app\n"
            "      args:\n"
            "        SSH_KEY: ${SSH_KEY}\n"
            "        APP_ENV: dev\n"
            "  short:\n"
            "    build: './app'   # same image\n")
    res = migrate_caller(text, ctx_for(tmp_path, "compose.yaml", "compose", {"app/Dockerfile": SSH_FILE}))
    assert res.output == ("services:\n"
                          "  app:\n"
                          "    build:\n"
                          "      context: ./app\n"
                          "      args:\n"
                          "        APP_ENV: dev\n"
                          "      secrets:\n"
                          "        - npmrc\n"
                          "      ssh: [default]\n"
                          "  short:\n"
                          "    build:  # same image\n"
                          "      context: './app'\n"
                          "      secrets:\n"
                          "        - npmrc\n"
                          "      ssh: [default]\n"
                          "\n"
                          "secrets:\n"
                          "  npmrc:\n"
                          "    file: ./app/.npmrc\n")
    assert {(r.type, r.id, r.src) for r in res.build_requirements} == {("secret", "npmrc", "./app/.npmrc"),
                                                                       ("ssh", "default", None)}
    assert all(f.fixable for f in res.findings) and "SSH agent" in res.findings[0].message


def test_compose_shared_anchor_with_other_dockerfile_is_reported_not_rewritten(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "Dockerfile").write_text("FROM alpine\nARG NPM_TOKEN\nLABEL x=$NPM_TOKEN\n")
    text = ("x-b: &b\n  args:\n    NPM_TOKEN: ${NPM_TOKEN}\n"
            "services:\n  a:\n    build:\n      <<: *b\n      context: app\n"
            "  o:\n    build:\n      <<: *b\n      context: other\n")
    needs = Needs.from_result("app/Dockerfile", migrate_source(LEAKY))
    res = migrate_caller(text, ctx_for(tmp_path, "compose.yaml", "compose", {"app/Dockerfile": needs}))
    assert res.output == text
    assert [f.severity for f in res.findings] == ["warning"] and "shared" in res.findings[0].message


def test_compose_flow_style_and_variable_context_are_reported(tmp_path):
    needs = Needs.from_result("Dockerfile", migrate_source(LEAKY))
    flow = "services:\n  a:\n    build:\n      context: .\n      args: {NPM_TOKEN: $NPM_TOKEN}\n"
    res = migrate_caller(flow, ctx_for(tmp_path, "compose.yaml", "compose", {"Dockerfile": needs}))
    assert res.output == flow and "flow style" in res.findings[0].message
    var = "services:\n  a:\n    build:\n      context: ${CTX}\n      args: [NPM_TOKEN]\n"
    res = migrate_caller(var, ctx_for(tmp_path, "compose.yaml", "compose", {"Dockerfile": needs}))
    assert res.output == var and "cannot be resolved" in res.findings[0].message
    bad = "services: [\n"
    res = migrate_caller(bad, ctx_for(tmp_path, "compose.yaml", "compose", {"Dockerfile": needs}))
    assert res.output == bad and res.notes == ["not valid YAML; skipped"]


def test_compose_literal_is_masked_and_semantics_checked(tmp_path):
    needs = Needs.from_result("Dockerfile", migrate_source(LEAKY))
    text = f"services:\n  a:\n    build:\n      context: .\n      args:\n        NPM_TOKEN: {PLANTED}\n"
    res = migrate_caller(text, ctx_for(tmp_path, "compose.yml", "compose", {"Dockerfile": needs}))
    msg = res.findings[0].message
    assert PLANTED not in msg and "ghp_****" in msg and "export it" in msg
    assert PLANTED not in res.output
    data = plain(load(res.output))
    assert data["services"]["a"]["build"] == {"context": ".", "secrets": ["NPM_TOKEN"]}
    assert data["secrets"] == {"NPM_TOKEN": {"environment": "NPM_TOKEN"}}


# ----------------------------------------------------------------------------- workflows and scripts


def test_workflow_ssh_and_secret_files(tmp_path):
    text = ("jobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: docker/build-push-action@v6\n"
            "        with:\n"
            "          context: app\n"
            "          build-args: |\n"
            "            SSH_KEY=${{ secrets.DEPLOY_KEY }}\n"
            "            APP_ENV=ci\n")
    res = migrate_caller(text, ctx_for(tmp_path, ".github/workflows/ci.yml", "workflow", {"app/Dockerfile": SSH_FILE}))
    assert res.output.endswith("          build-args: |\n"
                               "            APP_ENV=ci\n"
                               "          secret-files: |\n"
                               "            npmrc=app/.npmrc\n"
                               "          ssh: default\n")
    assert "webfactory/ssh-agent" in res.findings[0].message


def test_script_ssh_replaces_the_key_arg(tmp_path):
    text = 'docker build --build-arg SSH_KEY="$(cat ~/.ssh/id_rsa)" \\\n  -t x app\n'
    res = migrate_caller(text, ctx_for(tmp_path, "build.sh", "sh", {"app/Dockerfile": SSH_FILE}))
    assert res.output == "docker build --secret id=npmrc,src=app/.npmrc --ssh default \\\n  -t x app\n"
    assert "SSH_KEY dropped" in res.findings[0].message


def test_script_variable_set_without_export_is_kept_as_assignment(tmp_path):
    needs = Needs.from_result("Dockerfile", migrate_source(LEAKY))
    text = "NPM_TOKEN=$(cat token)\ndocker build --build-arg NPM_TOKEN=$NPM_TOKEN .\n"
    res = migrate_caller(text, ctx_for(tmp_path, "b.sh", "sh", {"Dockerfile": needs}))
    assert res.output.endswith("NPM_TOKEN=$NPM_TOKEN docker build --secret id=NPM_TOKEN,env=NPM_TOKEN .\n")
    exported = "export NPM_TOKEN=$(cat token)\ndocker build --build-arg NPM_TOKEN=$NPM_TOKEN .\n"
    res = migrate_caller(exported, ctx_for(tmp_path, "b.sh", "sh", {"Dockerfile": needs}))
    assert res.output.endswith("\ndocker build --secret id=NPM_TOKEN,env=NPM_TOKEN .\n")


def test_script_building_a_dockerfile_outside_the_run_is_left_alone(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "Dockerfile").write_text(LEAKY)
    needs = Needs.from_result("Dockerfile", migrate_source(LEAKY))
    text = "docker build --build-arg NPM_TOKEN=$NPM_TOKEN other\n"
    res = migrate_caller(text, ctx_for(tmp_path, "b.sh", "sh", {"Dockerfile": needs}))
    assert res.output == text and res.findings == []


# ----------------------------------------------------------------------------- CLI plumbing


def test_rules_explain_and_sarif_list_caller_rules(tmp_path):
    r = CliRunner().invoke(main, ["rules"])
    for rule in CALLER_RULES:
        assert rule.code in r.output and rule.name in r.output
    r = CliRunner().invoke(main, ["explain", "DM501"])
    assert r.exit_code == 0 and "Why it leaks:" in r.output and "Not rewritten when:" in r.output
    (tmp_path / "Dockerfile").write_text(LEAKY)
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    build: .\n")
    sarif = json.loads(cli(["check", "--isolated", "--format", "sarif", "."], tmp_path).stdout)
    ids = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {"DM501", "DM502", "DM503", "DM504"} <= ids


def make_repo(root: Path) -> None:
    (root / "Dockerfile").write_text(LEAKY)
    (root / "compose.yaml").write_text(f"services:\n  a:\n    build:\n      context: .\n      args:\n"
                                       f"        NPM_TOKEN: {PLANTED}\n")
    (root / "build.sh").write_text(f"docker build --build-arg NPM_TOKEN={PLANTED} .\n")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_reports_never_print_secret_values(tmp_path, fmt):
    make_repo(tmp_path)
    for mode in ("check", "diff"):
        r = cli([mode, "--isolated", "--format", fmt, "."], tmp_path)
        assert PLANTED not in r.stderr
        if mode == "check":
            assert PLANTED not in r.stdout


def test_json_lists_callers_with_kind_and_ignore_switches_them_off(tmp_path):
    make_repo(tmp_path)
    data = json.loads(cli(["check", "--isolated", "--format", "json", "."], tmp_path).stdout)
    kinds = {f["path"]: f.get("kind") for f in data["files"]}
    assert kinds == {"Dockerfile": None, "build.sh": "sh", "compose.yaml": "compose"}
    assert data["summary"]["files"] == 3
    r = cli(["fix", "--isolated", "--ignore", "DM5", "."], tmp_path)
    assert r.exit_code == 0
    assert PLANTED in (tmp_path / "compose.yaml").read_text()  # callers untouched
    assert "--secret" not in (tmp_path / "build.sh").read_text()


def test_select_of_dockerfile_rules_keeps_callers_in_step(tmp_path):
    """`--select DM101` migrates the ARG; the compose file and the script must follow, or they
    would go on passing a build arg to a Dockerfile that now needs a secret."""
    make_repo(tmp_path)
    r = cli(["fix", "--isolated", "--select", "DM101", "."], tmp_path)
    assert r.exit_code == 0
    assert "--mount=type=secret,id=NPM_TOKEN" in (tmp_path / "Dockerfile").read_text()
    assert PLANTED not in (tmp_path / "compose.yaml").read_text()
    assert "--secret id=NPM_TOKEN" in (tmp_path / "build.sh").read_text()


@pytest.mark.parametrize("args", [["--select", "DM101", "--ignore", "DM5"], ["--select", "DM101,DM502"]])
def test_callers_left_out_when_named_out(tmp_path, args):
    make_repo(tmp_path)
    r = cli(["fix", "--isolated", *args, "."], tmp_path)
    assert r.exit_code == 0
    assert "--mount=type=secret,id=NPM_TOKEN" in (tmp_path / "Dockerfile").read_text()
    assert PLANTED in (tmp_path / "compose.yaml").read_text()  # DM501 neither selected nor implied
    if "DM502" in args[1]:
        assert "--secret id=NPM_TOKEN" in (tmp_path / "build.sh").read_text()


def test_explicit_paths_and_summary_on_stderr(tmp_path):
    make_repo(tmp_path)
    r = cli(["diff", "--isolated", "Dockerfile", "compose.yaml"], tmp_path)
    assert r.exit_code == 1
    assert "diff --git a/compose.yaml b/compose.yaml" in r.stdout and "build.sh" not in r.stdout
    assert "Migration summary:" in r.stderr and "Migration summary:" not in r.stdout
    assert "compose: build.secrets: [NPM_TOKEN]" in r.stderr
    # Only the caller named: its Dockerfile is not part of the run, nothing changes.
    r = cli(["diff", "--isolated", "compose.yaml"], tmp_path)
    assert r.exit_code == 0 and r.stdout == ""


def test_dockerfile_errors_leave_callers_alone(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine\nRUN <<EOF\n")
    (tmp_path / "build.sh").write_text("docker build --build-arg NPM_TOKEN=$NPM_TOKEN .\n")
    r = cli(["fix", "--isolated", "."], tmp_path)
    assert r.exit_code == 2
    assert (tmp_path / "build.sh").read_text() == "docker build --build-arg NPM_TOKEN=$NPM_TOKEN .\n"


def test_result_passthrough_for_unknown_kind():
    res = migrate_caller("x", CallerContext("x", "/x", "/", lambda p: None, kind="nope"))
    assert isinstance(res, Result) and res.output == "x"


def test_compose_crlf_file_stays_crlf(tmp_path):
    needs = Needs.from_result("Dockerfile", migrate_source(LEAKY))
    text = "services:\r\n  a:\r\n    build:\r\n      context: .\r\n      args:\r\n        NPM_TOKEN: ${NPM_TOKEN}\r\n"
    res = migrate_caller(text, ctx_for(tmp_path, "compose.yml", "compose", {"Dockerfile": needs}))
    assert res.changed and "\n" not in res.output.replace("\r\n", "")


def test_folded_or_escaped_yaml_strings_are_reported_not_edited(tmp_path):
    needs = Needs.from_result("Dockerfile", migrate_source(LEAKY))
    wf = ("jobs:\n  b:\n    steps:\n      - name: build\n        run: >\n"
          "          docker build --build-arg NPM_TOKEN=$NPM_TOKEN .\n")
    res = migrate_caller(wf, ctx_for(tmp_path, ".github/workflows/x.yml", "workflow", {"Dockerfile": needs}))
    assert res.output == wf and [f.line for f in res.findings] == [6] and not res.findings[0].fixable
    assert "folded or escaped" in res.findings[0].message
    task = 'version: "3"\ntasks:\n  b:\n    cmds:\n      - "docker build --build-arg NPM_TOKEN=\\"$NPM_TOKEN\\" ."\n'
    res = migrate_caller(task, ctx_for(tmp_path, "Taskfile.yml", "taskfile", {"Dockerfile": needs}))
    assert res.output == task and res.findings[0].code == "DM502" and not res.findings[0].fixable


@pytest.mark.parametrize("kind, path, text, out", [
    ("sh", "b.sh", 'ID="$(docker build -q --build-arg NPM_TOKEN=$NPM_TOKEN .)"\n',
     'ID="$(docker build -q --secret id=NPM_TOKEN,env=NPM_TOKEN .)"\n'),
    ("sh", "b.sh", "X=`docker build --build-arg NPM_TOKEN .`\n",
     "X=`docker build --secret id=NPM_TOKEN,env=NPM_TOKEN .`\n"),
    ("make", "Makefile", "b:\n\t$(DOCKER) build --build-arg NPM_TOKEN=$(NPM_TOKEN) .\n",
     "b:\n\t$(DOCKER) build --secret id=NPM_TOKEN,env=NPM_TOKEN .\n"),
    ("sh", "b.sh", "if true; then DOCKER_BUILDKIT=1 docker build --build-arg NPM_TOKEN=$T .; fi\n",
     "if true; then DOCKER_BUILDKIT=1 docker build --secret id=NPM_TOKEN,env=T .; fi\n"),
    ("sh", "b.sh", "cd app && docker build --build-arg NPM_TOKEN=$NPM_TOKEN .\n",
     "cd app && docker build --build-arg NPM_TOKEN=$NPM_TOKEN .\n"),  # app/Dockerfile is not in the run
])
def test_command_shapes(tmp_path, kind, path, text, out):
    needs = Needs.from_result("Dockerfile", migrate_source(LEAKY))
    res = migrate_caller(text, ctx_for(tmp_path, path, kind, {"Dockerfile": needs}))
    assert res.output == out


def test_compose_build_override_is_reported(tmp_path):
    needs = Needs.from_result("Dockerfile", migrate_source(LEAKY))
    text = "docker compose build --build-arg NPM_TOKEN=$NPM_TOKEN web\n"
    res = migrate_caller(text, ctx_for(tmp_path, "b.sh", "sh", {"Dockerfile": needs}))
    assert res.output == text and res.findings[0].severity == "warning" and "build.secrets" in res.findings[0].message


def test_required_ssh_mount_from_an_earlier_run_still_reaches_callers(tmp_path):
    df = "FROM alpine\nRUN --mount=type=ssh,required git clone git@github.com:a/b.git\n"
    needs = Needs.from_result("Dockerfile", migrate_source(df))
    assert needs.introduced == () and [r.type for r in needs.extra()] == ["ssh"]
    res = migrate_caller("docker build -t x .\n", ctx_for(tmp_path, "b.sh", "sh", {"Dockerfile": needs}))
    assert res.output == "docker build --ssh default -t x .\n"
    optional = Needs.from_result("Dockerfile", migrate_source(df.replace(",required", "")))
    assert optional.extra() == ()


def test_callers_catch_up_with_a_dockerfile_fixed_earlier(tmp_path):
    make_repo(tmp_path)
    cli(["fix", "--isolated", "Dockerfile"], tmp_path)
    assert "--build-arg" in (tmp_path / "build.sh").read_text()
    r = cli(["fix", "--isolated", "."], tmp_path)
    assert r.exit_code == 0
    assert (tmp_path / "build.sh").read_text().startswith("NPM_TOKEN=")  # literal kept as an assignment
    assert "--secret id=NPM_TOKEN,env=NPM_TOKEN" in (tmp_path / "build.sh").read_text()
    assert "environment: NPM_TOKEN" in (tmp_path / "compose.yaml").read_text()
