"""Pure-Python, lossless Dockerfile parser following BuildKit's parser.go.

The line logic (directives, comments, continuations, heredocs, flags, JSON
form and the errors BuildKit raises while parsing) follows BuildKit's
``frontend/dockerfile/parser``; the differential test in
``tests/test_parser_oracle.py`` holds us to it.
"""

from __future__ import annotations

import json
import re
from itertools import repeat

from .model import (
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    Span,
    Stage,
    Trivia,
    Word,
)
from .words import (
    GO_SPACE, RE_WS_CHARS, builder_flags, name_value_texts, name_value_words, shell_words, shell_words_complete,
    unquote_shell_word,
)

VALID_DIRECTIVES = frozenset({"syntax", "escape", "check"})
HEREDOC_COMMANDS = frozenset({"RUN", "COPY", "ADD"})
_RE_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_RE_HEREDOC = re.compile(r"^(\d*)<<(-?)([^<]*)$")
BOM = "\ufeff"


class DockerfileSyntaxError(ValueError):
    """A Dockerfile BuildKit would refuse to parse. Carries the 1-based line."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


_GO_SPACE_CHARS = "".join(sorted(GO_SPACE))
_JSON_COMMANDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "ADD", "COPY", "VOLUME"})
# Commands whose arguments the parser checks (ENV, LABEL) or parses as a command (see _Parser._make_one).
_NAME_VALUE_COMMANDS = frozenset({"ENV", "LABEL"})
_NESTING_COMMANDS = frozenset({"HEALTHCHECK", "ONBUILD"})
# Arguments starting so may hold flags ("--") or JSON ("[" after Go spaces).
_NOT_PLAIN_START = GO_SPACE | {"-", "["}
# The command word (up to BuildKit's reWhitespace) and the whitespace after it.
_RE_KEYWORD = re.compile(r"([^\t\v\f\r ]*)[\t\v\f\r ]*")
_RE_WS_CHAR = re.compile(r"[\t\v\f\r ]")  # one of RE_WS_CHARS
_NO_SPAN = Span(0, 0)  # frozen, so one shared placeholder is safe


def _lstrip_go(s: str) -> str:
    return s.lstrip(_GO_SPACE_CHARS)


def _rstrip_go(s: str) -> str:
    j = len(s)
    while j > 0 and s[j - 1] in GO_SPACE:
        j -= 1
    return s[:j]


def _trim_newline(s: str) -> str:
    return s.rstrip("\r\n")


def _split_lines(text: str) -> tuple[list[str], list[int]]:
    """The lines without their "\\n", and where each starts; ``starts`` has one
    more entry, ``len(text)``, so line i spans ``starts[i]:starts[i + 1]``."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    pos = 0
    starts = [0, *[(pos := pos + len(line) + 1) for line in lines]]  # each line and its "\n"
    starts[-1] = len(text)  # the last line may have no "\n"
    return lines, starts


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.raw, self.starts = _split_lines(text)
        self.bom = text.startswith(BOM)
        # Where each line's content starts: after the BOM on line 0.
        self.content_starts = self.starts
        if self.bom:
            self.raw[0] = self.raw[0][1:]
            self.content_starts = [1, *self.starts[1:]]
        self.escape = "\\"
        self.directives_done = False
        self.after_shebang = False
        self.seen_directives: set[str] = set()
        self.directives: list[Directive] = []
        self.nodes: list = []
        self.instructions: list[Instruction] = []
        self.warnings: list[str] = []

    # -- helpers -----------------------------------------------------------
    def line_content(self, idx: int) -> tuple[int, str]:
        """Start offset and content of line idx (newline included), BOM dropped on line 0."""
        start, end = self.starts[idx], self.starts[idx + 1]
        s = self.text[start:end]
        if idx == 0 and s.startswith(BOM):
            return start + 1, s[1:]
        return start, s

    def directive(self, token: str, idx: int, start: int) -> None:
        if self.directives_done:
            if self.after_shebang:
                self.frontend_directive(idx, start)
            return
        if idx == 0 and self.line_content(0)[1].startswith("#!"):
            # BuildKit's parser stops reading directives here, but frontend
            # selection (DetectSyntax) and `check` skip a `#!` line first.
            self.directives_done = self.after_shebang = True
            return
        m = _RE_DIRECTIVE.match(token)
        if not m or m.group(1).lower() not in VALID_DIRECTIVES:
            self.directives_done = True
            return
        key = m.group(1).lower()
        if key in self.seen_directives:
            raise DockerfileSyntaxError(idx + 1, f"only one {key} parser directive can be used")
        self.seen_directives.add(key)
        value = m.group(2)
        if key == "escape":
            if value not in ("`", "\\"):
                raise DockerfileSyntaxError(idx + 1, f"invalid escape token '{value}' does not match ` or \\")
            self.escape = value
        line_start, line_end = self.starts[idx], self.starts[idx + 1]
        raw = self.text[start:line_end]
        vstart = start + raw.index(token) + m.start(2)
        self.directives.append(
            Directive(key, value, Span(line_start, line_end), Span(vstart, vstart + len(value)), idx + 1,
                      self.text[line_start:line_end])
        )

    def frontend_directive(self, idx: int, start: int) -> None:
        """`# syntax=` / `# check=` right after a `#!` line: honoured by
        BuildKit's DetectSyntax/ParseDirective (the first one wins; an error
        ends the scan), not by its parser, so `# escape=` there does nothing."""
        line = _trim_newline(self.line_content(idx)[1])
        m = _RE_DIRECTIVE.match(line)
        key = m.group(1).lower() if m else ""
        if key not in VALID_DIRECTIVES or key in self.seen_directives:
            self.after_shebang = False
            return
        self.seen_directives.add(key)
        if key == "escape":
            return
        line_start, line_end = self.starts[idx], self.starts[idx + 1]
        vstart = start + m.start(2)
        value = m.group(2)
        self.directives.append(
            Directive(key, value, Span(line_start, line_end), Span(vstart, vstart + len(value)), idx + 1,
                      self.text[line_start:line_end])
        )

    # -- main loop ---------------------------------------------------------
    def parse(self) -> Dockerfile:
        text = self.text
        raw = self.raw
        starts = self.starts
        nodes = self.nodes
        instructions = self.instructions
        content_starts = self.content_starts
        go_space = _GO_SPACE_CHARS
        keyword_match = _RE_KEYWORD.match
        has_cr = "\r" in text
        esc = self.escape
        esc2 = esc + esc
        in_directives = True
        next_line = 0  # lines before it belong to an instruction already built
        for i, line in enumerate(raw):
            if i < next_line:
                continue
            lead = line.lstrip(go_space)
            # Stripping "\r" after the Go spaces gives what trim-then-lstrip gives.
            token = lead.rstrip("\r") if has_cr else lead
            if in_directives:
                if token[:1] == "#":
                    ndirs = len(self.directives)
                    self.directive(token, i, content_starts[i])
                    in_directives = not self.directives_done or self.after_shebang
                    esc = self.escape
                    esc2 = esc + esc
                    if len(self.directives) > ndirs:
                        nodes.append(self.directives[-1])
                        continue
                else:  # no directive can start here, nor follow
                    self.directives_done = True
                    self.after_shebang = in_directives = False
            if not token:
                start = starts[i]
                end = starts[i + 1]
                nodes.append(Trivia("blank", Span(start, end), i + 1, text[start:end]))
                continue
            if token[0] == "#":
                start = starts[i]
                end = starts[i + 1]
                nodes.append(Trivia("comment", Span(start, end), i + 1, text[start:end]))
                continue
            tail = token.rstrip(" \t")
            if tail[-1:] == esc and tail[-2:] != esc2 or "<<" in token:
                next_line = self.instruction(i)  # continued lines or heredocs
                continue
            # The common case: the instruction is this one line.
            start = starts[i]
            end = starts[i + 1]
            line_no = i + 1
            off = content_starts[i] + len(line) - len(lead)
            e = len(tail.rstrip(go_space))
            m = keyword_match(token, 0, e)
            c = m.end(1)
            args_offset = m.end()
            first_arg = token[args_offset : args_offset + 1]
            keyword = token[:c]
            cmd = keyword.upper()
            if first_arg in _NOT_PLAIN_START and (first_arg != "[" or cmd not in _JSON_COMMANDS) or (
                    cmd in _NESTING_COMMANDS):
                # flags, Go spaces before the arguments, HEALTHCHECK, ONBUILD: the general path
                instr = self.make_instruction(token, [(0, off)], i, line_no)
                instr.header_end = end
                instr.span = Span(start, end)
                instr.text = text[start:end]
            else:  # what _make_one does for a line with none of those
                instr = Instruction(keyword, Span(start, end), line_no, line_no, token, [(0, off)], Span(off, off + c),
                                    [], args_offset, False, None, [], end, None, -1, text[start:end])
                if first_arg == "[":
                    parsed = _maybe_json(token[args_offset:e], line_no)
                    if parsed is not None:
                        instr.json = True
                        instr.json_args = parsed
                elif cmd in _NAME_VALUE_COMMANDS:
                    _check_name_val(token, args_offset, e, esc, cmd, line_no)
            nodes.append(instr)
            instructions.append(instr)
        if not instructions:
            raise DockerfileSyntaxError(1, "file with no instructions")
        stages = self.stages()
        return Dockerfile(text, nodes, self.directives, instructions, stages, self.escape, self.bom, newline_of(text),
                          self.warnings)

    def instruction(self, first: int) -> int:
        """The instruction starting at line ``first``: its continuation lines
        (comments and blank lines among them dropped) and heredoc bodies."""
        text = self.text
        raw = self.raw
        starts = self.starts
        n = len(raw)
        esc = self.escape
        esc2 = esc + esc
        go_space = _GO_SPACE_CHARS

        body = raw[first].rstrip("\r")
        logical = body.lstrip(go_space)
        off = self.content_starts[first] + len(body) - len(logical)
        # A continuation, BuildKit's ``([^E])E[ \t]*$|^E[ \t]*$`` for escape character E:
        # E then only blanks, where E is not itself escaped (``\\`` does not continue).
        tail = logical.rstrip(" \t")
        i = first + 1
        if tail[-1:] == esc and tail[-2:] != esc2:
            logical = logical[: len(tail) - 1]
            pieces = [(0, off)] if logical else []  # (logical offset, source offset)
            logical_parts = [logical]
            logical_len = len(logical)
            empty_continuation = False
            has_cr = "\r" in text
            while i < n:
                body = raw[i].rstrip("\r") if has_cr else raw[i]
                i += 1
                token = body.lstrip(go_space)
                if not token:
                    empty_continuation = True
                    continue
                if token[0] == "#":
                    continue
                tail = body.rstrip(" \t")
                if tail[-1:] == esc and tail[-2:] != esc2:
                    body = body[: len(tail) - 1]
                    if body:
                        pieces.append((logical_len, starts[i - 1]))
                        logical_parts.append(body)
                        logical_len += len(body)
                    continue
                pieces.append((logical_len, starts[i - 1]))
                logical_parts.append(body)
                break
            logical = "".join(logical_parts)
            if not pieces:
                pieces.append((0, starts[first]))
            if empty_continuation:
                self.warnings.append(f"line {first + 1}: empty continuation line")
        else:
            pieces = [(0, off)]
        header_end = starts[i]
        instr = self.make_instruction(logical, pieces, first, i)
        instr.header_end = header_end
        # Heredocs follow the instruction's own lines.
        if "<<" in logical and self.can_contain_heredoc(instr):
            for word in shell_words_complete(logical) or ():
                doc = self.heredoc_from_word(word.text, first)
                if doc is None:
                    continue
                name, chomp, expand, fd = doc
                body_start = starts[i]
                terminated = False
                while i < n:
                    candidate = raw[i].rstrip("\r")
                    i += 1
                    if chomp:
                        candidate = candidate.lstrip("\t")
                    if candidate == name:
                        terminated = True
                        ls, le = starts[i - 1], starts[i]
                        instr.heredocs.append(
                            Heredoc(name, chomp, expand, fd, text[body_start:ls], Span(body_start, ls), Span(ls, le))
                        )
                        break
                if not terminated:
                    raise DockerfileSyntaxError(first + 1, "unterminated heredoc")
        end = starts[i]
        instr.span = Span(starts[first], end)
        instr.end_line = i
        instr.text = text[starts[first] : end]
        self.nodes.append(instr)
        self.instructions.append(instr)
        return i

    def make_instruction(self, logical: str, pieces, first: int, last_excl: int) -> Instruction:
        """Build an Instruction; ONBUILD's inner command becomes its ``sub``.

        A loop, not recursion: `ONBUILD ONBUILD ...` chains of any length parse
        (BuildKit's parser accepts them; only the builder rejects them)."""
        top, _sub_base = self._make_one(logical, pieces, first, last_excl, 0)
        parent = top
        while _sub_base is not None:
            sub_logical, base = _sub_base
            parent.sub, _sub_base = self._make_one(sub_logical, pieces, first, last_excl, base)
            parent = parent.sub
        return top

    def _make_one(self, logical: str, pieces, first: int, last_excl: int, base: int):
        """One Instruction from ``logical[base:]`` (base > 0 for ONBUILD's inner
        command) and, for ONBUILD, (logical, base) of its inner command."""
        n = len(logical)
        # strings.TrimSpace, then split off the command word at [\t\v\f\r ]+
        e = len(logical.rstrip(_GO_SPACE_CHARS))
        if base or logical[:1] in GO_SPACE:
            s = n - len(logical[base:].lstrip(_GO_SPACE_CHARS))
            if e < s:  # nothing but spaces after base
                e = s
        else:
            s = 0
        m = _RE_KEYWORD.match(logical, s, e)
        c = m.end(1)
        args_offset = m.end()
        trimmed = logical if e == n else logical[:e]
        flag_words: list | tuple = ()
        if trimmed.startswith("--", args_offset):
            flag_words, args_offset = builder_flags(trimmed, args_offset)
        # Logical offsets below `limit` lie in the first source piece: there they shift by a constant.
        o = pieces[0][1]
        limit = pieces[1][0] if len(pieces) > 1 else n + 1
        instr = Instruction(logical[s:c], _NO_SPAN, first + 1, last_excl, logical, pieces,
                            Span(o + s, o + c) if c < limit else _NO_SPAN, [], args_offset)
        if c >= limit:
            instr.keyword_span = instr.source_span(s, c)
        if flag_words:
            instr.flags = [
                Flag(w.text, Span(o + w.start, o + w.end) if w.end < limit else instr.source_span(w.start, w.end))
                for w in flag_words
            ]
        cmd = instr.cmd
        if cmd in _JSON_COMMANDS:
            # parseMaybeJSON: only arguments starting with "[" (after Go spaces) can be JSON
            lead = trimmed[args_offset : args_offset + 1]
            if lead == "[" or lead in GO_SPACE:
                parsed = _maybe_json(trimmed[args_offset:], first + 1)
                if parsed is not None:
                    instr.json = True
                    instr.json_args = parsed
        elif cmd == "ENV" or cmd == "LABEL":
            _check_name_val(trimmed, args_offset, e, self.escape, cmd, first + 1)
        elif cmd == "HEALTHCHECK":
            rest = trimmed[args_offset:]
            sep = 0
            while sep < len(rest) and rest[sep] not in GO_SPACE:
                sep += 1
            nxt = sep
            while nxt < len(rest) and rest[nxt] in GO_SPACE:
                nxt += 1
            if sep:
                parsed = _maybe_json(rest[nxt:], first + 1)
                if parsed is not None:
                    instr.json = True
                    instr.json_args = parsed
        elif cmd == "ONBUILD" and args_offset < e:
            return instr, (trimmed, args_offset)
        return instr, None

    @staticmethod
    def can_contain_heredoc(instr: Instruction) -> bool:
        node = instr.sub if instr.cmd == "ONBUILD" and instr.sub is not None else instr
        return node.cmd in HEREDOC_COMMANDS and not node.json

    @staticmethod
    def heredoc_from_word(word: str, first: int):
        m = _RE_HEREDOC.match(word)
        if not m:
            return None
        rest = m.group(3)
        if not rest:
            return None
        # BuildKit lexes the name with Go's text/scanner, which skips a BOM first.
        parts = shell_words(rest[1:] if rest.startswith(BOM) else rest)
        if len(parts) != 1:
            return None
        name, quoted = unquote_shell_word(parts[0].text)
        fd = int(m.group(1)) if m.group(1) else 0
        return name, m.group(2) == "-", not quoted, fd

    def stages(self) -> list[Stage]:
        stages: list[Stage] = []
        index = -1
        members: list[Instruction] | None = None  # the current stage's instructions
        for instr in self.instructions:
            if instr.cmd == "FROM":
                words = instr.logical[instr.args_offset :].split()  # (never an empty word)
                name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
                index = len(stages)
                stage = Stage(index, name, words[0] if words else "", instr)
                stages.append(stage)
                members = stage.instructions
            if members is not None:
                instr.stage = index
                members.append(instr)
        return stages


