"""What every caller migration gets: where the caller is, and the Dockerfiles of this run."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

from ..engine import Result
from ..findings import Finding
from ..fix import BuildRequirement
from ..rules.base import Rule
from ..settings import DEFAULT_SETTINGS, Settings
from .needs import Needs


class Other:
    """An existing Dockerfile that is not part of this run (left alone, silently)."""


OTHER = Other()
Lookup = Callable[[str], "Needs | Other | None"]


@dataclass
class CallerContext:
    path: str  # the caller as shown in reports
    abspath: str  # absolute, normalised
    root: str  # repository root (absolute): base of CI paths, fallback cwd of scripts
    lookup: Lookup  # absolute Dockerfile path -> Needs (migrated in this run), OTHER (exists), None
    all_needs: tuple[Needs, ...] = ()
    kind: str = ""  # caller kind (see discovery.caller_kind)
    settings: Settings = DEFAULT_SETTINGS
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def dir(self) -> str:
        return os.path.dirname(self.abspath)

    def resolve(self, candidates: list[str]) -> Needs | Other | None:
        """The first candidate path that exists (as a Dockerfile of this run or another file)."""
        for c in candidates:
            got = self.lookup(os.path.normpath(c))
            if got is not None:
                return got
        return None

    def replacing(self, name: str) -> list[Needs]:
        """Dockerfiles of this run that no longer take build arg ``name``."""
        return [n for n in self.all_needs if n.replaces(name)]

    def result(self, source: str, output: str, passes: list[BuildRequirement]) -> Result:
        uniq: dict[tuple[str, str], BuildRequirement] = {}
        for r in passes:
            uniq.setdefault((r.type, r.id), r)
        reqs = sorted(uniq.values(), key=lambda r: (r.type != "secret", r.id))
        findings = sorted(self.findings, key=lambda f: (f.line, f.code, f.subject))
        for f in findings:
            f.fixed = f.fix is not None and output != source
        return Result(source, output, findings, reqs, notes=list(self.notes))


class CallerRule(Rule):
    """A caller migration: documented like a rule (module docstring), run on a whole file."""

    kinds: tuple[str, ...] = ()

    def migrate(self, text: str, ctx: CallerContext) -> Result:  # pragma: no cover - interface
        raise NotImplementedError

    def check(self, ctx):  # callers are not Dockerfile rules
        return ()


def unresolved_message(label: str, names: list[str], why: str, ctx: CallerContext) -> str:
    """Message for a build command whose Dockerfile cannot be known, with the new flags."""
    parts = []
    for name in names:
        flags = sorted({_flag_for(n, name) for n in ctx.replacing(name)})
        where = ", ".join(sorted({n.path for n in ctx.replacing(name)}))
        parts.append(f"{name} ({where}: {' or '.join(flags)})")
    return (f"`{label}` passes {', '.join(names)} as build args, but which Dockerfile it builds is unknown "
            f"({why}); if it builds a migrated Dockerfile, pass instead: " + "; ".join(parts) + ".")


def _flag_for(needs: Needs, name: str) -> str:
    req = needs.secret_for_arg(name)
    if req is None:
        extra = [r.flag() for r in needs.extra()]
        return " ".join(extra) if extra else "nothing (drop it)"
    return f"--secret id={req.id},env={name}" if not req.src else req.flag()


def caller_rule_enabled(settings, code: str) -> bool:
    """Caller rules follow the Dockerfile fixes they keep builds in step with: `--select` of
    Dockerfile rules only (`DM101`, `DM1`) keeps them on, or the callers would go on passing
    build args to Dockerfiles that now need secrets; `--ignore DM5..` or a selection naming
    caller rules decides for them as for any rule."""
    if settings.enabled(code):
        return True
    if any(code.startswith(p) for p in settings.ignore) or settings.select is None:
        return False
    return not any(p.startswith("DM5") or "DM5".startswith(p) for p in settings.select)
