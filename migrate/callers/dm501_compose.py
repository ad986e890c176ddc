"""A Compose service passes a migrated secret in `build.args`.

Why it leaks:
`build.args` become `--build-arg`s: their values are recorded in the image
history and provenance, and a literal value (`NPM_TOKEN: abc123`) is committed
with the Compose file. Once the Dockerfile reads the secret from a mount, the
service must pass it as a build secret or the build fails.

Bad:
    services:
      web:
        build:
          context: .
          args:
            NPM_TOKEN: ${NPM_TOKEN}

Good:
    services:
      web:
        build:
          context: .
          secrets:
            - NPM_TOKEN
    secrets:
      NPM_TOKEN:
        environment: NPM_TOKEN

Build flags:
    build.secrets: [NPM_TOKEN] + top-level secrets: {NPM_TOKEN: {environment: NPM_TOKEN}}
    (file: ./path for secret files; build.ssh: [default] for SSH) — Docker Compose v2;
    `environment:` needs Compose 2.6+

Not rewritten when:
The service builds a Dockerfile that was not migrated in this run, or from a
context/dockerfile given by variables (reported), or its build settings are
shared (YAML anchor or merge) with a service that builds something else, or
the keys to edit are written in flow style (`args: [A, B]`). Existing secrets
are reused, not duplicated; an `args` that becomes empty is removed. A literal
value is reported (masked) and replaced by `environment: NAME`: export NAME
before `docker compose build`. The file is edited line by line, so comments,
anchors, quoting and key order outside the edited keys stay byte-identical.
"""

from __future__ import annotations

import os
import re

from ruamel.yaml.comments import CommentedMap

from ..fix import BuildRequirement, Fix
from ..secrets import find_credential_literals, mask_value
from .base import CallerContext, CallerRule
from .compose_edit import ComposeEditor, Move, Plan, Unsupported, arg_entries, same_meaning
from .needs import Needs
from .yamltext import NOT_YAML, Lines, YAMLError, load, load_or_note, own_keys

_INTERP = re.compile(r"^\$(?:\{(?P<a>[A-Za-z_][A-Za-z0-9_]*)(?P<mod>(?::?[-?+=]).*)?\}|(?P<b>[A-Za-z_][A-Za-z0-9_]*))$")


def _passed_ids(build) -> set[str]:
    ids = set()
    if isinstance(build, dict):
        for s in build.get("secrets") or []:
            if isinstance(s, str):
                ids.add(s)
            elif isinstance(s, dict) and (s.get("target") or s.get("source")):
                ids.add(str(s.get("target") or s.get("source")))
    return ids


def _owner_of(build: CommentedMap, key: str):
    """The mapping in which ``key`` of ``build`` is written (following `<<` merges)."""
    if key in own_keys(build):
        return build
    for m in getattr(build, "merge", None) or []:
        m = m[1] if isinstance(m, tuple) else m  # older ruamel: (index, mapping)
        if isinstance(m, CommentedMap) and key in m:
            return _owner_of(m, key)
    return None


def _env_source(value, name: str, req_id: str) -> tuple[str, str]:
    """(environment variable, note) for a build-arg value."""
    if value is None:
        return name, ""
    if isinstance(value, str):
        v = value.strip()
        m = _INTERP.match(v)
        if m and not (m.group("mod") or "").lstrip(":").startswith("+"):
            var, mod = m.group("a") or m.group("b"), (m.group("mod") or "").lstrip(":")
            note = ""
            if mod[:1] in ("-", "="):
                note = f"its default in `{_masked_interp(v)}` no longer applies: set {var} when building"
            return var, note
        if "$" in v.replace("$$", ""):
            return req_id, (f"its value was built from variables ({_masked_interp(v)}): export {req_id} with the "
                            f"full value before `docker compose build`")
    literal = "" if value is None else str(value)
    kinds = sorted({c.kind for c in find_credential_literals(literal)})
    what = f" (looks like a {kinds[0]})" if kinds else ""
    shown = mask_value(literal) or "empty"
    return req_id, (f"its literal value ({shown}){what} was committed in this file: rotate it; "
                    f"the secret now reads environment variable {req_id}: export it before `docker compose build`")


def _file_source(ctx: CallerContext, context_dir: str, src: str) -> tuple[str, str]:
    """A secret file of the build context, as a path relative to the Compose file."""
    rel = os.path.relpath(os.path.join(context_dir, src), ctx.dir).replace(os.sep, "/")
    return "file", rel if rel.startswith(".") else "./" + rel


def _masked_interp(v: str) -> str:
    # `${VAR:-default}`: the default may itself be a credential.
    return re.sub(r"(:?[-?+=])([^}]+)\}", lambda m: m.group(1) + (mask_value(m.group(2)) or "") + "}", v)


