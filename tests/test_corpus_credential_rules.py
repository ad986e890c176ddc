"""The credential-file and token rules (DM201, DM202) on the real-world corpus in ../shared/corpus
(read in place, never copied).

- unsafe/: per rule, findings detected, rewritten (fixed) and report-only are printed (the README
  table "Credential files and tokens on the corpus" comes from this output); every file these rules
  rewrite parses with our parser and the official BuildKit parser (when available) and agrees with it,
  a second run changes nothing and leaves no fixable DM2xx finding, and every fixable finding was
  applied;
- clean/ and migrated/: no DM2xx finding at all.

The corpus has no build contexts, so `.dockerignore` and the copied files are unknown here: an
explicit `COPY .npmrc` followed by `COPY . .` is report-only (the context's file would land in a layer
again), which is most of the corpus' `.npmrc` files; the golden cases cover the context-aware paths.
"""

from __future__ import annotations

from collections import Counter

import pytest

from migrate.engine import migrate_source

from corpus import CORPUS_MISSING, assert_sound_rewrite, corpus_files, read_text
from oracle import official_available

CODES = ("DM201", "DM202")
UNSAFE = corpus_files("unsafe")
OTHERS = corpus_files("clean") + corpus_files("migrated")
needs_corpus = pytest.mark.skipif(not UNSAFE, reason=CORPUS_MISSING)


def _mine(result):
    return [f for f in result.findings if f.code in CODES]


@needs_corpus
def test_unsafe_credential_tally_and_rewrites_are_sound(capsys):
    tally: Counter = Counter()
    files: dict[str, set[str]] = {c: set() for c in CODES}
    rewritten_files = []
    for path in UNSAFE:
        text = read_text(path)
        result = migrate_source(text)
        mine = _mine(result)
        for f in mine:
            files[f.code].add(path.name)
            tally[(f.code, "detected")] += 1
            tally[(f.code, "rewritten" if f.fixed else "report-only")] += 1
            assert f.fixable == f.fixed, f"{path.name}: {f.code} line {f.line} has a fix that was not applied"
        if any(f.fixed for f in mine):
            rewritten_files.append(path.name)
            again = assert_sound_rewrite(path.name, result.output)
            assert not [f.message for f in _mine(again) if f.fixable], path.name
    with capsys.disabled():
        print(f"\n[credential files/tokens] unsafe corpus ({len(UNSAFE)} files):")
        print("| rule | files | findings | rewritten | report only |")
        for code in CODES:
            print(f"| {code} | {len(files[code])} | {tally[(code, 'detected')]} | {tally[(code, 'rewritten')]} | "
                  f"{tally[(code, 'report-only')]} |")
        print(f"files rewritten by DM2xx: {len(rewritten_files)} ({', '.join(rewritten_files)}); "
              f"official parser: {'checked' if official_available() else 'not available'}")
    # Measured (see README): DM201 19 findings in 17 files / 3 rewritten; DM202 23 findings in 22 files / 2
    # rewritten (0002, 0104: the git insteadOf write moves into the one RUN that reads it); the others sit in
    # a final image that may be a base image or whose CMD may need the file, hold a literal, or belong to a
    # tool without a safe cleanup.
    assert tally[("DM201", "detected")] >= 19 and tally[("DM201", "rewritten")] >= 3
    assert tally[("DM202", "detected")] >= 23 and tally[("DM202", "rewritten")] >= 2


@needs_corpus
@pytest.mark.parametrize("path", OTHERS, ids=[f"{p.parent.name}/{p.name}" for p in OTHERS])
def test_clean_and_migrated_files_have_no_credential_findings(path):
    result = migrate_source(read_text(path))
    assert [f"{f.code}:{f.line}" for f in _mine(result)] == []
