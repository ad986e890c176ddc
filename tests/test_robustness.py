"""Bad input through the real CLI (issue 7): one tree holding every bad case
next to good files, run with `check`, `diff`, `fix` (and `fix` again). Each bad
case gives one `error:` line naming the file (and line where there is one),
the run goes on with the other files, the exit code is 2, and no file is
touched that should not be: bytes, modes, symlinks and the file outside the
tree are compared before and after.

The table `CASES` is also the README section "Robustness" (between the
`robustness:` markers): `test_readme_table_is_current` checks it;
DM_ROBUSTNESS_UPDATE=1 rewrites it from what the runs produced.

Tests run as root here: unreadable files are made real by running the CLI
without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (`setpriv`), so `chmod 000` and
read-only folders bite as they would for a normal user.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
GOOD = "FROM alpine\nARG NPM_TOKEN\nRUN npm ci\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SETPRIV = shutil.which("setpriv") if IS_ROOT else None
DROP_CAPS = [SETPRIV, "--bounding-set=-dac_override,-dac_read_search"] if SETPRIV else []
PERMISSIONS_REAL = not IS_ROOT or bool(SETPRIV)


def _w(p: Path, data: bytes | str) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode() if isinstance(data, str) else data)


def _big(p: Path) -> None:
    with open(p, "w") as f:
        f.write(GOOD)
        line = "# " + "x" * 1000 + "\n"
        for _ in range(51_000):
            f.write(line)


def _many(p: Path) -> None:
    _w(p, "FROM alpine\nARG NPM_TOKEN\nRUN npm ci \\\n" + "    pkg \\\n" * 89_990 + "    end\n"
       + "# comment\n" * 10_000 + "RUN make\n")


def _symlink_in(d: Path) -> None:
    _w(d / "real.Dockerfile", GOOD)
    os.symlink("real.Dockerfile", d / "Dockerfile")


def _symlink_out(d: Path) -> None:
    d.mkdir(parents=True)
    os.symlink(d.parent.parent / "outside" / "Dockerfile", d / "Dockerfile")


def _unreadable(d: Path) -> None:
    _w(d / "Dockerfile", GOOD)
    os.chmod(d / "Dockerfile", 0)


def _read_only(d: Path) -> None:
    _w(d / "Dockerfile", GOOD)
    os.chmod(d / "Dockerfile", 0o444)


def _read_only_dir(d: Path) -> None:
    _w(d / "Dockerfile", GOOD)
    os.chmod(d, 0o555)


def _hard_link(d: Path) -> None:
    _w(d / "Dockerfile", GOOD)
    os.link(d / "Dockerfile", d / "backup.txt")


def _fifo(d: Path) -> None:
    d.mkdir(parents=True)
    os.mkfifo(d / "Dockerfile")


def _executable(d: Path) -> None:
    _w(d / "Dockerfile", GOOD)
    os.chmod(d / "Dockerfile", 0o751)


# (folder, input, setup, expected error message regex or None, rewritten by `fix`)
CASES = [
    ("good", "a fixable Dockerfile (control)", lambda d: _w(d / "Dockerfile", GOOD), None, True),
    ("binary", "binary file (NUL bytes) named Dockerfile",
     lambda d: _w(d / "Dockerfile", b"FROM alpine\nRUN echo \x00\x01\x02\n" + GOOD.encode()),
     r"binary/Dockerfile:2: binary file \(contains NUL bytes\); skipped", False),
    ("latin1", "invalid UTF-8 (Latin-1 byte on line 3)",
     lambda d: _w(d / "Dockerfile", b"FROM alpine\nARG NPM_TOKEN\n# caf\xe9\nRUN npm ci\n"),
     r"latin1/Dockerfile:3: not valid UTF-8 \(byte 0xe9\); skipped", False),
    ("utf16", "UTF-16 file", lambda d: _w(d / "Dockerfile", GOOD.encode("utf-16")),
     r"utf16/Dockerfile:1: binary file \(contains NUL bytes\); skipped", False),
    ("big", "50 MB file", lambda d: (d.mkdir(parents=True), _big(d / "Dockerfile")),
     r"big/Dockerfile: too large \(51\.\d MB, limit 10 MiB\); skipped", False),
    ("lines", "100,000 lines (a 90,000-line RUN continuation and 10,000 comments)",
     lambda d: (d.mkdir(parents=True), _many(d / "Dockerfile")), None, True),
    ("heredoc", "unterminated heredoc", lambda d: _w(d / "Dockerfile", "FROM alpine\nARG NPM_TOKEN\nRUN <<EOF\nnpm ci\n"),
     r"heredoc/Dockerfile:3: unterminated heredoc", False),
    ("continuation", "unterminated continuation at end of file (BuildKit accepts it)",
     lambda d: _w(d / "Dockerfile", "FROM alpine\nARG NPM_TOKEN\nRUN npm ci \\\n"), None, True),
    ("unknown", "unknown instruction `FOO bar` (the parser accepts it, the builder would not)",
     lambda d: _w(d / "Dockerfile", "FROM alpine\nARG NPM_TOKEN\nFOO bar\nRUN npm ci\n"), None, True),
    ("syntax", "JSON array of non-strings", lambda d: _w(d / "Dockerfile", 'FROM alpine\nARG NPM_TOKEN\nCMD [1, 2]\n'),
     r"syntax/Dockerfile:3: when using JSON array syntax, arrays must be comprised of strings only", False),
    ("empty", "empty file", lambda d: _w(d / "Dockerfile", b""),
     r"empty/Dockerfile:1: file with no instructions", False),
    ("comments", "comments only", lambda d: _w(d / "Dockerfile", "# nothing here\n"),
     r"comments/Dockerfile:1: file with no instructions", False),
    ("dir", "a directory named Dockerfile (walked like any folder)",
     lambda d: _w(d / "Dockerfile" / "notes", "FROM alpine\n"), None, False),
    ("fifo", "a FIFO named Dockerfile (would block a plain read)", _fifo,
     r"fifo/Dockerfile: not a regular file \(FIFO, socket or device\); skipped", False),
    ("link-in", "symlink to a Dockerfile in the same folder", _symlink_in, None, True),
    ("link-out", "symlink to a Dockerfile outside the tree", _symlink_out,
     r"link-out/Dockerfile: symlink to a file outside its tree; not followed", False),
    ("link-broken", "dangling symlink", lambda d: (d.mkdir(parents=True), os.symlink("nowhere", d / "Dockerfile")),
     r"link-broken/Dockerfile: broken symlink; skipped", False),
    ("unreadable", "unreadable file (mode 000, no CAP_DAC_OVERRIDE)", _unreadable,
     r"unreadable/Dockerfile: cannot read: Permission denied", False),
    ("read-only", "read-only file (mode 444)", _read_only, r"read-only/Dockerfile: read-only file; not written", False),
    ("read-only-dir", "writable file in a read-only folder", _read_only_dir,
     r"read-only-dir/Dockerfile: cannot write beside the file: Permission denied", False),
    ("hard-link", "file with a second hard link", _hard_link,
     r"hard-link/Dockerfile: has 2 hard links; not written \(a rename would split them\)", False),
    ("mode", "executable file (mode 751)", _executable, None, True),
]
# Errors that only `fix` meets (reading works).
WRITE_ERRORS = {"read-only", "read-only-dir", "hard-link"}
# Cases that need real permission checks (a non-root user, or root without DAC capabilities).
PERMISSION_CASES = {"unreadable", "read-only-dir"}


def _snapshot(top: Path) -> dict:
    out = {}
    for dirpath, dirs, files in os.walk(top):
        for name in dirs + files:
            p = Path(dirpath) / name
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[str(p.relative_to(top))] = ("link", os.readlink(p))
            elif stat.S_ISREG(st.st_mode):
                out[str(p.relative_to(top))] = ("file", stat.S_IMODE(st.st_mode), st.st_ino, _content(p, st))
            else:
                out[str(p.relative_to(top))] = ("other", stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode))
    return out


def _content(p: Path, st) -> bytes:
    mode = stat.S_IMODE(st.st_mode)
    if not mode & 0o444:
        os.chmod(p, 0o600)
        try:
            return p.read_bytes()
        finally:
            os.chmod(p, mode)
    return p.read_bytes()


def _cli(args, cwd) -> subprocess.CompletedProcess:
    cmd = DROP_CAPS + [sys.executable, "-m", "migrate.cli", *args]
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", COLUMNS="400")
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("robust")
    top = base / "tree"
    _w(base / "outside" / "Dockerfile", GOOD)
    for name, _desc, setup, _err, _fixed in CASES:
        setup(top / name)
    outside_before = (base / "outside" / "Dockerfile").read_bytes()
    snaps = {"before": _snapshot(top)}
    res = {}
    for mode in ("check", "diff"):
        res[mode] = _cli([mode, "."], top)
        snaps[mode] = _snapshot(top)
    res["fix"] = _cli(["fix", "."], top)
    snaps["fix"] = _snapshot(top)
    res["fix2"] = _cli(["fix", "."], top)
    snaps["fix2"] = _snapshot(top)
    yield {"top": top, "res": res, "snaps": snaps, "outside": (base / "outside" / "Dockerfile", outside_before)}
    os.chmod(top / "read-only-dir", 0o755)


def _errors(proc) -> list[str]:
    return [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]


def _expected_error(name: str, mode: str):
    case = next(c for c in CASES if c[0] == name)
    if case[3] is None or (name in WRITE_ERRORS and mode not in ("fix",)):
        return None
    return case[3]


@pytest.mark.parametrize("mode", ["check", "diff", "fix"])
def test_each_bad_case_gives_one_error_line_and_the_run_goes_on(runs, mode):
    proc = runs["res"][mode]
    errors = _errors(proc)
    assert proc.returncode == 2, proc.stderr[-2000:]
    for name, *_ in CASES:
        if name in PERMISSION_CASES and not PERMISSIONS_REAL:
            continue
        mine = [e for e in errors if e.startswith(f"error: {name}/")]
        want = _expected_error(name, mode)
        if want is None:
            assert mine == [], (name, mine)
        else:
            assert len(mine) == 1, (name, errors)
            assert re.fullmatch("error: " + want, mine[0]), (name, mine[0])
    # Every error line is accounted for, and it is one line each.
    assert len(errors) == sum(1 for n, *_ in CASES if _expected_error(n, mode)
                              and (n not in PERMISSION_CASES or PERMISSIONS_REAL))
    assert "Traceback" not in proc.stderr


def test_check_and_diff_touch_nothing(runs):
    s = runs["snaps"]
    assert s["check"] == s["before"]
    assert s["diff"] == s["before"]
    diff = runs["res"]["diff"].stdout
    for name, _d, _s, _err, fixed in CASES:
        shown = "link-in/real.Dockerfile" if name == "link-in" else f"{name}/Dockerfile"
        assert (f"+++ b/{shown}" in diff) == (fixed or name in WRITE_ERRORS), name
    # A symlink whose target the run also checks: one diff, under the target's path.
    assert diff.count("+++ b/link-in/") == 1


def test_fix_rewrites_only_what_it_may(runs):
    before, after = runs["snaps"]["before"], runs["snaps"]["fix"]
    assert set(before) == set(after), "fix created or removed files (temp files left behind?)"
    changed = {k for k in before if before[k] != after[k]}
    expect = {f"{n}/Dockerfile" for n, *_, fixed in CASES if fixed and n != "link-in"} | {"link-in/real.Dockerfile"}
    assert changed == expect
    for k in changed:
        kind, mode, _ino, content = after[k]
        assert kind == "file" and mode == before[k][1], k  # mode kept
        assert b"--mount=type=secret,id=NPM_TOKEN" in content
    assert after["link-in/Dockerfile"] == ("link", "real.Dockerfile")  # never replaced by a file
    path, content = runs["outside"]
    assert path.read_bytes() == content


def test_second_fix_changes_nothing(runs):
    assert runs["snaps"]["fix2"] == runs["snaps"]["fix"]
    assert "+++" not in runs["res"]["fix2"].stdout


def test_explicit_directory_named_dockerfile(tmp_path):
    _w(tmp_path / "Dockerfile" / "x", "FROM alpine\n")
    proc = _cli(["check", "Dockerfile"], tmp_path)
    assert proc.returncode == 0
    assert "no Dockerfiles found" in proc.stderr


# --- the README table ------------------------------------------------------------

START, END = "<!-- robustness:start -->", "<!-- robustness:end -->"


def _produced(runs, name: str, err, fixed: bool) -> str:
    if name in PERMISSION_CASES and not PERMISSIONS_REAL:
        return "(not testable as root without setpriv)"
    mode_errors = {m: [e for e in _errors(runs["res"][m]) if e.startswith(f"error: {name}/")] for m in ("check", "fix")}
    if mode_errors["check"]:
        return f"`{mode_errors['check'][0]}`; skipped by every command, file untouched"
    if mode_errors["fix"]:
        return f"findings reported; `fix`: `{mode_errors['fix'][0]}`, file untouched"
    if name == "link-in":
        return "checked once, as its target (a diff under the link's path would not `git apply`); `fix` writes the target, the link stays a link"
    if name == "dir":
        return "walked as a folder (nothing to report)"
    if fixed:
        return "processed and rewritten" + (" (mode kept)" if name == "mode" else "")
    return "processed, unchanged"


def render_table(runs) -> str:
    lines = [START, "", "| input | what it produced |", "|---|---|"]
    for name, desc, _s, err, fixed in CASES:
        lines.append(f"| {desc} | {_produced(runs, name, err, fixed)} |")
    lines += ["", "Every run above exits 2 (errors happened) and goes on with the other files.", "", END]
    return "\n".join(lines)


def test_readme_table_is_current(runs):
    table = render_table(runs)
    text = README.read_text(encoding="utf-8")
    if os.environ.get("DM_ROBUSTNESS_UPDATE"):
        assert START in text and END in text, "add the robustness markers to README.md first"
        a, b = text.index(START), text.index(END) + len(END)
        README.write_text(text[:a] + table + text[b:], encoding="utf-8")
        return
    assert START in text and END in text, "README.md lacks the robustness table markers"
    a, b = text.index(START), text.index(END) + len(END)
    assert text[a:b] == table, "README robustness table is stale: DM_ROBUSTNESS_UPDATE=1 pytest tests/test_robustness.py"


# --- safe writes, unit level ----------------------------------------------------------

def test_write_refuses_a_file_changed_since_it_was_read(tmp_path):
    from migrate.files import FileError, read_source, write_atomic

    p = tmp_path / "Dockerfile"
    p.write_text(GOOD)
    src = read_source(str(p))
    p.write_text(GOOD + "# edited meanwhile\n")
    with pytest.raises(FileError, match="changed on disk since it was read"):
        write_atomic(src, "FROM scratch\n")
    assert p.read_text() == GOOD + "# edited meanwhile\n"
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile"]


def test_write_keeps_mode_and_leaves_no_temp_file(tmp_path):
    from migrate.files import read_source, write_atomic

    p = tmp_path / "Dockerfile"
    p.write_text(GOOD)
    os.chmod(p, 0o640)
    write_atomic(read_source(str(p)), "FROM scratch\n")
    assert p.read_text() == "FROM scratch\n"
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile"]


def test_stale_temp_files_of_dead_writers_are_removed(tmp_path):
    from migrate.discovery import discover
    from migrate.files import TEMP_PREFIX, TEMP_SUFFIX, read_source, write_atomic

    dead = tmp_path / f"{TEMP_PREFIX}2147483646-abc{TEMP_SUFFIX}"  # no such process
    alive = tmp_path / f"{TEMP_PREFIX}{os.getppid()}-abc{TEMP_SUFFIX}"  # a live writer: kept
    for t in (dead, alive):
        t.write_text("FROM partial")
    p = tmp_path / "Dockerfile"
    p.write_text(GOOD)
    assert discover([str(tmp_path)]) == [str(p)]  # temp files are never taken for Dockerfiles
    write_atomic(read_source(str(p)), "FROM scratch\n")
    assert not dead.exists() and alive.exists()
