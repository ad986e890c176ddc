"""What a RUN command can observe.

Deciding which RUNs need a secret mount must preserve behaviour: before the
migration an `ARG`/`ENV` value is in the environment of *every* later RUN of
its stage, so any program started there may read it (`./use_secret.sh` reading
`$THEPASSWORD`, `npm` reading `NPM_TOKEN`, `make` passing it on). A RUN is
therefore treated as observing the variable unless we can prove otherwise:
it does not mention the variable anywhere (command line or heredoc body) *and*
every simple command in it is a program from a short, fixed list of tools that
never read arbitrary environment variables (OS package managers, file
utilities). Anything we cannot split with certainty (subshells, `sh -c`,
control flow, command substitution) counts as observing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..syntax import Instruction

# Programs known not to read arbitrary environment variables.
ENV_BLIND_PROGRAMS = frozenset(
    """
    apt-get apt apt-cache apt-key dpkg dpkg-reconfigure apk yum dnf microdnf zypper rpm
    mkdir rmdir chmod chown chgrp ln rm cp mv touch ls cat echo printf true false test [
    useradd groupadd adduser addgroup usermod groupmod passwd tar unzip gunzip gzip bzip2 xz
    sed grep tee cd update-ca-certificates ldconfig locale-gen localedef wget curl sleep
    install readlink realpath basename dirname sort uniq head tail wc cut tr ln update-alternatives
    """.split()
)

_SPLIT = re.compile(r"&&|\|\||[;|&\n]")
_UNCERTAIN = re.compile(r"\$\(|`|^\s*[({]|<\(|>\(")
_UNCERTAIN_INSIDE = re.compile(r"\$\(|`|<\(|>\(")  # _UNCERTAIN but its segment-start part
_SHELL_KEYWORDS = frozenset("if then else elif fi for while until do done case esac function select".split())
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SHELL_SHEBANG = re.compile(r"#!\s*/(usr/)?bin/(env\s+)?(ba|da)?sh\b")
_HEREDOC_OP = re.compile(r"\d*<<-?\S+")


@lru_cache(maxsize=4096)
def _var_regex(name: str) -> re.Pattern:
    n = re.escape(name)
    return re.compile(r"\$(?:\{" + n + r"(?=[}:\-+?=%#/\[])|" + n + r"(?![A-Za-z0-9_]))")


def references(text: str, name: str) -> bool:
    """True if ``text`` mentions ``$name`` / ``${name...}``."""
    # The pattern matches ``name`` literally: a text without it (or without a `$`) cannot match.
    return "$" in text and name in text and _var_regex(name).search(text) is not None


def instruction_references(instr: Instruction, name: str) -> bool:
    if references(instr.logical, name):
        return True
    return bool(instr.heredocs) and any(references(h.content, name) for h in instr.heredocs)


def _commands_env_blind(script: str) -> bool:
    # Without _UNCERTAIN_INSIDE's text anywhere, a segment is uncertain only when it starts with ( or {.
    inside = _UNCERTAIN_INSIDE.search(script) is not None
    for segment in _SPLIT.split(script):
        seg = segment.strip()
        if not seg or seg[0] == "#":
            continue
        if seg[0] in "({" or inside and _UNCERTAIN.search(seg):
            return False
        words = seg.split()
        while words and _ASSIGN.match(words[0]):
            words.pop(0)
        if not words:
            continue
        prog = words[0].rsplit("/", 1)[-1]
        if prog in _SHELL_KEYWORDS or prog not in ENV_BLIND_PROGRAMS:
            return False
    return True


def run_observes(instr: Instruction, name: str) -> bool:
    """Could this RUN see environment variable ``name`` if it were set?"""
    return instruction_references(instr, name) or observes_unnamed(instr)


def observes_unnamed(instr: Instruction) -> bool:
    """Could this RUN see an environment variable it does not mention? (the same for every name)"""
    if instr.json:
        args = instr.json_args or []
        return not args or args[0].rsplit("/", 1)[-1] not in ENV_BLIND_PROGRAMS
    blind = instr.memo.get("shell.env_blind")  # the same for every variable: once per parsed RUN
    if blind is None:
        blind = instr.memo["shell.env_blind"] = _script_env_blind(instr)
    return not blind


def _script_env_blind(instr: Instruction) -> bool:
    """Is every command of this shell-form RUN (and of its heredocs) a program that reads no variable?
    A heredoc whose shebang names another interpreter than sh makes it False."""
    script = instr.args
    # Continuation inside the logical line was already joined; a heredoc used
    # as the script (`RUN <<EOF`) is analysed by its body.
    for doc in instr.heredocs:
        body = doc.content
        if body.startswith("#!") and not _SHELL_SHEBANG.match(body):
            return False
        script = script + "\n" + body
    if "<<" in script:  # (the heredoc operator pattern needs one)
        script = _HEREDOC_OP.sub(" ", script)
    return _commands_env_blind(script)
