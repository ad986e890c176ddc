"""The prefilter's verdict: can the engine skip parsing a file? (see prefilter.py)"""

from __future__ import annotations

from .prefilter import expect_view, lacks_words, required_words
from .rules import ALL_RULES
from .settings import DEFAULT_SETTINGS, Settings
from .syntax.prescan import joins_keep_words_apart, logical_view, may_raise

# Rules most files that cannot be skipped trip first (DM101: 86% of the unsafe corpus), cheap
# ones before dear ones; the word-gated rules last (their words are looked for once, together).
# A rule not listed goes first.
_BY_COST = ("DM104", "DM101", "DM102", "DM103", "DM301", "DM302", "DM303", "DM201", "DM202")
_enabled_memo: list = [None, ()]  # what decides them (see _enabled), the enabled rules with their required words
# The last text and settings objects asked about (held, so their ids stay unique), the lazy
# verdicts on them, the rules those yielded so far and the enabled rules they judge: the engine
# asks can_skip, which stops at the first rule that may fire, then rules_that_may_fire about the
# same file.
_verdict_memo: list = [None, None, None, [], None]


def can_skip(text: str, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """True only when ``text`` parses and no enabled rule can fire on it (see
    prefilter.py). Rules scan the raw text and its logical lines (BOM dropped,
    continuations joined), so a BOM or a continuation cannot hide a finding."""
    if "--mount" in text:
        return False  # existing mounts contribute build requirements
    for _rule in _remembered_may_fire(text, settings):
        return False
    return not may_raise(text)


def rules_that_may_fire(text: str, settings: Settings) -> frozenset[str]:
    """Codes of the enabled rules the prefilter cannot rule out on ``text`` (the engine runs
    only those). Sound for the backslash escape character; a file with another one must not
    be judged by its logical view (`logical_view` joins backslash lines only)."""
    return frozenset(rule.code for rule in _remembered_may_fire(text, settings))


def _remembered_may_fire(text: str, settings: Settings):
    """_may_fire(text, settings), resumed where an earlier question about the same text and
    settings objects and the same enabled rules stopped: its verdicts depend on nothing else
    (a text object is immutable, settings are frozen), so none is worked out twice."""
    memo = _verdict_memo
    rules = _enabled(settings)  # a new tuple whenever the enabled rules change
    if memo[0] is not text or memo[1] is not settings or memo[4] is not rules:
        memo[:] = [text, settings, _may_fire(text, settings), [], rules]
    verdicts, found = memo[2], memo[3]
    at = 0
    while True:  # by index: a consumer may stop early and another resume the verdicts
        if at == len(found):
            try:
                found.append(next(verdicts))
            except StopIteration:
                return
            except BaseException:
                memo[:] = [None, None, None, [], None]  # verdicts cut short: forget them
                raise
        yield found[at]
        at += 1


def _may_fire(text: str, settings: Settings):
    """The enabled rules that may fire on ``text``, cheapest verdicts first (lazily: can_skip
    stops at the first)."""
    wordless = []  # rules the text gives none of their required words
    asked = []
    is_ascii = text.isascii()  # words are only known to be needed in ASCII texts
    for rule, need in _enabled(settings):
        if need is not None and is_ascii and lacks_words(text, need):
            wordless.append(rule)
        elif rule.quick_reject(text, settings):
            asked.append(rule)
        else:
            yield rule
    if not asked and (not wordless or joins_keep_words_apart(text)):
        return  # nothing would be asked about the view (see below)
    view = logical_view(text)
    if view != text:
        expect_view(view, text)
        if not joins_keep_words_apart(text):
            asked += wordless  # a joined line may hold a word neither of its halves holds
        for rule in asked:
            # A rule may know a cheaper way to judge the view of a text it rejected.
            ask_view = getattr(rule, "quick_reject_view", None)
            if not (ask_view(view, text, settings) if ask_view else rule.quick_reject(view, settings)):
                yield rule


def _enabled(settings: Settings) -> tuple:
    # Which rules are enabled depends on select/ignore, their required words on whether the build
    # context is readable: not on the settings object, which the shell makes anew per file.
    key = (settings.select, settings.ignore, settings.read_context is None)
    if _enabled_memo[0] != key:
        rules = sorted((r for r in ALL_RULES if settings.enabled(r.code)),
                       key=lambda r: _BY_COST.index(r.code) if r.code in _BY_COST else -1)
        _enabled_memo[:] = [key, tuple((r, required_words(r.code, settings)) for r in rules)]
    return _enabled_memo[1]
