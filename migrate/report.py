"""Report formats: text, json, sarif, github. None of them prints a secret
value: messages are built from names, kinds and masked values only."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from . import __version__
from .engine import Result
from .fix import BuildRequirement
from .rules import ALL_RULES

if TYPE_CHECKING:  # rich is imported by the text writers only (start-up time of json/diff runs)
    from rich.console import Console


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
        write_file_text(fr, console, mode)
    write_text_footer(summary, console, mode)


def write_file_text(fr: FileReport, console: Console, mode: str) -> None:
    """The finding and note lines of one file (streamed by migrate.bulk as files finish)."""
    if fr.result is None:
        return
    if isinstance(console, PlainConsole):  # a log: the same lines, unstyled and without rich
        out = console.file
        for f in fr.result.findings:
            tail = " [fixable]" if f.fixable and mode == "check" else ""
            out.write(f"{fr.path}:{f.line}: {f.code} {f.message}{tail}\n")
        for note in fr.result.notes:
            out.write(f"{fr.path}: note: {note}\n")
        return
    from rich.text import Text

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


class PlainConsole:
    """What the text report needs of a rich Console, for a stream that is not a terminal: the
    same lines, without importing rich (~80 ms of every run's start)."""

    is_terminal = False

    def __init__(self, file) -> None:
        self.file = file

    def print(self, obj="", *args, **kwargs) -> None:
        self.file.write(f"{obj}\n")  # a rich Text prints as its plain text


def console_for(stream, **options):
    """A rich Console on a terminal (or when colour is forced), else a PlainConsole."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty and not os.environ.get("FORCE_COLOR") and os.environ.get("TTY_COMPATIBLE") != "1":
        return PlainConsole(stream)
    from rich.console import Console

    return Console(file=stream, **options)


def _say(console, line: str, style: str = "") -> None:
    if isinstance(console, PlainConsole):
        console.print(line)
        return
    from rich.text import Text

    console.print(Text(line, style=style), soft_wrap=True, highlight=False)


def write_text_footer(summary: RunSummary, console: Console, mode: str) -> None:
    """Totals, "Build with:" and the migration summary. ``summary`` may be a
    migrate.bulk.StreamSummary: totals as attributes, `files` only those worth listing."""
    n, files = summary.findings, getattr(summary, "scanned", len(summary.files))
    fixable = getattr(summary, "fixable", None)
    if fixable is None:
        fixable = sum(1 for fr in summary.files if fr.result for f in fr.result.findings if f.fixable)
    if mode == "fix":
        line = f"{n} finding{'s' if n != 1 else ''}; rewrote {summary.changed} of {files} file{'s' if files != 1 else ''}."
    else:
        line = (f"Found {n} finding{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}"
                f" ({fixable} fixable).")
    if summary.errors:
        line += f" {summary.errors} file{'s' if summary.errors != 1 else ''} could not be processed."
    _say(console, line, "bold")
    builds = [(fr.path, fr.result.build_requirements) for fr in summary.files
              if fr.kind == "dockerfile" and fr.result and fr.result.build_requirements
              and (fr.result.changed or mode == "check")]
    if builds:
        _say(console, "Build with:", "bold")
        for path, reqs in builds:
            _say(console, "  " + build_command(reqs, path))
    if mode in ("diff", "fix"):
        from .callers.summary import migration_summary

        for i, line in enumerate(migration_summary(summary)):
            _say(console, line, "bold" if i == 0 else "")


def file_json(fr: FileReport) -> dict:
    """One entry of the JSON report's `files`."""
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
    return d


def to_json(summary: RunSummary) -> dict:
    files = []
    for fr in summary.files:
        files.append(file_json(fr))
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


# GitHub code scanning reads `properties.security-severity` (0.0-10.0: >= 9 critical,
# >= 7 high, >= 4 medium, else low); by severity unless a rule is listed here.
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}
RULE_SECURITY_SEVERITY = {"DM103": "9.0", "DM104": "3.0"}  # committed credential; outdated frontend pin
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _security_severity(code: str, severity: str) -> str:
    return RULE_SECURITY_SEVERITY.get(code) or SECURITY_SEVERITY.get(severity, "5.0")


def _sarif_uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/:@!$&'()*+,;=-._~")


def sarif_fingerprints(path: str, findings) -> list[str]:
    """Stable per-finding keys: path + rule + subject (never a line number), with an
    ordinal among equal keys (in source order), so alerts survive edits above them."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for f in findings:
        key = (f.code, f.subject or f.rule)
        n = seen.get(key, 0)
        seen[key] = n + 1
        raw = f"{path}\0{key[0]}\0{key[1]}" + (f"\0{n}" if n else "")
        out.append(hashlib.sha256(raw.encode()).hexdigest()[:32])
    return out


def to_sarif(summary: RunSummary) -> dict:
    from .callers import CALLER_RULES
    from .docs import help_markdown, help_text, help_uri

    rules = []
    for r in ALL_RULES + CALLER_RULES:
        sec = r.sections()
        kind = "caller" if r.code.startswith("DM5") else "dockerfile"
        rules.append({
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary()},
            "fullDescription": {"text": " ".join(sec.get("why it leaks", r.summary()).split())},
            "help": {"text": help_text(r), "markdown": help_markdown(r)},
            "helpUri": help_uri(r.code),
            "defaultConfiguration": {"level": SARIF_LEVEL.get(r.severity, "warning")},
            "properties": {"tags": ["security", "secrets", kind],
                           "precision": "high",
                           "problem.severity": "recommendation" if r.severity == "info" else r.severity,
                           "security-severity": _security_severity(r.code, r.severity)},
        })
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    notifications = []
    for fr in summary.files:
        err = fr.error_text()
        if err:
            notifications.append({"level": "error", "message": {"text": err},
                                  "locations": [{"physicalLocation": {
                                      "artifactLocation": {"uri": _sarif_uri(fr.path)},
                                      **({"region": {"startLine": line}} if (line := fr.error_line or (
                                          fr.result.error_line if fr.result else None)) else {})}}]})
        if fr.result is None:
            continue
        # Order by position so that ordinals follow the source, whatever the rule order.
        findings = sorted(fr.result.findings, key=lambda f: (f.line, f.end_line, f.code))
        for f, fp in zip(findings, sarif_fingerprints(fr.path, findings)):
            res = {
                "ruleId": f.code,
                "level": SARIF_LEVEL.get(f.severity, "note"),
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": _sarif_uri(fr.path)},
                    "region": {"startLine": f.line, "endLine": max(f.end_line, f.line)},
                }}],
                "partialFingerprints": {"dockerfileMigrate/v1": fp},
                "properties": {"fixable": f.fixable,
                               "security-severity": _security_severity(f.code, f.severity)},
            }
            if f.code in index:
                res["ruleIndex"] = index[f.code]
            results.append(res)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "dockerfile-migrate", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://pypi.org/project/dockerfile-migrate/", "rules": rules}},
            "invocations": [{"executionSuccessful": not summary.errors,
                             "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }


def dump_json(data: dict, out) -> None:
    json.dump(data, out, indent=2)
    out.write("\n")
