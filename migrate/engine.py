"""The pure core: `migrate_source(text, settings) -> Result`. No I/O; never
raises on user input."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .edits import secret_mount_id, shared_mounts
from .findings import Finding
from .fix import BuildRequirement, Edit, EditConflict, Fix, apply_edits
from .frontend import ensure_frontend
from .rules import ALL_RULES, RuleContext
from .settings import DEFAULT_SETTINGS, Settings
from .syntax import Dockerfile, DockerfileSyntaxError, Instruction, parse
from .syntax.parser import newline_of
from .skip import can_skip, rules_that_may_fire

_IGNORE = re.compile(r"^dockerfile-migrate:\s*ignore(?:\s*=\s*([A-Za-z0-9_,\s]+))?\s*$")


@dataclass
class Result:
    source: str
    output: str
    findings: list[Finding] = field(default_factory=list)
    build_requirements: list[BuildRequirement] = field(default_factory=list)
    error: str | None = None
    error_line: int | None = None
    notes: list[str] = field(default_factory=list)  # dropped fixes, non-convergence
    # Every edit applied, one list per step, each in the coordinates of the
    # text before that step (fixes of a pass, then the `# syntax=` edit):
    # what changed and why, for audits and the "untouched lines" property.
    steps: list[list[Edit]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.output != self.source

    def to_json(self, path: str) -> dict:
        out = {
            "path": path,
            "changed": self.changed,
            "findings": [f.to_json() for f in self.findings],
            "build_requirements": [r.to_json() for r in self.build_requirements],
        }
        if self.error is not None:
            out["error"] = {"line": self.error_line, "message": self.error}
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def _ignored_codes(df: Dockerfile, instr: Instruction) -> set[str] | None:
    """Codes silenced by `# dockerfile-migrate: ignore=CODE` above ``instr``;
    an empty set means all codes."""
    codes: set[str] | None = None
    for c in df.comments_before(instr):
        m = _IGNORE.match(c.comment)
        if m:
            codes = codes or set()
            if m.group(1):
                codes |= {x.strip().upper() for x in m.group(1).split(",") if x.strip()}
            else:
                return set()
    return codes


def _instruction_at(df: Dockerfile, line: int) -> Instruction | None:
    for instr in df.instructions:
        if instr.start_line <= line <= instr.end_line:
            return instr
    return None


def check(df: Dockerfile, settings: Settings, path: str | None = None, gate: bool = True) -> list[Finding]:
    """Run every enabled rule once over a parsed file. ``gate``: skip the rules the prefilter
    rules out (the same findings: see skip.py; off for tests of the prefilter itself)."""
    ctx = RuleContext(df, settings, path)
    findings: list[Finding] = []
    # Most files trip one or two rules. The logical view joins backslash lines only.
    may_fire = rules_that_may_fire(df.text, settings) if gate and df.escape == "\\" else None
    for rule_cls in ALL_RULES:
        # The prefilter only names enabled rules: its answer alone decides.
        if (rule_cls.code not in may_fire) if may_fire is not None else not settings.enabled(rule_cls.code):
            continue
        for f in rule_cls().check(ctx):
            instr = _instruction_at(df, f.line)
            if instr is not None:
                ignored = _ignored_codes(df, instr)
                if ignored is not None and (not ignored or f.code in ignored):
                    continue
            findings.append(f)
    findings.sort(key=lambda f: (f.line, f.code))
    return findings


def _select_fixes(findings: list[Finding]) -> list[Fix]:
    accepted: list[Fix] = []
    edits = []
    for f in sorted((f for f in findings if f.fix), key=lambda f: min(e.start for e in f.fix.edits)):
        assert f.fix is not None
        if f.fix.overlaps(edits):
            continue  # retried on the next pass, against the rewritten text
        accepted.append(f.fix)
        edits.extend(f.fix.edits)
    return accepted


def _directive_names(df: Dockerfile) -> list[str]:
    return [d.name.lower() for d in df.directives]


def _apply(text: str, fixes: list[Fix], settings: Settings, steps: list[list[Edit]] | None = None,
           df: Dockerfile | None = None, one_parse: bool = True) -> tuple[str, Dockerfile] | None:
    """The text and parse after ``fixes`` (and the `# syntax=` edit they need); None when the
    result would not parse or (``df``: the parse of ``text``) would read other directives."""
    edits = [e for fx in fixes for e in fx.edits]
    needs = [fx.min_frontend for fx in fixes if fx.min_frontend]
    # Legacy mode targets builders that cannot fetch a frontend: no directive.
    frontend = bool(needs) and settings.frontend != "legacy"
    try:
        new_text = apply_edits(text, edits)
        if one_parse and frontend and df is not None and df.instructions and edits and \
                min(e.start for e in edits) > df.instructions[0].keyword_span.start and \
                newline_of(new_text) == df.newline:
            # The fixes start after the first instruction's keyword, so every line before it
            # (BOM, shebang, directives) stays where it was and nothing new can become a
            # directive; with the newline style unchanged too, the directive edit computed on
            # the text before the fixes is the same, at the same offsets: one parse, not two.
            head = ensure_frontend(df, max(needs))
            if head:
                new_text = apply_edits(text, edits + head)
            new_df = parse(new_text)
            if steps is not None:
                steps.extend([edits, list(head)] if head else [edits])
            return new_text, new_df
        new_df = parse(new_text)
    except (EditConflict, DockerfileSyntaxError):
        return None
    if df is not None and _directive_names(new_df) != _directive_names(df):
        return None  # e.g. the first instruction removed: a comment after it would become a directive
    done = [edits]
    if frontend:
        edits = ensure_frontend(new_df, max(needs))
        if edits:
            try:
                new_text = apply_edits(new_text, edits)
                new_df = parse(new_text)
            except (EditConflict, DockerfileSyntaxError):
                return None
            done.append(list(edits))
    if steps is not None:
        steps.extend(done)
    return new_text, new_df


_DROPPED = "its result would not parse or would turn a comment into a parser directive"


def _drop(fix: Fix, findings: list[Finding], notes: list[str]) -> None:
    """A fix the engine will not apply: its findings are reported as not fixable, with why."""
    for f in findings:
        if f.fix is fix:
            f.fix = None
            f.message += f" (Not rewritten: {_DROPPED}.)"
    note = f"a fix was dropped because {_DROPPED}"
    if note not in notes:
        notes.append(note)


def requirements(df: Dockerfile, hints: dict[tuple[str, str], BuildRequirement]) -> list[BuildRequirement]:
    """What `docker build` must be given for ``df``: its secret and ssh mounts.

    Sources come from the fixes that added the mounts (``hints``); for mounts
    that were already there only the id is known.
    """
    out: dict[tuple[str, str], BuildRequirement] = {}
    for instr in df.instructions:
        if instr.cmd != "RUN":
            continue
        for m in shared_mounts(instr):
            required = m.get("required", "false").lower() in ("true", "1", "")
            if m.get("type") == "secret":
                sid = secret_mount_id(m)
                if sid is None:
                    continue
                key = ("secret", sid)
                req = hints.get(key) or BuildRequirement("secret", sid, required=required)
            elif m.get("type") == "ssh":
                sid = m.get("id", "default")
                key = ("ssh", sid)
                req = hints.get(key) or BuildRequirement("ssh", sid, required=required)
            else:
                continue
            if key not in out or (req.required and not out[key].required):
                out[key] = req
    return sorted(out.values(), key=lambda r: (r.type != "secret", r.id))


def migrate_source(text: str, settings: Settings = DEFAULT_SETTINGS, path: str | None = None,
                   prefiltered: bool = False) -> Result:
    """Find build-secret leaks in Dockerfile ``text`` and compute the migrated text.
    ``prefiltered``: the caller already knows `can_skip` is False for this text."""
    if not prefiltered and can_skip(text, settings):
        return Result(text, text)  # no rule can fire and it parses: skip the parse (see prefilter.py)
    try:
        df = parse(text)
    except DockerfileSyntaxError as exc:
        return Result(text, text, error=exc.message, error_line=exc.line)
    except RecursionError:  # pragma: no cover - pathological input
        return Result(text, text, error="file too deeply nested to parse", error_line=1)

    first = check(df, settings, path)
    result = Result(text, text, findings=first)
    hints: dict[tuple[str, str], BuildRequirement] = {}
    current_text, current_df, current = text, df, first
    for _ in range(settings.max_passes):
        fixes = _select_fixes(current)
        if not fixes:
            break
        step: list[list[Edit]] = []
        applied = _apply(current_text, fixes, settings, step, current_df)
        if applied is None:
            # Keep the fixes that re-parse on their own; drop and report the rest.
            kept = []
            for fx in fixes:
                if _apply(current_text, kept + [fx], settings, None, current_df) is not None:
                    kept.append(fx)
                else:
                    _drop(fx, current, result.notes)
            if not kept:
                break
            step = []
            applied = _apply(current_text, kept, settings, step, current_df)
            assert applied is not None
            fixes = kept
        result.steps.extend(step)
        for fx in fixes:
            for r in fx.build_requirements:
                hints[(r.type, r.id)] = r
        current_text, current_df = applied
        current = check(current_df, settings, path)
    else:
        if _select_fixes(current):
            # A half-migrated file would change again on the next run: leave it alone.
            result.notes.append(f"fixes did not settle after {settings.max_passes} passes; file left unchanged")
            current_text, current_df, current = text, df, first
            result.steps = []
            hints = {}

    remaining = {(f.code, f.subject) for f in current}
    for f in first:
        f.fixed = f.fix is not None and (f.code, f.subject) not in remaining
    result.output = current_text
    result.build_requirements = requirements(current_df, hints)
    return result
