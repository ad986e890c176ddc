"""Real-world Dockerfiles from ../shared/corpus (read in place, never copied).

- clean/: no findings, output byte-identical;
- migrated/: nothing already migrated is reported again (no ARG/ENV finding
  for a secret that already comes from a mount);
- unsafe/: tally of files with findings and files rewritten (printed, and
  bounded below); every rewritten file parses with our parser and the official
  one, agrees with the official parser, and a second run changes nothing.
"""

from __future__ import annotations

from collections import Counter

import pytest

from migrate.edits import mounts, secret_mount_id
from migrate.engine import migrate_source
from migrate.syntax import parse

from corpus import CORPUS_MISSING, assert_sound_rewrite, corpus_files, read_text

CLEAN = corpus_files("clean")
MIGRATED = corpus_files("migrated")
UNSAFE = corpus_files("unsafe")
needs_corpus = pytest.mark.skipif(not UNSAFE, reason=CORPUS_MISSING)


@needs_corpus
@pytest.mark.parametrize("path", CLEAN, ids=[p.name for p in CLEAN])
def test_clean_files_have_no_findings(path):
    text = read_text(path)
    result = migrate_source(text)
    assert result.error is None, result.error
    assert [f"{f.code}:{f.line}" for f in result.findings] == []
    assert result.output == text


@needs_corpus
@pytest.mark.parametrize("path", MIGRATED, ids=[p.name for p in MIGRATED])
def test_migrated_files_not_reported_for_their_mounts(path):
    text = read_text(path)
    df = parse(text)
    mounted = {secret_mount_id(m) for i in df.instructions if i.cmd == "RUN" for m in mounts(i)} - {None}
    result = migrate_source(text)
    assert result.error is None
    again = [f for f in result.findings if f.subject in mounted]
    assert again == [], [f.message for f in again]


def _tally():
    rows = Counter()
    per_code = Counter()
    results = {}
    for path in UNSAFE:
        text = read_text(path)
        result = migrate_source(text)
        results[path] = result
        if result.findings:
            rows["files with findings"] += 1
        if result.changed:
            rows["files rewritten"] += 1
        if result.error:
            rows["parse errors"] += 1
        for code in {f.code for f in result.findings}:
            per_code[code] += 1
    return rows, per_code, results


@needs_corpus
def test_unsafe_tally_and_rewrites_are_sound(capsys):
    rows, per_code, results = _tally()
    with capsys.disabled():
        print(f"\nunsafe corpus: {len(UNSAFE)} files; " + ", ".join(f"{k}: {v}" for k, v in sorted(rows.items())))
        print("files per rule: " + ", ".join(f"{k}: {v}" for k, v in sorted(per_code.items())))
    assert rows["files with findings"] >= 100
    assert rows["files rewritten"] >= 70
    for path, result in results.items():
        if not result.changed:
            continue
        assert_sound_rewrite(path.name, result.output)
