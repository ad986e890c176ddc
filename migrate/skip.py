"""The prefilter's verdict: can the engine skip parsing a file? (see prefilter.py)"""

from __future__ import annotations

from .rules import ALL_RULES
from .settings import DEFAULT_SETTINGS, Settings
from .syntax.prescan import logical_view, may_raise


def can_skip(text: str, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """True only when ``text`` parses and no enabled rule can fire on it (see
    prefilter.py). Rules scan the raw text and its logical lines (BOM dropped,
    continuations joined), so a BOM or a continuation cannot hide a finding."""
    if "--mount" in text:
        return False  # existing mounts contribute build requirements
    rules = [r for r in ALL_RULES if settings.enabled(r.code)]
    if not all(r.quick_reject(text, settings) for r in rules):
        return False
    view = logical_view(text)
    if view != text and not all(r.quick_reject(view, settings) for r in rules):
        return False
    return not may_raise(text)
