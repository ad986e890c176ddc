"""Edit (or only report) the build commands in stretches of shell text.

A `ScriptEditor` walks the simple commands of its units (a whole script, one
Makefile recipe line, one YAML string), follows literal `cd`s, resolves which
Dockerfile each build command builds, and plans span edits with
`buildcmd.plan_call`. In report-only mode (CI files, YAML strings that cannot be
edited in place) the same plan becomes a message.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ..fix import BuildRequirement, EditConflict, Fix, apply_edits
from .base import OTHER, CallerContext, CallerRule, unresolved_message
from .buildcmd import BuildCall, Unresolved, dockerfile_candidates, parse_build_call, plan_call
from .needs import Needs
from .shell import ASSIGNMENT, Command, line_of, split_commands, substitutions

_DIRNAME0 = re.compile(
    r'^"?\$\(\s*dirname\s+"?\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\})"?\s*\)(?P<rest>[^"$`]*)"?$')
TOOL_HINT = re.compile(r"\b(?:docker|podman|buildah)\b", re.I)


@dataclass
class Unit:
    """A stretch of shell: a whole script, one Makefile recipe line, one YAML string."""

    start: int
    end: int
    dialect: str
    cwds: list[str]
    label: str = ""  # where it is, prefixed to messages ("task build: ")


class ScriptEditor:
    """Plans the edits of all build commands in a set of units of one file."""

    def __init__(self, rule: CallerRule, text: str, ctx: CallerContext, kind: str,
                 report_only: bool = False, line_base: int = 1, report_suffix: str = ""):
        self.rule, self.text, self.ctx, self.kind = rule, text, ctx, kind
        # Report-only: ``text`` is a string taken out of a file starting at line ``line_base``.
        self.report_only, self.line_base, self.report_suffix = report_only, line_base, report_suffix
        self.edits = []
        self.passes: list[BuildRequirement] = []
        self._assigned: set[str] = set()
        self._exported: set[str] = set()

    # Variables the file sets without exporting them are not in docker's environment.
    def scan_variables(self, units: list[Unit]) -> None:
        assigned, exported = set(), set()
        for u in units:
            for cmd in split_commands(self.text, u.start, u.end, u.dialect):
                ws = [w.raw for w in cmd.words if not w.redirect]
                names = [w.split("=", 1)[0] for w in ws if ASSIGNMENT.match(w)]
                if len(names) == len(ws):
                    assigned.update(names)  # `VAR=value` alone: a shell variable
                elif ws[0] in ("export", "declare", "typeset", "local", "readonly", "read"):
                    flags = "".join(w for w in ws[1:] if w.startswith("-"))
                    targets = {w.split("=", 1)[0] for w in ws[1:] if not w.startswith("-")}
                    if ws[0] == "export" or "x" in flags:
                        exported |= targets
                    else:
                        assigned |= targets
                elif ws[0] == "set" and any(w == "-a" or w == "allexport" for w in ws[1:]):
                    exported.add("*")
        self._assigned, self._exported = assigned, exported

    def shell_env(self, var: str) -> bool:
        if "*" in self._exported or var in self._exported:
            return True
        return var not in self._assigned

    def make_env(self, var: str) -> bool:
        t = self.text
        if re.search(rf"(?m)^\s*export\s+(?:{var}\b|\s*$)", t) or ".EXPORT_ALL_VARIABLES" in t:
            return True
        return not re.search(rf"(?m)^\s*(?:override\s+)?{var}\s*(?:::?=|:::=|\?=|\+=|!=|=)", t)

    def run_unit(self, unit: Unit, newline_is_space: bool = False) -> None:
        self._run(unit, unit.start, unit.end, list(unit.cwds), newline_is_space)

    def _run(self, unit: Unit, start: int, end: int, cwds: list[str], newline_is_space: bool = False) -> list[str]:
        for cmd in split_commands(self.text, start, end, unit.dialect, newline_is_space):
            cwds = self._follow_cd(cmd, cwds)
            if not TOOL_HINT.search(self.text, cmd.words[0].start, cmd.words[-1].end):
                continue
            call = parse_build_call(cmd, unit.dialect)
            if call is not None:
                self._call(call, cwds, unit)
                continue
            if self._compose_build(cmd, unit):
                continue
            for a, b in substitutions(self.text, cmd, unit.dialect):  # IMAGE=$(docker build -q ...)
                self._run(unit, a, b, list(cwds))
        return cwds

    def _compose_build(self, cmd: Command, unit: Unit) -> bool:
        """`docker compose build --build-arg NAME=…`: reported (the Compose file decides the secret)."""
        ws = [w.static or w.raw for w in cmd.words]
        k = next((i for i, w in enumerate(ws) if os.path.basename(w) in ("docker-compose", "compose")
                  and (w != "compose" or (i and os.path.basename(ws[i - 1]) == "docker"))), None)
        if k is None or "build" not in ws[k + 1:]:
            return False
        names = []
        for i, w in enumerate(ws):
            if w == "--build-arg" and i + 1 < len(ws):
                names.append(ws[i + 1].split("=", 1)[0])
            elif w.startswith("--build-arg="):
                names.append(w[len("--build-arg="):].split("=", 1)[0])
        names = [n for n in names if self.ctx.replacing(n)]
        if names:
            line = self.line_base + line_of(self.text, cmd.words[0].start) - 1
            self.ctx.findings.append(self.rule.finding(line, line, (
                f"{unit.label}`compose build` overrides {', '.join(names)} with --build-arg, but the migrated "
                f"Dockerfile reads {'them' if len(names) > 1 else 'it'} from a secret: drop the --build-arg and "
                f"pass the value through the Compose file's build.secrets (export the variable)."),
                subject=f"compose-build:{','.join(names)}", severity="warning"))
        return True

    def _follow_cd(self, cmd: Command, cwds: list[str]) -> list[str]:
        words = cmd.words
        if not words or words[0].static not in ("cd", "pushd") or len(words) < 2:
            return cwds
        target = words[1]
        if target.static is not None and target.static != "-":
            return [os.path.normpath(os.path.join(c, os.path.expanduser(target.static))) for c in cwds]
        m = _DIRNAME0.match(target.raw)
        if m and self.kind == "sh":
            return [os.path.normpath(os.path.join(self.ctx.dir, m.group("rest").lstrip("/")))]
        return cwds

    def _resolve(self, call: BuildCall, cwds: list[str]) -> Needs | Unresolved | None:
        found, reasons = [], []
        for c in dict.fromkeys(cwds):
            cands = dockerfile_candidates(call, c)
            if isinstance(cands, Unresolved):
                reasons.append(cands.reason)
                continue
            got = self.ctx.resolve(cands)
            if got is not None and all(got is not f for f in found):
                found.append(got)
        if len(found) == 1:
            return None if found[0] is OTHER else found[0]
        if len(found) > 1:
            names = sorted(f.path for f in found if isinstance(f, Needs))
            return Unresolved("it builds " + " or ".join(names or ["another Dockerfile"])
                              + " depending on the working directory")
        return Unresolved(reasons[0] if reasons else "no Dockerfile found where it points")

    def _call(self, call: BuildCall, cwds: list[str], unit: Unit) -> None:
        line = self.line_base + line_of(self.text, call.tool_word.start) - 1
        end_line = self.line_base + line_of(self.text, call.words[-1].end) - 1
        target = self._resolve(call, cwds)
        if isinstance(target, Unresolved):
            names = [b.name for b in call.build_args if self.ctx.replacing(b.name)]
            if names:
                self.ctx.findings.append(self.rule.finding(
                    line, end_line, unit.label + unresolved_message(call.label, names, target.reason, self.ctx),
                    subject=f"unresolved:{','.join(names)}", severity="warning"))
            return
        if target is None:
            return
        plan = plan_call(call, target, self.text, unit.dialect, self.shell_env, self.make_env)
        self.passes.extend(call.passed() if self.report_only else plan.passes)
        if not plan.changes:
            return
        msg = unit.label + describe(call.label, target.path, plan)
        if call.wrapper == "sudo":
            msg += " Under sudo the variables may be dropped: allow them (sudo --preserve-env=NAME)."
        subject = f"{target.path}:{','.join(sorted(n for n, _ in plan.moved) + plan.added)}"
        if self.report_only:
            self.ctx.findings.append(self.rule.finding(line, end_line, msg + self.report_suffix, subject=subject))
            return
        self.edits.extend(plan.edits)
        self.ctx.findings.append(self.rule.finding(
            line, end_line, msg, fix=Fix(tuple(plan.edits), tuple(plan.passes)), subject=subject))

    def output(self) -> str | None:
        if not self.edits:
            return self.text
        try:
            return apply_edits(self.text, self.edits)
        except EditConflict:
            return None


def describe(label: str, dockerfile: str, plan) -> str:
    """What changes in one build command (never a secret value)."""
    moved = [n for n, _ in plan.moved]
    parts = [f"{n} -> `{f}`" if f else f"{n} dropped (no longer used)" for n, f in plan.moved]
    parts += [f"add `{f}`" for f in plan.added]
    if moved:
        what = "a build arg" if len(moved) == 1 else "build args"
        msg = (f"`{label}` of {dockerfile} passes {', '.join(moved)} as {what}, which the migrated Dockerfile "
               f"no longer takes: {'; '.join(parts)}.")
    else:
        flags = " ".join(f"`{f}`" for f in plan.added)
        msg = f"`{label}` of {dockerfile} must now pass {flags} (the migrated Dockerfile mounts it)."
    if any(f.startswith("--ssh") for f in plan.added):
        msg += " An SSH agent must be running (SSH_AUTH_SOCK)."
    for note in plan.literals:
        msg += " Also: " + note + "."
    return msg


NOT_EDITABLE = " Not rewritten: the string is folded or escaped YAML; change it by hand."


def report_string(rule: CallerRule, value: str, line: int, cwds: list[str], label: str, ctx: CallerContext,
                  suffix: str) -> list[BuildRequirement]:
    """Report (never edit) the build commands of a string taken out of a file at ``line``."""
    rep = ScriptEditor(rule, value, ctx, "sh", report_only=True, line_base=line, report_suffix=suffix)
    unit = Unit(0, len(value), "sh", cwds, label)
    rep.scan_variables([unit])
    rep.run_unit(unit)
    return rep.passes
