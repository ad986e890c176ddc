"""The shell's per-file path (read, prefilter, context reader, engine: `parallel.process`, what
every worker runs) reports what the pure core reports on every golden case, the case's build
context laid out beside the Dockerfile as `docker build` would see it. The golden runner calls
`migrate_source` directly; this holds the composition around it to the same answers (a prefilter
asked without the build context once skipped `COPY . .` of a context holding `.npmrc`)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from migrate.diffing import unified_diff
from migrate.parallel import Job, Task, process

from golden import Case, cases

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("mode", ["check", "diff"])
def test_shell_reports_what_the_core_reports(case: Case, mode, tmp_path):
    ctx = tmp_path / "ctx"
    if case.context_dir is not None:
        shutil.copytree(case.context_dir, ctx, symlinks=True)
    else:
        ctx.mkdir()
    name = "Dockerfile" if not (ctx / "Dockerfile").exists() else "golden.Dockerfile"
    (ctx / name).write_bytes(case.input.encode("utf-8", "surrogateescape"))
    # As the CLI makes them: no reader of its own; the shell gives each file its context's.
    settings = replace(case.settings(), read_context=None)
    job = Job(mode, settings, write=False, stdout_diff=mode == "diff")
    out = process(Task(str(ctx / name), "Dockerfile"), job)
    assert out.error is None, out.error
    got = out.result.to_json("Dockerfile")
    expected = json.loads(case.read("expected.json"))
    assert {k: got[k] for k in ("changed", "findings", "build_requirements")} == expected
    if mode == "diff":
        assert out.diff == unified_diff("Dockerfile", case.input, case.expected_output)
