"""Word splitting as BuildKit's parser does it, with offsets kept.

Three splitters mirror three places in BuildKit's parser:
`builder_flags` (extractBuilderFlags), `name_value_words` (parseWords, used by
ENV/LABEL/ARG) and `shell_words` (the shell lexer as used to find heredocs).
"""

from __future__ import annotations

import re

from .model import Word

# Go's unicode.IsSpace: Python's str.isspace also accepts \x1c-\x1f, Go does not.
GO_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# BuildKit's reWhitespace `[\t\v\f\r ]+`, used to split the command word.
RE_WS_CHARS = frozenset("\t\v\f\r ")


# extractBuilderFlags reads the line byte by byte (`rune(line[pos])`): only
# these bytes are spaces to it (ASCII whitespace, and 0x85/0xA0, which in UTF-8
# only occur inside a multi-byte character, splitting it).
_FLAG_SPACE_BYTES = frozenset(b"\t\n\v\f\r \x85\xa0")
# Spaces, then maybe (group 1) a flag word with nothing to decode (no quote, no
# backslash) that ends at a space or the end of the line.
_RE_PLAIN_FLAG = re.compile(r"[\t\n\v\f\r ]*(?:(--[^\t\n\v\f\r \\'\"]*)(?![^\t\n\v\f\r ]))?")
_GO_CLASS = "".join(sorted(re.escape(c) for c in GO_SPACE))
_RE_GO_WORD = re.compile(f"[^{_GO_CLASS}]+")


def _parse_words_regex(escape: str) -> re.Pattern:
    """parseWords' word for escape character E: plain characters, E and the next character,
    a single-quoted run (E literal), a double-quoted run (E escapes); open quotes run to the end."""
    e = re.escape(escape)
    return re.compile(f"(?:[^{_GO_CLASS}'\"{e}]|{e}.|'[^']*'?|\"(?:[^\"{e}]|{e}.)*\"?)+", re.DOTALL)


_RE_PARSE_WORDS = {e: _parse_words_regex(e) for e in ("\\", "`")}


def builder_flags(line: str, start: int) -> tuple[list[Word], int]:
    """Parse leading ``--flag`` words of ``line[start:]``.

    Returns the decoded flag words (quotes and backslashes removed, as BuildKit
    does) with their raw logical spans, and the offset where the remaining
    arguments start (``len(line)`` when nothing remains). Works on the UTF-8
    bytes, as BuildKit does, so a non-ASCII space (U+00A0) is no separator.
    """
    if line.isascii():
        # Plain flag words at C speed; from the first one that needs decoding on, the byte loop.
        words: list[Word] = []
        m = _RE_PLAIN_FLAG.match(line, start)
        while (flag := m.group(1)) is not None:
            if flag == "--":
                return words, m.end()
            words.append(Word(flag, m.start(1), m.end()))
            m = _RE_PLAIN_FLAG.match(line, m.end())
        pos = m.end()
        if pos >= len(line):
            return words, len(line)
        if not line.startswith("--", pos):
            return words, pos
        more, offset = _builder_flags(line.encode("ascii"), pos, None, len(line))
        return words + more, offset
    tail = line[start:]
    data = tail.encode("utf-8", "surrogatepass")
    b2c = [0] * (len(data) + 1)  # byte offset -> char offset (inside a character: the next one)
    pos = 0
    for i, ch in enumerate(tail):
        w = len(ch.encode("utf-8", "surrogatepass"))
        for k in range(w):
            b2c[pos + k] = start + i + (1 if k else 0)
        pos += w
    b2c[pos] = start + len(tail)
    return _builder_flags(data, 0, b2c, len(line))


def _builder_flags(line: bytes, start: int, b2c: list[int] | None, n_chars: int) -> tuple[list[Word], int]:
    def at(p: int) -> int:
        return p if b2c is None else b2c[p]

    words: list[Word] = []
    n = len(line)
    pos = start
    while True:
        while pos < n and line[pos] in _FLAG_SPACE_BYTES:
            pos += 1
        if pos >= n:
            return words, n_chars
        if not (line[pos] == 0x2D and pos + 1 < n and line[pos + 1] == 0x2D):
            return words, at(pos)
        word_start = pos
        decoded = bytearray()
        quote = 0
        blank_ok = False
        while pos < n:
            ch = line[pos]
            if quote:
                if ch == quote:
                    quote = 0
                    pos += 1
                    continue
                if ch == 0x5C:
                    if pos + 1 == n:
                        quote = 0
                        pos += 1
                        continue
                    pos += 1
                    ch = line[pos]
                decoded.append(ch)
                pos += 1
                continue
            if ch in _FLAG_SPACE_BYTES:
                break
            if ch in (0x27, 0x22):
                quote = ch
                blank_ok = True
                pos += 1
                continue
            if ch == 0x5C:
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            decoded.append(ch)
            pos += 1
        text = decoded.decode("utf-8", "replace")
        if text == "--":
            # `--` ends the flags; the rest starts at the following whitespace.
            return words, at(pos)
        if blank_ok or text:
            words.append(Word(text, at(word_start), at(pos)))


