"""The composite GitHub Action (action.yml), run offline by a small runner emulation.

The emulation does what the Actions runner does for a composite action's `shell: bash`
steps: substitutes `${{ inputs.* }}`, `${{ github.* }}`, `${{ runner.temp }}` and
`${{ steps.ID.outputs.* }}` (any other expression fails the test), runs each step with
`bash --noprofile --norc -eo pipefail FILE` in GITHUB_WORKSPACE with fresh GITHUB_OUTPUT /
GITHUB_PATH / GITHUB_STEP_SUMMARY files, parses the outputs, prepends GITHUB_PATH entries,
stops at the first failing step, and evaluates the action's `outputs`.

The install step really runs once (a virtualenv + `pip install` of a snapshot of this
working tree as the action's checkout; pip needs PyPI for the dependencies); the other
scenarios reuse its outputs and run the check step against sample repositories.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from checkout import copy_package

ROOT = Path(__file__).resolve().parents[1]
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
PACKAGE_FILES = ("pyproject.toml", "README.md", "action.yml", "migrate")

LEAKY = "FROM node:20\nARG NPM_TOKEN\nRUN npm ci\n"
LITERAL_ONLY = ("FROM python:3.12-slim\n"
                "RUN pip install --index-url https://deploy:Sup3rS3cret@pypi.example.invalid/simple app\n")
CLEAN = "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class ActionRun:
    ok: bool
    failed_step: str | None
    rc: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    step_outputs: dict[str, dict[str, str]]
    summary: str
    path: list[str] = field(default_factory=list)


def parse_output_file(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            j = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1:j])
            i = j + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


def evaluate(text: str, ctx: dict) -> str:
    def sub(m):
        expr = m.group(1)
        parts = expr.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return ctx["inputs"][parts[1]]
        if expr in ("github.action_path", "github.workspace", "runner.temp"):
            return ctx[expr]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return ctx["steps"].get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"the runner emulation does not know ${{{{ {expr} }}}}")
    return EXPR.sub(sub, text)


def run_action(workspace: Path, tmp: Path, action_path: Path, inputs: dict | None = None,
               skip: dict[str, dict[str, str]] | None = None, extra_path: list[str] | None = None) -> ActionRun:
    """Run the action's steps; `skip` maps a step id to the outputs it had (not re-run)."""
    declared = ACTION["inputs"]
    inputs = dict(inputs or {})
    unknown = set(inputs) - set(declared)
    assert not unknown, f"inputs not declared in action.yml: {unknown}"
    values = {k: str(inputs.get(k, v.get("default", ""))) for k, v in declared.items()}
    temp = tmp / "runner-temp"
    temp.mkdir(exist_ok=True)
    ctx = {"inputs": values, "github.action_path": str(action_path), "github.workspace": str(workspace),
           "runner.temp": str(temp), "steps": {}}
    path_dirs = list(extra_path or [])
    summary_file = tmp / "step-summary.md"
    summary_file.write_text("")
    stdout = stderr = ""
    assert ACTION["runs"]["using"] == "composite"
    for n, step in enumerate(ACTION["runs"]["steps"]):
        sid = step.get("id", f"step{n}")
        assert step.get("shell") == "bash" and "if" not in step and "uses" not in step, step
        if skip and sid in skip:
            ctx["steps"][sid] = skip[sid]
            continue
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "DM_", "VIRTUAL_ENV"))}
        out_file, path_file, env_file = tmp / f"{sid}.output", tmp / f"{sid}.path", tmp / f"{sid}.env"
        for f in (out_file, path_file, env_file):
            f.write_text("")
        env.update({
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(temp),
            "GITHUB_ACTION_PATH": str(action_path), "GITHUB_OUTPUT": str(out_file), "GITHUB_PATH": str(path_file),
            "GITHUB_ENV": str(env_file), "GITHUB_STEP_SUMMARY": str(summary_file),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        })
        env["PATH"] = os.pathsep.join(path_dirs + [env.get("PATH", "")])
        for k, v in (step.get("env") or {}).items():
            env[k] = evaluate(str(v), ctx)
        script = tmp / f"{sid}.sh"
        script.write_text(evaluate(step["run"], ctx))
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                           env=env, capture_output=True, text=True, timeout=600)
        stdout += r.stdout
        stderr += r.stderr
        ctx["steps"][sid] = parse_output_file(out_file.read_text())
        path_dirs = [p for p in reversed(path_file.read_text().splitlines()) if p] + path_dirs
        if r.returncode != 0:
            return ActionRun(False, sid, r.returncode, stdout, stderr, {}, ctx["steps"], summary_file.read_text(),
                             path_dirs)
    outputs = {k: evaluate(str(v["value"]), ctx) for k, v in ACTION.get("outputs", {}).items()}
    return ActionRun(True, None, 0, stdout, stderr, outputs, ctx["steps"], summary_file.read_text(), path_dirs)


