"""Edit builders shared by rules: remove an instruction or one ARG/ENV pair,
add a flag to a RUN. Each keeps the surrounding bytes untouched."""

from __future__ import annotations

import re

from .fix import Edit
from .syntax import Dockerfile, Instruction, Word, name_value_pairs


def remove_instruction(df: Dockerfile, instr: Instruction) -> Edit:
    start, end = instr.span.start, instr.span.end
    text = df.text
    if start == 0 and df.bom:
        start = 1  # the byte order mark belongs to the file, not to the first line
    if end == len(text) and not text.endswith("\n") and start > 0:
        # Keep "no newline at end of file" true: drop the newline before instead.
        start -= 2 if text[start - 2 : start] == "\r\n" else 1
    return Edit(start, end, "")


def remove_pair(df: Dockerfile, instr: Instruction, word: Word) -> Edit:
    """Remove one ``NAME=value`` word of a multi-pair ARG/ENV instruction."""
    pairs = name_value_pairs(instr, df.escape)
    words = [w for _, _, w in pairs]
    if len(words) <= 1:
        return remove_instruction(df, instr)
    i = next(k for k, w in enumerate(words) if w.start == word.start)
    if i > 0:
        # From the end of the previous word through this one: takes the
        # separator (and any continuation) before it.
        return Edit(instr.source_offset(words[i - 1].end - 1) + 1, instr.source_span(word.start, word.end).end)
    nxt = words[1]
    return Edit(instr.source_offset(word.start), instr.source_offset(nxt.start))


def add_run_flag(instr: Instruction, flag: str) -> Edit:
    """Insert ``flag`` right after the RUN keyword."""
    k = instr.keyword_span.end
    return Edit(k, k, " " + flag)


_MOUNT_SPLIT = re.compile(r',(?=(?:[^"]*"[^"]*")*[^"]*$)')


def parse_mount(value: str) -> dict[str, str]:
    """Parse a ``--mount`` value (CSV of key=value) into a dict; bare keys map to "true"."""
    out: dict[str, str] = {}
    # Without a quote _MOUNT_SPLIT's lookahead holds at every comma.
    for field in _MOUNT_SPLIT.split(value) if '"' in value else value.split(","):
        field = field.strip()
        if not field:
            continue
        k, sep, v = field.partition("=")
        out[k.strip().lower()] = v.strip().strip('"') if sep else "true"
    return out


def mounts(instr: Instruction) -> list[dict[str, str]]:
    """The instruction's `--mount` values, parsed; each call gets its own dicts."""
    return [dict(m) for m in shared_mounts(instr)]


def shared_mounts(instr: Instruction) -> tuple[dict[str, str], ...]:
    """mounts(instr), parsed once per instruction (the engine and several rules ask): shared,
    not to be changed."""
    parsed = instr.memo.get("mounts")
    if parsed is None:
        parsed = instr.memo["mounts"] = tuple(parse_mount(v) for v in instr.flag_values("mount"))
    return parsed


def secret_mount_id(m: dict[str, str]) -> str | None:
    if m.get("type") != "secret":
        return None
    ident = m.get("id") or m.get("src") or m.get("source")
    if ident:
        return ident
    target = m.get("target") or m.get("dst") or m.get("destination")
    if target:
        return target.rstrip("/").rsplit("/", 1)[-1]
    return None


def has_secret_mount(instr: Instruction, secret_id: str, env: str | None = None) -> bool:
    for m in shared_mounts(instr):
        if secret_mount_id(m) == secret_id and (env is None or m.get("env") == env):
            return True
    return False
