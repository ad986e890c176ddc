"""Crash safety (issue 7): `fix` is SIGKILLed at random moments, again and again;
every file must then be byte-equal to its original or to its fixed version,
never partial (every other run pauses between writing a temp file and renaming
it, so kills land mid-write too). Temp files a kill leaves behind are `.dockerfile-migrate-<pid>-
*.tmp`, never taken for Dockerfiles, and the next `fix` removes them.

Fixed seed; 30 kills; bounded by the length of one run (about a second each).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from migrate.engine import migrate_source
from migrate.files import TEMP_PREFIX, TEMP_SUFFIX

ROOT = Path(__file__).resolve().parent.parent
KILLS = int(os.environ.get("DM_KILLS", "30"))


def _tree(top: Path) -> dict[str, tuple[bytes, bytes]]:
    """24 Dockerfiles in 4 folders; returns rel -> (original, fixed)."""
    out = {}
    rng = random.Random(1)
    for i in range(24):
        rel = f"d{i % 4}/{i:02d}.Dockerfile"
        body = "".join(f"# filler {rng.random()}\n" for _ in range(400))
        text = f"FROM alpine\nARG NPM_TOKEN\n{body}RUN npm ci\nENV GITHUB_TOKEN=$NPM_TOKEN\nRUN ./deploy.sh\n"
        if i % 3 == 0:
            text = text.replace("\n", "\r\n")
        if i % 5 == 0:
            text = "\ufeff" + text.rstrip("\n")
        p = top / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode())
        os.chmod(p, 0o640 if i % 2 else 0o755)
        fixed = migrate_source(text).output
        assert fixed != text
        out[rel] = (text.encode(), fixed.encode())
    return out


def _fix(top: Path, pause: float = 0) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", DM_TEST_WRITE_PAUSE=str(pause))
    return subprocess.Popen([sys.executable, "-m", "migrate.cli", "fix", "."], cwd=top, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _temps(top: Path) -> list[Path]:
    return [p for p in top.rglob("*") if p.name.startswith(TEMP_PREFIX)]


def test_kill_at_random_moments_leaves_old_or_new_files(tmp_path):
    master = tmp_path / "master"
    files = _tree(master)
    top = tmp_path / "run"
    shutil.copytree(master, top)
    t0 = time.monotonic()
    assert _fix(top).wait(timeout=300) == 0
    full = time.monotonic() - t0
    for rel, (_old, new) in files.items():
        assert (top / rel).read_bytes() == new
    rng = random.Random(7)
    outcomes = {"old": 0, "new": 0, "temps": 0}
    for k in range(KILLS):
        shutil.rmtree(top)
        shutil.copytree(master, top)
        # Every other run pauses between writing a temp file and renaming it
        # (files.py fault injection), so kills also land mid-write.
        pause = 0.02 if k % 2 else 0
        proc = _fix(top, pause)
        time.sleep(rng.uniform(0.05, full + pause * len(files)))
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=60)
        time.sleep(0.05)  # pool workers die with the group
        for rel, (old, new) in files.items():
            data = (top / rel).read_bytes()
            assert data in (old, new), f"{rel}: partial file after a kill"
            outcomes["old" if data == old else "new"] += 1
            mode = os.stat(top / rel).st_mode & 0o777
            assert mode == (os.stat(master / rel).st_mode & 0o777), f"{rel}: mode changed"
        temps = _temps(top)
        for t in temps:
            assert t.name.endswith(TEMP_SUFFIX)
        outcomes["temps"] += len(temps)
        if not temps and k % 10:
            continue
        # The next run finishes the job and removes the leftovers of the killed one.
        assert _fix(top).wait(timeout=300) == 0
        for rel, (_old, new) in files.items():
            assert (top / rel).read_bytes() == new
        assert _temps(top) == []
    # The kills landed both before and during the writes.
    assert outcomes["old"] and outcomes["new"] and outcomes["temps"], outcomes
    print(f"kills: {KILLS}, one run {full:.2f}s, files found old/new: {outcomes['old']}/{outcomes['new']}, "
          f"temp files left by kills (then cleaned): {outcomes['temps']}")
