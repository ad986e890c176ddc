"""Split caller scripts into simple commands, keeping offsets.

Callers are edited with span edits, so every word keeps its raw text and its
offsets in the scanned file. This is a lexer, not a shell: quotes, `$(...)`,
`${...}`, backticks and `$'...'` group; `;`, `&`, `|`, `(`, `)` and unescaped
newlines separate commands; `#` at a word start is a comment; heredoc bodies
are skipped. Dialects: ``sh`` (scripts, CI `run:` blocks), ``make`` (`$$` is
the shell's `$`, `$(VAR)` a make variable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..syntax.words import unquote_shell_word

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_REDIR = re.compile(r"\d*(<<<|<<-|<<|>>|>\||<>|>&|<&|>|<)")
_REDIR_PREFIX = re.compile(r"\d*[<>]*")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True, slots=True)
class Word:
    raw: str
    start: int
    end: int
    redirect: bool = False

    @property
    def static(self) -> str | None:
        """The word's value when it has no expansions, else None."""
        if "$" in self.raw or "`" in self.raw:
            return None
        return unquote_shell_word(self.raw.replace("\\\n", ""))[0]


@dataclass(slots=True)
class Command:
    words: list[Word] = field(default_factory=list)


def _skip_quote(text: str, i: int, end: int, dialect: str) -> int:
    """``text[i]`` opens a quote or expansion; return the offset after it."""
    c = text[i]
    if c == "'":
        j = text.find("'", i + 1, end)
        return end if j < 0 else j + 1
    if c == "`":
        j = i + 1
        while j < end and text[j] != "`":
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, end)
    if c == '"':
        j = i + 1
        while j < end and text[j] != '"':
            if text[j] == "\\":
                j += 2
            elif text[j] in "$`":
                j = _skip_quote(text, j, end, dialect)
            else:
                j += 1
        return min(j + 1, end)
    # "$"
    j = i + 1
    if dialect == "make" and j < end and text[j] == "$":
        j += 1  # `$$` is the shell's `$`
    if j >= end:
        return j
    if text[j] == "(":
        return _skip_balanced(text, j, end, "(", ")", dialect)
    if text[j] == "{":
        return _skip_balanced(text, j, end, "{", "}", dialect)
    if text[j] == "'":
        k = j + 1
        while k < end and text[k] != "'":
            k += 2 if text[k] == "\\" else 1
        return min(k + 1, end)
    m = _NAME.match(text, j, end)
    if m:
        return m.end()
    return j + 1 if text[j] in "@*#?$!-0123456789" else j


def _skip_balanced(text: str, i: int, end: int, open_: str, close: str, dialect: str) -> int:
    depth = 0
    j = i
    while j < end:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c in "'\"`" or (c == "$" and j + 1 < end):
            j = _skip_quote(text, j, end, dialect)
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return end


def _heredoc_delim(raw: str) -> tuple[str, bool] | None:
    m = re.match(r"\d*<<(-?)\s*(.*)$", raw, re.S)
    if not m or raw.startswith("<<<"):
        return None
    word = m.group(2)
    if not word:
        return None
    return unquote_shell_word(word)[0], bool(m.group(1))


def split_commands(text: str, start: int = 0, end: int | None = None, dialect: str = "sh",
                   newline_is_space: bool = False) -> list[Command]:
    """Simple commands of ``text[start:end]`` (words with file offsets)."""
    end = len(text) if end is None else end
    commands: list[Command] = []
    cur = Command()
    heredocs: list[tuple[str, bool]] = []
    i = start
    wstart: int | None = None
    pending: tuple[str, bool] | None = None  # a redirect whose target is the next word

    def close_word(at: int) -> None:
        nonlocal wstart, pending
        if wstart is None:
            return
        raw = text[wstart:at]
        m = _REDIR.match(raw)
        if pending is not None:
            cur.words.append(Word(raw, wstart, at, True))
            if pending[0] == "heredoc":
                heredocs.append((unquote_shell_word(raw)[0], pending[1]))
            pending = None
        elif m:
            op, rest = m.group(1), raw[m.end():]
            cur.words.append(Word(raw, wstart, at, True))
            if op in ("<<", "<<-"):
                if rest:
                    heredocs.append((unquote_shell_word(rest)[0], op == "<<-"))
                else:
                    pending = ("heredoc", op == "<<-")
            elif not rest:
                pending = ("target", False)
        else:
            cur.words.append(Word(raw, wstart, at))
        wstart = None

    def close_command() -> None:
        nonlocal cur
        if cur.words:
            commands.append(cur)
        cur = Command()

    while i < end:
        c = text[i]
        if c == "\\" and i + 1 < end and text[i + 1] == "\n":
            i += 2  # line continuation: the word (if any) goes on
            continue
        if c == "\\" and i + 2 < end and text[i + 1] == "\r" and text[i + 2] == "\n":
            i += 3
            continue
        if c == "\\":
            if wstart is None:
                wstart = i
            i += 2
            continue
        if c in " \t\r":
            close_word(i)
            i += 1
            continue
        if c == "\n":
            close_word(i)
            i += 1
            if newline_is_space:
                continue
            close_command()
            while heredocs:
                delim, strip = heredocs.pop(0)
                i = _skip_heredoc(text, i, end, delim, strip)
            continue
        if c == "#" and wstart is None:
            j = text.find("\n", i, end)
            i = end if j < 0 else j
            continue
        if c in ";&|()":
            if c in "&" and wstart is not None and text[wstart:i] and text[i - 1] in "<>":
                i += 1  # `>&2`, `<&0`: part of a redirect
                continue
            close_word(i)
            close_command()
            i += 1
            continue
        if c in "<>" and wstart is not None and not _REDIR_PREFIX.fullmatch(text[wstart:i]):
            close_word(i)
        if wstart is None:
            wstart = i
        if c in "'\"`$":
            i = _skip_quote(text, i, end, dialect)
            continue
        i += 1
    close_word(end)
    close_command()
    return commands


def _skip_heredoc(text: str, i: int, end: int, delim: str, strip: bool) -> int:
    while i < end:
        j = text.find("\n", i, end)
        line = text[i:end] if j < 0 else text[i:j]
        nxt = end if j < 0 else j + 1
        if (line.lstrip("\t") if strip else line).rstrip("\r") == delim:
            return nxt
        i = nxt
    return end


def substitutions(text: str, cmd: Command, dialect: str = "sh") -> list[tuple[int, int]]:
    """Inner (start, end) of the `$(...)` and backquote substitutions in a command's words."""
    out = []
    for w in cmd.words:
        i = w.start
        while i < w.end:
            c = text[i]
            if c == "\\":
                i += 2
            elif c == "'" and not _in_double(text, w.start, i):
                i = _skip_quote(text, i, w.end, dialect)
            elif c == "$" and text.startswith("$(", i) and not text.startswith("$((", i):
                j = _skip_balanced(text, i + 1, w.end, "(", ")", dialect)
                out.append((i + 2, j - 1))
                i = j
            elif c == "`":
                j = _skip_quote(text, i, w.end, dialect)
                out.append((i + 1, j - 1))
                i = j
            else:
                i += 1
    return out


def _in_double(text: str, start: int, i: int) -> bool:
    return text.count('"', start, i) % 2 == 1


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
