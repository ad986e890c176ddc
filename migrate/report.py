"""Report formats: text, json, sarif, github. None of them prints a secret
value: messages are built from names, kinds and masked values only."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from rich.console import Console
from rich.text import Text

from . import __version__
from .engine import Result
from .fix import BuildRequirement
from .rules import ALL_RULES


@dataclass
class FileReport:
    path: str
    result: Result | None = None
    error: str | None = None  # one-line error (I/O, encoding)
    error_line: int | None = None
    written: bool = False
    kind: str = "dockerfile"  # or a caller kind: compose, workflow, ci, taskfile, make, just, sh

    @property
    def failed(self) -> bool:
        return self.error is not None or (self.result is not None and self.result.error is not None)

    def error_text(self) -> str | None:
        if self.error is not None:
            loc = f"{self.path}:{self.error_line}" if self.error_line else self.path
            return f"{loc}: {self.error}"
        if self.result is not None and self.result.error is not None:
            return f"{self.path}:{self.result.error_line}: {self.result.error}"
        return None


@dataclass
class RunSummary:
    files: list[FileReport] = field(default_factory=list)

    @property
    def findings(self) -> int:
        return sum(len(f.result.findings) for f in self.files if f.result)

    @property
    def changed(self) -> int:
        return sum(1 for f in self.files if f.result and f.result.changed)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.files if f.failed)


def build_command(reqs: list[BuildRequirement], path: str) -> str:
    """A ready-to-paste `docker build` for one Dockerfile, context = its folder."""
    flags = " ".join(r.flag() for r in reqs)
    folder, _, name = path.rpartition("/")
    context = folder or "."
    f = "" if name == "Dockerfile" else f" -f {path}"
    return f"docker build {flags}{f} {context}"


def write_text(summary: RunSummary, console: Console, mode: str) -> None:
    for fr in summary.files:
        if fr.result is None:
            continue
        for f in fr.result.findings:
            t = Text()
            t.append(f"{fr.path}:{f.line}:", style="bold")
            t.append(f" {f.code}", style="red" if f.severity == "error" else "yellow")
            t.append(f" {f.message}")
            if f.fixable and mode == "check":
                t.append(" [fixable]", style="cyan")
            console.print(t, soft_wrap=True, highlight=False)
        for note in fr.result.notes:
            console.print(Text(f"{fr.path}: note: {note}"), soft_wrap=True, highlight=False)
    n, files = summary.findings, len(summary.files)
    fixable = sum(1 for fr in summary.files if fr.result for f in fr.result.findings if f.fixable)
    if mode == "fix":
        line = f"{n} finding{'s' if n != 1 else ''}; rewrote {summary.changed} of {files} file{'s' if files != 1 else ''}."
    else:
        line = (f"Found {n} finding{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}"
                f" ({fixable} fixable).")
    if summary.errors:
        line += f" {summary.errors} file{'s' if summary.errors != 1 else ''} could not be processed."
    console.print(Text(line, style="bold"), soft_wrap=True, highlight=False)
    builds = [(fr.path, fr.result.build_requirements) for fr in summary.files
              if fr.kind == "dockerfile" and fr.result and fr.result.build_requirements
              and (fr.result.changed or mode == "check")]
    if builds:
        console.print(Text("Build with:", style="bold"), highlight=False)
        for path, reqs in builds:
            console.print(Text("  " + build_command(reqs, path)), soft_wrap=True, highlight=False)
    if mode in ("diff", "fix"):
        from .callers.summary import migration_summary

        for i, line in enumerate(migration_summary(summary)):
            console.print(Text(line, style="bold" if i == 0 else ""), soft_wrap=True, highlight=False)


def to_json(summary: RunSummary) -> dict:
    files = []
    for fr in summary.files:
        if fr.result is not None:
            d = fr.result.to_json(fr.path)
            if d.get("error"):
                d["error"]["message"] = fr.error_text()
        else:
            d = {"path": fr.path, "changed": False, "findings": [], "build_requirements": [],
                 "error": {"line": fr.error_line, "message": fr.error_text()}}
        d["written"] = fr.written
        if fr.kind != "dockerfile":
            d["kind"] = fr.kind
        files.append(d)
    return {
        "version": 1,
        "tool": {"name": "dockerfile-migrate", "version": __version__},
        "files": files,
        "summary": {"files": len(summary.files), "findings": summary.findings, "changed": summary.changed,
                    "errors": summary.errors},
    }


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def write_github(summary: RunSummary, out) -> None:
    for fr in summary.files:
        err = fr.error_text()
        if err:
            out.write(f"::error file={_gh_escape(fr.path, True)}::{_gh_escape(err)}\n")
        if fr.result is None:
            continue
        for f in fr.result.findings:
            level = {"error": "error", "warning": "warning"}.get(f.severity, "notice")
            out.write(f"::{level} file={_gh_escape(fr.path, True)},line={f.line},endLine={f.end_line},"
                      f"title={_gh_escape(f.code + ' ' + f.rule, True)}::{_gh_escape(f.message)}\n")


def to_sarif(summary: RunSummary) -> dict:
    from .callers import CALLER_RULES

    rules = []
    for r in ALL_RULES + CALLER_RULES:
        sec = r.sections()
        help_text = "\n\n".join(x for x in (sec.get("why it leaks", ""), "Fix:\n" + sec.get("good", ""),
                                            "Build flags:\n" + sec.get("build flags", "")) if x)
        rules.append({
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary()},
            "fullDescription": {"text": sec.get("why it leaks", r.summary())},
            "help": {"text": help_text},
            "defaultConfiguration": {"level": "error" if r.severity == "error" else "warning"},
        })
    results = []
    for fr in summary.files:
        if fr.result is None:
            continue
        for f in fr.result.findings:
            fp = hashlib.sha256(f"{fr.path}\0{f.code}\0{f.subject}".encode()).hexdigest()[:32]
            results.append({
                "ruleId": f.code,
                "level": {"error": "error", "warning": "warning"}.get(f.severity, "note"),
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": fr.path},
                    "region": {"startLine": f.line, "endLine": f.end_line},
                }}],
                "partialFingerprints": {"dockerfileMigrate/v1": fp},
            })
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "dockerfile-migrate", "version": __version__,
                                "informationUri": "https://pypi.org/project/dockerfile-migrate/", "rules": rules}},
            "results": results,
        }],
    }


def dump_json(data: dict, out) -> None:
    json.dump(data, out, indent=2)
    out.write("\n")
