"""The SSH rules (DM301-DM303) on the real-world corpus in ../shared/corpus (read in place).

- unsafe/: per rule, how many findings are detected, rewritten (fixed) and report-only (printed);
  every file the SSH rules rewrite parses with the official BuildKit parser and agrees with ours, and a
  second run changes nothing and leaves no fixable SSH finding;
- clean/ and migrated/: no SSH finding at all (files there install openssh, clone with
  `RUN --mount=type=ssh` after an `ssh-keyscan`, run sshd, or mention ~/.ssh in comments).

The labels of the corpus were checked by hand for the SSH files: unsafe 0003, 0005, 0018, 0023, 0053
and 0054 write or copy a key that no build step uses (report only: the key is there for the running
container or unused), 0004 also turns host key checking off for the running container (report only),
0022, 0052 and 0060 are rewritten; 0019 has the pattern only in comments, 0112 only copies an
`SSH_KEY` build argument into ENV (DM102's business, nothing is written to a key file).
"""

from __future__ import annotations

from collections import Counter

import pytest

from migrate.engine import migrate_source

from corpus import CORPUS_MISSING, assert_sound_rewrite, corpus_files, read_text

SSH_CODES = ("DM301", "DM302", "DM303")
UNSAFE = corpus_files("unsafe")
OTHERS = corpus_files("clean") + corpus_files("migrated")
needs_corpus = pytest.mark.skipif(not UNSAFE, reason=CORPUS_MISSING)


def _ssh_findings(result):
    return [f for f in result.findings if f.code in SSH_CODES]


@needs_corpus
def test_unsafe_ssh_tally_and_rewrites_are_sound(capsys):
    tally: Counter = Counter()
    files_rewritten = []
    for path in UNSAFE:
        text = read_text(path)
        result = migrate_source(text)
        mine = _ssh_findings(result)
        for f in mine:
            tally[(f.code, "detected")] += 1
            tally[(f.code, "rewritten" if f.fixed else "report-only")] += 1
        if any(f.fixed for f in mine):
            files_rewritten.append(path.name)
            again = assert_sound_rewrite(path.name, result.output)
            assert not [f.message for f in _ssh_findings(again) if f.fixable], path.name
        for f in mine:
            assert f.fixable == f.fixed, f"{path.name}: {f.code} line {f.line} has a fix that was not applied"
    with capsys.disabled():
        rows = []
        for code in SSH_CODES:
            rows.append(f"{code}: detected {tally[(code, 'detected')]}, rewritten {tally[(code, 'rewritten')]}, "
                        f"report-only {tally[(code, 'report-only')]}")
        print(f"\n[ssh] unsafe corpus ({len(UNSAFE)} files): " + "; ".join(rows)
              + f"; files rewritten by SSH rules: {len(files_rewritten)} ({', '.join(files_rewritten)})")
    # Measured: 11 findings (DM301 2, DM302 8, DM303 1), 3 rewritten (all DM302); see the module docstring.
    assert sum(tally[(c, "detected")] for c in SSH_CODES) >= 11
    assert sum(tally[(c, "rewritten")] for c in SSH_CODES) >= 3


@needs_corpus
@pytest.mark.parametrize("path", OTHERS, ids=[f"{p.parent.name}/{p.name}" for p in OTHERS])
def test_clean_and_migrated_files_have_no_ssh_findings(path):
    result = migrate_source(read_text(path))
    assert result.error is None or path.parent.name == "clean"
    assert [f"{f.code}:{f.line}: {f.message}" for f in _ssh_findings(result)] == []
