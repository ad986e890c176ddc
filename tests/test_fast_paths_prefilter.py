"""The shortcuts of the prefilter, the engine's gate and the syntax model answer exactly what the plain versions answer."""

from __future__ import annotations

import dataclasses

from migrate import hintwords, prefilter, skip
from migrate.rules import ALL_RULES
from migrate.settings import DEFAULT_SETTINGS

from corpus import corpus_files, read_text
from golden import cases

TEXTS = [c.input for c in cases()] + [read_text(p) for f in ("clean", "unsafe", "migrated") for p in corpus_files(f)]
TRICKY = ["RUN cat ~/.ssh/id_rsa", "COPY .npmrc .", "RUN echo rc sa .p cre key ea", "RUN x ~/.pypirc",
          "RUN pip.conf && pip.ini", "RUN curl -H 'authorization: bearer x'", "", "RUN DOCKERCFG"]


def test_word_groups_find_every_word():
    assert len(TEXTS) > 50
    for text in TEXTS + TRICKY:
        for variant in (text, text + "\n" + " ".join(hintwords.ALL_WORDS[::3])):
            low = variant.lower()
            assert hintwords.words_in.__wrapped__(variant)[0] == frozenset(
                w for w in hintwords.ALL_WORDS if w in low), variant[:200]


def test_every_word_is_in_one_group_under_a_key_it_contains():
    grouped = [w for _key, group in hintwords.WORD_GROUPS for w in group]
    assert sorted(grouped) == sorted(hintwords.ALL_WORDS)
    assert all(key in w for key, group in hintwords.WORD_GROUPS for w in group)


def _fresh(text, settings):
    return frozenset(rule.code for rule in skip._may_fire(text, settings))


def test_remembered_verdicts_equal_fresh_ones():
    other = dataclasses.replace(DEFAULT_SETTINGS, select=frozenset({"DM2", "DM3"}))
    for text in TEXTS + TRICKY:
        for settings in (DEFAULT_SETTINGS, other):
            expected = _fresh(text, settings)
            # can_skip stops at the first rule that may fire; the engine then asks for them all.
            skip.can_skip(text, settings)
            assert skip.rules_that_may_fire(text, settings) == expected, text[:200]
            assert skip.rules_that_may_fire(text, settings) == expected


def test_interleaved_consumers_see_every_verdict():
    text = "FROM a\nARG NPM_TOKEN\nRUN echo $NPM_TOKEN > ~/.npmrc\nCOPY id_rsa /root/.ssh/\n"
    expected = [r.code for r in skip._may_fire(text, DEFAULT_SETTINGS)]
    assert len(expected) > 1
    first = skip._remembered_may_fire(text, DEFAULT_SETTINGS)
    second = skip._remembered_may_fire(text, DEFAULT_SETTINGS)
    assert next(first).code == expected[0]
    assert [r.code for r in second] == expected
    assert [r.code for r in first] == expected[1:]


def test_a_new_settings_object_is_asked_afresh():
    text = "FROM a\nARG NPM_TOKEN\n"
    assert "DM101" in skip.rules_that_may_fire(text, DEFAULT_SETTINGS)
    only_ssh = dataclasses.replace(DEFAULT_SETTINGS, select=frozenset({"DM3"}))
    assert skip.rules_that_may_fire(text, only_ssh) == frozenset()
    assert {r.code for r in ALL_RULES} >= skip.rules_that_may_fire(text, DEFAULT_SETTINGS)


def test_gated_check_keeps_to_the_selected_rules():
    from migrate.engine import check
    from migrate.syntax import DockerfileSyntaxError, parse

    for select in (frozenset({"DM2"}), frozenset({"DM101", "DM3"})):
        settings = dataclasses.replace(DEFAULT_SETTINGS, select=select)
        for text in TEXTS:
            try:
                df = parse(text)
            except DockerfileSyntaxError:
                continue
            gated = [(f.code, f.line, f.message) for f in check(df, settings)]
            assert gated == [(f.code, f.line, f.message) for f in check(df, settings, gate=False)]
            assert all(settings.enabled(code) for code, _, _ in gated)


DECLARATIONS = ["A]PWD=1", "FOO=1 BAR=2", "X=\"a b\"", "'Q'=1", "A\\ B=1", "URL=https://u:p@h", "FOO=1 \\",
                "FOO=`x`", "NPM_TOKEN", "GITHUB_TOKEN=x", "A=1\x1c", "PWD\x1c", "A B", "=x", "", "  ", "x=y=z",
                "DB_PASSWORD_FILE=/run/x", "ПАРОЛЬ=1"]


