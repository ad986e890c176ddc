"""SARIF output for code scanning: valid against the bundled SARIF 2.1.0 schema,
rule metadata, stable fingerprints, regions and severities."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from migrate.callers import CALLER_RULES
from migrate.cli import main
from migrate.rules import ALL_RULES

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

LEAKY = ("FROM node:20 AS build\nARG NPM_TOKEN\nENV PIP_INDEX_URL=https://user:pw@pypi.example.invalid/simple\n"
         "RUN npm ci && \\\n    pip install -r requirements.txt\nARG NPM_TOKEN\nRUN npm run build\n")


def sarif(args, cwd) -> dict:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(main, ["check", "--isolated", "--format", "sarif", *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert r.exit_code in (0, 1, 2), r.output
    return json.loads(r.stdout)


def validate(data: dict) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


@pytest.fixture
def golden_repo(tmp_path):
    """Every golden input (Dockerfiles of all rules, caller repositories) in one tree."""
    for case in sorted((ROOT / "golden").glob("*/*/in.Dockerfile")):
        dest = tmp_path / "df" / case.parent.parent.name / case.parent.name
        dest.mkdir(parents=True)
        shutil.copyfile(case, dest / "Dockerfile")
        if (case.parent / "context").is_dir():
            shutil.copytree(case.parent / "context", dest, dirs_exist_ok=True)
    for case in sorted((ROOT / "golden" / "callers").glob("*/in")):
        shutil.copytree(case, tmp_path / "callers" / case.parent.name)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "Dockerfile").write_text("FROM alpine\nRUN <<EOF\nnever ends\n")
    return tmp_path


def test_sarif_validates_against_the_schema_for_every_rule(golden_repo):
    data = sarif(["."], golden_repo)
    validate(data)
    run = data["runs"][0]
    reported = {r["ruleId"] for r in run["results"]}
    all_codes = {r.code for r in ALL_RULES + CALLER_RULES}
    # The golden inputs exercise every rule, so every rule's result shape is validated.
    assert reported == all_codes, all_codes - reported
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False  # bad/Dockerfile
    [note] = inv["toolExecutionNotifications"]
    assert note["message"]["text"].startswith("bad/Dockerfile:2:")
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_rule_metadata(tmp_path):
    (tmp_path / "Dockerfile").write_text(LEAKY)
    data = sarif(["Dockerfile"], tmp_path)
    validate(data)
    driver = data["runs"][0]["tool"]["driver"]
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {r.code for r in ALL_RULES + CALLER_RULES}
    dm101 = rules["DM101"]
    assert dm101["name"] == "secret-build-arg"
    assert dm101["shortDescription"]["text"].startswith("A secret passed as a build argument")
    assert "docker history" in dm101["fullDescription"]["text"]
    # help: why, the fix (good example) and the build flags, as text and markdown.
    for text in (dm101["help"]["text"], dm101["help"]["markdown"]):
        assert "RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci" in text
        assert "--secret id=NPM_TOKEN,env=NPM_TOKEN" in text
        assert "dockerfile-migrate explain DM101" in text
    assert "```dockerfile\n# syntax=docker/dockerfile:1\nFROM node:20\n" in dm101["help"]["markdown"]
    # Compose examples keep their indentation.
    assert "```yaml\nservices:\n  web:\n    build:\n" in rules["DM501"]["help"]["markdown"]
    assert dm101["helpUri"].endswith("#dm101")
    assert dm101["properties"]["security-severity"] == "8.0"
    assert rules["DM103"]["properties"]["security-severity"] == "9.0"
    assert rules["DM104"]["defaultConfiguration"]["level"] == "warning"
    for r in rules.values():
        assert 0 < float(r["properties"]["security-severity"]) <= 10
        assert "security" in r["properties"]["tags"]


def test_results_regions_levels_and_rule_index(tmp_path):
    (tmp_path / "Dockerfile").write_text(LEAKY)
    run = sarif(["Dockerfile"], tmp_path)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_code = {}
    for res in run["results"]:
        by_code.setdefault(res["ruleId"], []).append(res)
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] == "error"
        assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"
    # DM102 on the ENV (line 3); DM101 on both ARG lines (2 and 6).
    regions = sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
                      r["locations"][0]["physicalLocation"]["region"]["endLine"]) for r in run["results"])
    assert ("DM102", 3, 3) in regions
    assert [x for x in regions if x[0] == "DM101"] == [("DM101", 2, 2), ("DM101", 6, 6)]


def test_region_spans_a_continued_instruction(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine\nENV A=1 \\\n    NPM_TOKEN=abc \\\n    B=2\nRUN npm ci\n")
    data = sarif(["Dockerfile"], tmp_path)
    [res] = [r for r in data["runs"][0]["results"] if r["ruleId"] == "DM102"]
    region = res["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["endLine"]) == (2, 4)


def fingerprints(run) -> dict:
    return {r["partialFingerprints"]["dockerfileMigrate/v1"]:
            (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]}


def test_fingerprints_survive_inserting_lines_above(tmp_path):
    (tmp_path / "Dockerfile").write_text(LEAKY)
    before = fingerprints(sarif(["Dockerfile"], tmp_path)["runs"][0])
    assert len(before) == len(sarif(["Dockerfile"], tmp_path)["runs"][0]["results"]) >= 3  # all distinct
    first, rest = LEAKY.split("\n", 1)
    (tmp_path / "Dockerfile").write_text(first + "\n# a comment\n\nLABEL org.opencontainers.image.title=x\n" + rest)
    after = fingerprints(sarif(["Dockerfile"], tmp_path)["runs"][0])
    assert set(after) == set(before)
    for fp, (code, line) in before.items():
        assert after[fp] == (code, line + 3)


def test_fingerprints_differ_by_file_rule_and_subject(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text(LEAKY)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "Dockerfile").write_text(LEAKY.replace("NPM_TOKEN", "GH_TOKEN"))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "Dockerfile").write_text(LEAKY)
    run = sarif(["."], tmp_path)["runs"][0]
    fps = [r["partialFingerprints"]["dockerfileMigrate/v1"] for r in run["results"]]
    assert len(fps) == len(set(fps))
