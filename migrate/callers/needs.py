"""What a migrated Dockerfile now needs from the commands that build it.

Built from the Dockerfile's `Result`: ARG names before and after the
migration, and the build requirements of the output (all of them, and those
the migration introduced). Callers ask two questions: "is this build arg one
the migration replaced, and by what?" and "what must every caller add even if
it passed no build arg for it?" (an SSH agent, a secret file).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import Result, requirements
from ..fix import BuildRequirement
from ..syntax import DockerfileSyntaxError, name_value_pairs, parse


def _arg_names(text: str) -> frozenset[str]:
    try:
        df = parse(text)
    except DockerfileSyntaxError:
        return frozenset()
    names = set()
    for instr in df.instructions:
        target = instr.sub if instr.cmd == "ONBUILD" and instr.sub is not None else instr
        if target.cmd == "ARG":
            names.update(n for n, _v, _w in name_value_pairs(target, df.escape))
    return frozenset(names)


@dataclass(frozen=True)
class Needs:
    path: str  # the Dockerfile as shown in reports
    declared: frozenset[str]  # ARG names of the output (still build args)
    gone: frozenset[str]  # ARG names the migration removed
    requirements: tuple[BuildRequirement, ...]  # every secret/ssh mount of the output
    introduced: tuple[BuildRequirement, ...]  # those this run added

    @classmethod
    def from_result(cls, path: str, result: Result) -> Needs:
        before = _arg_names(result.source)
        after = _arg_names(result.output)
        try:
            old = {(r.type, r.id) for r in requirements(parse(result.source), {})}
        except DockerfileSyntaxError:
            old = set()
        reqs = tuple(result.build_requirements)
        if not reqs and "--mount" in result.output:
            # The engine's prefilter skips files no rule can change: read their mounts here.
            try:
                reqs = tuple(requirements(parse(result.output), {}))
            except DockerfileSyntaxError:
                reqs = ()
        new = tuple(r for r in reqs if (r.type, r.id) not in old)
        return cls(path, after, before - after, reqs, new)

    def secret_for_arg(self, name: str) -> BuildRequirement | None:
        """The secret that replaced build arg ``name`` (None: not replaced by a secret)."""
        if name in self.declared:
            return None
        for r in self.requirements:
            if r.type == "secret" and (r.env == name or (r.env is None and r.src is None and r.id == name)):
                return r
        return None

    def replaces(self, name: str) -> bool:
        """True when callers must stop passing build arg ``name``."""
        return name not in self.declared and (name in self.gone or self.secret_for_arg(name) is not None)

    def extra(self) -> tuple[BuildRequirement, ...]:
        """What every caller must pass whether or not it passed a build arg: introduced SSH,
        secret files and env secrets that did not replace a build arg, and any `required` SSH
        mount (without `--ssh` that build fails, even if an earlier run added the mount)."""
        out = []
        for r in self.introduced:
            if r.type == "secret" and r.env and not r.src and (r.env in self.gone or r.id in self.gone):
                continue  # replaced a build arg: callers that did not pass it need nothing new
            out.append(r)
        seen = {(r.type, r.id) for r in out}
        out += [r for r in self.requirements if r.type == "ssh" and r.required and (r.type, r.id) not in seen]
        return tuple(out)


def secret_flag(secret_id: str, env: str) -> str:
    return f"--secret id={secret_id},env={env}"
