"""The `# syntax=` parser directive: detect legacy pins, ensure a frontend
that supports the mounts a fix adds.

Decision for pins older than a feature needs (e.g. `docker/dockerfile:1.4`
with `env=`): raise the pin to the first version with the feature, keeping its
precision and `-labs` suffix (`1.4` -> `1.10`, `1.4.3` -> `1.10.0`). A pin we
cannot raise (digest, custom frontend image) makes the file use the legacy
form (secret read from /run/secrets/ID), which frontend 1.2 supports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .fix import Edit
from .syntax import Dockerfile

DEFAULT_SYNTAX = "docker/dockerfile:1"
_IMAGE = re.compile(r"^(?:docker\.io/)?(?:docker/dockerfile|docker/dockerfile-upstream)$")
_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(-labs)?$")


@dataclass(frozen=True)
class SyntaxPin:
    image: str
    tag: str
    digest: str

    @property
    def is_docker_dockerfile(self) -> bool:
        return bool(_IMAGE.match(self.image))

    @property
    def legacy_experimental(self) -> bool:
        return self.is_docker_dockerfile and "experimental" in self.tag

    def version(self) -> tuple[int, ...] | None:
        """(major, minor[, patch]) of a numeric tag; latest/labs/1 give (1, 99)."""
        if not self.is_docker_dockerfile or self.digest:
            return None
        if self.tag in ("", "latest", "labs"):
            return (1, 99)
        m = _VERSION.match(self.tag)
        if not m:
            return None
        if m.group(2) is None:
            return (int(m.group(1)), 99)
        parts = [int(m.group(1)), int(m.group(2))]
        if m.group(3) is not None:
            parts.append(int(m.group(3)))
        return tuple(parts)


def parse_pin(value: str) -> SyntaxPin:
    ref = value.split()[0] if value.split() else ""
    ref, _, digest = ref.partition("@")
    image, tag = ref, ""
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        image, tag = ref[:colon], ref[colon + 1 :]
    return SyntaxPin(image, tag, digest)


def upgraded_tag(pin: SyntaxPin, need: tuple[int, int]) -> str | None:
    """New tag meeting ``need``; None when the pin already does or cannot change."""
    if pin.legacy_experimental:
        return "1"
    v = pin.version()
    if v is None or tuple(v[:2]) >= need:
        return None
    m = _VERSION.match(pin.tag)
    assert m is not None
    labs = m.group(4) or ""
    core = f"{need[0]}.{need[1]}" + (".0" if m.group(3) is not None else "")
    return core + labs


def can_satisfy(df: Dockerfile, need: tuple[int, int]) -> bool:
    """Whether the file's directive can be made to support ``need``."""
    d = df.directive("syntax")
    if d is None:
        return True
    pin = parse_pin(d.value)
    if pin.legacy_experimental:
        return True
    v = pin.version()
    return v is not None


def ensure_frontend(df: Dockerfile, need: tuple[int, int]) -> list[Edit]:
    """Edits adding or raising the syntax directive so the file supports ``need``."""
    d = df.directive("syntax")
    if d is None:
        text = df.text
        pos = 1 if df.bom else 0
        if text.startswith("#!", pos):
            nl = text.find("\n", pos)
            pos = len(text) if nl < 0 else nl + 1
        return [Edit(pos, pos, f"# syntax={DEFAULT_SYNTAX}{df.newline}")]
    pin = parse_pin(d.value)
    tag = upgraded_tag(pin, need)
    if tag is None:
        return []
    return [replace_tag(df, tag)]


def replace_tag(df: Dockerfile, tag: str) -> Edit:
    d = df.directive("syntax")
    assert d is not None
    ref = d.value.split()[0]
    base = ref.split("@")[0]
    slash, colon = base.rfind("/"), base.rfind(":")
    image = base[:colon] if colon > slash else base
    start = d.value_span.start
    return Edit(start, start + len(ref), f"{image}:{tag}")
