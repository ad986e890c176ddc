"""The analyses' hint checks answer from the words found once per text (migrate/hintwords.py)
exactly what their plain scans answer; the rules' word gate lives in Rule.quick_reject."""

from __future__ import annotations

import random

import pytest

from migrate import hintwords, prefilter
from migrate.analysis import credential_copies, ssh, token_writes
from migrate.rules import ALL_RULES, Rule
from migrate.settings import DEFAULT_SETTINGS
from migrate.syntax.prescan import logical_view

from corpus import corpus_files, read_text
from golden import cases

TEXTS = [c.input for c in cases()] + [read_text(p) for f in ("clean", "unsafe", "migrated") for p in corpus_files(f)]
TRICKY = ["RUN ssh -i k h", "RUN SSH\n-i k", "RUN xssh -i k", "RUN ssh_x -i k", "RUN s\u017fh -i k", "RUN sftp\t-i",
          "RUN scp -ik", "RUN cat ~/.SSH/x", "RUN ssh-add k", "RUN x ssh_config", "RUN \u212anownhostsfile",
          "RUN ssh h; -i", "RUN ssh --identity", "RUN sshd -i", "RUN \u00e9ssh -i k", "RUN ssh\u00e9 -i", "", "ssh -i"]


def _plain_may_involve_ssh(text: str) -> bool:
    """may_involve_ssh as it was: substring tests and _IDENTITY_HINT on the lower-cased text."""
    low = text.lower()
    return any(w in low for w in ssh._HINT_WORDS) or ("-i" in low and ssh._IDENTITY_HINT.search(low) is not None)


def _variants(text):
    return (text, text.upper(), text.swapcase(), text + "\n" + " ".join(hintwords.ALL_WORDS[::4]))


def _hints(text):
    return (ssh.may_involve_ssh.__wrapped__(text), credential_copies._hint(text), token_writes._hint(text))


def _plain_hints(text):
    return (_plain_may_involve_ssh(text), credential_copies._HINT.search(text) is not None,
            token_writes._HINT.search(text) is not None)


def test_hints_equal_the_plain_scans_with_or_without_the_words_found():
    assert len(TEXTS) > 50
    for text in TEXTS + TRICKY:
        for variant in _variants(text):
            variant = "".join([variant, "\n"])  # an object the memo has not seen
            expected = _plain_hints(variant)
            assert hintwords.words_in.peek(variant) is None
            assert _hints(variant) == expected, variant[:200]  # scanning for their own words
            hintwords.words_in(variant)
            assert _hints(variant) == expected, variant[:200]  # from the words found


def test_hints_of_a_logical_view_equal_the_plain_scans():
    # The view's words come from its text's (prefilter.expect_view): the hints must not differ.
    hinted = 0
    for text in TEXTS + ["RUN ssh \\\n -i k h", "RUN s\\\nsh -i k", "RUN x \\\n  .npmrc", "RUN tok \\\n  en"]:
        view = logical_view(text)
        hintwords.words_in(text)
        prefilter.expect_view(view, text)
        hinted += hintwords.view_hint[0] is view
        hintwords.words_in(view)
        assert _hints(view) == _plain_hints(view), text[:200]
    assert hinted > 50


def _random_texts(seed, count):
    rnd = random.Random(seed)
    pieces = ["s", "sh", "ssh", "scp", "sftp", "-i", "-", "i", " ", "\t", "\n", "\r", "\x0b", "\x1c", "x", "_", "9",
              ".", "/", "\u00e9", "\u017f", "\u00a0", "\u212a", "S", "SSH", "-I"]
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14))) for _ in range(count)]


def test_the_literal_led_identity_hint_equals_the_plain_one():
    texts = TEXTS + TRICKY + _random_texts(4, 30000)
    found = 0
    for text in texts:
        for variant in (text, text.lower()):
            plain = ssh._IDENTITY_HINT.search(variant) is not None
            found += plain
            assert (ssh._IDENTITY_HINT_FROM_S.search(variant) is not None) == plain, repr(variant[:200])
    assert found > 500


