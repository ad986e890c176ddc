"""The shortcuts of the secret-flow rules (DM101/DM102/DM103) answer exactly what the plain code answers."""

from __future__ import annotations

import random
import re

from migrate.analysis import flows, shell
from migrate.secrets import mask_value, shows_as_masked
from migrate.syntax import DockerfileSyntaxError, name_value_pairs, parse

from corpus import corpus_files, read_text
from golden import cases

TEXTS = [c.input for c in cases()] + [read_text(p) for f in ("clean", "unsafe", "migrated") for p in corpus_files(f)]
TRICKY_RUNS = [
    "RUN apt-get update && (cd x; make)", "RUN { echo a; } > f", "RUN # $(comment)\n echo ok", "RUN echo `id`",
    "RUN diff <(ls) >(cat)", "RUN apt-get install -y a; # c && $(x)", "RUN A=1 B=2 apt-get update",
    "RUN \u00a0(true)", "RUN echo a |\x1c{ cat; }", "RUN if true; then echo; fi", "RUN ./use_secret.sh",
    "RUN cat <<EOF > f\n$TOKEN\nEOF", "RUN --mount=type=secret,id=$X true", "RUN [\"apt-get\", \"update\"]",
]


def _parsed():
    for text in TEXTS + ["FROM a\n" + r + "\n" for r in TRICKY_RUNS]:
        try:
            yield parse(text)
        except DockerfileSyntaxError:
            continue


def _plain_commands_env_blind(script: str) -> bool:
    """shell._commands_env_blind as it was: every segment searched with _UNCERTAIN."""
    for segment in shell._SPLIT.split(script):
        seg = segment.strip()
        if not seg or seg.startswith("#"):
            continue
        if shell._UNCERTAIN.search(seg):
            return False
        words = seg.split()
        while words and shell._ASSIGN.match(words[0]):
            words.pop(0)
        if not words:
            continue
        prog = words[0].rsplit("/", 1)[-1]
        if prog in shell._SHELL_KEYWORDS or prog not in shell.ENV_BLIND_PROGRAMS:
            return False
    return True


def test_env_blind_equals_the_plain_segment_scan():
    scripts = [i.args for df in _parsed() for i in df.instructions if i.cmd == "RUN"]
    scripts += [r[4:] for r in TRICKY_RUNS]
    assert len(scripts) > 200
    rnd = random.Random(1)
    pieces = ["apt-get update", "echo $(id)", "(cd x)", "{ a; }", "`b`", "# c", "A=1", "ls", "<(x)", ">(y)",
              "make", " ", "\n", "&&", "||", ";", "|", "&", "\u00a0", "\x1c", "#", "$", "(", "{"]
    scripts += ["".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 12))) for _ in range(3000)]
    for script in scripts:
        assert shell._commands_env_blind(script) == _plain_commands_env_blind(script), script


def test_heredoc_operator_needs_two_angles():
    for script in ["cat <<EOF", "a <<-X b", "x 2<<y", "a < b << c", "no heredoc <", "<<"]:
        assert (shell._HEREDOC_OP.search(script) is not None) <= ("<<" in script), script


def test_references_equal_the_regex():
    names = ["A", "TOKEN", "NPM_TOKEN", "X1", "1", "a.b", "_", "N-M", ""]
    texts = [i.logical for df in _parsed() for i in df.instructions]
    texts += ["$A", "${A}", "${A:-x}", "$AB", "${AB}", "$$A", "${$A}", "$a.b", "${a.b}", "$N-M", "A$", "$"]
    for text in texts:
        for name in names:
            assert shell.references(text, name) == (shell._var_regex(name).search(text) is not None), (text, name)


def test_instructions_without_a_dollar_reference_nothing():
    for df in _parsed():
        names = {n for i in df.instructions if i.cmd in ("ARG", "ENV") for n, _, _ in name_value_pairs(i, df.escape)}
        names |= {"TOKEN", "A", "HOME"}
        for instr in df.instructions:
            if not flows._mentions_dollar(instr):
                assert not any(shell.instruction_references(instr, n) for n in names), instr.logical
            if instr.cmd == "RUN" and not any("$" in f.text for f in instr.flags):
                assert not any(shell.references(v, n) for v in instr.flag_values("mount") for n in names)


def test_run_observes_splits_into_named_and_unnamed():
    for df in _parsed():
        for instr in df.instructions:
            if instr.cmd != "RUN":
                continue
            for name in ("TOKEN", "A", "NPM_TOKEN"):
                plain = shell.instruction_references(instr, name) or shell.observes_unnamed(instr)
                assert shell.run_observes(instr, name) == plain


