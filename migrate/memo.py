"""A one-entry memo keyed on the identity of a text object (never on its content)."""

from __future__ import annotations

import functools


def same_text_memo(fn):
    """Remember ``fn``'s answer for the last text *object* (not its content) and arguments:
    several rules ask the same question about the same file; another file is another object,
    so nothing is answered across files from a content cache."""
    last: list = [None, None, None]  # text, other arguments, answer (the text is held: its id stays unique)

    @functools.wraps(fn)
    def memo(text, *args):
        if text is last[0] and args == last[1]:
            return last[2]
        answer = fn(text, *args)
        last[:] = [text, args, answer]
        return answer

    def peek(text, *args):
        """The remembered answer for ``text`` and ``args``; None when it is not remembered."""
        return last[2] if text is last[0] and args == last[1] else None

    memo.peek = peek
    return memo
