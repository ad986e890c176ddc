"""Reading and safely writing the user's files."""

from __future__ import annotations

import os
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


@dataclass
class SourceFile:
    path: str
    text: str
    raw: bytes


def decode(path: str, raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise FileError(path, "binary file (contains NUL bytes); skipped")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileError(path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); skipped", line) from None


def read_source(path: str) -> SourceFile:
    try:
        if os.path.isdir(path):
            raise FileError(path, "is a directory, not a Dockerfile")
        with open(path, "rb") as f:
            raw = f.read()
    except FileError:
        raise
    except OSError as exc:
        raise FileError(path, exc.strerror or str(exc)) from None
    return SourceFile(path, decode(path, raw), raw)


def write_atomic(src: SourceFile, new_text: str) -> None:
    """Replace the file's content by writing a temporary file beside it and
    renaming it over the original: readers see the old or the new file, never
    a partial one. The mode is kept; a symlink is written through, not replaced;
    a file changed since it was read is left alone."""
    target = os.path.realpath(src.path)
    try:
        st = os.stat(target)
        with open(target, "rb") as f:
            if f.read() != src.raw:
                raise FileError(src.path, "changed on disk since it was read; not written")
    except OSError as exc:
        raise FileError(src.path, exc.strerror or str(exc)) from None
    directory = os.path.dirname(target) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix=".dockerfile-migrate-", dir=directory)
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
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