class ComposeBuildArgs(CallerRule):
    code = "DM501"
    name = "compose-build-args"
    kinds = ("compose",)

    def migrate(self, text: str, ctx: CallerContext):
        data = load_or_note(text, ctx.notes)
        if data is NOT_YAML:
            return ctx.result(text, text, [])
        services = data.get("services") if isinstance(data, CommentedMap) else None
        if not isinstance(services, CommentedMap):
            return ctx.result(text, text, [])
        lines = Lines(text)
        plans: list[Plan] = []
        users: dict[int, list] = {}  # id(args or owner node) -> plans (None: a service left alone)
        for sname, svc in services.items():
            build = svc.get("build") if isinstance(svc, dict) else None
            if build is None:
                continue
            plan = self._plan(str(sname), svc, build, ctx, services)
            for node in (build.get("args") if isinstance(build, dict) else None,
                         _owner_of(build, "args") if isinstance(build, CommentedMap) else None,
                         build if isinstance(build, CommentedMap) else None):
                if node is not None:
                    users.setdefault(id(node), []).append(plan)
            if plan is not None and not plan.empty:
                plans.append(plan)
        ok = []
        for plan in plans:
            groupmates = [p for n in (plan.args, plan.owner) if n is not None for p in users.get(id(n), [])]
            if any(p is None or p.key() != plan.key() for p in groupmates):
                others = sorted({p.service for p in groupmates if p is not None and p is not plan})
                self._report(ctx, plan, "not rewritten: its build settings are shared (YAML anchor/merge) "
                             "with " + (", ".join(others) or "another service") + " that needs different changes")
                continue
            ok.append(plan)
        out, passes = self._apply(text, data, lines, ok, ctx)
        return ctx.result(text, out, passes)

    # ------------------------------------------------------------------ planning

    def _plan(self, sname: str, svc, build, ctx: CallerContext, services) -> Plan | None:
        if isinstance(build, str):
            context, dockerfile, args = build, None, None
        elif isinstance(build, CommentedMap):
            if "dockerfile_inline" in build:
                return None
            context, dockerfile, args = str(build.get("context", ".")), build.get("dockerfile"), build.get("args")
        else:
            return None
        entries = arg_entries(args)
        line = services.lc.key(sname)[0] + 1 if sname in services else 1
        if "$" in context or (dockerfile and "$" in str(dockerfile)) or re.match(r"^[a-z]+://|^git@", context):
            names = [n for n, _v, _k in entries if ctx.replacing(n)]
            if names:
                where = ", ".join(sorted({n.path for name in names for n in ctx.replacing(name)}))
                ctx.findings.append(self.finding(line, line, (
                    f"service {sname} passes {', '.join(names)} as build args, but its build context/dockerfile "
                    f"({context}{'/' + str(dockerfile) if dockerfile else ''}) cannot be resolved; if it builds "
                    f"{where}, move them to build.secrets with top-level secrets (`environment:`)."),
                    subject=f"{sname}:unresolved", severity="warning"))
            return None
        ctx_abs = os.path.normpath(os.path.join(ctx.dir, context))
        got = ctx.lookup(os.path.normpath(os.path.join(ctx_abs, str(dockerfile or "Dockerfile"))))
        if not isinstance(got, Needs):
            return None
        needs = got
        owner = _owner_of(build, "args") if (isinstance(build, CommentedMap) and args is not None) else \
            (build if isinstance(build, CommentedMap) else None)
        plan = Plan(sname, needs, args, owner, build, svc)
        passed = _passed_ids(build)
        for name, value, _k in entries:
            if not needs.replaces(name):
                continue
            req = needs.secret_for_arg(name)
            if req is None:
                plan.moves.append(Move(name, None, None, "no longer used by the Dockerfile"))
                continue
            if req.src:
                source, note = _file_source(ctx, ctx_abs, req.src), ""
            else:
                var, note = _env_source(value, name, req.id)
                source = ("environment", var)
            plan.moves.append(Move(name, req.id, source, note))
            if req.id not in passed:
                plan.add.append((req.id, source))
                passed.add(req.id)
        has_ssh = isinstance(build, dict) and any(str(s).split("=", 1)[0] == "default" for s in build.get("ssh") or [])
        for req in needs.extra():
            if req.type == "ssh":
                plan.ssh = plan.ssh or not has_ssh
            elif req.id not in passed:
                if req.src:
                    plan.add.append((req.id, _file_source(ctx, ctx_abs, req.src)))
                else:
                    plan.add.append((req.id, ("environment", req.env or req.id)))
                passed.add(req.id)
        return plan

    def _report(self, ctx: CallerContext, plan: Plan, why: str) -> None:
        names = ", ".join(m.name for m in plan.moves) or "nothing"
        ctx.findings.append(self.finding(self._line(plan), self._line(plan), (
            f"service {plan.service} passes {names} as build args to {plan.needs.path}, which now needs build "
            f"secrets; {why}. Move them to build.secrets by hand."), subject=f"{plan.service}:conflict",
            severity="warning"))

    @staticmethod
    def _line(plan: Plan) -> int:
        """The `args:` line that moves, else the service's `build:` line (1-based)."""
        owner = plan.owner
        if isinstance(owner, CommentedMap) and "args" in own_keys(owner):
            return owner.lc.key("args")[0] + 1
        return plan.svc.lc.key("build")[0] + 1

    # ------------------------------------------------------------------ editing

    def _apply(self, text: str, data, lines: Lines, plans: list[Plan], ctx: CallerContext):
        ce = ComposeEditor(data, lines)
        done: set[int] = set()
        applied: list[Plan] = []
        for plan in plans:
            key = id(plan.owner) if plan.owner is not None else id(plan)
            if key not in done:  # a shared anchor is edited once for all its services
                try:
                    ce.try_plan(plan)
                except Unsupported as exc:
                    self._report(ctx, plan, f"not rewritten: {exc}")
                    continue
                done.add(key)
            applied.append(plan)
        try:
            ce.add_top_level()
        except Unsupported as exc:
            for plan in applied:
                self._report(ctx, plan, f"not rewritten: {exc}")
            applied = []
        if not applied:
            return text, self._passes(data, ctx)
        out = ce.ed.render()
        try:
            new_data = load(out)
        except YAMLError:
            new_data = None
        if new_data is None or not same_meaning(data, new_data, applied, ce.names, ce.new_top):
            ctx.notes.append("the Compose file could not be rewritten safely; change it by hand")
            for plan in applied:
                self._report(ctx, plan, "the rewrite could not be verified")
            return text, self._passes(data, ctx)
        for plan in applied:
            self._finding(ctx, plan, ce.names)
        return out, self._passes(new_data, ctx)

    def _finding(self, ctx: CallerContext, plan: Plan, names) -> None:
        parts = []
        for m in plan.moves:
            if m.secret_id is None:
                parts.append(f"{m.name} removed ({m.note})")
                continue
            kind, value = m.source
            top = names.get((m.secret_id, m.source), m.secret_id)
            src = f"environment variable {value}" if kind == "environment" else f"file {value}"
            part = f"{m.name} -> build secret {m.secret_id} (top-level secret {top}, from {src})"
            if m.note:
                part += f"; {m.note}"
            parts.append(part)
        moved_ids = {m.secret_id for m in plan.moves}
        for sid, (kind, value) in plan.add:
            if sid not in moved_ids:
                what = "environment variable" if kind == "environment" else "file"
                parts.append(f"added build secret {sid} (from {what} {value})")
        if plan.ssh:
            parts.append("added build.ssh: [default] (an SSH agent must be running: SSH_AUTH_SOCK)")
        moved = [m.name for m in plan.moves]
        if moved:
            msg = (f"service {plan.service} passes {', '.join(moved)} as build arg{'s' if len(moved) > 1 else ''} to "
                   f"{plan.needs.path}, which no longer takes {'them' if len(moved) > 1 else 'it'}: "
                   + "; ".join(parts) + ".")
        else:
            msg = f"service {plan.service} builds {plan.needs.path}, which now needs: " + "; ".join(parts) + "."
        reqs = []
        for sid, (kind, value) in plan.add:
            reqs.append(BuildRequirement("secret", sid, env=value if kind == "environment" else None,
                                         src=value if kind == "file" else None))
        if plan.ssh:
            reqs.append(BuildRequirement("ssh", "default"))
        ctx.findings.append(self.finding(self._line(plan), self._line(plan), msg, fix=Fix((), tuple(reqs)),
                                         subject=f"{plan.service}:{','.join(moved) or 'extra'}"))

    def _passes(self, data, ctx: CallerContext) -> list[BuildRequirement]:
        """What the services that build Dockerfiles of this run now pass."""
        out: list[BuildRequirement] = []
        services = data.get("services") if isinstance(data, dict) else None
        top = data.get("secrets") if isinstance(data, dict) else None
        top = top if isinstance(top, dict) else {}
        for _name, svc in (services.items() if isinstance(services, dict) else ()):
            build = svc.get("build") if isinstance(svc, dict) else None
            if not isinstance(build, dict):
                continue
            context, dockerfile = str(build.get("context", ".")), str(build.get("dockerfile") or "Dockerfile")
            if "$" in context + dockerfile:
                continue
            got = ctx.lookup(os.path.normpath(os.path.join(ctx.dir, context, dockerfile)))
            if not isinstance(got, Needs):
                continue
            for s in build.get("secrets") or []:
                src = s if isinstance(s, str) else str(s.get("source", "")) if isinstance(s, dict) else ""
                sid = s if isinstance(s, str) else str(s.get("target") or src) if isinstance(s, dict) else ""
                spec = top.get(src) if isinstance(top.get(src), dict) else {}
                out.append(BuildRequirement("secret", str(sid), env=spec.get("environment"), src=spec.get("file")))
            for s in build.get("ssh") or []:
                out.append(BuildRequirement("ssh", str(s).split("=", 1)[0]))
        return out
