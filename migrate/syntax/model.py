"""Lossless Dockerfile syntax model.

Every node owns an exact character span of the original text; the nodes of a
`Dockerfile` tile the text without gaps, so ``str(dockerfile) == text`` and
``"".join(node.text for node in dockerfile.nodes) == text`` always hold.
Instructions additionally keep their *logical line* (continuations joined,
comment lines dropped, as BuildKit sees it) with a map back to source offsets,
so any token found in the logical line can be edited in place.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from operator import itemgetter

_first = itemgetter(0)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


# The parser makes a Span for every node: set the two slots directly instead of through
# the frozen dataclass's generic object.__setattr__ (about a third faster; same object).
_set_span_start = Span.start.__set__
_set_span_end = Span.end.__set__


def _span_init(self: Span, start: int, end: int) -> None:
    _set_span_start(self, start)
    _set_span_end(self, end)


Span.__init__ = _span_init  # type: ignore[method-assign]


@dataclass(slots=True)
class Directive:
    """A parser directive line such as ``# syntax=docker/dockerfile:1``."""

    name: str  # lower-cased key
    value: str
    span: Span  # the whole line, newline included
    value_span: Span
    line: int  # 1-based
    text: str = ""


@dataclass(slots=True)
class Trivia:
    """A comment line or a blank line between instructions."""

    kind: str  # "comment" | "blank"
    span: Span
    line: int
    text: str = ""

    @property
    def comment(self) -> str:
        """Comment text without the leading ``#`` and surrounding spaces."""
        return self.text.strip()[1:].strip() if self.kind == "comment" else ""


@dataclass(slots=True)
class Flag:
    """An instruction flag such as ``--mount=type=secret,id=x``."""

    text: str  # decoded (quotes removed), e.g. "--mount=type=secret,id=x"
    span: Span  # source span of the raw flag word

    @property
    def name(self) -> str:
        return self.text[2:].split("=", 1)[0].lower()

    @property
    def value(self) -> str | None:
        parts = self.text[2:].split("=", 1)
        return parts[1] if len(parts) == 2 else None


@dataclass(slots=True)
class Heredoc:
    name: str
    chomp: bool  # <<-EOF
    expand: bool  # False when the delimiter word was quoted
    fd: int
    content: str
    body_span: Span  # source span of the content lines
    terminator_span: Span  # the terminator line, newline included


@dataclass(slots=True)
class Word:
    """A word of an instruction's arguments: raw text and logical offsets."""

    text: str
    start: int  # offsets into Instruction.logical
    end: int


@dataclass(slots=True)
class Instruction:
    keyword: str  # as written, e.g. "run"
    span: Span  # full source lines, heredoc bodies and final newline included
    start_line: int
    end_line: int
    logical: str  # joined logical line as BuildKit sees it
    logical_map: list[tuple[int, int]]  # (logical offset, source offset) piece starts
    keyword_span: Span
    flags: list[Flag]
    args_offset: int  # logical offset where the arguments (after flags) start
    json: bool = False
    json_args: list[str] | None = None
    heredocs: list[Heredoc] = field(default_factory=list)
    header_end: int = 0  # source offset just past the instruction's own lines
    sub: Instruction | None = None  # ONBUILD's inner instruction
    stage: int = -1  # index of the stage; -1 before the first FROM
    text: str = ""
    # Derived views computed once per instruction (e.g. name_value_pairs); never part of equality.
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    # The upper-cased keyword: rules read it many times, so a plain attribute rather than a property.
    cmd: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.cmd = self.keyword.upper()

    @property
    def args(self) -> str:
        return self.logical[self.args_offset :]

    def source_offset(self, logical_offset: int) -> int:
        """Map an offset of the logical line to an offset of the source."""
        i = bisect.bisect_right(self.logical_map, logical_offset, key=_first) - 1
        if i < 0:
            i = 0
        lstart, sstart = self.logical_map[i]
        return sstart + (logical_offset - lstart)

    def source_span(self, start: int, end: int) -> Span:
        """Source span covering logical offsets [start, end)."""
        if end <= start:
            s = self.source_offset(start)
            return Span(s, s)
        return Span(self.source_offset(start), self.source_offset(end - 1) + 1)

    def flag_values(self, name: str) -> list[str]:
        return [f.value or "" for f in self.flags if f.name == name]


@dataclass(slots=True)
class Stage:
    index: int
    name: str | None  # lower-cased `AS name`
    base: str  # image or earlier stage referenced by FROM
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)


Node = Directive | Trivia | Instruction


@dataclass(slots=True)
class Dockerfile:
    text: str
    nodes: list[Node]
    directives: list[Directive]
    instructions: list[Instruction]
    stages: list[Stage]
    escape: str = "\\"
    bom: bool = False
    newline: str = "\n"
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text

    def directive(self, name: str) -> Directive | None:
        for d in self.directives:
            if d.name == name:
                return d
        return None

    @property
    def global_instructions(self) -> list[Instruction]:
        """Instructions before the first FROM (global ARGs)."""
        return [i for i in self.instructions if i.stage == -1]

    def comments_before(self, instruction: Instruction) -> list[Trivia]:
        """Comment lines directly above an instruction (no blank line between)."""
        # By identity (what list.index finds first): comparing dataclasses field by field is slow,
        # and no two nodes are equal (their spans differ).
        idx = next((k for k, node in enumerate(self.nodes) if node is instruction), None)
        if idx is None:
            raise ValueError(f"{instruction!r} is not in list")
        out: list[Trivia] = []
        for node in reversed(self.nodes[:idx]):
            if isinstance(node, Trivia) and node.kind == "comment":
                out.append(node)
            else:
                break
        out.reverse()
        return out
