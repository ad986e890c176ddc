"""Compose files from the shared real-world corpus (read in place, never copied into
the project): each one goes into a temporary repository with a Dockerfile per built
service that declares the service's build args and runs a script (so secret-named
args get migrated). Then: the Compose file still parses, every service means what it
meant except that the migrated args became build secrets with top-level secrets, no
line outside the edited keys changed, and a second run changes nothing."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus import CORPUS, CORPUS_MISSING, read_text
from migrate.callers.yamltext import load, plain
from migrate.cli import main

FILES = sorted((CORPUS / "compose").glob("*.yml")) if (CORPUS / "compose").is_dir() else []


def _run(args, cwd):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)


def _arg_names(args) -> list[str]:
    if isinstance(args, dict):
        return [str(k) for k in args]
    return [str(a).split("=", 1)[0].strip() for a in args or []]


@pytest.mark.skipif(not FILES, reason=CORPUS_MISSING)
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_compose_file(path: Path, tmp_path: Path):
    text = read_text(path)
    (tmp_path / "docker-compose.yml").write_text(text, newline="")
    before = plain(load(text))
    for svc in before["services"].values():
        b = svc.get("build") if isinstance(svc, dict) else None
        if b is None:
            continue
        ctx = b if isinstance(b, str) else b.get("context", ".")
        df = "Dockerfile" if isinstance(b, str) else b.get("dockerfile", "Dockerfile")
        if "$" in ctx + df:
            continue
        names = _arg_names(None if isinstance(b, str) else b.get("args"))
        target = Path(os.path.normpath(tmp_path / ctx / df))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("FROM alpine:3.20\n" + "".join(f"ARG {n}\n" for n in names) + "RUN ./build.sh\n")

    r = _run(["fix", "--isolated", "."], tmp_path)
    assert r.exit_code == 0, r.output
    out = (tmp_path / "docker-compose.yml").read_text()
    after = plain(load(out))

    top = after.get("secrets") or {}
    for name, svc in before["services"].items():
        new = after["services"][name]
        b_old = svc.get("build") if isinstance(svc, dict) else None
        b_new = new.get("build") if isinstance(new, dict) else None
        rest_old = {k: v for k, v in (svc or {}).items() if k != "build"}
        rest_new = {k: v for k, v in (new or {}).items() if k != "build"}
        assert rest_old == rest_new, name
        if not isinstance(b_old, dict) or b_old == b_new:
            continue
        moved = set(_arg_names(b_old.get("args"))) - set(_arg_names(b_new.get("args")))
        assert moved, name
        assert {s if isinstance(s, str) else s["target"] for s in b_new["secrets"]} >= moved
        for s in b_new["secrets"]:
            assert (s if isinstance(s, str) else s["source"]) in top
        assert {k: v for k, v in b_old.items() if k != "args"} == {k: v for k, v in b_new.items()
                                                                  if k not in ("args", "secrets")}

    # Lines that are gone are the moved args (and emptied `args:` keys); the last line may
    # only gain the newline that the appended top-level `secrets:` needs.
    arg_names = {n for svc in before["services"].values() if isinstance(svc, dict)
                 and isinstance(svc.get("build"), dict) for n in _arg_names(svc["build"].get("args"))}
    gone = Counter(text.splitlines()) - Counter(out.splitlines())
    for line in gone:
        key = line.strip().lstrip("-").strip().strip("'\"").split("=", 1)[0].split(":", 1)[0].strip()
        assert line.strip() == "args:" or key in arg_names, line

    again = _run(["diff", "--isolated", "."], tmp_path)
    assert again.exit_code == 0 and again.stdout == ""
