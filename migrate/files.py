"""Reading and safely writing the user's files."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from dataclasses import dataclass


class FileError(Exception):
    def __init__(self, path: str, message: str, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        return f"{loc}: {self.message}"


def internal_error(exc: BaseException) -> str:
    """The one-line report of a bug of ours. Only the exception's type: its
    message may quote the file (a secret value, say)."""
    return (f"internal error ({type(exc).__name__}); file left unchanged; please report it "
            "(DM_DEBUG=1 shows the traceback)")


@dataclass
class SourceFile:
    path: str
    text: str
    raw: bytes


# Dockerfiles are small (the largest in public corpora are well under 1 MB);
# anything bigger is not one we should rewrite.
MAX_BYTES = 10 * 1024 * 1024
# Temporary files of `write_atomic`: hidden, named after the writing process,
# never matched by discovery; a run removes those left by dead processes.
TEMP_PREFIX = ".dockerfile-migrate-"
TEMP_SUFFIX = ".tmp"
# Fault injection for tests/test_kill.py: seconds to pause between writing the
# temporary file and renaming it, so a kill lands mid-write.
_PAUSE = float(os.environ.get("DM_TEST_WRITE_PAUSE", "0") or 0)
_TEMP = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-[A-Za-z0-9_]+" + re.escape(TEMP_SUFFIX) + "$")


def decode(path: str, raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise FileError(path, f"too large ({len(raw) / 1e6:.1f} MB, limit {MAX_BYTES >> 20} MiB); skipped")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        raise FileError(path, "binary file (contains NUL bytes); skipped", line)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileError(path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); skipped", line) from None


def _tree(path: str) -> str:
    """The tree a file belongs to: its git work tree, else its folder (real paths)."""
    from .discovery import git_root

    folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    return git_root(folder) or folder


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def read_bytes(path: str) -> bytes:
    """A Dockerfile's bytes. Refuses (FileError, one line) directories, FIFOs,
    sockets and devices (never blocks on them), files over MAX_BYTES, broken
    symlinks and symlinks that leave the link's tree (git work tree or folder)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if not _inside(os.path.realpath(path), _tree(path)):
                raise FileError(path, "symlink to a file outside its tree; not followed")
            try:
                st = os.stat(path)
            except FileNotFoundError:
                raise FileError(path, "broken symlink; skipped") from None
        if stat.S_ISDIR(st.st_mode):
            raise FileError(path, "is a directory, not a Dockerfile")
        if not stat.S_ISREG(st.st_mode):
            raise FileError(path, "not a regular file (FIFO, socket or device); skipped")
        if st.st_size > MAX_BYTES:
            raise FileError(path, f"too large ({st.st_size / 1e6:.1f} MB, limit {MAX_BYTES >> 20} MiB); skipped")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped since the lstat
                raise FileError(path, "not a regular file; skipped")
            return f.read(MAX_BYTES + 1)
    except FileError:
        raise
    except OSError as exc:
        raise FileError(path, f"cannot read: {exc.strerror or exc}") from None


def read_source(path: str) -> SourceFile:
    raw = read_bytes(path)
    return SourceFile(path, decode(path, raw), raw)


def clean_stale_temps(directory: str) -> None:
    """Remove temporary files a killed run left in ``directory`` (their writer is gone)."""
    if os.name == "nt":  # os.kill(pid, 0) is no liveness probe there (it sends CTRL_C_EVENT)
        return
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        m = _TEMP.match(name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # the writer still runs
        except ProcessLookupError:
            pass
        except (OSError, OverflowError, ValueError):
            continue
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass


def _current(src: SourceFile, target: str) -> os.stat_result:
    """Stat ``target`` and check it still holds what was read."""
    st = os.stat(target)
    with open(target, "rb") as f:
        if f.read(MAX_BYTES + 1) != src.raw:
            raise FileError(src.path, "changed on disk since it was read; not written")
    return st


def write_atomic(src: SourceFile, new_text: str) -> None:
    """Replace the file's content by writing a temporary file beside it and
    renaming it over the original: readers (and a crash or kill at any point)
    see the old or the new file, never a partial one. The mode (and, for root,
    the owner) is kept; a symlink is written through, never replaced by a file;
    read-only files, files with several hard links and files changed since
    they were read are left alone."""
    target = os.path.realpath(src.path)
    try:
        st = _current(src, target)
    except OSError as exc:
        raise FileError(src.path, f"cannot re-read before writing: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise FileError(src.path, "not a regular file; not written")
    if st.st_mode & 0o222 == 0 or not os.access(target, os.W_OK):
        raise FileError(src.path, "read-only file; not written")
    if st.st_nlink > 1:
        raise FileError(src.path, f"has {st.st_nlink} hard links; not written (a rename would split them)")
    directory = os.path.dirname(target) or "."
    clean_stale_temps(directory)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=TEMP_SUFFIX, dir=directory)
    except OSError as exc:
        raise FileError(src.path, f"cannot write beside the file: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(new_text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass
        if _PAUSE:
            import time

            time.sleep(_PAUSE)
        _current(src, target)  # once more, right before the rename
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise FileError(src.path, f"cannot write: {exc.strerror or exc}") from None
        raise
    try:  # make the rename durable
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