def _maybe_json(rest: str, line: int) -> list[str] | None:
    """parseMaybeJSON: a JSON string array (first value only), else shell form."""
    r = rest.lstrip(_GO_SPACE_CHARS)
    if not r.startswith("["):
        return None
    try:
        value, _ = _JSON.raw_decode(r)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if not all(map(isinstance, value, repeat(str))):
        raise DockerfileSyntaxError(line, "when using JSON array syntax, arrays must be comprised of strings only")
    return value


def _reject(name: str):
    raise ValueError(name)


_JSON = json.JSONDecoder(parse_constant=_reject)  # stateless between calls: built once


def _check_name_val(logical: str, start: int, end: int, escape: str, key: str, line: int) -> None:
    """The errors BuildKit's parseNameVal raises for ENV and LABEL."""
    words = name_value_texts(logical, start, end, escape)
    if not words:
        return
    if "=" not in words[0]:
        rest = _lstrip_go(logical[start:end])  # after `--` the arguments start with a blank
        if not _RE_WS_CHAR.search(rest):
            raise DockerfileSyntaxError(line, f"{key} must have two arguments")
        return
    for w in words:
        if "=" not in w:
            raise DockerfileSyntaxError(
                line, f"Syntax error - can't find = in {w!r}. Must be of the form: name=value"
            )


