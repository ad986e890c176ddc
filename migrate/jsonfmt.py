"""`json.dumps(obj, indent=2)`, faster: with an indent the standard library falls back to
its pure-Python encoder, a large share of a big `--format json` run. Same text for the
types reports hold (dict with str keys, list, tuple, str, int, float, bool, None)."""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii

_float = json.JSONEncoder().iterencode  # floats are rare (none in reports today): let json word them


def _encode(obj, indent: str, out: list[str]) -> None:
    if isinstance(obj, str):
        out.append(encode_basestring_ascii(obj))
    elif obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif isinstance(obj, int):
        out.append(int.__repr__(obj))
    elif isinstance(obj, dict):
        if obj:
            _items(((_key(k), v) for k, v in obj.items()), "{", "}", indent, out)
        else:
            out.append("{}")
    elif isinstance(obj, (list, tuple)):
        if obj:
            _items((("", v) for v in obj), "[", "]", indent, out)
        else:
            out.append("[]")
    elif isinstance(obj, float):
        out.append("".join(_float(obj)))
    else:
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _key(key) -> str:
    if not isinstance(key, str):
        raise TypeError("only str keys")  # reports have none; json would convert them
    return encode_basestring_ascii(key) + ": "


def _items(items, opening: str, closing: str, indent: str, out: list[str]) -> None:
    """A non-empty object or array: one (key prefix, value) a line, one level deeper."""
    inner = indent + "  "
    out.append(opening)
    separator = "\n" + inner
    for prefix, value in items:
        out.append(separator + prefix)
        separator = ",\n" + inner
        _encode(value, inner, out)
    out.append("\n" + indent + closing)


def dumps_indented(obj, indent: str = "") -> str:
    """``json.dumps(obj, indent=2)`` with every line after the first prefixed by ``indent``
    (so the text can stand, already indented, inside a larger document)."""
    out: list[str] = []
    _encode(obj, indent, out)
    return "".join(out)
