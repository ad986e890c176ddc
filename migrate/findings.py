"""Findings: what a rule reports, with an optional fix."""

from __future__ import annotations

from dataclasses import dataclass

from .fix import Fix

SEVERITIES = ("error", "warning", "info")


@dataclass(slots=True)
class Finding:
    code: str
    rule: str  # rule name, e.g. "secret-build-arg"
    line: int
    end_line: int
    message: str
    severity: str = "error"
    fix: Fix | None = None
    # A stable, secret-free key for SARIF fingerprints (e.g. the variable name).
    subject: str = ""
    # Filled by the engine: True when this finding's fix was applied.
    fixed: bool = False

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "rule": self.rule,
            "line": self.line,
            "end_line": self.end_line,
            "severity": self.severity,
            "message": self.message,
            "fixable": self.fixable,
        }