@pytest.fixture(scope="module")
def action_checkout(tmp_path_factory) -> Path:
    """What the runner checks out for `uses: OWNER/dockerfile-migrate@REF`."""
    dest = tmp_path_factory.mktemp("action-checkout")
    copy_package(dest, PACKAGE_FILES)
    return dest


@pytest.fixture(scope="module")
def installed(action_checkout, tmp_path_factory):
    """The install step, run for real once: (its outputs, GITHUB_PATH entries)."""
    tmp = tmp_path_factory.mktemp("install")
    ws = tmp / "ws"
    ws.mkdir()
    (ws / "Dockerfile").write_text(CLEAN)
    run = run_action(ws, tmp, action_checkout, {"format": "text"})
    assert run.ok, run.stdout + run.stderr
    assert re.search(r"dockerfile-migrate, version \d", run.stdout)
    return run.step_outputs["install"], run.path


def workspace(tmp_path: Path, files: dict[str, str]) -> Path:
    ws = tmp_path / "workspace"
    for name, text in files.items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).write_text(text)
    return ws


def check(tmp_path, action_checkout, installed, files, **inputs) -> ActionRun:
    outs, path = installed
    return run_action(workspace(tmp_path, files), tmp_path, action_checkout, inputs,
                      skip={"install": outs}, extra_path=path)


def test_install_step_puts_the_tool_on_path(installed):
    outs, path = installed
    assert Path(outs["bin"], "dockerfile-migrate").is_file()
    assert path[0] == outs["bin"]


def test_sarif_report_for_code_scanning(tmp_path, action_checkout, installed):
    run = check(tmp_path, action_checkout, installed,
                {"Dockerfile": LEAKY, "compose.yaml": "services:\n  a:\n    build:\n      context: .\n"
                                                      "      args:\n        NPM_TOKEN: ${NPM_TOKEN}\n",
                 "svc/Dockerfile": CLEAN},
                format="sarif", **{"fail-on": "never"})
    assert run.ok, run.stdout + run.stderr
    assert run.outputs == {"findings": "2", "fixable": "2", "errors": "0", "sarif-file": "dockerfile-migrate.sarif"}
    data = json.loads((tmp_path / "workspace" / "dockerfile-migrate.sarif").read_text())
    errors = list(jsonschema.Draft4Validator(SCHEMA).iter_errors(data))
    assert not errors, [e.message for e in errors[:5]]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in data["runs"][0]["results"]}
    assert uris == {"Dockerfile", "compose.yaml"}  # relative to the workspace, as upload-sarif wants
    assert "| `Dockerfile` | 2 | DM101 `secret-build-arg` | yes |" in run.summary
    assert "::error" not in run.stdout  # SARIF mode prints no annotations


def test_fail_on_finding_fails_the_step(tmp_path, action_checkout, installed):
    run = check(tmp_path, action_checkout, installed, {"Dockerfile": LEAKY}, format="sarif")
    assert not run.ok and run.failed_step == "check" and run.rc == 1
    assert "1 finding(s)" in run.stdout
    assert (tmp_path / "workspace" / "dockerfile-migrate.sarif").is_file()  # written before failing


def test_github_annotations(tmp_path, action_checkout, installed):
    run = check(tmp_path, action_checkout, installed, {"app/Dockerfile": LEAKY}, paths="app")
    assert not run.ok and run.rc == 1
    assert "::error file=app/Dockerfile,line=2,endLine=2,title=DM101 secret-build-arg::" in run.stdout