def parse(text: str) -> Dockerfile:
    """Parse Dockerfile text. Raises DockerfileSyntaxError where BuildKit would."""
    return _Parser(text).parse()


def newline_of(text: str) -> str:
    """The newline a file's edits are written with (Dockerfile.newline): CRLF when most of its
    line ends are CRLF."""
    return "\r\n" if "\r" in text and text.count("\r\n") * 2 > text.count("\n") else "\n"


def name_value_pairs(instr: Instruction, escape: str = "\\") -> list[tuple[str, str | None, Word]]:
    """(name, raw value or None, word) for ARG/ENV/LABEL key-value words.

    ENV's legacy form ``ENV NAME value`` yields one pair whose value is the rest
    of the line. Computed once per instruction (many rules ask); each call gets its own list.
    """
    key = ("name_value_pairs", escape)
    hit = instr.memo.get(key)
    if hit is None:
        hit = instr.memo[key] = tuple(_name_value_pairs(instr, escape))
    return list(hit)


def _name_value_pairs(instr: Instruction, escape: str) -> list[tuple[str, str | None, Word]]:
    logical = instr.logical
    end = len(logical.rstrip("".join(GO_SPACE)))
    words = name_value_words(logical, instr.args_offset, end, escape)
    if not words:
        return []
    if instr.cmd in ("ENV", "LABEL") and "=" not in words[0].text:
        first = words[0]
        vstart = first.end
        while vstart < end and logical[vstart] in RE_WS_CHARS:
            vstart += 1
        whole = Word(logical[first.start:end], first.start, end)
        return [(first.text, logical[vstart:end], whole)]
    out = []
    for w in words:
        if "=" in w.text:
            name, value = w.text.split("=", 1)
            out.append((name, value, w))
        else:
            out.append((w.text, None, w))
    return out
