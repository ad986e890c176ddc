"""Pure-Python, lossless Dockerfile parser following BuildKit's parser.go.

The line logic (directives, comments, continuations, heredocs, flags, JSON
form and the errors BuildKit raises while parsing) follows BuildKit's
``frontend/dockerfile/parser``; the differential test in
``tests/test_parser_oracle.py`` holds us to it.
"""

from __future__ import annotations

import json
import re

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
    GO_SPACE, RE_WS_CHARS, builder_flags, name_value_words, shell_words, shell_words_complete, unquote_shell_word,
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


def _lstrip_go(s: str) -> str:
    return s.lstrip(_GO_SPACE_CHARS)


def _rstrip_go(s: str) -> str:
    j = len(s)
    while j > 0 and s[j - 1] in GO_SPACE:
        j -= 1
    return s[:j]


def _trim_newline(s: str) -> str:
    return s.rstrip("\r\n")


def _is_comment(raw_line: str) -> bool:
    return _lstrip_go(_trim_newline(raw_line)).startswith("#")


def _continuation(content: str, escape: str) -> int | None:
    """If ``content`` ends in a line continuation, return where it starts.

    BuildKit: ``([^E])E[ \\t]*$|^E[ \\t]*$`` with E the escape character, so an
    escaped escape character (``\\\\``) does not continue the line.
    """
    j = len(content)
    while j > 0 and content[j - 1] in " \t":
        j -= 1
    if j == 0 or content[j - 1] != escape:
        return None
    k = j - 1
    if k > 0 and content[k - 1] == escape:
        return None
    return k


