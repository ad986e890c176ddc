"""The migration summary at the end of `diff`/`fix` text output: per migrated
Dockerfile, the secrets it now needs and how to pass them locally, in Compose
and in CI; then which callers were updated and which need a hand."""

from __future__ import annotations

import posixpath

from ..fix import BuildRequirement


def _describe(r: BuildRequirement) -> str:
    if r.type == "ssh":
        return f"ssh {r.id}"
    if r.src:
        return f"secret {r.id} (file {r.src})"
    return f"secret {r.id} (env {r.env or r.id})"


def _src_path(dockerfile: str, src: str) -> str:
    # Secret files are relative to the build context: taken as the Dockerfile's folder.
    return posixpath.normpath(posixpath.join(posixpath.dirname(dockerfile), src))


def compose_snippet(reqs: list[BuildRequirement], dockerfile: str) -> str:
    secrets = [r for r in reqs if r.type == "secret"]
    parts = []
    if secrets:
        parts.append("build.secrets: [" + ", ".join(r.id for r in secrets) + "]")
    if any(r.type == "ssh" for r in reqs):
        parts.append("build.ssh: [" + ", ".join(r.id for r in reqs if r.type == "ssh") + "]")
    if secrets:
        tops = []
        for r in secrets:
            src = f"file: ./{_src_path(dockerfile, r.src)}" if r.src else f"environment: {r.env or r.id}"
            tops.append(f"{r.id}: {{{src}}}")
        parts.append("secrets: {" + ", ".join(tops) + "}")
    return "; ".join(parts)


def ci_snippet(reqs: list[BuildRequirement], dockerfile: str) -> str:
    parts = []
    envs = [r for r in reqs if r.type == "secret" and not r.src]
    files = [r for r in reqs if r.type == "secret" and r.src]
    if envs:
        parts.append("secrets: " + " ".join(f"{r.id}=${{{{ secrets.{r.env or r.id} }}}}" for r in envs))
    if files:
        parts.append("secret-files: " + " ".join(f"{r.id}={_src_path(dockerfile, r.src)}" for r in files))
    if any(r.type == "ssh" for r in reqs):
        parts.append("ssh: default (start an SSH agent first, e.g. webfactory/ssh-agent)")
    return "; ".join(parts)


def migration_summary(summary) -> list[str]:
    from ..report import build_command

    changed = [fr for fr in summary.files if fr.kind == "dockerfile" and fr.result is not None
               and fr.result.changed and fr.result.build_requirements]
    if not changed:
        return []
    out = ["Migration summary:"]
    for fr in changed:
        reqs = fr.result.build_requirements
        out.append(f"  {fr.path} now needs: " + ", ".join(_describe(r) for r in reqs))
        out.append("    local:   " + build_command(reqs, fr.path))
        out.append("    compose: " + compose_snippet(reqs, fr.path))
        out.append("    CI (docker/build-push-action): " + ci_snippet(reqs, fr.path))
    callers = [fr for fr in summary.files if fr.kind != "dockerfile" and fr.result is not None]
    updated = [fr.path for fr in callers if fr.result.changed]
    by_hand = [f"{fr.path}:{f.line}" for fr in callers for f in fr.result.findings
               if not (f.fixable and fr.result.changed)]
    if updated:
        out.append("  Callers updated: " + ", ".join(updated))
    if by_hand:
        out.append("  Callers to change by hand: " + ", ".join(by_hand))
    return out
