"""What a stage's file system looks like to each instruction: working
directory, user, home directory, known ENV values; where COPY/ADD put files;
which stages a file reaches.

Conservative by design: anything we cannot know statically (a WORKDIR built
from an ARG, the home directory of a non-root USER without `ENV HOME`) is
``None`` and the rules then report instead of rewriting. Base images are
assumed to run as root with HOME=/root (true of the official images; a base
image that sets USER is not visible from the Dockerfile).

Docker does not expand ``~`` in COPY/ADD/WORKDIR (moby/buildkit#2176: it is
a literal directory name) and expands ``$HOME`` there only from ENV; in RUN the
shell expands both.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from ..memo import same_text_memo
from ..syntax import Dockerfile, Instruction, Stage, name_value_pairs
from ..syntax.words import unquote_shell_word

_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))")
ROOT_USERS = frozenset({"root", "0"})
_STATE_CHANGERS = frozenset({"WORKDIR", "USER", "ENV", "ARG"})
_COPY_WORD = re.compile(r"[^ \t]+")  # COPY/ADD words are separated by blanks only


@dataclass
class FsState:
    workdir: str | None = "/"
    user: str | None = "root"  # None: unknown
    env: dict[str, str | None] = field(default_factory=dict)  # value None: unknown

    def copy(self) -> FsState:
        return FsState(self.workdir, self.user, dict(self.env))

    @property
    def home(self) -> str | None:
        if "HOME" in self.env:
            return self.env["HOME"]
        if self.user is None:
            return None
        return "/root" if self.user in ROOT_USERS else None

    @property
    def is_root(self) -> bool:
        return self.user is not None and self.user in ROOT_USERS


def expand(text: str, env: dict[str, str | None]) -> str | None:
    """Expand $VAR/${VAR} with known ENV values (as BuildKit does in COPY/WORKDIR); None if unknown."""
    if "$" not in text:
        return text
    unknown = False

    def sub(m: re.Match) -> str:
        nonlocal unknown
        name = m.group(1) or m.group(2)
        value = env.get(name)
        if value is None:
            unknown = True
            return ""
        return value

    out = _VAR.sub(sub, text)
    return None if unknown or "$" in out else out


def join(base: str | None, path: str) -> str | None:
    """Absolute, normalised path of ``path`` relative to ``base``; None if unknown."""
    if path.startswith("/"):
        return posixpath.normpath(path) if path != "/" else "/"
    if base is None:
        return None
    return posixpath.normpath(posixpath.join(base, path))


def shell_path(word: str, state: FsState) -> str | None:
    """A path as a RUN's shell sees it: `~`, `$HOME`, ENV values, WORKDIR."""
    text, _ = unquote_shell_word(word)
    if text == "~" or text.startswith("~/"):
        home = state.home
        if home is None:
            return None
        text = home + text[1:]
    env = dict(state.env)
    env.setdefault("HOME", state.home)
    expanded = expand(text, env)
    if expanded is None or any(c in expanded for c in "*?[`"):
        return None
    return join(state.workdir, expanded)


@same_text_memo  # DM201 and DM202 both ask, about the same parsed file (object identity)
def stage_states(df: Dockerfile) -> dict[int, FsState]:
    """State in effect *before* each instruction, by ``id(instr)``; a stage
    built FROM an earlier stage starts from that stage's final state."""
    states: dict[int, FsState] = {}
    # The final state of each earlier stage by name and by number (the first one holding it wins):
    # a stage built FROM another starts from it (one look-up, not a scan of the earlier stages).
    finals_by_ref: dict[str, FsState] = {}
    for stage in df.stages:
        parent_final = finals_by_ref.get(stage.base.lower())
        state = parent_final.copy() if parent_final is not None else FsState()
        before = None  # snapshot of ``state``, shared by the instructions that see it (callers only read them)
        for instr in stage.instructions[1:]:
            if before is None:
                before = state.copy()
            states[id(instr)] = before
            cmd = instr.cmd
            if cmd not in _STATE_CHANGERS:
                continue
            before = None
            if cmd == "WORKDIR":
                text = unquote_shell_word(instr.args.strip())[0]
                expanded = expand(text, state.env)
                state.workdir = None if expanded is None else join(state.workdir, expanded)
            elif cmd == "USER":
                expanded = expand(instr.args.strip(), state.env)
                state.user = expanded.split(":", 1)[0] if expanded else None
            elif cmd == "ENV":
                for name, value, _ in name_value_pairs(instr, df.escape):
                    raw = unquote_shell_word(value or "")[0]
                    state.env[name] = expand(raw, state.env)
            elif cmd == "ARG":
                for name, _, _ in name_value_pairs(instr, df.escape):
                    state.env.setdefault(name, None)  # overridable: unknown
        if stage.name is not None:
            finals_by_ref.setdefault(stage.name, state)
        finals_by_ref.setdefault(str(stage.index), state)
    return states


