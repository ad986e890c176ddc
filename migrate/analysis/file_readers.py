"""Which later RUNs could read a file a COPY put in a stage.

Behaviour preservation, as for variables (see `analysis/shell.py`): before the
migration the file sits on disk for *every* later RUN of its stage (and of the
stages built FROM it) until a `RUN rm` of it, and any program may read it —
npm reads `.npmrc` from the working directory and the home directory, a build
script may read `$HOME/.aws/credentials`. A RUN is treated as reading the file
unless we can prove otherwise: it does not mention the file's name, and every
simple command in it is a program from a short list that reads no user
configuration files (OS package managers, file-mode utilities, `echo`...).

Commands that *do* name the file are classified: `rm`/`unlink` of it ends its
life (the command is removed by the fix: a secret mount cannot be deleted);
`cp`/`mv`/`tar`... copy it elsewhere and `chmod`, `sed -i`, `>` redirects or a
tool's `config set` modify it — both block a rewrite (a secret mount is a
read-only, one-RUN file). RUN scripts are split with `analysis.shell_script`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from ..syntax import Dockerfile, Instruction, Stage
from .shell_script import Command, Item, Script, split_script
from .stagefs import FsState, copy_target, descendants, parse_copy, shell_path

# Programs that read no user configuration file and no file they are not named.
CONFIG_BLIND_PROGRAMS = frozenset(
    """
    apt-get apt apt-cache apt-key dpkg dpkg-reconfigure apk yum dnf microdnf zypper rpm
    mkdir rmdir chmod chown chgrp ln touch echo printf true false test [ useradd groupadd adduser
    addgroup usermod groupmod passwd update-ca-certificates ldconfig locale-gen localedef sleep cd
    export set umask unset ulimit id whoami pwd date which command type hash rm
    """.split()
)
COPYING_PROGRAMS = frozenset("cp mv install tar zip rsync scp cpio gzip bzip2 xz base64 openssl".split())
MODIFYING_PROGRAMS = frozenset("chmod chown chgrp touch truncate tee dos2unix ln".split())
REMOVING_PROGRAMS = frozenset({"rm", "unlink", "shred"})
# Tool subcommands that write their credential file in place (blocked on a read-only mount).
_CONFIG_WRITERS = {
    "npmrc": (("npm", "config"), ("npm", "login"), ("npm", "adduser"), ("npm", "set")),
    "yarnrc": (("yarn", "config"), ("yarn", "npm")),
    "pip_conf": (("pip", "config"), ("pip3", "config")),
    "docker_config": (("docker", "login"), ("docker", "logout")),
    "aws_credentials": (("aws", "configure"),),
    "composer_auth": (("composer", "config"),),
    "nuget_config": (("nuget", "sources"), ("nuget", "add"), ("dotnet", "nuget")),
    "git_credentials": (("git", "credential"),),
    "kubeconfig": (("kubectl", "config"),),
}


@dataclass
class RunUse:
    """How one RUN relates to the file."""

    instr: Instruction
    reads: bool  # could read it (gets the secret mount)
    script: Script | None = None  # editable shell-form script (offsets from instr.args_offset)
    removals: list[tuple[Item, Command]] = field(default_factory=list)  # `rm` of the file
    blocker: str | None = None  # why a mount cannot stand in for the file here


@dataclass
class FileLife:
    """The RUNs a file is visible to, from its creation to its removal."""

    uses: list[RunUse] = field(default_factory=list)
    ended_by: Instruction | None = None  # RUN that removes it, or COPY that replaces it
    blockers: list[str] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)  # stages it is visible in (its own first)

    @property
    def readers(self) -> list[RunUse]:
        return [u for u in self.uses if u.reads]


def run_script(instr: Instruction) -> Script | None:
    """The editable script of a shell-form RUN without heredocs, else None."""
    if instr.cmd != "RUN" or instr.json or instr.heredocs:
        return None
    return split_script(instr.args)


def script_texts(instr: Instruction) -> list[str]:
    """Every shell text a RUN executes: its command line and heredoc bodies."""
    if instr.json:
        return [" ".join(instr.json_args or [])]
    return [instr.args] + [h.content for h in instr.heredocs]


def _is_path(raw: str, name: str, path: str, state: FsState) -> bool:
    """Is the word ``raw`` the file ``path`` (whose base name is ``name``)? Only a word holding the name can be."""
    return name in raw and shell_path(raw, state) == path


def _writes_config(argv: list[str], kind_id: str | None, path: str, state: FsState) -> bool:
    """Does the command with these argv texts (wrappers dropped) write the tool configuration at ``path``?"""
    for prog, sub in _CONFIG_WRITERS.get(kind_id or "", ()):
        if len(argv) >= 2 and argv[0].rsplit("/", 1)[-1] == prog and sub in argv[1:3]:
            if prog == "npm" and state.home is not None and path != posixpath.join(state.home, ".npmrc") \
                    and not any("project" in a for a in argv):
                return False  # npm writes the user's ~/.npmrc (or --location=project), not this one
            return True
    return False


def _heredoc_changes(instr: Instruction, name: str) -> bool:
    """Does a heredoc script remove, move or write the file (edits there are not made)?"""
    n = re.escape(name)
    rx = re.compile(r"\b(?:rm|unlink|shred|mv|cp|sed|chmod|chown|tee|truncate|ln)\b[^\n]*" + n + r"|>\s*\S*" + n)
    return any(rx.search(t) for t in script_texts(instr))


def classify_run(instr: Instruction, path: str, state: FsState, kind_id: str | None = None) -> RunUse:
    """How ``instr`` (a RUN) uses the file at absolute ``path``."""
    name = posixpath.basename(path)
    script = run_script(instr)
    if script is None:
        # Exec form or heredoc script: no editable command-level view.
        mentioned = any(name in t for t in script_texts(instr))
        if instr.json:
            prog = (instr.json_args or [""])[0].rsplit("/", 1)[-1]
            return RunUse(instr, mentioned or prog not in CONFIG_BLIND_PROGRAMS)
        if mentioned and _heredoc_changes(instr, name):
            return RunUse(instr, True, blocker=f"the RUN at line {instr.start_line} removes or changes it in a heredoc")
        return RunUse(instr, True)
    use = RunUse(instr, False, script)
    for item in script.items:
        for cmd in item.commands:
            words = cmd.argv  # worked out once per command (cmd.prog and cmd.args derive it again)
            argv = [w.text for w in words]
            prog = argv[0].rsplit("/", 1)[-1] if argv else ""
            if _writes_config(argv, kind_id, path, state):
                use.reads = True
                use.blocker = f"the RUN at line {instr.start_line} changes it ({prog} {argv[1] if len(argv) > 1 else ''})".rstrip()
                continue
            named = [w for w in words[1:] if _is_path(w.raw, name, path, state)]
            redirected = [r for r in cmd.redirects if r.target is not None and _is_path(r.target.raw, name, path, state)]
            if not named and not redirected:
                if item.complex or prog not in CONFIG_BLIND_PROGRAMS or name in item.text:
                    use.reads = True  # may read it (or names it in a way we cannot resolve)
                continue
            if prog in REMOVING_PROGRAMS and not redirected:
                if item.complex or len(item.commands) > 1 or not item.separable:
                    use.blocker = f"the RUN at line {instr.start_line} removes it inside a compound command"
                    return use
                use.removals.append((item, cmd))
                return use  # later commands no longer see the file
            use.reads = True
            if redirected and all(r.op in ("<", "<<<") for r in redirected) and not named:
                continue  # read through `<`
            if redirected or prog in MODIFYING_PROGRAMS or (prog == "sed" and any(a.startswith("-i") for a in argv[1:])):
                use.blocker = f"the RUN at line {instr.start_line} modifies it"
            elif prog in COPYING_PROGRAMS:
                use.blocker = f"the RUN at line {instr.start_line} copies it elsewhere ({prog})"
    return use


def file_life(df: Dockerfile, stage: Stage, after: Instruction, path: str,
              states: dict[int, FsState], kind_id: str | None = None) -> FileLife:
    """Uses of ``path`` by the RUNs after ``after`` in ``stage`` and, unless it is
    removed there, in the stages built FROM it."""
    life = FileLife(stages=[stage])
    body = stage.instructions
    at = next(k for k, instr in enumerate(body) if instr is after)  # by identity: cheaper than equality
    _walk(body[at + 1:], path, states, life, kind_id)
    if life.ended_by is None:
        for child in descendants(df, stage):
            life.stages.append(child)
            _walk(child.instructions[1:], path, states, life, kind_id)
    return life


def _walk(instrs: list[Instruction], path: str, states: dict[int, FsState], life: FileLife,
          kind_id: str | None) -> None:
    name = posixpath.basename(path)
    for instr in instrs:
        state = states.get(id(instr))
        if state is None:
            continue
        if instr.cmd == "RUN":
            use = classify_run(instr, path, state, kind_id)
            life.uses.append(use)
            if use.blocker:
                life.blockers.append(use.blocker)
            if use.removals:
                life.ended_by = instr
                return
        elif instr.cmd in ("COPY", "ADD"):
            spec = parse_copy(instr)
            if spec is None or spec.from_stage is not None:
                continue
            if len(spec.sources) == 1 and copy_target(spec, spec.sources[0][0], state) == path:
                life.ended_by = instr  # replaced by another file
                return
        elif instr.cmd == "ONBUILD" and name in instr.logical:
            life.blockers.append(f"ONBUILD at line {instr.start_line} uses it")
        elif instr.cmd == "WORKDIR" and re.search(r"(?:^|/)" + re.escape(name) + r"(?:/|$)", instr.args.strip()):
            life.blockers.append(f"WORKDIR at line {instr.start_line} uses it")
