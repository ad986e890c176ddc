"""Turn a secret flow (ARG/ENV) into a finding with a fix: shared by DM101/DM102."""

from __future__ import annotations

from ..analysis.flows import SecretFlow
from ..edits import add_run_flag, has_secret_mount, remove_pair
from ..fix import BuildRequirement, Edit, Fix
from ..frontend import can_satisfy
from ..secrets import scan_credential_literals
from ..syntax import Dockerfile, Instruction
from .base import RuleContext

MODERN_FRONTEND = (1, 10)  # `env=` on secret mounts
LEGACY_FRONTEND = (1, 2)  # stable RUN --mount


def use_legacy_form(ctx: RuleContext) -> bool:
    return ctx.settings.frontend == "legacy" or not can_satisfy(ctx.df, MODERN_FRONTEND)


def mount_flag(secret_id: str, env: str, legacy: bool) -> str:
    if legacy:
        return f"--mount=type=secret,id={secret_id},required"
    return f"--mount=type=secret,id={secret_id},env={env},required"


def legacy_prefix(secret_id: str, env: str) -> str:
    return f'export {env}="$(cat /run/secrets/{secret_id})" && '


def lines_list(instrs: list[Instruction]) -> str:
    return ", ".join(map(str, sorted({i.start_line for i in instrs})))


def literal_note(flow: SecretFlow) -> str:
    if flow.literal is None:
        return ""
    kinds = sorted({c.kind for c in scan_credential_literals(flow.literal)})  # (keeps the file's memo)
    what = f" (looks like a {kinds[0]})" if kinds else ""
    return f"; its literal value{what} is committed to the repository: rotate it"


def build_fix(ctx: RuleContext, flow: SecretFlow) -> tuple[Fix | None, str]:
    """The fix for a flow and a sentence describing it, or (None, why not)."""
    df: Dockerfile = ctx.df
    if flow.blockers:
        reasons = "; ".join(sorted({r for _, r in flow.blockers}))
        return None, f"Not rewritten: {reasons}, which a secret mount cannot reach."
    if flow.stage >= 0 and not flow.consumers:
        return None, "Not rewritten: no later RUN of its stage can read it; delete it if it is unused."
    legacy = use_legacy_form(ctx)
    edits: list[Edit] = []
    if flow.arg is not None:
        edits.append(remove_pair(df, flow.arg.instr, flow.arg.word))
    if flow.env is not None:
        edits.append(remove_pair(df, flow.env.instr, flow.env.word))
    if flow.global_arg is not None and flow.remove_global:
        edits.append(remove_pair(df, flow.global_arg.instr, flow.global_arg.word))
    by_run: dict[int, list[str]] = {}
    runs: dict[int, Instruction] = {}
    for run, var in flow.consumers:
        if run.flags and has_secret_mount(run, flow.name, None if legacy else var):  # (no flags: no mount)
            continue
        by_run.setdefault(id(run), []).append(var)
        runs[id(run)] = run
    for key, variables in by_run.items():
        run = runs[key]
        if legacy and run.json:
            return None, (f"Not rewritten: RUN at line {run.start_line} uses exec form, which cannot read "
                          f"/run/secrets/{flow.name} without a shell (legacy frontend mode).")
        flags = " ".join(mount_flag(flow.name, v, legacy) for v in variables)
        edits.append(add_run_flag(run, flags))
        if legacy:
            pos = run.source_offset(run.args_offset)
            prefix = "".join(legacy_prefix(flow.name, v) for v in variables)
            edits.append(Edit(pos, pos, prefix))
    if not edits:
        return None, ""
    if len({(e.start, e.end) for e in edits}) != len(edits):
        return None, "Not rewritten: its declarations overlap."
    if flow.stage < 0 and not flow.consumers:
        return Fix(tuple(edits)), "Fix: remove it (only FROM lines could read a global ARG, and none does)."
    requirement = BuildRequirement("secret", flow.name, env=flow.name)
    fix = Fix(tuple(edits), (requirement,), LEGACY_FRONTEND if legacy else MODERN_FRONTEND)
    consumers = [r for r, _ in flow.consumers]
    many = len({id(r) for r in consumers}) > 1
    form = f"/run/secrets/{flow.name}" if legacy else "a secret mount"
    desc = (f"Fix: the RUN{'s' if many else ''} at line{'s' if many else ''} {lines_list(consumers)} "
            f"read{'' if many else 's'} it from {form} instead; build with `{requirement.flag()}`.")
    return fix, desc
