"""The prefilter's verdict: can the engine skip parsing a file? (see prefilter.py)"""

from __future__ import annotations

from .prefilter import LINE_BY_LINE, changed_lines, lacks_required_words
from .rules import RULES_BY_CODE
from .settings import DEFAULT_SETTINGS, Settings
from .syntax.prescan import joins_keep_words_apart, logical_view, may_raise

# Cheapest quick_reject first: most files that cannot be skipped are caught early.
_BY_COST = ("DM104", "DM301", "DM302", "DM303", "DM201", "DM202", "DM101", "DM102", "DM103")
_enabled_memo: list = [None, ()]  # settings object, its enabled rules


def can_skip(text: str, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """True only when ``text`` parses and no enabled rule can fire on it (see
    prefilter.py). Rules scan the raw text and its logical lines (BOM dropped,
    continuations joined), so a BOM or a continuation cannot hide a finding."""
    if "--mount" in text:
        return False  # existing mounts contribute build requirements
    wordless = []  # rules the text gives none of their required words
    asked = []
    for rule in _enabled(settings):
        if lacks_required_words(rule.code, text, settings):
            wordless.append(rule)
        elif rule.quick_reject(text, settings):
            asked.append(rule)
        else:
            return False
    view = logical_view(text)
    if view != text:
        if not joins_keep_words_apart(text):
            asked += wordless  # a joined line may hold a word neither of its halves holds
        changed = None
        for rule in asked:
            if rule.code in LINE_BY_LINE:
                if changed is None:
                    changed = changed_lines(text, view)
                if not rule.quick_reject(changed, settings):
                    return False
            elif not rule.quick_reject(view, settings):
                return False
    return not may_raise(text)


def _enabled(settings: Settings) -> tuple:
    if _enabled_memo[0] is not settings:
        _enabled_memo[:] = [settings, tuple(RULES_BY_CODE[c] for c in _BY_COST if settings.enabled(c))]
    return _enabled_memo[1]