def descendants(df: Dockerfile, stage: Stage) -> list[Stage]:
    """Stages built FROM ``stage`` (directly or through another)."""
    out: list[Stage] = []
    names = {stage.name, str(stage.index)} - {None}
    for s in df.stages[stage.index + 1:]:
        if s.base.lower() in names:
            out.append(s)
            names |= {s.name, str(s.index)} - {None}
    return out


def is_final_lineage(df: Dockerfile, stage: Stage) -> bool:
    """True when the final image is ``stage`` or built FROM it."""
    if not df.stages:
        return False
    final = df.stages[-1]
    return final.index == stage.index or any(s.index == final.index for s in descendants(df, stage))


@dataclass
class CopySpec:
    """A COPY/ADD: sources and destination as written, with logical offsets."""

    instr: Instruction
    sources: list[tuple[str, int, int]]  # (text after quote removal, logical start, end)
    dest: str
    from_stage: str | None
    json: bool

    @property
    def dest_is_dir(self) -> bool:
        return self.dest.endswith("/") or self.dest in (".", "..") or len(self.sources) > 1


def parse_copy(instr: Instruction) -> CopySpec | None:
    """The COPY/ADD's spec (None for another instruction), worked out once per parsed instruction:
    several analyses ask; callers only read it."""
    if instr.cmd not in ("COPY", "ADD"):
        return None
    memo = instr.memo
    if "stagefs.copy" not in memo:
        memo["stagefs.copy"] = _parse_copy(instr)
    return memo["stagefs.copy"]


def _parse_copy(instr: Instruction) -> CopySpec | None:
    from_stage = None
    for f in instr.flags:
        if f.name == "from":
            from_stage = (f.value or "").lower()
    if instr.json:
        args = instr.json_args or []
        if len(args) < 2:
            return None
        return CopySpec(instr, [(a, -1, -1) for a in args[:-1]], args[-1], from_stage, True)
    if instr.heredocs:
        return None
    words = [(unquote_shell_word(m.group())[0], m.start(), m.end())
             for m in _COPY_WORD.finditer(instr.logical, instr.args_offset)]
    if len(words) < 2:
        return None
    return CopySpec(instr, words[:-1], words[-1][0], from_stage, False)


def copy_target(spec: CopySpec, source: str, state: FsState) -> str | None:
    """Absolute path where ``source`` (a file) lands; None when unknown.

    A destination without a trailing slash is the file itself unless it is a
    directory we know exists (the WORKDIR, `/`, `.`, the home directory).
    """
    dest = expand(spec.dest, state.env)
    if dest is None or dest.startswith("~") or "*" in dest:
        return None
    base = posixpath.basename(source.rstrip("/"))
    absolute = join(state.workdir, dest)
    if absolute is None:
        return None
    known_dirs = {"/", state.workdir, "/root", "/tmp", state.home}
    if spec.dest_is_dir or absolute in known_dirs:
        return posixpath.join(absolute, base) if absolute != "/" else "/" + base
    return absolute


def context_path(source: str) -> str:
    """A COPY source as a path relative to the build context."""
    p = posixpath.normpath(source.lstrip("/")) if source not in (".", "./", "/") else "."
    return p


def parent_dirs(path: str) -> list[str]:
    """Context-relative parents of ``path`` including "." (for `COPY . .`)."""
    out = ["."]
    parts = path.split("/")[:-1]
    for k in range(1, len(parts) + 1):
        out.append("/".join(parts[:k]))
    return out