def _split_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, the newline included in the span."""
    spans = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl + 1
        spans.append((pos, end))
        pos = end
    return spans


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.lines = _split_lines(text)
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
        """Start offset and content of line idx, BOM dropped on line 0."""
        start, end = self.lines[idx]
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
        line_start, line_end = self.lines[idx]
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
        line_start, line_end = self.lines[idx]
        vstart = start + m.start(2)
        value = m.group(2)
        self.directives.append(
            Directive(key, value, Span(line_start, line_end), Span(vstart, vstart + len(value)), idx + 1,
                      self.text[line_start:line_end])
        )

    # -- main loop ---------------------------------------------------------
    def parse(self) -> Dockerfile:
        text = self.text
        lines = self.lines
        i = 0
        n = len(lines)
        while i < n:
            start, content = self.line_content(i)
            token = _lstrip_go(_trim_newline(content))
            ndirs = len(self.directives)
            self.directive(token, i, start)
            if len(self.directives) > ndirs:
                self.nodes.append(self.directives[-1])
                i += 1
                continue
            line_start, line_end = lines[i]
            if token.startswith("#"):
                self.nodes.append(Trivia("comment", Span(line_start, line_end), i + 1, text[line_start:line_end]))
                i += 1
                continue
            k = _continuation(token, self.escape)
            if k is None and token == "":
                self.nodes.append(Trivia("blank", Span(line_start, line_end), i + 1, text[line_start:line_end]))
                i += 1
                continue
            i = self.instruction(i)
        if not self.instructions:
            raise DockerfileSyntaxError(1, "file with no instructions")
        stages = self.stages()
        newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
        df = Dockerfile(
            text=text,
            nodes=self.nodes,
            directives=self.directives,
            instructions=self.instructions,
            stages=stages,
            escape=self.escape,
            bom=text.startswith(BOM),
            newline=newline,
            warnings=self.warnings,
        )
        return df

    def instruction(self, first: int) -> int:
        text = self.text
        lines = self.lines
        n = len(lines)
        esc = self.escape
        pieces: list[tuple[int, int]] = []  # (logical offset, source offset)
        logical_parts: list[str] = []
        logical_len = 0

        def add(source_start: int, s: str) -> None:
            nonlocal logical_len
            if s:
                pieces.append((logical_len, source_start))
                logical_parts.append(s)
                logical_len += len(s)

        start, content = self.line_content(first)
        body = _trim_newline(content)
        stripped = _lstrip_go(body)
        off = start + len(body) - len(stripped)
        k = _continuation(stripped, esc)
        add(off, stripped if k is None else stripped[:k])
        continued = k is not None
        i = first + 1
        empty_continuation = False
        while continued and i < n:
            start, content = self.line_content(i)
            raw = content
            i += 1
            if _is_comment(raw):
                continue
            body = _trim_newline(raw)
            if _lstrip_go(body) == "":
                empty_continuation = True
                continue
            k = _continuation(body, esc)
            add(start, body if k is None else body[:k])
            continued = k is not None
        logical = "".join(logical_parts)
        if not pieces:
            pieces.append((0, lines[first][0]))
        if empty_continuation:
            self.warnings.append(f"line {first + 1}: empty continuation line")
        header_end = lines[i - 1][1]
        instr = self.make_instruction(logical, pieces, first, i)
        instr.header_end = header_end
        # Heredocs follow the instruction's own lines.
        if "<<" in logical and self.can_contain_heredoc(instr):
            for word in shell_words_complete(logical) or ():
                doc = self.heredoc_from_word(word.text, first)
                if doc is None:
                    continue
                name, chomp, expand, fd = doc
                body_start = lines[i][0] if i < n else len(text)
                terminated = False
                content_parts = []
                while i < n:
                    ls, le = lines[i]
                    raw = text[ls:le]
                    i += 1
                    candidate = _trim_newline(raw)
                    if chomp:
                        candidate = candidate.lstrip("\t")
                    if candidate == name:
                        terminated = True
                        instr.heredocs.append(
                            Heredoc(name, chomp, expand, fd, "".join(content_parts), Span(body_start, ls), Span(ls, le))
                        )
                        break
                    content_parts.append(raw)
                if not terminated:
                    raise DockerfileSyntaxError(first + 1, "unterminated heredoc")
        end = lines[i - 1][1]
        instr.span = Span(lines[first][0], end)
        instr.start_line = first + 1
        instr.end_line = i
        instr.text = text[instr.span.start : instr.span.end]
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
        s = base
        while s < n and logical[s] in GO_SPACE:
            s += 1
        e = n
        while e > s and logical[e - 1] in GO_SPACE:
            e -= 1
        c = s
        while c < e and logical[c] not in RE_WS_CHARS:
            c += 1
        keyword = logical[s:c]
        rest_start = c
        while rest_start < e and logical[rest_start] in RE_WS_CHARS:
            rest_start += 1
        trimmed = logical[:e]
        flag_words, args_offset = builder_flags(trimmed, rest_start) if rest_start < e else ([], e)
        instr = Instruction(
            keyword=keyword,
            span=Span(0, 0),
            start_line=first + 1,
            end_line=last_excl,
            logical=logical,
            logical_map=pieces,
            keyword_span=Span(0, 0),
            flags=[],
            args_offset=args_offset,
        )
        instr.keyword_span = instr.source_span(s, c)
        instr.flags = [Flag(w.text, instr.source_span(w.start, w.end)) for w in flag_words]
        cmd = keyword.upper()
        line_no = first + 1
        if cmd in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "ADD", "COPY", "VOLUME"):
            parsed = _maybe_json(trimmed[args_offset:], line_no)
            if parsed is not None:
                instr.json = True
                instr.json_args = parsed
        elif cmd == "HEALTHCHECK":
            rest = trimmed[args_offset:]
            sep = 0
            while sep < len(rest) and rest[sep] not in GO_SPACE:
                sep += 1
            nxt = sep
            while nxt < len(rest) and rest[nxt] in GO_SPACE:
                nxt += 1
            if sep:
                parsed = _maybe_json(rest[nxt:], line_no)
                if parsed is not None:
                    instr.json = True
                    instr.json_args = parsed
        elif cmd in ("ENV", "LABEL"):
            _check_name_val(trimmed, args_offset, e, self.escape, cmd, line_no)
        elif cmd == "ONBUILD" and args_offset < e:
            return instr, (logical[:e], args_offset)
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
        current: Stage | None = None
        for instr in self.instructions:
            if instr.cmd == "FROM":
                words = [w for w in instr.args.split() if w]
                base = words[0] if words else ""
                name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
                current = Stage(len(stages), name, base, instr)
                stages.append(current)
            if current is not None:
                instr.stage = current.index
                current.instructions.append(instr)
        return stages


def _maybe_json(rest: str, line: int) -> list[str] | None:
    """parseMaybeJSON: a JSON string array (first value only), else shell form."""
    r = _lstrip_go(rest)
    if not r.startswith("["):
        return None
    try:
        value, _ = json.JSONDecoder(parse_constant=_reject).raw_decode(r)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if not all(isinstance(v, str) for v in value):
        raise DockerfileSyntaxError(line, "when using JSON array syntax, arrays must be comprised of strings only")
    return value


def _reject(name: str):
    raise ValueError(name)


def _check_name_val(logical: str, start: int, end: int, escape: str, key: str, line: int) -> None:
    """The errors BuildKit's parseNameVal raises for ENV and LABEL."""
    words = name_value_words(logical, start, end, escape)
    if not words:
        return
    if "=" not in words[0].text:
        rest = _lstrip_go(logical[start:end])  # after `--` the arguments start with a blank
        if not any(ch in RE_WS_CHARS for ch in rest):
            raise DockerfileSyntaxError(line, f"{key} must have two arguments")
        return
    for w in words:
        if "=" not in w.text:
            raise DockerfileSyntaxError(
                line, f"Syntax error - can't find = in {w.text!r}. Must be of the form: name=value"
            )


def parse(text: str) -> Dockerfile:
    """Parse Dockerfile text. Raises DockerfileSyntaxError where BuildKit would."""
    return _Parser(text).parse()


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
