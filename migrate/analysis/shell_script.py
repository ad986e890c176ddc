"""Split a RUN script into and-or list items, pipelines and simple commands, keeping offsets.

Good enough to find and remove whole steps of `a && b && c` chains: quotes,
`$(...)`, backticks, `${...}`, `(...)` and process substitution group; `#`
starts a comment at a word start. Control structures (`if`/`for`/`while`/
`case`/`{ }`/subshells) are not parsed: the items they span are marked
``complex`` and a caller must not edit inside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..syntax.words import unquote_shell_word

_OPENERS = {"if": "fi", "for": "done", "while": "done", "until": "done", "select": "done", "case": "esac", "{": "}"}
_CLOSERS = frozenset({"fi", "done", "esac", "}"})
_MIDDLES = frozenset({"then", "else", "elif", "do", "in"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_REDIR = re.compile(r"^(\d*|&)(>>|>\||>&|>|<<<|<<-?|<>|<&|<)(.*)$", re.S)
WRAPPERS = frozenset({"sudo", "env", "command", "exec", "time", "nohup", "nice", "builtin"})
_WRAPPER_ARGS = {  # options that take a separate argument
    "sudo": ("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U"),
    "env": ("-u", "-C", "-S"), "nice": ("-n",), "time": ("-f", "-o"), "exec": ("-a",),
}


@dataclass(slots=True)
class SWord:
    raw: str
    text: str  # quotes removed
    start: int  # offsets into the script
    end: int
    quoted: bool = False


@dataclass(slots=True)
class Redirect:
    op: str  # ">", ">>", "<", "<<<", "<<", ">&" ...
    fd: str
    target: SWord | None  # None for `2>&1`-style duplications
    start: int
    end: int


@dataclass(slots=True)
class Command:
    """One simple command of a pipeline."""

    start: int
    end: int
    assigns: list[SWord] = field(default_factory=list)  # leading NAME=value words
    words: list[SWord] = field(default_factory=list)  # the command and its arguments (wrappers kept)
    redirects: list[Redirect] = field(default_factory=list)
    # Views derived from the words, worked out once per command (e.g. the SSH analysis's keyword-free argv).
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def argv(self) -> list[SWord]:
        """Words without wrappers such as `sudo`/`env` and their options or assignments."""
        ws = self.words
        i = 0
        while i < len(ws) and ws[i].text.rsplit("/", 1)[-1] in WRAPPERS:
            takes = _WRAPPER_ARGS.get(ws[i].text.rsplit("/", 1)[-1], ())
            i += 1
            while i < len(ws) and (ws[i].text.startswith("-") or _ASSIGNMENT.match(ws[i].text)):
                i += 2 if ws[i].text in takes else 1
        return ws[i:]

    @property
    def prog(self) -> str:
        argv = self.argv
        return argv[0].text.rsplit("/", 1)[-1] if argv else ""

    @property
    def args(self) -> list[str]:
        return [w.text for w in self.argv[1:]]


@dataclass(slots=True)
class Item:
    """An element of an and-or list: a pipeline with its connectors."""

    start: int
    end: int
    text: str
    before: str  # "" at the start, else "&&", "||", ";", "&", "\n"
    after: str  # "" at the end
    commands: list[Command] = field(default_factory=list)
    complex: bool = False  # inside/part of a control structure, subshell or brace group

    @property
    def separable(self) -> bool:
        """Can the item be deleted from its list without changing the others' logic?"""
        return not self.complex and self.before in ("", "&&", ";", "\n") and self.after in ("", "&&", ";", "\n")


@dataclass(slots=True)
class Script:
    text: str
    items: list[Item]


