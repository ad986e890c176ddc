"""Recognise `docker build`-like command lines and plan their rewrite.

Recognised: `docker build`, `docker buildx build` (and `b`), `docker image
build`, `docker builder build`, `podman build`, `buildah bud` / `buildah build`,
possibly behind `sudo`, `env`, `exec`, `command`, `nohup`, `nice`, `time` and
`VAR=value` prefixes. The rewrite is a set of span edits on the build-arg
words: `--build-arg NAME=…` becomes `--secret id=NAME,env=VAR`; when the value
is not a plain `$VAR` reference the value is kept verbatim as an assignment
before the command (`NAME=<value> docker build --secret id=NAME,env=NAME`), so
quoting and command substitutions behave as before.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Callable

from ..fix import BuildRequirement, Edit
from ..secrets import find_credential_literals, mask_value
from .needs import Needs, secret_flag
from .shell import ASSIGNMENT, Command, Word

TOOLS = ("docker", "podman", "buildah")
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})
_WRAPPERS = frozenset({"exec", "command", "nohup", "builtin"})
_SUDO_VALUE_OPTS = frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"})
_GLOBAL_VALUE_OPTS = frozenset({
    "-c", "--context", "-H", "--host", "--config", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey",
    "--url", "--connection", "--identity", "--root", "--runroot", "--storage-driver", "--storage-opt",
    "--cgroup-manager", "--events-backend", "--runtime", "--tmpdir", "--module", "--out", "--builder",
    "--registries-conf", "--short-name-alias-conf", "--userns-uid-map", "--userns-gid-map",
})
# Build options that take no value (all others are taken to take one unless written `--opt=value`).
_BOOL_OPTS = frozenset({
    "--no-cache", "--pull", "--push", "--load", "-q", "--quiet", "--rm", "--force-rm", "--compress", "--squash",
    "--disable-content-trust", "--check", "--debug", "--layers", "--no-hosts", "--squash-all", "--omit-history",
    "--stdin", "--tls-verify", "--disable-compression", "--identity-label", "--all-platforms", "--logsplit",
    "--skip-unused-stages", "--http-proxy",
})
_REF = re.compile(r'^(?P<q>"?)\$(?:\{(?P<a>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<b>[A-Za-z_][A-Za-z0-9_]*))(?P=q)$')
_MAKE_REF = re.compile(r'^(?P<q>"?)\$(?:\((?P<a>[A-Za-z_][A-Za-z0-9_]*)\)|\{(?P<b>[A-Za-z_][A-Za-z0-9_]*)\})(?P=q)$')
_MAKE_SHELL_REF = re.compile(
    r'^(?P<q>"?)\$\$(?:\{(?P<a>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<b>[A-Za-z_][A-Za-z0-9_]*))(?P=q)$')
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOOL_VAR = re.compile(r"^\$\$?[({]([A-Za-z_]*(?:DOCKER|PODMAN|BUILDAH)[A-Za-z0-9_]*)[)}]$", re.I)


def split_at_eq(raw: str) -> tuple[str, str | None] | None:
    """Split a raw shell word at its first `=`: (decoded left side, raw right side
    re-opened in the quote the `=` stood in), or (decoded word, None) without `=`.
    None when the left side is not static."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(raw):
        c = raw[i]
        if quote == "'":
            if c == "'":
                quote = ""
            elif c == "=":
                return "".join(out), "'" + raw[i + 1:]
            else:
                out.append(c)
        elif c == "\\" and i + 1 < len(raw):
            if raw[i + 1] == "\n":
                i += 2
                continue
            out.append(raw[i + 1])
            i += 2
            continue
        elif c in "$`":
            return None
        elif quote == '"':
            if c == '"':
                quote = ""
            elif c == "=":
                return "".join(out), '"' + raw[i + 1:]
            else:
                out.append(c)
        elif c in "'\"":
            quote = c
        elif c == "=":
            return "".join(out), raw[i + 1:]
        else:
            out.append(c)
        i += 1
    return "".join(out), None


