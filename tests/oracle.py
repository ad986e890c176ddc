"""Helpers around the official BuildKit parser (PyPI `dockerfile`), a test oracle.

The bindings ship wheels only for x86-64 Linux and Windows; elsewhere
`official_parse` is None and the tests that need it skip.
"""

from __future__ import annotations

try:  # pragma: no cover - depends on the platform
    import dockerfile as _official
except ImportError:  # pragma: no cover
    _official = None

OFFICIAL_MISSING = "official BuildKit parser bindings (PyPI `dockerfile`) not installed on this platform"


def official_available() -> bool:
    return _official is not None


def official_parse(text: str):
    """Parse with BuildKit's parser; returns its commands or raises ValueError."""
    assert _official is not None
    try:
        return _official.parse_string(text)
    except _official.GoParseError as exc:
        raise ValueError(str(exc)) from exc


def official_summary(text: str) -> list[tuple]:
    """What we compare: command, lines, flags, heredoc names, JSON form."""
    out = []
    for c in official_parse(text):
        out.append((c.cmd.upper(), c.start_line, c.end_line, tuple(c.flags), tuple(h.name for h in c.heredocs), c.json))
    return out


def our_summary(text: str) -> list[tuple]:
    from migrate.syntax import parse

    df = parse(text)
    return [
        (i.cmd, i.start_line, i.end_line, tuple(f.text for f in i.flags), tuple(h.name for h in i.heredocs), i.json)
        for i in df.instructions
    ]
