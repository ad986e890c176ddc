"""`.dockerignore` matching as moby/patternmatcher does it.

Lines are trimmed, `#` lines skipped, `!` marks an exception; patterns are
cleaned (`./a` -> `a`, a leading `/` dropped). A path is excluded when the
*last* pattern matching it or one of its parent directories is not an
exception. `*` and `?` stay inside one path element, `**` spans elements.
BuildKit prefers `<Dockerfile name>.dockerignore` next to the Dockerfile over
the context's `.dockerignore`.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache


def _translate(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                i += 2
                if i < n and pattern[i] == "/":
                    out.append("(?:.*/)?")
                    i += 1
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:j].replace("\\", "\\\\")
                if body.startswith("^"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("^" + "".join(out) + "$")


@lru_cache(maxsize=256)
def parse_patterns(text: str) -> tuple[tuple[bool, re.Pattern[str]], ...]:
    """(is_exception, regex) per pattern line."""
    out: list[tuple[bool, re.Pattern[str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        if exception:
            line = line[1:].strip()
            if not line:
                continue
        pattern = posixpath.normpath(line)
        if len(pattern) > 1 and pattern.startswith("/"):
            pattern = pattern.lstrip("/") or "/"
        out.append((exception, _translate(pattern)))
    return tuple(out)


def excluded(text: str, path: str) -> bool:
    """True when ``.dockerignore`` content ``text`` keeps context path ``path`` out."""
    path = posixpath.normpath(path.lstrip("/"))
    candidates = [path]
    parts = path.split("/")
    for k in range(1, len(parts)):
        candidates.append("/".join(parts[:k]))
    result = False
    for exception, rx in parse_patterns(text):
        if any(rx.match(c) for c in candidates):
            result = not exception
    return result


def ignore_file_text(read, dockerfile_path: str | None) -> tuple[bool, str | None]:
    """(known, text) of the ignore file in effect: ``known`` is False when the
    build context cannot be read at all; text None means there is none."""
    if read is None:
        return False, None
    names = []
    if dockerfile_path:
        names.append(posixpath.basename(dockerfile_path) + ".dockerignore")
    names.append(".dockerignore")
    for name in names:
        text = read(name)
        if text is not None:
            return True, text
    return True, None
