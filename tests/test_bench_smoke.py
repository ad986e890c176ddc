"""benchmarks/bench.py runs end to end on a small corpus (the real benchmark is not part of the suite)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "bench.py")


@pytest.mark.skipif(not shutil.which("dockerfile-migrate", path=os.path.dirname(sys.executable)),
                    reason="console script not installed")
def test_bench_smoke(tmp_path):
    r = subprocess.run([sys.executable, BENCH, "--files", "120", "--no-hadolint", "--keep", str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "corpus: 120 unique Dockerfiles" in r.stdout
    for row in ("cat", "check", "check 1/4", "diff"):
        assert f"\n{row} " in r.stdout
    assert "check time / cat time:" in r.stdout
    files = [os.path.join(d, f) for d, _s, fs in os.walk(tmp_path / "corpus") for f in fs]
    assert len(files) == 120
    # Every copy is unique: no content-cache shortcut is possible.
    contents = set()
    for f in files:
        with open(f, "rb") as fh:
            contents.add(fh.read())
    assert len(contents) == 120
