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


def _exe() -> str:
    exe = Path(sys.executable).with_name("dockerfile-migrate")
    assert exe.exists(), "console script not installed next to the interpreter"
    return str(exe)


def test_version():
    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0 and r.output == f"dockerfile-migrate, version {__version__}\n"
    out = subprocess.run([_exe(), "--version"], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"dockerfile-migrate, version {__version__}"


def test_bash_completion_really_completes(tmp_path):
    """Source the script click generates into bash and call the completion function."""
    script = f"""
eval "$(_DOCKERFILE_MIGRATE_COMPLETE=bash_source {_exe()})"
complete -p dockerfile-migrate
comp() {{ COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
  _dockerfile_migrate_completion dockerfile-migrate; echo "$*: ${{COMPREPLY[*]}}"; }}
comp dockerfile-migrate ''
comp dockerfile-migrate ex
comp dockerfile-migrate explain DM1
comp dockerfile-migrate check --format s
comp dockerfile-migrate check --fr
"""
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                       cwd=tmp_path, env=dict(os.environ, PATH=str(Path(_exe()).parent) + os.pathsep + os.environ["PATH"]))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("complete -o nosort -F _dockerfile_migrate_completion dockerfile-migrate")
    assert set(lines[1].split(": ")[1].split()) >= {"check", "diff", "fix", "rules", "explain"}
    assert lines[2].endswith(": explain")
    assert lines[3].split(": ")[1].split() == ["DM101", "DM102", "DM103", "DM104"]
    assert lines[4].endswith(": sarif")
    assert lines[5].endswith(": --frontend")


def test_zsh_and_fish_completion_scripts():
    for shell, marker in (("zsh", "compdef _dockerfile_migrate_completion dockerfile-migrate"),
                          ("fish", "complete --no-files --command dockerfile-migrate")):
        out = subprocess.run([_exe()], env=dict(os.environ, _DOCKERFILE_MIGRATE_COMPLETE=f"{shell}_source"),
                             capture_output=True, text=True, check=True).stdout
        assert marker in out, out


def test_rules_and_explain_print_every_rules_documentation():
    from migrate.callers import CALLER_RULES
    from migrate.rules import ALL_RULES

    listing = CliRunner().invoke(main, ["rules"]).output.splitlines()
    assert [line.split()[0] for line in listing] == [r.code for r in ALL_RULES + CALLER_RULES]
    for r in ALL_RULES + CALLER_RULES:
        for key in (r.code, r.name, r.code.lower()):
            out = CliRunner().invoke(main, ["explain", key])
            assert out.exit_code == 0
            assert out.output.startswith(f"{r.code} ({r.name})\n\n{r.summary()}\n")
            for heading in ("Why it leaks:", "Bad:", "Good:", "Build flags:"):
                assert f"\n{heading}\n" in out.output, (r.code, heading)
    every = CliRunner().invoke(main, ["explain", "--all"])
    assert every.exit_code == 0
    assert [line.split()[0] for line in every.output.splitlines() if re.match(r"DM\d{3} \(", line)] == \
        [r.code for r in ALL_RULES + CALLER_RULES]
    assert CliRunner().invoke(main, ["explain"]).exit_code == 2
    r = CliRunner().invoke(main, ["explain", "DM999"])
    assert r.exit_code == 2 and "unknown rule" in r.output


def test_readme_tour_is_the_real_output():
    from migrate.docs import TOUR_END, TOUR_START, replace_tour

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(TOUR_START) == 1
    assert replace_tour(readme) == readme, "run: .venv/bin/python -m migrate.docs --write"
    tour = readme.split(TOUR_START)[1].split(TOUR_END)[0]
    assert "+RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm run build" in tour


def test_readme_documents_every_hook_action_input_and_config_key():
    from pre_commit.clientlib import load_manifest
    from ruamel.yaml import YAML

    from migrate.config import KNOWN_KEYS, SECRET_KEYS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml")):
        assert f"`{hook['id']}`" in readme, hook["id"]
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
    for name in list(action["inputs"]) + list(action["outputs"]):
        assert f"`{name}`" in readme, name
    config = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for key in KNOWN_KEYS | SECRET_KEYS:
        assert re.search(rf"^(?:\[)?{re.escape(key)}\b", config, re.M), key
    assert "_DOCKERFILE_MIGRATE_COMPLETE=bash_source" in readme
