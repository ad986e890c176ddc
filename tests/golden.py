"""Golden cases: golden/<rule>/<case>/ holds

- in.Dockerfile       the input
- out.Dockerfile      the expected output (absent: the file must come out unchanged)
- expected.json       expected findings and build_requirements (JSON report of the file)
- case.json           optional: {"settings": {...}, "e2e": {...}, "description": "..."}
- context/            optional: build-context files the rules may read

Regenerate expectations after a deliberate change with
`DM_GOLDEN_UPDATE=1 python -m pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from migrate.config import settings_from_config
from migrate.engine import Result, migrate_source
from migrate.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "golden"


@dataclass
class Case:
    dir: Path

    @property
    def id(self) -> str:
        return f"{self.dir.parent.name}/{self.dir.name}"

    def read(self, name: str) -> str | None:
        p = self.dir / name
        if not p.exists():
            return None
        with open(p, encoding="utf-8", newline="") as f:
            return f.read()

    @property
    def input(self) -> str:
        text = self.read("in.Dockerfile")
        assert text is not None, f"{self.id}: missing in.Dockerfile"
        return text

    @property
    def expected_output(self) -> str:
        out = self.read("out.Dockerfile")
        return self.input if out is None else out

    @property
    def meta(self) -> dict:
        raw = self.read("case.json")
        return json.loads(raw) if raw else {}

    @property
    def context_dir(self) -> Path | None:
        d = self.dir / "context"
        return d if d.is_dir() else None

    def settings(self) -> Settings:
        s, _ = settings_from_config(self.meta.get("settings", {}), str(self.dir / "case.json"))
        ctx = self.context_dir

        def read(rel: str) -> str | None:
            if ctx is None:
                return None
            full = (ctx / rel).resolve()
            if not str(full).startswith(str(ctx.resolve())) or not full.is_file():
                return None
            return full.read_text(encoding="utf-8", errors="replace")

        return replace(s, read_context=read)

    def run(self, text: str | None = None) -> Result:
        return migrate_source(self.input if text is None else text, self.settings(), "Dockerfile")

    def report(self, result: Result) -> dict:
        d = result.to_json("Dockerfile")
        return {"changed": d["changed"], "findings": d["findings"], "build_requirements": d["build_requirements"]}


def cases() -> list[Case]:
    if not GOLDEN.is_dir():
        return []
    return [Case(d) for d in sorted(GOLDEN.glob("*/*")) if (d / "in.Dockerfile").exists()]


def update_enabled() -> bool:
    return os.environ.get("DM_GOLDEN_UPDATE") == "1"