@dataclass(slots=True)
class BuildArg:
    words: tuple[Word, ...]  # the flag word and, if separate, the value word
    name: str
    value: str | None  # raw value text (quoting kept); None: `--build-arg NAME` (from the environment)


@dataclass(slots=True)
class BuildCall:
    tool: str
    words: list[Word]
    tool_word: Word
    sub_word: Word  # `build` / `bud`: new flags go right after it
    insert_at: int  # where a `NAME=value ` prefix goes
    wrapper: str  # "", "sudo" or "env"
    build_args: list[BuildArg] = field(default_factory=list)
    file: Word | None = None
    context: Word | None = None
    secrets: list[str] = field(default_factory=list)  # static values of --secret
    ssh: list[str] = field(default_factory=list)

    verb: str = "build"  # "build", "buildx build", "bud", ...

    @property
    def label(self) -> str:
        return f"{self.tool} {self.verb}"

    def passed(self) -> list[BuildRequirement]:
        out = []
        for v in self.secrets:
            kv = dict(p.split("=", 1) for p in v.split(",") if "=" in p)
            sid = kv.get("id") or (os.path.basename(kv["src"]) if kv.get("src") else None)
            if sid:
                out.append(BuildRequirement("secret", sid, env=kv.get("env"), src=kv.get("src") or kv.get("source")))
        for v in self.ssh:
            out.append(BuildRequirement("ssh", v.split("=", 1)[0] or "default"))
        return out


def _static(w: Word) -> str:
    s = w.static
    return s if s is not None else w.raw


def parse_build_call(cmd: Command, dialect: str = "sh") -> BuildCall | None:
    words = [w for w in cmd.words]
    n = len(words)
    i = 0
    while i < n and _static(words[i]) in _KEYWORDS:
        i += 1
    insert_at = words[i].start if i < n else 0
    wrapper = ""
    while i < n:
        s = _static(words[i])
        if words[i].redirect or ASSIGNMENT.match(words[i].raw):
            i += 1
        elif s == "sudo":
            wrapper = "sudo"
            i += 1
            while i < n and _static(words[i]).startswith("-"):
                i += 2 if _static(words[i]) in _SUDO_VALUE_OPTS else 1
        elif s == "env":
            wrapper = wrapper or "env"
            i += 1
            while i < n and (_static(words[i]).startswith("-") or ASSIGNMENT.match(words[i].raw)):
                i += 2 if _static(words[i]) in ("-u", "--unset", "-C", "--chdir") else 1
        elif s in _WRAPPERS or s == "time":
            i += 1
        elif s == "nice":
            i += 1
            if i < n and _static(words[i]) == "-n":
                i += 2
        else:
            break
    if i >= n:
        return None
    tool_word = words[i]
    tool = os.path.basename(_static(tool_word))
    m = _TOOL_VAR.match(tool_word.raw)
    if m:  # `$(DOCKER) build`, `${PODMAN_CMD} build`: the variable's name tells the tool
        tool = next(t for t in TOOLS if t in m.group(1).lower())
    if tool not in TOOLS:
        return None
    if wrapper:
        insert_at = tool_word.start
    j = i + 1

    def skip_globals(k: int) -> int:
        while k < n and (_static(words[k]).startswith("-") or words[k].redirect):
            s = _static(words[k])
            k += 2 if (s in _GLOBAL_VALUE_OPTS and "=" not in s) else 1
        return k

    j = skip_globals(j)
    if j >= n:
        return None
    sub = verb = _static(words[j])
    if tool == "docker" or tool == "podman":
        if sub in ("buildx", "image", "builder"):
            j = skip_globals(j + 1)
            if j >= n or _static(words[j]) not in (("build", "b") if sub == "buildx" else ("build",)):
                return None
            verb = f"{sub} {_static(words[j])}"
        elif sub != "build":
            return None
    elif sub not in ("bud", "build"):
        return None
    call = BuildCall(tool, words, tool_word, words[j], insert_at, wrapper, verb=verb)
    j += 1
    options_done = False
    while j < n:
        w = words[j]
        s = _static(w)
        if w.redirect:
            j += 1
            continue
        if options_done or not s.startswith("-") or s == "-":
            if call.context is None:
                call.context = w
            j += 1
            continue
        if s == "--":
            options_done = True
            j += 1
            continue
        nxt = words[j + 1] if j + 1 < n else None
        head = split_at_eq(w.raw)
        flag = head[0] if head else s
        if flag == "--build-arg" and head and head[1] is not None:
            arg = split_at_eq(head[1])
            if arg is not None and _NAME.fullmatch(arg[0]):
                call.build_args.append(BuildArg((w,), arg[0], arg[1]))
            j += 1
            continue
        if s == "--build-arg" and nxt is not None:
            arg = split_at_eq(nxt.raw)
            if arg is not None and _NAME.fullmatch(arg[0]):
                call.build_args.append(BuildArg((w, nxt), arg[0], arg[1]))
            j += 2
            continue
        if s in ("-f", "--file") and nxt is not None:
            call.file = nxt
            j += 2
            continue
        if flag == "--file" and head and head[1] is not None:
            call.file = Word(head[1], w.start + len("--file="), w.end)
            j += 1
            continue
        if s.startswith("-f") and not s.startswith("--") and len(s) > 2:
            call.file = Word(w.raw[2:], w.start + 2, w.end)
            j += 1
            continue
        if s in ("--secret", "--ssh") and nxt is not None:
            (call.secrets if s == "--secret" else call.ssh).append(_static(nxt))
            j += 2
            continue
        if flag in ("--secret", "--ssh") and head and head[1] is not None:
            (call.secrets if flag == "--secret" else call.ssh).append(split_at_eq(w.raw)[1] or "")
            j += 1
            continue
        if "=" in s or s in _BOOL_OPTS or (s.startswith("-") and not s.startswith("--") and s[1:2] == "q"):
            j += 1
        else:
            j += 2
    return call


