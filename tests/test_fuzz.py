"""The fuzz target (`python -m fuzz`, issue 7) runs in CI for a short fixed budget;
longer runs: README "Robustness"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import fuzz.__main__ as fuzz_main

ROOT = Path(__file__).resolve().parent.parent


def test_short_fuzz_run_finds_nothing(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "fuzz", "--seconds", "8", "--seed", "1",
                           "--crashes", str(tmp_path / "crashes")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "no failure" in proc.stdout
    n = int(proc.stdout.split("fuzz: ")[1].split()[0])
    assert n >= 300
    assert not (tmp_path / "crashes").exists()


def test_a_broken_invariant_is_shrunk_and_saved(tmp_path, monkeypatch, capsys):
    def broken(text, legacy=False):
        assert "ARG" not in text, "planted failure"

    monkeypatch.setattr(fuzz_main, "_invariants", broken)
    rc = fuzz_main.run_hypothesis(60, ["structured"], 3, str(tmp_path), batch=200)
    assert rc == 1
    saved = list(tmp_path.glob("crash-*.Dockerfile"))
    assert len(saved) == 1
    text = saved[0].read_text(encoding="utf-8")
    assert "ARG" in text and len(text) < 40  # shrunk to (almost) nothing but the trigger
    assert "planted failure" in capsys.readouterr().err
