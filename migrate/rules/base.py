"""Rule interface and the per-pass context rules share."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Iterable

from ..findings import Finding
from ..prefilter import lacks_required_words
from ..settings import Settings
from ..syntax import Dockerfile


@dataclass
class RuleContext:
    df: Dockerfile
    settings: Settings
    path: str | None = None
    _cache: dict = field(default_factory=dict)

    def cached(self, key: str, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


class Rule:
    """A rule: stable code, name, and a check producing findings.

    The module docstring of each rule is its documentation: a one-line
    summary, then sections headed ``Why it leaks:``, ``Bad:``, ``Good:`` and
    ``Build flags:`` (rendered by `dockerfile-migrate explain` and the README).
    """

    code: str = ""
    name: str = ""
    severity: str = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:  # pragma: no cover - interface
        raise NotImplementedError

    @classmethod
    def quick_reject(cls, text: str, settings: Settings) -> bool:
        """True only if this rule certainly finds nothing in ``text`` (lets the
        engine skip parsing): the text lacks the rule's required words (see
        prefilter.required_words), or its own check ``may_find`` says so."""
        return lacks_required_words(cls.code, text, settings) or not cls.may_find(text, settings)

    @classmethod
    def may_find(cls, text: str, settings: Settings) -> bool:
        """False only if this rule certainly finds nothing in ``text`` (asked only of a text
        quick_reject's word gate let through). The default always may."""
        return True

    @classmethod
    def doc(cls) -> str:
        module = inspect.getmodule(cls)
        return inspect.cleandoc(module.__doc__ or "") if module else ""

    @classmethod
    def summary(cls) -> str:
        return cls.doc().split("\n", 1)[0]

    @classmethod
    def sections(cls) -> dict[str, str]:
        """Docstring sections by heading (``why``, ``bad``, ``good``, ``build flags``)."""
        out: dict[str, str] = {}
        current = "summary"
        buf: list[str] = []
        for line in cls.doc().splitlines():
            m = re.match(r"^(Why it leaks|Bad|Good|Build flags|Not rewritten when):\s*$", line)
            if m:
                out[current] = "\n".join(buf).strip()
                current, buf = m.group(1).lower(), []
            else:
                buf.append(line)
        out[current] = "\n".join(buf).strip()
        return out

    def finding(self, instr_line: int, end_line: int, message: str, *, fix=None, subject: str = "",
                severity: str | None = None) -> Finding:
        return Finding(self.code, self.name, instr_line, end_line, message, severity or self.severity, fix, subject)