def test_shows_as_masked_equals_comparing_with_the_mask():
    values = ["", " ", "****", "ab****", "x****y", "ghp_****", "https://u:p@h", "https://u:****@h", "https://h/@x",
              "$X", "${X}", " $X ", "short", "a-longer-value-1234", "ghp_" + "a" * 36, "AKIAABCDEFGHIJKLMNOP",
              "https://TOKEN@github.com/x", "git@github.com:x", "postgres://app@db", "://@", "sk_live_abcdefghijk"]
    rx = re.compile(r"[=\s]([^\s=]{1,80})")
    values += [m.group(1) for text in TEXTS[:400] for m in rx.finditer(text)]
    rnd = random.Random(3)
    alphabet = "ab*$:/@ghp_AKIA1{}- "
    values += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 24))) for _ in range(3000)]
    for value in values:
        assert shows_as_masked(value) == (mask_value(value) == value), value


def test_policy_hash_is_the_fields_hash_and_stays_out_of_pickles():
    import pickle

    from migrate.secrets import DEFAULT_POLICY, SecretPolicy, _classify, classify_name

    policy = SecretPolicy(extra_names=["ACME_.*"], ignore_value_kinds=["jwt"])
    fields = (policy.extra_names, policy.ignore_names, policy.extra_value_patterns, policy.ignore_value_kinds)
    assert hash(policy) == hash(fields) == hash(SecretPolicy(extra_names=("ACME_.*",), ignore_value_kinds=("jwt",)))
    assert hash(DEFAULT_POLICY) == hash(((), (), (), ()))
    copy = pickle.loads(pickle.dumps(policy))
    assert "_hash" not in copy.__dict__ and copy == policy and hash(copy) == hash(policy)
    assert classify_name("ACME_THING", None, policy).kind == "custom"
    before = _classify.cache_info().hits
    assert classify_name("ACME_THING", None, copy).kind == "custom"  # an equal policy finds the verdict
    assert _classify.cache_info().hits == before + 1


def test_literal_memo_answers_as_a_fresh_scan():
    from migrate import secrets
    from migrate.secrets import SecretPolicy, find_credential_literals, scan_credential_literals

    text = "FROM a\nRUN curl https://user:hunter2pass@example.com/x && echo ghp_aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zA1bC2\n"
    first = find_credential_literals(text)
    assert first == scan_credential_literals(text) and first
    first.clear()  # a caller's list is its own
    assert find_credential_literals(text) == scan_credential_literals(text)
    custom = SecretPolicy(ignore_value_kinds=("github-token",))
    assert [c.kind for c in find_credential_literals(text, custom)] == ["url-userinfo"]
    assert len(find_credential_literals(text)) == 2
    same_content = "".join(list(text))  # another object: answered by a scan, never from content
    assert same_content is not text and secrets._LAST_LITERALS[0][0] is text
    assert find_credential_literals(same_content) == scan_credential_literals(text)
    assert secrets._LAST_LITERALS[0][0] is same_content


def test_token_and_context_patterns_skipped_only_without_their_triggers(monkeypatch):
    from migrate import secrets

    texts = TEXTS[:300] + ["x ghp_" + "b" * 36 + " aws_secret_access_key=" + "A" * 40, "//r/:_authToken=abc123",
                           "https://u:p@h AKIAABCDEFGHIJKLMNOP", "eyJabcdefghij.eyJabcdefghij.sig"]
    fast = [secrets.scan_credential_literals(t) for t in texts]
    everything = frozenset(secrets._TRIGGERS)
    monkeypatch.setattr(secrets, "_TOKEN_TRIGGERS", everything)
    monkeypatch.setattr(secrets, "_CONTEXT_TRIGGERS", everything)
    assert fast == [secrets.scan_credential_literals(t) for t in texts]
    assert any(fast)


def test_global_instructions_are_the_leading_ones():
    for df in _parsed():
        leading = []
        for instr in df.instructions:
            if instr.stage != -1:
                break
            leading.append(instr)
        assert leading == df.global_instructions
        assert all(instr.stage >= 0 for instr in df.instructions[len(leading):])


def test_line_numbers_equal_bisect_over_line_starts():
    import bisect

    from migrate.rules.dm103_credential_literal import line_numbers

    rnd = random.Random(5)
    texts = TEXTS[:100] + ["", "\n", "a", "\n\n\na\n", "x\r\ny\rz\n"]
    for text in texts:
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        offsets = [rnd.randrange(0, len(text) + 1) for _ in range(rnd.randrange(0, 12))] + [0, len(text)]
        lines = line_numbers(text, offsets)
        assert lines == {p: bisect.bisect_right(starts, p) for p in offsets}
