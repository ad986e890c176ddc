"""Word splitting as BuildKit's parser does it, with offsets kept.

Three splitters mirror three places in BuildKit's parser:
`builder_flags` (extractBuilderFlags), `name_value_words` (parseWords, used by
ENV/LABEL/ARG) and `shell_words` (the shell lexer as used to find heredocs).
"""

from __future__ import annotations

from .model import Word

# Go's unicode.IsSpace: Python's str.isspace also accepts \x1c-\x1f, Go does not.
GO_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# BuildKit's reWhitespace `[\t\v\f\r ]+`, used to split the command word.
RE_WS_CHARS = frozenset("\t\v\f\r ")


def builder_flags(line: str, start: int) -> tuple[list[Word], int]:
    """Parse leading ``--flag`` words of ``line[start:]``.

    Returns the decoded flag words (quotes and backslashes removed, as BuildKit
    does) with their raw logical spans, and the offset where the remaining
    arguments start (``len(line)`` when nothing remains).
    """
    words: list[Word] = []
    n = len(line)
    pos = start
    while True:
        while pos < n and line[pos] in GO_SPACE:
            pos += 1
        if pos >= n:
            return words, n
        if not (line[pos] == "-" and pos + 1 < n and line[pos + 1] == "-"):
            return words, pos
        word_start = pos
        decoded: list[str] = []
        quote = ""
        blank_ok = False
        while pos < n:
            ch = line[pos]
            if quote:
                if ch == quote:
                    quote = ""
                    pos += 1
                    continue
                if ch == "\\":
                    if pos + 1 == n:
                        quote = ""
                        pos += 1
                        continue
                    pos += 1
                    ch = line[pos]
                decoded.append(ch)
                pos += 1
                continue
            if ch in GO_SPACE:
                break
            if ch in "'\"":
                quote = ch
                blank_ok = True
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            decoded.append(ch)
            pos += 1
        text = "".join(decoded)
        if text == "--":
            # `--` ends the flags; the rest starts at the following whitespace.
            return words, pos
        if blank_ok or text:
            words.append(Word(text, word_start, pos))


def name_value_words(line: str, start: int, end: int, escape: str) -> list[Word]:
    """BuildKit's parseWords: whitespace-split words, quotes kept in the text."""
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


def unquote_shell_word(raw: str) -> tuple[str, bool]:
    """Remove shell quoting from one word. Returns (text, was_quoted)."""
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
