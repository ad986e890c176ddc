"""Unified diffs that `git apply` accepts (a/ b/ prefixes, no-newline markers)."""

from __future__ import annotations

import difflib


def _lines(text: str) -> list[str]:
    # Split on "\n" only: a lone "\r" or other separators stay inside the line.
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def unified_diff(path: str, before: str, after: str, context: int = 3) -> str:
    if before == after:
        return ""
    a, b = _lines(before), _lines(after)
    out: list[str] = [f"diff --git a/{path} b/{path}\n"]
    body = list(difflib.unified_diff(a, b, f"a/{path}", f"b/{path}", n=context))
    for line in body:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)