def _skip_group(s: str, i: int, n: int, close: str) -> int:
    """From just after an opening `(`/`{`, return the index after the matching close."""
    depth = 1
    opening = "(" if close == ")" else "{"
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = s.find("'", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == '"':
            i = _skip_dquote(s, i + 1, n)
            continue
        if c == "`":
            j = s.find("`", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == opening:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _skip_dquote(s: str, i: int, n: int) -> int:
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        if c == "$" and i + 1 < n and s[i + 1] in "({":
            i = _skip_group(s, i + 2, n, ")" if s[i + 1] == "(" else "}")
            continue
        if c == "`":
            j = s.find("`", i + 1)
            i = n if j < 0 else j + 1
            continue
        i += 1
    return n


def _word_end(s: str, i: int, n: int) -> int:
    """End of the shell word starting at i (i is not a blank or operator)."""
    while i < n:
        c = s[i]
        if c in " \t\r\n;&|":
            return i
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = s.find("'", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == '"':
            i = _skip_dquote(s, i + 1, n)
            continue
        if c == "`":
            j = s.find("`", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c in "$<>" and i + 1 < n and s[i + 1] in "({":
            i = _skip_group(s, i + 2, n, ")" if s[i + 1] == "(" else "}")
            continue
        if c == "(":
            i = _skip_group(s, i + 1, n, ")")
            continue
        if c in "<>":
            # `2>&1`, `>&2`: keep `&` inside the word.
            if i + 1 < n and s[i + 1] == "&":
                i += 2
                continue
        i += 1
    return min(i, n)


def _tokens(s: str):
    """Yield ("word", start, end) and ("op", start, end) tokens."""
    n = len(s)
    i = 0
    at_word_start = True
    while i < n:
        c = s[i]
        if c in " \t\r":
            i += 1
            at_word_start = True
            continue
        if c == "\\" and i + 1 < n and s[i + 1] == "\n":
            i += 2
            continue
        if c == "#" and at_word_start:
            j = s.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "\n":
            yield ("op", i, i + 1)
            i += 1
            at_word_start = True
            continue
        if c in ";&|":
            two = s[i : i + 2]
            if two in ("&&", "||", ";;", "|&"):
                yield ("op", i, i + 2)
                i += 2
            else:
                yield ("op", i, i + 1)
                i += 1
            at_word_start = True
            continue
        j = _word_end(s, i, n)
        if j == i:
            j = i + 1
        yield ("word", i, j)
        i = j
        at_word_start = False


def _make_word(s: str, a: int, b: int) -> SWord:
    raw = s[a:b]
    text, quoted = unquote_shell_word(raw)
    return SWord(raw, text, a, b, quoted)


def _command(s: str, toks: list[tuple[int, int]]) -> Command:
    cmd = Command(toks[0][0], toks[-1][1])
    k = 0
    words: list[tuple[int, int]] = toks
    seen_cmd = False
    while k < len(words):
        a, b = words[k]
        raw = s[a:b]
        m = _REDIR.match(raw) if not raw.startswith(("<(", ">(")) else None
        if m and (m.group(1) or raw[0] in "<>"):
            op = m.group(2)
            rest = m.group(3)
            if op in (">&", "<&") and (rest.isdigit() or rest == "-"):
                cmd.redirects.append(Redirect(op, m.group(1), None, a, b))
            elif rest:
                off = a + len(raw) - len(rest)
                cmd.redirects.append(Redirect(op, m.group(1), _make_word(s, off, b), a, b))
            elif k + 1 < len(words):
                a2, b2 = words[k + 1]
                cmd.redirects.append(Redirect(op, m.group(1), _make_word(s, a2, b2), a, b2))
                k += 1
            else:
                cmd.redirects.append(Redirect(op, m.group(1), None, a, b))
            k += 1
            continue
        w = _make_word(s, a, b)
        if not seen_cmd and re.match(r"^[A-Za-z_][A-Za-z0-9_]*\+?=", raw):
            cmd.assigns.append(w)
        else:
            seen_cmd = True
            cmd.words.append(w)
        k += 1
    return cmd


@lru_cache(maxsize=2048)
def split_script(s: str) -> Script:
    """Split a shell script into and-or list items (see module doc)."""
    items: list[Item] = []
    cur_words: list[tuple[int, int]] = []
    pipeline: list[list[tuple[int, int]]] = []
    before = ""

    def flush(after: str) -> None:
        nonlocal before, cur_words, pipeline
        if cur_words:
            pipeline.append(cur_words)
        if pipeline:
            start = pipeline[0][0][0]
            end = pipeline[-1][-1][1]
            cmds = [_command(s, p) for p in pipeline]
            items.append(Item(start, end, s[start:end], before, after, cmds))
            before = after
        elif after in ("&&", "||", "|"):
            before = after
        cur_words, pipeline = [], []

    for kind, a, b in _tokens(s):
        if kind == "word":
            cur_words.append((a, b))
            continue
        op = s[a:b]
        if op in ("|", "|&"):
            if cur_words:
                pipeline.append(cur_words)
            cur_words = []
        elif op in (";;",):
            flush(";")
        else:
            if op == "\n" and not cur_words and not pipeline:
                continue  # blank line, or newline after `&&`
            if op == "\n" and cur_words == [] and pipeline:
                flush("\n")
                continue
            flush(op)
    flush("")
    if items:
        items[-1].after = ""
    _mark_complex(items)
    return Script(s, items)


def _mark_complex(items: list[Item]) -> None:
    depth = 0
    for it in items:
        first = it.commands[0].words[0].raw if it.commands and it.commands[0].words else ""
        if first.startswith("(") or it.text.startswith("(") or first == "!":
            it.complex = True
        if first in _OPENERS:
            depth += 1
            it.complex = True
            continue
        if depth:
            it.complex = True
        if first in _CLOSERS or first in _MIDDLES:
            it.complex = True
        if first in _CLOSERS and depth:
            depth -= 1
        # `{ a; }` closing brace glued as the last word of an item
        for c in it.commands:
            if c.words and c.words[-1].raw == "}" and depth:
                depth -= 1
                it.complex = True
        if any(r.op.startswith("<<") and r.op != "<<<" for c in it.commands for r in c.redirects):
            it.complex = True


def commands(script: Script):
    """All simple commands of a script with their item."""
    for it in script.items:
        for c in it.commands:
            yield it, c
