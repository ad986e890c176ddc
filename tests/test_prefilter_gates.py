"""The prefilter's word gates (prefilter.required_words) and what can_skip infers from them."""

from __future__ import annotations

import random

import pytest

from migrate.analysis.credential_copies import may_copy_credentials
from migrate.analysis.ssh import may_involve_ssh
from migrate.analysis.token_writes import may_write_token
from migrate.prefilter import lacks_required_words, required_words
from migrate.settings import DEFAULT_SETTINGS
from migrate.skip import can_skip
from migrate.syntax.prescan import joins_keep_words_apart, logical_view

from corpus import corpus_files, read_text
from golden import cases

TEXTS = [c.input for c in cases()] + [read_text(p) for f in ("clean", "unsafe", "migrated") for p in corpus_files(f)]
# The plain checks the gates stand in front of: True = the rule may fire.
MAY_FIRE = {
    "DM201": lambda t: may_copy_credentials(t, DEFAULT_SETTINGS),
    "DM202": lambda t: may_write_token(t, DEFAULT_SETTINGS),
    "DM301": may_involve_ssh,
}


def variants(text: str) -> list[str]:
    return [text, text.upper(), text.swapcase(), text.replace("\n", "\r\n"), "\ufeff" + text]


@pytest.mark.parametrize("code", sorted(MAY_FIRE))
def test_a_text_without_the_required_words_lets_the_rule_find_nothing(code):
    need = required_words(code, DEFAULT_SETTINGS)
    # Each word alone, in a line the rule would look at, in mixed case.
    probes = [f"FROM a\nCOPY {w} /x\nRUN {w.upper()} && ssh -i {w}\n" for w in need.words]
    probes += [f"FROM a\nCOPY x{a.title()}y{b} .\nRUN bundle config x:{a} sed {b}\n" for a, b in need.pairs]
    checked = 0
    for text in [v for t in TEXTS + probes for v in variants(t)]:
        if lacks_required_words(code, text, DEFAULT_SETTINGS):
            checked += 1
            assert not MAY_FIRE[code](text), (code, text[:300])
    assert checked > 50


def test_words_are_looked_for_in_any_case_and_never_in_non_ascii_texts():
    for text in ("FROM a\nCOPY .NPMRC .\n", "FROM a\nCOPY .NpmRc .\n", "FROM a\nRUN echo PaSsWoRd > f\n"):
        assert not lacks_required_words("DM201" if "COPY" in text else "DM202", text, DEFAULT_SETTINGS)
    # `(?i)` matches "ſ" (long s) to "s" and the Kelvin sign to "k": lower() does not, so no gate there.
    for text in ("FROM a\nRUN echo \u017fecret > f\n", "FROM a\nCOPY .\u212aube/config .\n"):
        assert not lacks_required_words("DM202", text, DEFAULT_SETTINGS)
        assert not lacks_required_words("DM201", text, DEFAULT_SETTINGS)


def test_no_gate_when_the_build_context_is_read():
    from dataclasses import replace

    settings = replace(DEFAULT_SETTINGS, read_context=lambda path: None)
    assert required_words("DM201", settings) is None
    assert not lacks_required_words("DM201", "FROM a\nCOPY . .\n", settings)


def test_when_joins_keep_words_apart_the_view_holds_no_new_word():
    words = sorted({w for c in MAY_FIRE for w in required_words(c, DEFAULT_SETTINGS).words})
    rnd = random.Random(8)
    pieces = ["\\\n", "\\\n", " \\\n", "\\ \r\n", "\\\n#c\n", "\\\n\n", "  ", "\t", "\n", "#", "x", "\\\\\n"]
    texts = list(TEXTS)
    for _ in range(20000):
        word = rnd.choice(words)
        cut = rnd.randint(0, len(word))
        texts.append(word[:cut] + "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 3))) + word[cut:])
    apart = 0
    for text in texts:
        if joins_keep_words_apart(text):
            apart += 1
            view, low = logical_view(text).lower(), text.lower()
            assert not [w for w in words if w in view and w not in low], repr(text[:300])
    assert apart > 1000


@pytest.mark.parametrize("text", [
    "FROM a\nRUN echo pass\\\nword > f\n",  # a word split by a continuation
    "FROM a\nRUN echo x \\\n && s\\\nsh -i k h\n",
    "FROM a\nCOPY .np\\\n# note\nmrc /x\n",  # ... with a comment line inside
    "\ufeffFROM a\nRUN echo \\\n  $TOKEN > ~/.npmrc\n",
    "FROM a\r\nRUN echo ToKeN > f\r\n",
    "FROM a\nCOPY ID_RSA /root/.SSH/\n",
])
def test_texts_a_too_tight_gate_would_skip_are_parsed(text):
    assert not can_skip(text)


def test_a_word_split_by_a_join_is_seen_only_in_the_logical_view():
    text = "FROM a\nRUN echo x \\\n  && s\\\nsh -i key host\n"
    assert lacks_required_words("DM301", text.replace("s\\\nsh", "s_sh"), DEFAULT_SETTINGS)
    assert not joins_keep_words_apart(text)
    assert not can_skip(text)


def test_a_rules_own_view_check_answers_as_its_quick_reject_on_the_view():
    from migrate.rules import ALL_RULES

    rules = [r for r in ALL_RULES if hasattr(r, "quick_reject_view")]
    assert {r.code for r in rules} >= {"DM101", "DM102", "DM103"}
    rnd = random.Random(9)
    pieces = ["ARG ", "ENV ", "arg\t", "RUN ", "\\\n", " \\\n  ", "\\\n# c\n", "TOKEN", "PASS", "WORD", "=x ", "A",
              "\n", "@", "gh", "p_", "ghp_" + "a" * 36, "https://", "u:pw", "@h", "-----BEGIN RSA PRIVATE KEY-----",
              "aws_secret_access_key=", "A" * 40, "AKIA", "B" * 16, " ", "\ufeff"]
    texts = TEXTS + ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12))) for _ in range(30000)]
    seen = 0
    for text in texts:
        view = logical_view(text)
        for rule in rules:
            if rule.quick_reject(text, DEFAULT_SETTINGS):
                seen += 1
                assert rule.quick_reject_view(view, text, DEFAULT_SETTINGS) == \
                    rule.quick_reject(view, DEFAULT_SETTINGS), (rule.code, repr(text[:300]))
    assert seen > 10000


def test_can_skip_asks_every_enabled_rule(monkeypatch):
    from migrate import skip
    from migrate.rules import ALL_RULES, Rule

    class NewRule(Rule):
        code = "DM999"

    monkeypatch.setattr(skip, "ALL_RULES", ALL_RULES + (NewRule,))
    monkeypatch.setattr(skip, "_enabled_memo", [None, ()])
    assert not skip.can_skip("FROM alpine\nRUN true\n")  # it cannot reject anything
    monkeypatch.setattr(skip, "ALL_RULES", ALL_RULES)
    monkeypatch.setattr(skip, "_enabled_memo", [None, ()])
    assert skip.can_skip("FROM alpine\nRUN true\n")


def test_secret_name_verdicts_are_kept_per_policy():
    from migrate.prefilter import _is_secret_name
    from migrate.secrets import SecretPolicy

    custom = SecretPolicy(extra_names=("BUILD_ID",))
    assert not _is_secret_name("BUILD_ID", DEFAULT_SETTINGS.secret_policy)
    assert _is_secret_name("BUILD_ID", custom)
    assert not _is_secret_name("BUILD_ID", DEFAULT_SETTINGS.secret_policy)