def test_fail_on_fixable_ignores_report_only_findings(tmp_path, action_checkout, installed):
    run = check(tmp_path, action_checkout, installed, {"Dockerfile": LITERAL_ONLY}, **{"fail-on": "fixable"})
    assert run.ok, run.stdout + run.stderr
    assert run.outputs["findings"] == "1" and run.outputs["fixable"] == "0"
    assert "::error file=Dockerfile,line=2" in run.stdout
    assert "Sup3rS3cret" not in run.stdout + run.stderr + run.summary
    run = check(tmp_path / "b", action_checkout, installed, {"Dockerfile": LEAKY}, **{"fail-on": "fixable"})
    assert not run.ok and run.rc == 1


def test_clean_repository_passes(tmp_path, action_checkout, installed):
    run = check(tmp_path, action_checkout, installed, {"Dockerfile": CLEAN, "svc/Containerfile": CLEAN})
    assert run.ok and run.outputs["findings"] == "0", run.stdout + run.stderr
    assert "0 finding(s)" in run.summary


def test_config_file_and_extra_args(tmp_path, action_checkout, installed):
    files = {"Dockerfile": LEAKY, "ci/dm.toml": 'ignore = ["DM101"]\n', "third_party/x/Dockerfile": LEAKY}
    run = check(tmp_path, action_checkout, installed, files)
    assert not run.ok and "third_party/x/Dockerfile" in run.stdout and "2 finding(s)" in run.stdout
    run = check(tmp_path / "b", action_checkout, installed, files, config="ci/dm.toml")
    assert run.ok and run.outputs["findings"] == "0", run.stdout + run.stderr
    run = check(tmp_path / "c", action_checkout, installed, files, args="--exclude third_party/*")
    assert not run.ok and "third_party" not in run.stdout and "1 finding(s)" in run.stdout
    run = check(tmp_path / "d", action_checkout, installed, files, paths="third_party\n  Dockerfile\n",
                args="--select DM102")
    assert run.ok and run.outputs["findings"] == "0", run.stdout + run.stderr


def test_unparsable_file_fails_even_with_fail_on_never(tmp_path, action_checkout, installed):
    run = check(tmp_path, action_checkout, installed, {"Dockerfile": "FROM alpine\nRUN <<EOF\nnever\n"},
                **{"fail-on": "never"})
    assert not run.ok and run.rc == 2
    assert "Dockerfile:2: unterminated heredoc" in run.stderr + run.stdout


def test_bad_inputs_are_rejected(tmp_path, action_checkout, installed):
    run = check(tmp_path, action_checkout, installed, {"Dockerfile": CLEAN}, **{"fail-on": "sometimes"})
    assert not run.ok and "fail-on must be" in run.stdout
    run = check(tmp_path / "b", action_checkout, installed, {"Dockerfile": CLEAN}, format="xml")
    assert not run.ok and "format must be" in run.stdout


def test_version_input_installs_that_release_from_pypi(tmp_path, action_checkout):
    """`version` switches the pip spec; a stub interpreter records the pip call (no network)."""
    stub = tmp_path / "python-stub"
    stub.write_text(
        "#!/bin/sh\n"
        "# called as: python-stub -m venv DIR\n"
        'mkdir -p "$3/bin"\n'
        "printf '#!/bin/sh\\necho \"pip: $*\" >> \"%s/pip.log\"\\n' \"$3\" > \"$3/bin/python\"\n"
        "printf '#!/bin/sh\\necho \"dockerfile-migrate, version 0.0.0\"\\n' > \"$3/bin/dockerfile-migrate\"\n"
        'chmod +x "$3/bin/python" "$3/bin/dockerfile-migrate"\n')
    stub.chmod(0o755)
    ws = workspace(tmp_path, {"Dockerfile": CLEAN})
    for version, spec in (("0.1.0", "dockerfile-migrate==0.1.0"), ("", str(action_checkout))):
        tmp = tmp_path / f"v{version or 'local'}"
        tmp.mkdir()
        run = run_action(ws, tmp, action_checkout, {"version": version, "python": str(stub)},
                         skip={"check": {}})
        assert run.ok, run.stdout + run.stderr
        log = (tmp / "runner-temp" / "dockerfile-migrate-venv" / "pip.log").read_text()
        assert log.strip().endswith(f"-m pip install --quiet --disable-pip-version-check {spec}"), log