def test_any_of_equals_a_scan_for_each_word():
    rnd = random.Random(5)
    words = [w for group in (hintwords.CREDENTIAL_COPY_WORDS, hintwords.TOKEN_WRITE_WORDS, hintwords.SSH_WORDS)
             for w in group]
    extra = ["".join(rnd.choice(words + [" ", "x", "s", "\n"]) for _ in range(rnd.randint(0, 3))) for _ in range(3000)]
    for group in (hintwords.CREDENTIAL_COPY_WORDS, hintwords.TOKEN_WRITE_WORDS, hintwords.SSH_WORDS,
                  hintwords.SSH_TOOLS):
        any_of = hintwords.AnyOf(group)
        for text in TEXTS + TRICKY + extra:
            if not text.isascii():
                continue
            present, low, _ = hintwords.words_in.__wrapped__(text)
            assert any_of(present, low) == any(w in low for w in group), (group, text[:200])


def test_the_hint_words_are_among_the_words_looked_for():
    assert set(hintwords.SSH_TOOLS) <= set(hintwords.ALL_WORDS)  # may_involve_ssh gates on them
    for need in (prefilter._CREDENTIAL_COPY, prefilter._TOKEN_WRITE, prefilter._SSH):
        assert set(need.words) <= set(hintwords.ALL_WORDS)
    for module in (credential_copies, ssh, token_writes):
        assert module._ANY_HINT_WORD.found <= set(hintwords.ALL_WORDS)
        assert all(a in hintwords.ALL_WORDS and a in w for a, w in module._ANY_HINT_WORD.inside)


def test_the_word_gate_is_the_base_rules():
    gated = [r for r in ALL_RULES if prefilter.required_words(r.code, DEFAULT_SETTINGS) is not None]
    assert {r.code for r in gated} == {"DM201", "DM202", "DM301", "DM302", "DM303"}
    for rule in gated:
        assert rule.quick_reject.__func__ is Rule.quick_reject.__func__, rule.code  # states only may_find
        assert rule.quick_reject("FROM a\nRUN true\n", DEFAULT_SETTINGS), rule.code


@pytest.mark.parametrize("code", ["DM201", "DM202", "DM301", "DM302", "DM303"])
def test_quick_reject_is_the_word_gate_or_the_rules_own_check(code):
    rule = next(r for r in ALL_RULES if r.code == code)
    for text in TEXTS + TRICKY:
        expected = prefilter.lacks_required_words(code, text, DEFAULT_SETTINGS) or not rule.may_find(text, DEFAULT_SETTINGS)
        assert rule.quick_reject(text, DEFAULT_SETTINGS) == expected, text[:200]


def test_the_identity_hint_needs_a_word_boundary_before_the_tool():
    assert not ssh.may_involve_ssh.__wrapped__("RUN xssh -i k")
    assert ssh.may_involve_ssh.__wrapped__("RUN x.ssh -i k")  # a `.ssh` hint word anyway
    assert ssh.may_involve_ssh.__wrapped__("RUN x-ssh -i k")


def test_copy_lines_found_from_their_keyword_equal_the_plain_regex():
    rnd = random.Random(6)
    pieces = ["copy", "add", "COPY", "Add", "onbuild", "ONBUILD", " ", "\t", "\n", "\r", "\x0b", "\x1c", "x", "#",
              "\\", "c", "a", "\u00a0", "\u212a", "addcopy"]
    extra = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10))) for _ in range(30000)]
    found = 0
    for text in TEXTS + TRICKY + extra:
        for variant in (text, text.swapcase()):
            plain = credential_copies._COPY_LINE.search(variant) is not None
            found += plain
            assert credential_copies._has_copy_line(variant) == plain, repr(variant[:200])
    assert found > 1000
