"""Does a file in some stage end up in the final image, and does the running
container need it?

A file reaches the final image when its stage is the final one or an ancestor
of it (FROM chain), or when a `COPY --from` of that stage copies it (or a
directory holding it) into a stage of the final chain. `COPY --from` sources
are paths from the source stage's root. Chains of `COPY --from` across more
than one stage are not followed.

The container needs it when the final image's CMD/ENTRYPOINT/HEALTHCHECK name
it, an ENV points at it (`GOOGLE_APPLICATION_CREDENTIALS=/app/key.json`), the
start command runs a tool that reads it by convention (`twine upload` reads
`~/.pypirc`), or it is a `.env` file (applications load those when they start).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass

from ..syntax import Dockerfile, Instruction, Stage
from .credential_files import DOTENV, CredentialKind
from .stagefs import FsState, descendants, expand, is_final_lineage, join, parse_copy

RUNTIME_CMDS = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


@dataclass
class Carried:
    instr: Instruction  # the COPY --from
    stage: Stage  # the stage it copies into
    path: str  # where the file lands there


def stage_aliases(df: Dockerfile, stage: Stage) -> set[str]:
    """Names a `COPY --from` may use for ``stage`` or a stage built FROM it."""
    out: set[str] = set()
    for s in [stage] + descendants(df, stage):
        out |= {s.name, str(s.index)} - {None}
    return out


def final_chain(df: Dockerfile) -> list[Stage]:
    """The final stage and its FROM ancestors."""
    if not df.stages:
        return []
    return [s for s in df.stages if is_final_lineage(df, s)]


def carried_copies(df: Dockerfile, stage: Stage, path: str, states: dict[int, FsState]) -> list[Carried]:
    """`COPY --from=<stage>` instructions (in later stages) that copy ``path``."""
    aliases = stage_aliases(df, stage)
    out: list[Carried] = []
    for other in df.stages[stage.index + 1:]:
        for instr in other.instructions[1:]:
            if instr.cmd != "COPY":
                continue
            spec = parse_copy(instr)
            if spec is None or spec.from_stage not in aliases:
                continue
            state = states.get(id(instr), FsState())
            for src, _, _ in spec.sources:
                src_abs = expand(src, state.env)
                if src_abs is None:
                    continue
                src_abs = posixpath.normpath("/" + src_abs.lstrip("/"))
                landed = _landing(spec, src_abs, path, state)
                if landed is not None:
                    out.append(Carried(instr, other, landed))
    return out


def _landing(spec, src: str, path: str, state: FsState) -> str | None:
    dest = expand(spec.dest, state.env)
    dest_abs = join(state.workdir, dest) if dest else None
    if src == path:
        if dest_abs is None:
            return "?"
        if spec.dest_is_dir:
            return posixpath.join(dest_abs, posixpath.basename(path))
        return dest_abs
    prefix = src.rstrip("/") + "/" if src != "/" else "/"
    if path.startswith(prefix):
        rel = path[len(prefix):]
        return posixpath.join(dest_abs, rel) if dest_abs else "?"
    if any(c in src for c in "*?["):
        parts = path.split("/")
        for k in range(2, len(parts) + 1):
            head = "/".join(parts[:k])
            if fnmatch.fnmatchcase(head, src):
                rel = "/".join(parts[k:])
                base = posixpath.join(dest_abs or "?", posixpath.basename(head))
                return posixpath.join(base, rel) if rel else base
    return None


def runtime_reason(df: Dockerfile, path: str, kind: CredentialKind, states: dict[int, FsState]) -> str | None:
    """Why the running container needs the file at ``path`` in the final image, or None."""
    name = posixpath.basename(path)
    chain = final_chain(df)
    for stage in chain:
        for instr in stage.instructions[1:]:
            if instr.cmd in RUNTIME_CMDS and name and name in instr.logical:
                return f"{instr.cmd} at line {instr.start_line} uses it"
    if kind is DOTENV:
        return "applications load .env files when they start"
    if chain:
        last = chain[-1].instructions[-1]
        final_state = states.get(id(last))
        if final_state is not None:
            env = dict(final_state.env)
            if last.cmd == "ENV":  # the state is the one *before* the last instruction
                env = _env_after(df, last, env)
            for var, value in sorted(env.items()):
                if value and (value == path or value.rstrip("/") == posixpath.dirname(path)
                              and var.upper().endswith(("_DIR", "_CONFIG", "_HOME", "_PATH")) or
                              value.endswith("/" + name)):
                    return f"ENV {var} points at it"
    tools = kind.runtime_tools
    if tools:
        for stage in chain:
            for instr in stage.instructions[1:]:
                if instr.cmd not in RUNTIME_CMDS:
                    continue
                words = set(re.split(r"[\s\"',\[\]/]+", instr.args))
                hit = sorted(tools & words)
                if hit:
                    return f"{instr.cmd} at line {instr.start_line} runs {hit[0]}, which reads it"
    return None


def _env_after(df: Dockerfile, instr: Instruction, env: dict[str, str | None]) -> dict[str, str | None]:
    from ..syntax import name_value_pairs
    from ..syntax.words import unquote_shell_word

    out = dict(env)
    for name, value, _ in name_value_pairs(instr, df.escape):
        out[name] = expand(unquote_shell_word(value or "")[0], out)
    return out