# ----------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class Unresolved:
    reason: str


def dockerfile_candidates(call: BuildCall, cwd: str) -> list[str] | Unresolved:
    """Absolute Dockerfile paths this call may build from ``cwd`` (first that exists wins)."""
    ctx = call.context
    if ctx is None:
        if call.tool == "docker":
            return Unresolved("no build context")
        ctx_path = cwd
    else:
        s = ctx.static
        if s is None:
            return Unresolved(f"context {ctx.raw}")
        if s == "-" or re.match(r"^[a-z][a-z0-9+.-]*://|^git@|^github\.com/", s):
            return Unresolved(f"context {s} is not a local directory")
        ctx_path = os.path.normpath(os.path.join(cwd, s))
    if call.file is not None:
        f = call.file.static
        if f is None:
            return Unresolved(f"Dockerfile {call.file.raw}")
        if f == "-":
            return Unresolved("Dockerfile read from stdin")
        if call.tool == "docker":
            return [os.path.normpath(os.path.join(cwd, f))]
        return [os.path.normpath(os.path.join(cwd, f)), os.path.normpath(os.path.join(ctx_path, f))]
    if call.tool == "docker":
        return [os.path.join(ctx_path, "Dockerfile")]
    return [os.path.join(ctx_path, "Containerfile"), os.path.join(ctx_path, "Dockerfile")]


# ----------------------------------------------------------------------------- planning


@dataclass
class CallPlan:
    edits: list[Edit] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)  # (build arg, replacement flag or "")
    added: list[str] = field(default_factory=list)  # flags added for new requirements
    literals: list[str] = field(default_factory=list)  # messages about committed values
    passes: list[BuildRequirement] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.moved or self.added)


def value_source(value: str | None, name: str, dialect: str, shell_env: Callable[[str], bool],
                 make_env: Callable[[str], bool]) -> str | None:
    """The environment variable a secret can be read from directly, or None when
    the value must be kept as a `NAME=<value>` prefix."""
    if value is None:
        return name
    if dialect == "make":
        m = _MAKE_SHELL_REF.match(value)
        if m:
            var = m.group("a") or m.group("b")
            return var if shell_env(var) else None
        m = _MAKE_REF.match(value)
        if m:
            var = m.group("a") or m.group("b")
            return var if make_env(var) else None
        return None
    m = _REF.match(value)
    if m:
        var = m.group("a") or m.group("b")
        return var if shell_env(var) else None
    return None