def name_value_words(line: str, start: int, end: int, escape: str) -> list[Word]:
    """BuildKit's parseWords: whitespace-split words, quotes kept in the text."""
    pattern = _words_pattern(line, start, end, escape)
    if pattern is None:
        return _parse_words(line, start, end, escape)
    return [Word(m.group(), m.start(), m.end()) for m in pattern.finditer(line, start, end)]


def name_value_texts(line: str, start: int, end: int, escape: str) -> list[str]:
    """The texts of `name_value_words`."""
    pattern = _words_pattern(line, start, end, escape)
    if pattern is None:
        return [w.text for w in _parse_words(line, start, end, escape)]
    return pattern.findall(line, start, end)


def _words_pattern(line: str, start: int, end: int, escape: str) -> re.Pattern | None:
    """A regex that finds parseWords' words in line[start:end], or None when only
    `_parse_words` can (an escape character at the very end is dropped from its word)."""
    seg = line[start:end]
    if "'" not in seg and '"' not in seg and escape not in seg:
        return _RE_GO_WORD
    if seg.endswith(escape):
        return None
    return _RE_PARSE_WORDS.get(escape)


def _parse_words(line: str, start: int, end: int, escape: str) -> list[Word]:
    """parseWords character by character, as BuildKit's loop reads it."""
    words: list[Word] = []
    pos = start
    while pos < end:
        while pos < end and line[pos] in GO_SPACE:
            pos += 1
        if pos >= end:
            break
        word_start = pos
        buf: list[str] = []
        quote = ""
        blank_ok = False
        while pos < end:
            ch = line[pos]
            if not quote:
                if ch in GO_SPACE:
                    break
                if ch in "'\"":
                    quote = ch
                    blank_ok = True
                if ch == escape:
                    if pos + 1 == end:
                        pos += 1
                        continue
                    buf.append(ch)
                    pos += 1
                    ch = line[pos]
                buf.append(ch)
                pos += 1
            else:
                if ch == quote:
                    quote = ""
                if ch == escape and quote != "'":
                    if pos + 1 == end:
                        quote = ""
                        pos += 1
                        continue
                    buf.append(ch)
                    pos += 1
                    ch = line[pos]
                buf.append(ch)
                pos += 1
        if blank_ok or buf:
            words.append(Word("".join(buf), word_start, pos))
    return words


def shell_words(line: str, start: int = 0, end: int | None = None) -> list[Word]:
    """Split a shell-ish line into raw words (quotes and escapes kept).

    Mirrors BuildKit's lexer in RawQuotes/RawEscapes mode closely enough to find
    heredoc words: quotes group, backslash escapes one character, ``${...}``
    is one unit.
    """
    if end is None:
        end = len(line)
    words: list[Word] = []
    pos = start
    while pos < end:
        while pos < end and line[pos] in GO_SPACE:
            pos += 1
        if pos >= end:
            break
        word_start = pos
        while pos < end and line[pos] not in GO_SPACE:
            ch = line[pos]
            if ch == "\\":
                pos += 2
            elif ch == "'":
                close = line.find("'", pos + 1, end)
                pos = end if close < 0 else close + 1
            elif ch == '"':
                pos += 1
                while pos < end and line[pos] != '"':
                    pos += 2 if line[pos] == "\\" else 1
                pos += 1
            elif ch == "$" and pos + 1 < end and line[pos + 1] == "{":
                close = line.find("}", pos + 2, end)
                pos = end if close < 0 else close + 1
            else:
                pos += 1
        pos = min(pos, end)
        words.append(Word(line[word_start:pos], word_start, pos))
    return words


def shell_words_complete(line: str) -> list[Word] | None:
    """`shell_words`, or None when a quote or `${` is left open: BuildKit's lexer
    then fails, and the parser (which ignores that error) finds no heredocs."""
    n = len(line)
    pos = 0
    while pos < n:
        ch = line[pos]
        if ch == "\\":
            pos += 2
        elif ch == "'":
            close = line.find("'", pos + 1)
            if close < 0:
                return None
            pos = close + 1
        elif ch == '"':
            pos += 1
            while pos < n and line[pos] != '"':
                pos += 2 if line[pos] == "\\" else 1
            if pos >= n:
                return None
            pos += 1
        elif ch == "$" and pos + 1 < n and line[pos + 1] == "{":
            close = line.find("}", pos + 2)
            if close < 0:
                return None
            pos = close + 1
        else:
            pos += 1
    return shell_words(line)


def unquote_shell_word(raw: str) -> tuple[str, bool]:
    """Remove shell quoting from one word. Returns (text, was_quoted)."""
    if "\\" not in raw and "'" not in raw and '"' not in raw:
        return raw, False
    out: list[str] = []
    quoted = False
    i = 0
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n:
            out.append(raw[i + 1])
            i += 2
        elif ch == "'":
            quoted = True
            close = raw.find("'", i + 1)
            close = n if close < 0 else close
            out.append(raw[i + 1 : close])
            i = close + 1
        elif ch == '"':
            quoted = True
            i += 1
            while i < n and raw[i] != '"':
                if raw[i] == "\\" and i + 1 < n and raw[i + 1] in '"\\$`':
                    i += 1
                out.append(raw[i])
                i += 1
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out), quoted
