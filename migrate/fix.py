"""Fixes are span edits, never re-rendering.

A `Fix` is a set of non-overlapping `Edit`s on the original text. The engine
applies the fixes of one pass back to front, skipping any fix that touches a
span another accepted fix already touches (it is retried on the next pass).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    text: str = ""

    def overlaps(self, other: Edit) -> bool:
        # Two insertions at one point, or an insertion inside a replaced span,
        # have no defined order: treat them as overlapping.
        if self.start == self.end or other.start == other.end:
            return self.start <= other.end and other.start <= self.end
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class BuildRequirement:
    """What a caller of `docker build` must now pass."""

    type: str  # "secret" | "ssh"
    id: str
    env: str | None = None  # secret read from this environment variable
    src: str | None = None  # secret read from this file (relative to the context)
    required: bool = True

    def flag(self) -> str:
        if self.type == "ssh":
            return "--ssh default" if self.id == "default" else f"--ssh {self.id}"
        if self.src:
            return f"--secret id={self.id},src={self.src}"
        if self.env:
            return f"--secret id={self.id},env={self.env}"
        # Source unknown (a mount that was already there): buildx then reads
        # the environment variable named like the id.
        return f"--secret id={self.id}"

    def to_json(self) -> dict:
        out: dict = {"type": self.type, "id": self.id}
        if self.src:
            out["src"] = self.src
        elif self.env:
            out["env"] = self.env
        if not self.required:
            out["required"] = False
        return out


@dataclass(frozen=True, slots=True)
class Fix:
    edits: tuple[Edit, ...]
    # Fixes that change how the image must be built list what callers must pass.
    build_requirements: tuple[BuildRequirement, ...] = ()
    # Minimum Dockerfile frontend the rewritten instructions need, e.g. (1, 10).
    min_frontend: tuple[int, int] | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def changes_build(self) -> bool:
        return bool(self.build_requirements)

    def overlaps(self, edits: list[Edit]) -> bool:
        return any(a.overlaps(b) for a in self.edits for b in edits)


class EditConflict(ValueError):
    pass


def apply_edits(text: str, edits: list[Edit] | tuple[Edit, ...]) -> str:
    """Apply non-overlapping edits back to front."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for a, b in zip(ordered, ordered[1:]):
        if a.overlaps(b):
            raise EditConflict(f"overlapping edits at {a.start}-{a.end} and {b.start}-{b.end}")
    parts = []
    pos = 0
    for e in ordered:  # one pass, linear in the text (a file may get 100,000 edits)
        if not (0 <= e.start <= e.end <= len(text)):
            raise EditConflict(f"edit out of range: {e.start}-{e.end}")
        parts.append(text[pos : e.start])
        parts.append(e.text)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)