def _plain_any_may_declare(parts, policy):
    """The per-line version _any_may_declare stands for."""
    for line in parts:
        line = line.rstrip()
        if line.endswith(("\\", "`")) or "@" in line:
            return True
        for name in prefilter._IDENT.findall(line):
            if prefilter._is_secret_name(name, policy):
                return True
        name_part = line.split("=", 1)[0]
        if any(c in name_part for c in "'\"\\`"):
            return True
        for word in prefilter._GO_BLANKS.split(line):
            name = word.split("=", 1)[0]
            if name and not prefilter._IDENT.fullmatch(name) and prefilter._is_secret_name(name, policy):
                return True
    return False


def test_declarations_are_judged_as_line_by_line():
    from migrate.syntax.prescan import logical_view

    policy = DEFAULT_SETTINGS.secret_policy
    for text in TEXTS:
        for parts in (prefilter.declared_parts(text), prefilter.declared_parts(logical_view(text))):
            assert prefilter._any_may_declare(parts, policy) == _plain_any_may_declare(parts, policy), text[:200]
    for a in DECLARATIONS:
        for b in DECLARATIONS:
            assert prefilter._any_may_declare([a, b], policy) == _plain_any_may_declare([a, b], policy), (a, b)


def test_assignments_are_judged_name_by_name():
    policy = DEFAULT_SETTINGS.secret_policy
    for text in TEXTS + DECLARATIONS:
        names = {run.lstrip("0123456789") for run in prefilter.assigned_runs(text)}
        plain = any(prefilter._is_secret_name(name, policy) for name in names if name)
        assert prefilter.may_assign_secret(text, DEFAULT_SETTINGS) == plain, text[:200]


def test_secret_name_sets_survive_a_reset():
    policy = DEFAULT_SETTINGS.secret_policy
    assert prefilter._any_secret_name({"NPM_TOKEN"}, policy)
    prefilter._secret_names.clear()
    assert prefilter._any_secret_name({"NPM_TOKEN", "HOME"}, policy)
    assert prefilter._any_secret_name({"NPM_TOKEN"}, policy)
    assert not prefilter._any_secret_name({"HOME", "PATH"}, policy)


def test_words_of_a_view_found_from_its_text_equal_a_full_scan():
    from migrate.syntax.prescan import logical_view

    hinted = 0
    for text in TEXTS + ["RUN cat ~/.s\\\nsh/id_rsa", "RUN tok \\\n  en", "RUN x \\\n# c\n  .npmrc"]:
        if not text.isascii():
            continue
        view = logical_view(text)
        hintwords.words_in(text)
        prefilter.expect_view(view, text)
        hinted += hintwords.view_hint[0] is view
        low = view.lower()
        assert hintwords.words_in(view)[0] == frozenset(w for w in hintwords.ALL_WORDS if w in low), text[:200]
    assert hinted > 50


def test_peek_answers_only_for_the_remembered_text():
    text = "RUN echo token"
    hintwords.words_in(text)
    assert hintwords.words_in.peek(text) is hintwords.words_in(text)
    assert hintwords.words_in.peek("".join(["RUN echo ", "token"])) is None  # equal, but another object
    assert hintwords.words_in.peek(text + " ") is None


MOUNT_VALUES = ["type=secret,id=npm", 'type=secret,id="a,b",target=/x', "type=ssh", "", ",,", "a=1,,b",
                'type=secret,"id=x', 'x="1,2",y="3"', "TYPE = Secret , ID=x ", "a=b\n,c", 'a="b\n",c']


def test_mount_values_split_as_the_quote_aware_pattern():
    from migrate import edits

    for value in MOUNT_VALUES:
        plain: dict[str, str] = {}
        for field in edits._MOUNT_SPLIT.split(value):
            field = field.strip()
            if field:
                k, sep, v = field.partition("=")
                plain[k.strip().lower()] = v.strip().strip('"') if sep else "true"
        assert edits.parse_mount(value) == plain, value


def _parsed(texts):
    """The parses of the ``texts`` that parse."""
    from migrate.syntax import DockerfileSyntaxError, parse

    for text in texts:
        try:
            yield parse(text)
        except DockerfileSyntaxError:
            continue


def test_remembered_mounts_are_the_parsed_ones_and_each_call_gets_its_own():
    from migrate.edits import mounts, parse_mount, shared_mounts

    seen = 0
    for df in _parsed(TEXTS):
        for instr in df.instructions:
            expected = [parse_mount(v) for v in instr.flag_values("mount")]
            first = mounts(instr)
            assert first == expected and mounts(instr) == expected
            seen += bool(first)
            for m in first:
                m["type"] = "changed"
            assert mounts(instr) == expected and list(shared_mounts(instr)) == expected
    assert seen > 10


def test_comments_before_finds_the_instruction_by_identity():
    for df in _parsed(TEXTS):
        for instr in df.instructions:
            idx = df.nodes.index(instr)
            plain = []
            for node in reversed(df.nodes[:idx]):
                if getattr(node, "kind", None) == "comment":
                    plain.append(node)
                else:
                    break
            assert df.comments_before(instr) == plain[::-1]