def literal_note(name: str, value: str | None) -> str | None:
    """A message when a build-arg value is a committed literal (masked)."""
    if value is None:
        return None
    stripped = value.strip("'\"")
    if not stripped or "$" in value or "`" in value or "{{" in value:
        return None
    kinds = sorted({c.kind for c in find_credential_literals(stripped)})
    what = f" (looks like a {kinds[0]})" if kinds else ""
    return (f"the literal value of {name} ({mask_value(stripped)}){what} is committed to the repository: "
            f"rotate it and read it from the environment instead")


def plan_call(call: BuildCall, needs: Needs, text: str, dialect: str = "sh",
              shell_env: Callable[[str], bool] = lambda v: True,
              make_env: Callable[[str], bool] = lambda v: True) -> CallPlan:
    plan = CallPlan()
    passed = call.passed()
    passed_keys = {(r.type, r.id) for r in passed}
    prefixes: list[str] = []
    for ba in call.build_args:
        if not needs.replaces(ba.name):
            continue
        req = needs.secret_for_arg(ba.name)
        note = literal_note(ba.name, ba.value)
        if note:
            plan.literals.append(note)
        if req is None or ("secret", req.id) in passed_keys:
            plan.edits.append(_remove_words(call, ba.words, text))
            plan.moved.append((ba.name, ""))
            continue
        env = value_source(ba.value, ba.name, dialect, shell_env, make_env)
        if req.src:
            flag = f"--secret id={req.id},src={_context_path(call, req.src)}"
        elif env is None:
            env = req.env or req.id
            prefixes.append(f"{env}={ba.value} ")
            flag = secret_flag(req.id, env)
        else:
            flag = secret_flag(req.id, env)
        _replace_words(plan, ba.words, flag)
        plan.moved.append((ba.name, flag))
        passed_keys.add(("secret", req.id))
        passed.append(BuildRequirement("secret", req.id, env=None if req.src else env,
                                       src=_context_path(call, req.src) if req.src else None))
    for req in needs.extra():
        if (req.type, req.id) in passed_keys:
            continue
        if req.type == "ssh":
            flag = "--ssh default" if req.id == "default" else f"--ssh {req.id}"
            new = BuildRequirement("ssh", req.id)
        elif req.src:
            src = _context_path(call, req.src)
            flag = f"--secret id={req.id},src={src}"
            new = BuildRequirement("secret", req.id, src=src)
        else:
            flag = secret_flag(req.id, req.env or req.id)
            new = BuildRequirement("secret", req.id, env=req.env or req.id)
        plan.added.append(flag)
        passed_keys.add((req.type, req.id))
        passed.append(new)
    if plan.added:
        plan.edits.append(Edit(call.sub_word.end, call.sub_word.end, " " + " ".join(plan.added)))
    if prefixes:
        plan.edits.append(Edit(call.insert_at, call.insert_at, "".join(prefixes)))
    plan.passes = passed
    return plan


def _context_path(call: BuildCall, src: str) -> str:
    ctx = call.context.static if call.context is not None else None
    if not ctx or ctx == ".":
        return src
    return ctx.rstrip("/") + "/" + src


def _replace_words(plan: CallPlan, words: tuple[Word, ...], flag: str) -> None:
    if len(words) == 2:
        name, value = flag.split(" ", 1)
        plan.edits.append(Edit(words[0].start, words[0].end, name))
        plan.edits.append(Edit(words[1].start, words[1].end, value))
    else:
        plan.edits.append(Edit(words[0].start, words[0].end, flag))


def _remove_words(call: BuildCall, words: tuple[Word, ...], text: str) -> Edit:
    """Drop words with the blanks after them, keeping a line continuation that follows."""
    first, last = words[0], words[-1]
    end = last.end
    while end < len(text) and text[end] in " \t":
        end += 1
    if end > last.end and end < len(text) and text[end] not in "\r\n;&|)":
        return Edit(first.start, end)
    prev = call.words[call.words.index(first) - 1]
    return Edit(prev.end, last.end)
