"""Documentation generated from the rule modules (README rule table).

`python -m migrate.docs` prints the table; `python -m migrate.docs --write`
replaces it in README.md between the `rules:start` / `rules:end` markers, and the
30-second tour (the real output of the tool on examples/) between `tour:start` /
`tour:end`.
"""

from __future__ import annotations

import re
import sys
import textwrap
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


# Where the rule documentation lives (SARIF `helpUri`); the README rule table
# carries one anchor per rule (`#dm101`).
DOCS_URL = "https://pypi.org/project/dockerfile-migrate/"
CODE_LANG = {"DM5": "yaml"}  # fenced-code language of a rule's examples, by code prefix


def help_uri(code: str) -> str:
    return f"{DOCS_URL}#{code.lower()}"


def _block(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _raw_sections(rule) -> dict[str, str]:
    """Like `Rule.sections`, but keeps the indentation of the examples."""
    out: dict[str, str] = {}
    current, buf = "summary", []
    for line in rule.doc().splitlines():
        m = re.match(r"^(Why it leaks|Bad|Good|Build flags|Not rewritten when):\s*$", line)
        if m:
            out[current] = "\n".join(buf).strip("\n")
            current, buf = m.group(1).lower(), []
        else:
            buf.append(line)
    out[current] = "\n".join(buf).strip("\n")
    return out


def help_text(rule) -> str:
    """Plain-text help for SARIF: why it leaks, the fix, the build flags."""
    sec = _raw_sections(rule)
    parts = [rule.summary()]
    if sec.get("why it leaks"):
        parts.append("Why it leaks:\n" + _one_para(sec["why it leaks"]))
    if sec.get("bad"):
        parts.append("Bad:\n" + textwrap.indent(_block(sec["bad"]), "    "))
    if sec.get("good"):
        parts.append("Fix (good):\n" + textwrap.indent(_block(sec["good"]), "    "))
    parts.append("Build flags:\n" + textwrap.indent(_block(sec.get("build flags", "")) or "none", "    "))
    if sec.get("not rewritten when"):
        parts.append("Not rewritten when:\n" + _one_para(sec["not rewritten when"]))
    parts.append(f"Rewrite with `dockerfile-migrate fix PATH`; full text: `dockerfile-migrate explain {rule.code}`.")
    return "\n\n".join(parts)


def help_markdown(rule) -> str:
    """Markdown help for SARIF (shown by code-scanning UIs)."""
    sec = _raw_sections(rule)
    lang = next((v for k, v in CODE_LANG.items() if rule.code.startswith(k)), "dockerfile")
    parts = [f"**{rule.code} `{rule.name}`**: {rule.summary()}"]
    if sec.get("why it leaks"):
        parts.append("### Why it leaks\n\n" + _one_para(sec["why it leaks"]))
    if sec.get("bad"):
        parts.append(f"### Bad\n\n```{lang}\n{_block(sec['bad'])}\n```")
    if sec.get("good"):
        parts.append(f"### Fix\n\n```{lang}\n{_block(sec['good'])}\n```")
    parts.append("### Build flags\n\n```\n" + (_block(sec.get("build flags", "")) or "none") + "\n```")
    if sec.get("not rewritten when"):
        parts.append("### Not rewritten when\n\n" + _one_para(sec["not rewritten when"]))
    parts.append(f"Preview the rewrite with `dockerfile-migrate diff PATH`, apply it with "
                 f"`dockerfile-migrate fix PATH`; `dockerfile-migrate explain {rule.code}` prints this text.")
    return "\n\n".join(parts)


def _one_para(text: str) -> str:
    """Reflow hard-wrapped prose; keep blank-line paragraph breaks."""
    return "\n\n".join(_one_line(p) for p in re.split(r"\n\s*\n", text) if p.strip())


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def rule_table() -> str:
    lines = ["| code | name | what it finds | fix | build flags callers pass |", "|---|---|---|---|---|"]
    for r in all_rule_classes():
        sec = r.sections()
        flags = _one_line(sec.get("build flags", "")) or "none"
        fixable = "report only" if sec.get("not rewritten when", "").lower().startswith("always reported") else "rewrite"
        flags = flags.replace("|", "\\|")
        lines.append(f"| <a id=\"{r.code.lower()}\"></a>{r.code} | `{r.name}` | {r.summary()} | {fixable} | {flags} |")
    return "\n".join(lines)


def replace_table(readme: str) -> str:
    block = f"{START}\n{rule_table()}\n{END}"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        raise ValueError("README has no rules:start/rules:end markers")
    return pattern.sub(lambda _: block, readme)


TOUR_START, TOUR_END = "<!-- tour:start -->", "<!-- tour:end -->"
TOUR_COMMANDS = (("check", "examples/"), ("diff", "examples/"))


def tour() -> str:
    """The README's 30-second tour: the real output of the tool on examples/."""
    import os
    import subprocess

    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKERFILE_MIGRATE", "DRY_RUN"))}
    env.update(NO_COLOR="1", TERM="dumb", COLUMNS="200")
    blocks = []
    for args in TOUR_COMMANDS:
        p = subprocess.run([sys.executable, "-c", "from migrate.cli import main; main()", *args], cwd=root,
                           env=env, capture_output=True, text=True, timeout=120)
        shown = "dockerfile-migrate " + " ".join(args)
        if args[0] == "diff":
            blocks.append(f"```console\n$ {shown}\n{p.stdout}```\n\nand on stderr the findings, the "
                          f"ready-to-paste build command and how callers pass the secret:\n\n"
                          f"```text\n{p.stderr}```")
        else:
            blocks.append(f"```console\n$ {shown}\n{p.stdout}{p.stderr}```")
    return "\n\n".join(blocks)


def replace_tour(readme: str) -> str:
    pattern = re.compile(re.escape(TOUR_START) + r".*?" + re.escape(TOUR_END), re.S)
    if not pattern.search(readme):
        raise ValueError("README has no tour:start/tour:end markers")
    block = f"{TOUR_START}\n{tour()}\n{TOUR_END}"
    return pattern.sub(lambda _: block, readme)


def main(argv: list[str]) -> int:
    if "--write" in argv:
        path = Path(__file__).resolve().parents[1] / "README.md"
        text = replace_table(path.read_text(encoding="utf-8"))
        if TOUR_START in text:
            text = replace_tour(text)
        path.write_text(text, encoding="utf-8")
        return 0
    print(rule_table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
