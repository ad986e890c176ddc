"""A GitHub Actions `docker/build-push-action` step passes a migrated secret in `build-args`.

Why it leaks:
`build-args` become `--build-arg`s: the value is recorded in the image history
and in the provenance attestation the action attaches by default. Once the
Dockerfile reads the secret from a mount, the step must pass it as a secret or
the build fails.

Bad:
    - uses: docker/build-push-action@v6
      with:
        build-args: |
          NPM_TOKEN=${{ secrets.NPM_TOKEN }}

Good:
    - uses: docker/build-push-action@v6
      with:
        secrets: |
          NPM_TOKEN=${{ secrets.NPM_TOKEN }}

Build flags:
    secrets: ID=<the build-arg value, moved verbatim> (secret-files: ID=path for secret files;
    ssh: default for SSH, with an agent started before, e.g. webfactory/ssh-agent)

Not rewritten when:
The step builds a Dockerfile that was not migrated in this run, or its
`context`/`file` are expressions (`${{ … }}`; reported with the lines to
move), or `build-args` is a folded/quoted string that cannot be edited line
by line. The lines move to the `secrets` input unchanged (the value stays a
`${{ secrets.X }}` expression), rather than to `secret-envs`, which would also
need an `env:` entry. `run:` steps with `docker build` are handled as scripts
(DM502). The action's default context is the Git context: taken as the
repository root.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from ..fix import BuildRequirement, Edit, EditConflict, Fix, apply_edits
from ..secrets import find_credential_literals, mask_value
from .base import CallerContext, CallerRule, caller_rule_enabled
from .dm502_scripts import ScriptBuildArgs
from .needs import Needs
from .script_edit import NOT_EDITABLE, ScriptEditor, Unit, report_string
from .yamltext import NOT_YAML, LineEdits, Lines, YAMLError, load, load_or_note, own_keys, plain, scalar_region

_EXPR = re.compile(r"^\$\{\{\s*[\w.\-\[\]'\"]+\s*\}\}$")
ACTION = "docker/build-push-action@"


def _lines_of(value) -> list[str]:
    return [s.strip() for s in str(value).splitlines() if s.strip()] if isinstance(value, str) else []


def _ids(values: list[str]) -> set[str]:
    return {v.split("=", 1)[0].strip() for v in values}


@dataclass
class StepPlan:
    job: str
    index: int
    step: CommentedMap
    with_: CommentedMap
    needs: Needs
    label: str = ""
    remove: list[int] = field(default_factory=list)  # indices into the build-args value lines
    secrets: list[str] = field(default_factory=list)  # new `secrets` lines
    secret_files: list[str] = field(default_factory=list)
    ssh: bool = False
    moved: list[tuple[str, str]] = field(default_factory=list)  # (arg, where it went)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.remove or self.secrets or self.secret_files or self.ssh)


class WorkflowBuildArgs(CallerRule):
    code = "DM503"
    name = "workflow-build-args"
    kinds = ("workflow",)

    def migrate(self, text: str, ctx: CallerContext):
        data = load_or_note(text, ctx.notes)
        if data is NOT_YAML:
            return ctx.result(text, text, [])
        jobs = data.get("jobs") if isinstance(data, CommentedMap) else None
        if not isinstance(jobs, CommentedMap):
            return ctx.result(text, text, [])
        lines = Lines(text)
        ed = LineEdits(lines)
        script = ScriptEditor(ScriptBuildArgs(), text, ctx, "sh")
        run_units: list[tuple[Unit, tuple]] = []
        plans: list[StepPlan] = []
        passes: list[BuildRequirement] = []
        top_wd = _dig(data, "defaults", "run", "working-directory")
        for job_id, job in jobs.items():
            steps = job.get("steps") if isinstance(job, dict) else None
            if not isinstance(steps, CommentedSeq):
                continue
            job_wd = _dig(job, "defaults", "run", "working-directory") or top_wd
            for i, step in enumerate(steps):
                if not isinstance(step, CommentedMap):
                    continue
                label = f"job {job_id}, step {step.get('name') or step.get('id') or i + 1}: "
                if str(step.get("uses", "")).startswith(ACTION):
                    plan = self._plan_step(str(job_id), i, step, ctx, label, passes)
                    if plan is not None and not plan.empty:
                        plans.append(plan)
                elif isinstance(step.get("run"), str) and caller_rule_enabled(ctx.settings, "DM502"):
                    shell = str(step.get("shell") or "bash")
                    if not re.match(r"^(bash|sh)\b", shell):
                        continue
                    wd = step.get("working-directory") or job_wd or "."
                    cwd = os.path.normpath(os.path.join(ctx.root, str(wd)))
                    ln, col = step.lc.value("run")
                    region = scalar_region(lines, step["run"], ln, col, step.lc.key("run")[1])
                    if region is None:
                        first = ln + 1 + isinstance(step["run"], (LiteralScalarString, FoldedScalarString))
                        passes.extend(report_string(ScriptBuildArgs(), str(step["run"]), first, [cwd], label, ctx,
                                                    NOT_EDITABLE))
                        continue
                    unit = Unit(region.start, region.end, "sh", [cwd], label)
                    run_units.append((unit, ("jobs", job_id, "steps", i, "run", region)))
        script.scan_variables([u for u, _ in run_units])
        for unit, _ in run_units:
            script.run_unit(unit)
        passes.extend(script.passes)
        done = []
        for plan in plans:
            saved = ed.snapshot()
            try:
                self._edit_step(plan, ed, lines)
                done.append(plan)
            except Unsupported as exc:
                ed.restore(saved)
                self._finding(ctx, plan, lines, f" Not rewritten: {exc}; move the lines by hand.", fix=False)
        edits = ed.to_edits() + script.edits
        out = text
        if edits:
            try:
                out = apply_edits(text, edits)
            except EditConflict:
                out = None
            if out is None or not _verify(text, out, done, run_units, script.edits):
                ctx.notes.append("the workflow could not be rewritten safely; change it by hand")
                for f in ctx.findings:
                    f.fix = None
                out = text
                done = []
        for plan in done:
            self._finding(ctx, plan, lines, "", fix=True)
            passes.extend(self._passes_of(plan))
        return ctx.result(text, out, passes)

    # ------------------------------------------------------------------ planning

    def _plan_step(self, job: str, index: int, step: CommentedMap, ctx: CallerContext, label: str,
                   passes: list) -> StepPlan | None:
        w = step.get("with")
        w = w if isinstance(w, CommentedMap) else CommentedMap()
        context = str(w.get("context") or ".")
        file = w.get("file")
        context = re.sub(r"^\{\{\s*defaultContext\s*\}\}:?", "", context) or "."
        args = _lines_of(w.get("build-args"))
        line = step.lc.key("uses")[0] + 1
        if "${{" in context or (file is not None and "${{" in str(file)) or re.match(r"^[a-z]+://|^git@", context):
            names = [a.split("=", 1)[0] for a in args if ctx.replacing(a.split("=", 1)[0])]
            if names:
                where = ", ".join(sorted({n.path for a in names for n in ctx.replacing(a)}))
                ctx.findings.append(self.finding(line, line, (
                    f"{label}build-push-action passes {', '.join(names)} in build-args, but its context/file "
                    f"are expressions; if it builds {where}, move those lines to the `secrets` input."),
                    subject=f"{job}:{index}:unresolved", severity="warning"))
            return None
        ctx_rel = os.path.normpath(context)
        df = os.path.join(ctx.root, str(file)) if file is not None else os.path.join(ctx.root, ctx_rel, "Dockerfile")
        got = ctx.lookup(os.path.normpath(df))
        if not isinstance(got, Needs):
            return None
        plan = StepPlan(job, index, step, w, got, label)
        passed = _ids(_lines_of(w.get("secrets"))) | _ids(_lines_of(w.get("secret-envs"))) | \
            _ids(_lines_of(w.get("secret-files")))
        value_lines = str(w.get("build-args") or "").splitlines()
        for k, raw in enumerate(value_lines):
            entry = raw.strip()
            name, sep, value = entry.partition("=")
            name = name.strip()
            if not entry or not got.replaces(name):
                continue
            plan.remove.append(k)
            req = got.secret_for_arg(name)
            if req is None:
                plan.moved.append((name, "removed (no longer used)"))
                continue
            if req.id in passed:
                plan.moved.append((name, f"removed (secret {req.id} is already passed)"))
                continue
            if req.src:
                path = os.path.normpath(os.path.join(ctx_rel, req.src)).replace(os.sep, "/")
                plan.secret_files.append(f"{req.id}={path}")
                plan.moved.append((name, f"secret-files: {req.id}={path}"))
            else:
                v = value.strip() if sep else "${{ env.%s }}" % name
                plan.secrets.append(f"{req.id}={v}")
                shown = v if _EXPR.match(v) else mask_value(v.strip("'\"")) or "empty"
                plan.moved.append((name, f"secrets: {req.id}={shown}"))
                if "${{" not in v and v.strip("'\""):
                    kinds = sorted({c.kind for c in find_credential_literals(v)})
                    what = f" (looks like a {kinds[0]})" if kinds else ""
                    plan.notes.append(f"the literal value of {name}{what} is committed in the workflow: rotate it "
                                      f"and use a repository secret (`{req.id}=${{{{ secrets.{req.id} }}}}`)")
            passed.add(req.id)
        has_ssh = "default" in _ids(_lines_of(w.get("ssh")))
        for req in got.extra():
            if req.type == "ssh":
                plan.ssh = plan.ssh or not has_ssh
            elif req.id not in passed:
                if req.src:
                    path = os.path.normpath(os.path.join(ctx_rel, req.src)).replace(os.sep, "/")
                    plan.secret_files.append(f"{req.id}={path}")
                else:
                    plan.secrets.append(f"{req.id}=${{{{ secrets.{req.id} }}}}")
                    plan.notes.append(f"create the repository secret {req.id}")
                passed.add(req.id)
        if plan.empty:
            passes.extend(self._passes_of(plan))
        return plan

    # ------------------------------------------------------------------ editing

    def _edit_step(self, plan: StepPlan, ed: LineEdits, lines: Lines) -> None:
        w = plan.with_
        if "with" not in plan.step or not own_keys(w):
            raise Unsupported("the step has no `with:` mapping")
        kcol = w.lc.key(own_keys(w)[0])[1]
        sub = 2
        after = None
        if plan.remove:
            value = w["build-args"]
            kl, kc = w.lc.key("build-args")
            vl, vc = w.lc.value("build-args")
            last = lines.entry_last(kl, kc)
            value_lines = str(value).splitlines()
            remaining = [k for k, s in enumerate(value_lines) if s.strip() and k not in plan.remove]
            if not remaining:
                ed.delete(kl, last)
                after = last
            elif isinstance(value, LiteralScalarString):
                region = scalar_region(lines, value, vl, vc, kc)
                if region is None:
                    raise Unsupported("build-args is not a plain `|` block")
                first = lines.starts.index(region.start)
                sub = region.indent - kcol
                for k in plan.remove:
                    ed.delete(first + k, first + k)
                after = last
            else:
                raise Unsupported("build-args is a folded or quoted string")
        if after is None:
            after = max(lines.entry_last(w.lc.key(k)[0], w.lc.key(k)[1]) for k in own_keys(w))
        block = ""
        for key, new in (("secrets", plan.secrets), ("secret-files", plan.secret_files)):
            if not new:
                continue
            if key in w:
                self._append(w, key, new, ed, lines)
            else:
                block += " " * kcol + f"{key}: |\n" + "".join(" " * (kcol + sub) + s + "\n" for s in new)
        if plan.ssh:
            if "ssh" in w:
                self._append(w, "ssh", ["default"], ed, lines)
            else:
                block += " " * kcol + "ssh: default\n"
        if block:
            ed.insert_after(after, block)

    def _append(self, w: CommentedMap, key: str, new: list[str], ed: LineEdits, lines: Lines) -> None:
        value = w[key]
        kl, kc = w.lc.key(key)
        vl, vc = w.lc.value(key)
        if not isinstance(value, LiteralScalarString):
            raise Unsupported(f"`{key}` is not a `|` block")
        region = scalar_region(lines, value, vl, vc, kc)
        if region is None:
            raise Unsupported(f"`{key}` is not a plain `|` block")
        last = lines.entry_last(kl, kc)
        ed.insert_after(last, "".join(" " * region.indent + s + "\n" for s in new))

    # ------------------------------------------------------------------ reporting

    def _finding(self, ctx: CallerContext, plan: StepPlan, lines: Lines, suffix: str, fix: bool) -> None:
        label = plan.label
        parts = [f"{a} -> {where}" for a, where in plan.moved]
        if plan.secret_files and not any("secret-files" in w for _, w in plan.moved):
            parts += [f"add secret-files: {s}" for s in plan.secret_files]
        if plan.ssh:
            parts.append("add `ssh: default` (start an SSH agent in an earlier step, e.g. webfactory/ssh-agent "
                         "with the deploy key)")
        moved = [a for a, _ in plan.moved]
        if moved:
            msg = (f"{label}build-push-action passes {', '.join(moved)} in build-args to {plan.needs.path}, which "
                   f"no longer takes {'them' if len(moved) > 1 else 'it'}: " + "; ".join(parts) + ".")
        else:
            msg = f"{label}build-push-action builds {plan.needs.path}, which now needs: " + "; ".join(parts) + "."
        for note in plan.notes:
            msg += f" Also: {note}."
        line = plan.step.lc.key("uses")[0] + 1
        ctx.findings.append(self.finding(
            line, line, msg + suffix, fix=Fix((), tuple(self._passes_of(plan))) if fix else None,
            subject=f"{plan.job}:{plan.index}:{','.join(moved) or 'extra'}"))

    @staticmethod
    def _passes_of(plan: StepPlan) -> list[BuildRequirement]:
        w = plan.with_
        out = []
        for s in _lines_of(w.get("secrets")) + plan.secrets:
            out.append(BuildRequirement("secret", s.split("=", 1)[0].strip()))
        for s in _lines_of(w.get("secret-envs")):
            sid, _, env = s.partition("=")
            out.append(BuildRequirement("secret", sid.strip(), env=env.strip() or None))
        for s in _lines_of(w.get("secret-files")) + plan.secret_files:
            sid, _, src = s.partition("=")
            out.append(BuildRequirement("secret", sid.strip(), src=src.strip() or None))
        if plan.ssh or _lines_of(w.get("ssh")):
            out.append(BuildRequirement("ssh", "default"))
        return out


class Unsupported(Exception):
    pass


def _dig(node, *keys):
    for k in keys:
        if not isinstance(node, dict) or k not in node:
            return None
        node = node[k]
    return node


def _norm_with(w: dict) -> dict:
    """A `with:` mapping with multi-line inputs compared as their non-empty lines."""
    return {k: _lines_of(v) if isinstance(v, str) else v for k, v in w.items()}


def _verify(old_text: str, new_text: str, plans: list[StepPlan], run_units, run_edits) -> bool:
    try:
        old, new = plain(load(old_text)), plain(load(new_text))
    except YAMLError:
        return False
    for unit, path in run_units:
        region = path[-1]
        mine = [e for e in run_edits if region.start <= e.start and e.end <= region.end]
        if not mine:
            continue
        step = old["jobs"][str(path[1])]["steps"][path[3]]
        step["run"] = apply_edits(step["run"], [Edit(region.to_value(old_text, e.start),
                                                     region.to_value(old_text, e.end), e.text) for e in mine])
    for plan in plans:
        o = old["jobs"][plan.job]["steps"][plan.index]
        n = new["jobs"][plan.job]["steps"][plan.index]
        w = _norm_with(o.get("with") or {})
        lines = str((o.get("with") or {}).get("build-args") or "").splitlines()
        kept = [s.strip() for k, s in enumerate(lines) if s.strip() and k not in plan.remove]
        if plan.remove:
            if kept:
                w["build-args"] = kept
            else:
                w.pop("build-args", None)
        for key, add in (("secrets", plan.secrets), ("secret-files", plan.secret_files)):
            if add:
                w[key] = list(w.get(key) or []) + add
        if plan.ssh:
            w["ssh"] = list(w.get("ssh") or []) + ["default"]
        o["with"] = w
        n["with"] = _norm_with(n.get("with") or {})
    return old == new
