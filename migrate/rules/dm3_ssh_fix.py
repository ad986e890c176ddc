"""Findings and fixes for the SSH rules (DM301-DM303), built from `analysis.ssh`."""

from __future__ import annotations

from ..analysis.ssh import EMPTY, Endpoint, Hack, Key, SshAnalysis, analyse_ssh, build_edits, may_involve_ssh
from ..fix import BuildRequirement, Fix
from .base import RuleContext

SSH_FRONTEND = (1, 2)  # stable RUN --mount=type=ssh
SSH_REQUIREMENT = BuildRequirement("ssh", "default")


def ssh_analysis(ctx: RuleContext) -> SshAnalysis:
    if not may_involve_ssh(ctx.df.text):
        return EMPTY
    return analyse_ssh(ctx.df, ctx.settings)


def hosts_text(eps: list[Endpoint]) -> str:
    out = []
    for e in eps:
        if e.host is None:
            continue
        out.append(f"{e.host} (port {e.port})" if e.port else e.host)
    return ", ".join(dict.fromkeys(out))


def _lines(ns) -> str:
    ns = sorted(set(ns))
    return (f"line {ns[0]}" if len(ns) == 1 else "lines " + ", ".join(str(n) for n in ns))


def _consumers_text(key_or_hack) -> str:
    cons = key_or_hack.consumers
    lines = sorted({c.line for c in cons})
    whats = ", ".join(dict.fromkeys(c.what for c in sorted(cons, key=lambda c: c.pos)))
    return f"the RUN{'s' if len(lines) > 1 else ''} at {_lines(lines)} ({whats})"


def key_fix(ctx: RuleContext, key: Key) -> tuple[Fix | None, str]:
    """(fix, sentence) for a key finding."""
    if not key.fixable:
        reasons = "; ".join(dict.fromkeys(key.blockers)) or "it cannot be migrated safely"
        return None, f"Not rewritten: {reasons}."
    edits = build_edits(ctx.df, key.changes)
    if not edits:
        return None, "Not rewritten: its edits would conflict; migrate it by hand."
    fix = Fix(tuple(edits), (SSH_REQUIREMENT,), SSH_FRONTEND)
    mounted = [c for c in key.consumers if not c.run.ssh_mount]
    parts = []
    if mounted:
        parts.append(f"{_consumers_text(key)} get{'s' if len({c.line for c in key.consumers}) == 1 else ''} "
                     f"`--mount=type=ssh,required` (your ssh-agent, for that step only)")
    else:
        parts.append(f"{_consumers_text(key)} already use{'s' if len({c.line for c in key.consumers}) == 1 else ''} "
                     f"an ssh mount")
    if key.hosts:
        parts.append(f"an `ssh-keyscan` step pins the host key of {hosts_text(key.hosts)}")
    removed = sorted(key.steps | {key.line})
    parts.append(f"the key and the steps that handled it are removed ({_lines(removed)})")
    desc = "Fix: " + ", ".join(parts[:-1]) + " and " + parts[-1] + f"; build with `{SSH_REQUIREMENT.flag()}`."
    if key.notes:
        desc += " Note: " + "; ".join(key.notes) + "."
    if key.in_final:
        desc += (" The image no longer contains the key; if the running container needs it, provide it at run "
                 "time. Rotate the key: it is in every image built so far.")
    else:
        desc += " Rotate the key: it is in the build cache and any pushed cache or builder image."
    return fix, desc


def hack_fix(ctx: RuleContext, hack: Hack) -> tuple[Fix | None, str]:
    if not hack.fixable:
        reasons = "; ".join(dict.fromkeys(hack.blockers)) or "it cannot be replaced safely"
        return None, f"Not rewritten: {reasons}."
    edits = build_edits(ctx.df, hack.changes, with_mounts=False)
    if not edits:
        return None, "Not rewritten: its edits would conflict; replace it by hand."
    fix = Fix(tuple(edits))
    hosts = hosts_text(hack.hosts)
    if hack.new_hosts:
        desc = (f"Fix: it is removed and an `ssh-keyscan` step records the host key of {hosts_text(hack.new_hosts)} "
                f"in ~/.ssh/known_hosts before {_consumers_text(hack)} connect{'s' if len({c.line for c in hack.consumers}) == 1 else ''}.")
    else:
        desc = f"Fix: it is removed; the stage already records the host key of {hosts} with `ssh-keyscan`."
    return fix, desc


