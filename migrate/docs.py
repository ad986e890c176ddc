"""Documentation generated from the rule modules (README rule table).

`python -m migrate.docs` prints the table; `python -m migrate.docs --write`
replaces it in README.md between the `rules:start` / `rules:end` markers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def all_rule_classes():
    from .rules import ALL_RULES

    rules = list(ALL_RULES)
    try:  # caller rules live in their own package when present
        from .callers import CALLER_RULES  # type: ignore[attr-defined]

        rules += list(CALLER_RULES)
    except ImportError:
        pass
    return rules


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def rule_table() -> str:
    lines = ["| code | name | what it finds | fix | build flags callers pass |", "|---|---|---|---|---|"]
    for r in all_rule_classes():
        sec = r.sections()
        flags = _one_line(sec.get("build flags", "")) or "none"
        fixable = "report only" if sec.get("not rewritten when", "").lower().startswith("always reported") else "rewrite"
        flags = flags.replace("|", "\\|")
        lines.append(f"| {r.code} | `{r.name}` | {r.summary()} | {fixable} | {flags} |")
    return "\n".join(lines)


def replace_table(readme: str) -> str:
    block = f"{START}\n{rule_table()}\n{END}"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        raise ValueError("README has no rules:start/rules:end markers")
    return pattern.sub(lambda _: block, readme)


def main(argv: list[str]) -> int:
    if "--write" in argv:
        path = Path(__file__).resolve().parents[1] / "README.md"
        path.write_text(replace_table(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    print(rule_table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
