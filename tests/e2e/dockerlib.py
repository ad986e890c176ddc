"""Real-build harness for the end-to-end tests: build a Dockerfile with a real BuildKit engine
and look for secrets in the resulting image.

Pure standard library + subprocess. The engine and the local base images come from
``scripts/docker-engine.sh`` (no registry is ever contacted):

* ``engine_status()``   -- None when builds can run, else why not (for ``pytest.skip``).
* ``build(...)``        -- build a Dockerfile text against a context directory.
* ``leak_scan(...)``    -- every place in a built image where a needle (secret) shows up.
* ``secret_needles()``  -- needles for a secret value or a private key (re-wrap proof).
* ``SshServer`` / ``SshAgent`` -- sshd on 127.0.0.1 serving a bare git repo, and an agent
  holding the matching user key, for ``RUN --mount=type=ssh`` cases.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import getpass
import gzip
import io
import json
import os
import re
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

DOCKER = os.environ.get("DM_DOCKER", "docker")
BASE_BUSYBOX = "dm-base:busybox"
BASE_SSH = "dm-base:ssh"
BASES = {"busybox": BASE_BUSYBOX, "ssh": BASE_SSH}
E2E_LABEL = "dm.e2e=1"
SETUP_HINT = "run `sudo scripts/docker-engine.sh` (installs and starts the engine, builds dm-base images)"
_LOCK_PATH = os.path.join(tempfile.gettempdir(), "dm-e2e-build.lock")
SUMMARY_LINES: list[str] = []  # one line per golden E2E case, printed in the terminal summary

__all__ = [
    "BASE_BUSYBOX",
    "BASE_SSH",
    "BuildResult",
    "SshAgent",
    "SshServer",
    "build",
    "cleanup_images",
    "engine_status",
    "external_bases",
    "image_exists",
    "leak_scan",
    "neutralize_syntax_directive",
    "secret_needles",
]


def _run(args: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None,
         cwd: str | os.PathLike | None = None, input: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, timeout=timeout, env=env, cwd=cwd, input=input)


def _text(b: bytes) -> str:
    return b.decode("utf-8", "replace")


# --------------------------------------------------------------------------- engine status

_STATUS_CACHE: dict[str, str | None] = {}


def image_exists(ref: str) -> bool:
    try:
        return _run([DOCKER, "image", "inspect", ref], timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def engine_status(refresh: bool = False) -> str | None:
    """None when a Docker engine with BuildKit, buildx, ``RUN --mount=type=secret,env=`` and the
    dm-base:busybox image is usable; otherwise a one-line reason. Bounded by timeouts; the
    answer is cached for the process (``refresh=True`` asks again)."""
    if not refresh and "status" in _STATUS_CACHE:
        return _STATUS_CACHE["status"]
    status = _engine_status()
    _STATUS_CACHE["status"] = status
    return status


def _engine_status() -> str | None:
    if shutil.which(DOCKER) is None:
        return f"no `{DOCKER}` client on PATH; {SETUP_HINT}"
    try:
        p = _run([DOCKER, "version", "--format", "{{.Server.Version}}"], timeout=15)
    except subprocess.TimeoutExpired:
        return f"the Docker engine did not answer within 15 s; {SETUP_HINT}"
    if p.returncode != 0 or not p.stdout.strip():
        err = _text(p.stderr).strip().splitlines()
        return f"no Docker engine answers ({err[-1] if err else 'no output'}); {SETUP_HINT}"
    try:
        if _run([DOCKER, "buildx", "version"], timeout=15).returncode != 0:
            return f"docker buildx (BuildKit client) is missing; {SETUP_HINT}"
    except subprocess.TimeoutExpired:
        return "docker buildx version timed out"
    if not image_exists(BASE_BUSYBOX):
        return f"base image {BASE_BUSYBOX} missing; {SETUP_HINT}"
    with tempfile.TemporaryDirectory(prefix="dm-probe-") as ctx:
        r = build("FROM dm-base:busybox\nRUN --mount=type=secret,id=probe,env=DM_PROBE,required require-env DM_PROBE\n",
                  ctx, secrets=[{"type": "secret", "id": "probe", "env": "DM_PROBE"}], env={"DM_PROBE": "1"},
                  timeout=120, label=False)
    if not r.ok:
        last = [ln for ln in r.log.splitlines() if ln.strip()][-3:]
        return ("the engine cannot build RUN --mount=type=secret,env= (needs Docker >= 28 / "
                f"Dockerfile frontend >= 1.10): {' | '.join(last)}")
    if r.image_id:
        with contextlib.suppress(Exception):
            _run([DOCKER, "image", "rm", r.image_id], timeout=30)
    return None


# --------------------------------------------------------------------------- Dockerfile prep

_DIRECTIVE_RE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
_INERT = "# (syntax directive disabled by the e2e harness: built-in frontend)"


def neutralize_syntax_directive(text: str) -> str:
    """Drop ``# syntax=...`` from the parser-directive block (it would make the engine fetch a
    frontend image from a registry) and put the same number of inert comment lines right after
    the block, so the other directives (escape, check) still count and every instruction keeps
    its line number."""
    lines = text.split("\n")
    i = 0
    while i < len(lines) and lines[i].startswith("#!"):
        i += 1
    start, kept, dropped = i, [], 0
    while i < len(lines):
        m = _DIRECTIVE_RE.match(lines[i].rstrip("\r"))
        if not m:
            break
        if m.group(1).lower() == "syntax":
            dropped += 1
        else:
            kept.append(lines[i])
        i += 1
    if not dropped:
        return text
    return "\n".join(lines[:start] + kept + [_INERT] * dropped + lines[i:])


def _escape_char(text: str) -> str:
    for line in text.split("\n"):
        m = _DIRECTIVE_RE.match(line.rstrip("\r"))
        if not m:
            if line.startswith("#!"):
                continue
            break
        if m.group(1).lower() == "escape" and m.group(2) in ("`", "\\"):
            return m.group(2)
    return "\\"


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line index, joined instruction) for each instruction; skips comments, blank lines
    and heredoc bodies."""
    esc = _escape_char(text)
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        start, buf = i, ""
        while i < len(lines):
            raw = lines[i].rstrip("\r")
            i += 1
            if buf and (not raw.strip() or raw.lstrip().startswith("#")):
                continue  # blank line or comment inside a continuation
            if raw.rstrip().endswith(esc):
                buf += raw.rstrip()[:-1] + " "
                continue
            buf += raw
            break
        s = buf.strip()
        if not s or s.startswith("#"):
            continue
        yield start, s
        for m in re.finditer(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2", s):
            term, strip = m.group(3), m.group(1) == "-"
            while i < len(lines):
                body = lines[i].rstrip("\r")
                i += 1
                if (body.lstrip("\t") if strip else body) == term:
                    break


_VAR_RE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def _subst(word: str, args: Mapping[str, str]) -> str:
    def rep(m: re.Match) -> str:
        name = m.group(1) or m.group(4)
        val = args.get(name, "")
        op, alt = m.group(2), m.group(3) or ""
        if op in (":-", "-"):
            return val if val else alt
        if op in (":+", "+"):
            return alt if val else ""
        return val

    return _VAR_RE.sub(rep, word)


def external_bases(text: str, build_args: Mapping[str, str] | None = None) -> list[tuple[int, str, str]]:
    """External images a Dockerfile starts from: (line index, image as written, resolved name),
    without earlier stage names and ``scratch``. Global ARG defaults and ``build_args`` are
    substituted."""
    args: dict[str, str] = {}
    build_args = dict(build_args or {})
    stages: set[str] = set()
    seen_from = False
    out = []
    for idx, s in _logical_lines(text):
        parts = s.split()
        kw = parts[0].upper()
        if kw == "ARG" and not seen_from:
            for decl in parts[1:]:
                name, _, default = decl.partition("=")
                args[name] = build_args.get(name, default.strip("\"'"))
        elif kw == "FROM":
            seen_from = True
            words = [w for w in parts[1:] if not w.startswith("--")]
            if not words:
                continue
            written = words[0]
            image = _subst(written, args)
            if len(words) >= 3 and words[1].lower() == "as":
                stages_name = words[2].lower()
            else:
                stages_name = None
            if image and image.lower() != "scratch" and image.lower() not in stages:
                out.append((idx, written, image))
            if stages_name:
                stages.add(stages_name)
    return out


def _prepare(text: str, build_args: Mapping[str, str]) -> tuple[str, list[str]]:
    """(Dockerfile text to build, local names to tag). Digest references (name@sha256:...) cannot
    be tagged: their FROM line is rewritten, in place, to the name without the digest."""
    text = neutralize_syntax_directive(text)
    lines = text.split("\n")
    names = []
    for idx, written, image in external_bases(text, build_args):
        if "@" in image:
            bare = image.split("@", 1)[0]
            if "@" in written and idx < len(lines) and written in lines[idx]:
                lines[idx] = lines[idx].replace(written, bare, 1)
            image = bare
        names.append(image)
    return "\n".join(lines), list(dict.fromkeys(names))


# --------------------------------------------------------------------------- build

@dataclasses.dataclass
class BuildResult:
    ok: bool
    log: str
    image_id: str | None
    returncode: int = 0
    command: list[str] = dataclasses.field(default_factory=list)
    dockerfile: str = ""
    base: str = ""

    def __str__(self) -> str:
        return f"BuildResult(ok={self.ok}, image_id={self.image_id}, rc={self.returncode})\n{self.log}"


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    with open(_LOCK_PATH, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _requirement_flags(req: Mapping[str, object]) -> list[str]:
    kind = str(req.get("type", "secret"))
    rid = str(req.get("id", "default" if kind == "ssh" else ""))
    if kind == "ssh":
        paths = req.get("paths") or req.get("src")
        if isinstance(paths, (list, tuple)):
            paths = ",".join(str(p) for p in paths)
        return ["--ssh", f"{rid}={paths}" if paths else rid]
    if kind != "secret":
        raise ValueError(f"unknown build requirement type {kind!r}: {req}")
    spec = f"id={rid}"
    if req.get("env"):
        spec += f",env={req['env']}"
    elif req.get("src"):
        spec += f",src={req['src']}"
    return ["--secret", spec]


def build(
    dockerfile_text: str,
    context_dir: str | os.PathLike,
    *,
    build_args: Mapping[str, str] | None = None,
    secrets: Iterable[Mapping[str, object]] = (),
    ssh: str | Sequence[str] | None = None,
    target: str | None = None,
    network: str | None = None,
    tag: str | None = None,
    env: Mapping[str, str] | None = None,
    base: str | None = None,
    no_cache: bool = True,
    timeout: float = 300,
    label: bool = True,
) -> BuildResult:
    """Build ``dockerfile_text`` (written to a temp file, passed with ``-f``) against
    ``context_dir`` with ``docker buildx build --load``; the image lands in the local store.

    ``secrets``: build requirements as the tool's JSON reports them:
    ``{"type": "secret", "id": ID, "env": VAR}`` -> ``--secret id=ID,env=VAR`` (value from ``env``),
    ``{"type": "secret", "id": ID, "src": PATH}`` -> ``--secret id=ID,src=PATH`` (relative to
    ``context_dir``), ``{"type": "ssh", "id": "default"}`` -> ``--ssh default``.
    ``ssh``: extra ``--ssh`` specs ("default", "id=path"); SSH_AUTH_SOCK comes from ``env``.
    ``env``: extra environment for the docker client (secret values, SSH_AUTH_SOCK).
    ``network``: default "none", or "host" when SSH is used (to reach a loopback sshd).
    ``base``: "busybox", "ssh" or an image; default dm-base:ssh when SSH is used, else
    dm-base:busybox. Every external FROM name is tagged to it before the build.
    ``no_cache``: on by default -- secret mounts are not part of the cache key, so a cached
    step would hide a missing secret.
    """
    reqs = list(secrets)
    ssh_specs = [ssh] if isinstance(ssh, str) else list(ssh or [])
    uses_ssh = bool(ssh_specs) or any(str(r.get("type")) == "ssh" for r in reqs)
    base_image = BASES.get(base or ("ssh" if uses_ssh else "busybox"), base or BASE_BUSYBOX)
    network = network or ("host" if uses_ssh else "none")
    build_args = dict(build_args or {})
    text, names = _prepare(dockerfile_text, build_args)

    child_env = dict(os.environ)
    child_env.update(env or {})
    child_env["DOCKER_BUILDKIT"] = "1"
    child_env["BUILDX_NO_DEFAULT_ATTESTATIONS"] = "1"

    with tempfile.TemporaryDirectory(prefix="dm-build-") as tmp:
        dockerfile = Path(tmp, "Dockerfile")
        dockerfile.write_text(text)
        iidfile = Path(tmp, "iid")
        cmd = [DOCKER, "buildx", "build", "--progress", "plain", "--load", "-f", str(dockerfile),
               "--network", network, "--iidfile", str(iidfile)]
        if no_cache:
            cmd.append("--no-cache")
        if label:
            cmd += ["--label", E2E_LABEL]
        if target:
            cmd += ["--target", target]
        if tag:
            cmd += ["-t", tag]
        for k, v in build_args.items():
            cmd += ["--build-arg", f"{k}={v}"]
        for r in reqs:
            cmd += _requirement_flags(r)
        for s in ssh_specs:
            cmd += ["--ssh", s]
        cmd.append(".")

        with _build_lock():
            pre = []
            for name in names:
                try:
                    p = _run([DOCKER, "tag", base_image, name], timeout=30)
                except subprocess.TimeoutExpired:
                    return BuildResult(False, f"harness: docker tag {base_image} {name} timed out", None, -1, cmd, text, base_image)
                if p.returncode != 0:
                    return BuildResult(False, f"harness: docker tag {base_image} {name} failed: {_text(p.stderr)}",
                                       None, p.returncode, cmd, text, base_image)
                pre.append(f"harness: tagged {base_image} as {name}")
            try:
                p = _run(cmd, timeout=timeout, env=child_env, cwd=context_dir)
            except subprocess.TimeoutExpired as e:
                out = _text((e.stdout or b"") + (e.stderr or b""))
                return BuildResult(False, "\n".join(pre + [out, f"harness: build timed out after {timeout}s"]),
                                   None, -1, cmd, text, base_image)
        log = "\n".join(pre + [_text(p.stdout), _text(p.stderr)])
        image_id = iidfile.read_text().strip() if iidfile.exists() and iidfile.stat().st_size else None
        return BuildResult(p.returncode == 0, log, image_id if p.returncode == 0 else None,
                           p.returncode, cmd, text, base_image)


def cleanup_images() -> None:
    """Remove the images this harness built (label dm.e2e=1). Best effort."""
    with contextlib.suppress(Exception):
        p = _run([DOCKER, "images", "-q", "--filter", f"label={E2E_LABEL}"], timeout=30)
        ids = sorted(set(_text(p.stdout).split()))
        if ids:
            _run([DOCKER, "image", "rm", "-f", *ids], timeout=120)


# --------------------------------------------------------------------------- leak scan

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_CHUNK = 1 << 20


class _Prefixed(io.RawIOBase):
    """A stream that yields ``head`` and then the rest of ``raw`` (undo a peek)."""

    def __init__(self, head: bytes, raw) -> None:
        self._head, self._raw = head, raw

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._raw.read(len(b))
        n = len(data)
        b[:n] = data
        return n


def _peek(stream, n: int = 1024) -> tuple[bytes, io.BufferedReader]:
    head = b""
    while len(head) < n:
        chunk = stream.read(n - len(head))
        if not chunk:
            break
        head += chunk
    return head, io.BufferedReader(_Prefixed(head, stream), buffer_size=_CHUNK)


class _Scanner:
    def __init__(self, needles: Sequence[bytes]) -> None:
        self.needles = needles
        self.longest = max(len(n) for n in needles)
        self.hits: list[str] = []
        self.found: list[tuple[str, int]] = []  # (where, needle index) of each hit

    def hit(self, where: str, i: int) -> None:
        self.found.append((where, i))
        n = self.needles[i]
        preview = _text(n[:6]) + "…" if len(n) > 6 else _text(n)
        msg = f"{where}: needle #{i} ({preview!r}, {len(n)} bytes)"
        if msg not in self.hits:
            self.hits.append(msg)

    def scan_bytes(self, data: bytes, where: str) -> None:
        for i, n in enumerate(self.needles):
            if n in data:
                self.hit(where, i)

    def scan_stream(self, stream, where: str, depth: int = 0) -> None:
        head, stream = _peek(stream)
        if head[:2] == b"\x1f\x8b":
            head, stream = _peek(gzip.GzipFile(fileobj=stream, mode="rb"))
            where += " (gzip)"
        elif head[:4] == _ZSTD_MAGIC:
            raise RuntimeError(f"leak_scan: {where} is zstd-compressed; cannot scan it with the standard library")
        if len(head) >= 262 and head[257:262] == b"ustar" and depth < 4:
            with tarfile.open(fileobj=stream, mode="r|") as tf:
                self.scan_tar(tf, where, depth + 1)
            return
        tail = b""
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            self.scan_bytes(tail + chunk, where)
            tail = (tail + chunk)[-(self.longest - 1):] if self.longest > 1 else b""

    def scan_tar(self, tf: tarfile.TarFile, where: str, depth: int) -> None:
        for m in tf:
            loc = f"{where} > {m.name}" if where else m.name
            meta = "\n".join([m.name, m.linkname or ""] + [f"{k}={v}" for k, v in (m.pax_headers or {}).items()])
            self.scan_bytes(meta.encode("utf-8", "surrogateescape"), loc + " (name/metadata)")
            if m.isfile():
                fh = tf.extractfile(m)
                if fh is None:
                    continue
                if m.size <= 65536:  # small file: one read, no stream wrappers
                    data = fh.read()
                    if not (data[:2] == b"\x1f\x8b" or data[:4] == _ZSTD_MAGIC or data[257:262] == b"ustar"):
                        self.scan_bytes(data, loc)
                        continue
                    fh = io.BytesIO(data)
                self.scan_stream(fh, loc, depth)


_CACHE_MIN = 4 << 20
_BLOB_HITS: dict[tuple[str, bytes], list[str]] = {}  # (blob, needle) -> where it occurs


def leak_scan(image: str, needles: Iterable[bytes | str], *, timeout: float = 300) -> list[str]:
    """Every place in ``image`` where a needle occurs: ``docker save`` archive (each layer tar,
    recursively, gzip too; file names, link targets, pax headers and contents; config JSON with
    history; manifests), ``docker history --no-trunc`` and ``docker image inspect``. Returns
    readable locations; an empty list means clean."""
    ns = [n.encode() if isinstance(n, str) else bytes(n) for n in needles]
    if not ns or any(not n for n in ns):
        raise ValueError("leak_scan needs non-empty needles")
    sc = _Scanner(ns)
    with tempfile.TemporaryDirectory(prefix="dm-save-") as tmp:
        archive = Path(tmp, "image.tar")
        p = _run([DOCKER, "save", "-o", str(archive), image], timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError(f"docker save {image} failed: {_text(p.stderr)}")
        kinds = _archive_kinds(archive)
        with tarfile.open(archive, mode="r:") as tf:
            for m in tf:
                label = kinds.get(m.name, "")
                loc = f"docker save {label + ' ' if label else ''}{m.name}"
                sc.scan_bytes(m.name.encode(), loc + " (name)")
                if m.isfile():
                    fh = tf.extractfile(m)
                    if fh is None:
                        continue
                    if not (m.name.startswith("blobs/sha256/") and m.size >= _CACHE_MIN):
                        sc.scan_stream(fh, loc)
                        continue
                    # blobs are content-addressed: a big one (a base layer) already searched
                    # for a needle gives the same places again; search only for new needles
                    new = [n for n in dict.fromkeys(ns) if (m.name, n) not in _BLOB_HITS]
                    if new:
                        sub = _Scanner(new)
                        sub.scan_stream(fh, loc)
                        for j, n in enumerate(new):
                            _BLOB_HITS[(m.name, n)] = [w for w, k in sub.found if k == j]
                    for i, n in enumerate(ns):
                        for where in _BLOB_HITS[(m.name, n)]:
                            sc.hit(where, i)
    p = _run([DOCKER, "history", "--no-trunc", "--format", "{{json .}}", image], timeout=60)
    for line in _text(p.stdout).splitlines():
        try:
            created_by = json.loads(line).get("CreatedBy", "")
        except json.JSONDecodeError:
            created_by = line
        sc.scan_bytes(line.encode(), f"docker history: {created_by[:80]}")
    p = _run([DOCKER, "image", "inspect", image], timeout=60)
    sc.scan_bytes(p.stdout, "docker image inspect")
    return sc.hits


def _archive_kinds(archive: Path) -> dict[str, str]:
    """Member name -> "config" / "layer" from the docker-save manifest.json."""
    kinds: dict[str, str] = {}
    with contextlib.suppress(Exception), tarfile.open(archive, mode="r:") as tf:
        fh = tf.extractfile("manifest.json")
        for entry in json.load(fh) if fh else []:
            kinds[entry.get("Config", "")] = "config"
            for layer in entry.get("Layers", []):
                kinds[layer] = "layer"
    return kinds


_PEM_RE = re.compile(r"-----BEGIN [^-]+-----(.*?)-----END [^-]+-----", re.S)


def secret_needles(secret: str | bytes, chunk: int = 24) -> list[bytes]:
    """Needles for ``leak_scan``. A plain value gives itself. A PEM/OpenSSH private key gives the
    whole body, each full body line, and ``chunk``-character pieces of the unwrapped base64 body
    taken away from its common start, so a key re-wrapped at another width is found too."""
    text = secret.decode() if isinstance(secret, bytes) else secret
    m = _PEM_RE.search(text)
    if not m:
        return [text.strip().encode()]
    lines = [ln.strip() for ln in m.group(1).strip().splitlines() if ln.strip() and ":" not in ln]
    body = "".join(lines)
    out = [m.group(0).encode()]
    out += [ln.encode() for ln in lines[1:-1] if len(ln) >= 16]
    skip = min(len(body) // 4, 120)  # the start is the same in every key of a type
    rest = body[skip:]
    out += [rest[i:i + chunk].encode() for i in range(0, len(rest) - chunk + 1, chunk)]
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- ssh fixtures

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(cond, timeout: float, what: str, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.05)
    detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} not ready within {timeout}s\n{detail}")


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


class SshServer:
    """sshd on 127.0.0.1:PORT (private config, private host key) accepting only a generated
    user key for the current user, serving a bare git repo with one commit.

    Attributes after ``__enter__``: ``port``, ``user``, ``repo_path``, ``url``
    (``ssh://USER@127.0.0.1:PORT/.../repo.git``), ``private_key`` (text), ``private_key_path``,
    ``public_key``, ``marker`` (content of README in the repo), ``dir``.
    """

    SSHD = "/usr/sbin/sshd"

    def __init__(self, *, start_timeout: float = 10.0) -> None:
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.dir = Path()
        self.port = 0
        self.user = getpass.getuser()

    def __enter__(self) -> "SshServer":
        if not os.path.exists(self.SSHD):
            raise RuntimeError(f"{self.SSHD} missing (Debian package openssh-server; {SETUP_HINT})")
        self.dir = Path(tempfile.mkdtemp(prefix="dm-sshd-"))
        try:
            self._setup()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _setup(self) -> None:
        d = self.dir
        os.chmod(d, 0o755)
        for name, comment in (("host_ed25519", "dm-e2e-host"), ("user_ed25519", "dm-e2e-user")):
            p = _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(d / name)], timeout=30)
            if p.returncode != 0:
                raise RuntimeError(f"ssh-keygen failed: {_text(p.stderr)}")
        self.private_key_path = d / "user_ed25519"
        self.private_key = self.private_key_path.read_text()
        self.public_key = (d / "user_ed25519.pub").read_text().strip()
        (d / "authorized_keys").write_text(self.public_key + "\n")
        os.chmod(d / "authorized_keys", 0o600)

        self.marker = f"dm-e2e-repo-{os.urandom(6).hex()}"
        self.repo_path = d / "srv" / "repo.git"
        work = d / "work"
        git = ["git", "-c", "user.name=dm-e2e", "-c", "user.email=dm-e2e@example.invalid", "-c", "init.defaultBranch=main"]
        for args in (["init", "-q", "--bare", str(self.repo_path)], ["init", "-q", str(work)]):
            self._git(git + args)
        (work / "README").write_text(self.marker + "\n")
        self._git(git + ["-C", str(work), "add", "README"])
        self._git(git + ["-C", str(work), "commit", "-q", "-m", "e2e fixture"])
        self._git(git + ["-C", str(work), "push", "-q", str(self.repo_path), "HEAD:refs/heads/main"])
        self._git(["git", "--git-dir", str(self.repo_path), "symbolic-ref", "HEAD", "refs/heads/main"])

        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation dir
        self.port = _free_port()
        cfg = d / "sshd_config"
        cfg.write_text("\n".join([
            f"Port {self.port}",
            "ListenAddress 127.0.0.1",
            f"HostKey {d / 'host_ed25519'}",
            f"PidFile {d / 'sshd.pid'}",
            f"AuthorizedKeysFile {d / 'authorized_keys'}",
            f"AllowUsers {self.user}",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "UsePAM no",
            "StrictModes no",
            "PermitTTY no",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "AllowAgentForwarding no",
            "MaxStartups 20",
            "LogLevel VERBOSE",
            "",
        ]))
        log = d / "sshd.log"
        with open(log, "wb") as fh:
            self.proc = subprocess.Popen([self.SSHD, "-D", "-e", "-f", str(cfg)], stdout=fh, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)

        def listening() -> bool:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
            return False

        _wait(listening, self.start_timeout, f"sshd on 127.0.0.1:{self.port}", self.proc, log)
        self.url = f"ssh://{self.user}@127.0.0.1:{self.port}{self.repo_path}"

    @staticmethod
    def _git(args: list[str]) -> None:
        p = _run(args, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {_text(p.stderr)}")

    @property
    def log(self) -> str:
        p = self.dir / "sshd.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def __exit__(self, *exc) -> None:
        _stop(self.proc)
        self.proc = None
        if self.dir and self.dir != Path() and self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)


class SshAgent:
    """``ssh-agent`` on a private socket holding ``keys`` (paths); ``__enter__`` returns the
    environment to give the docker client: ``{"SSH_AUTH_SOCK": path}``."""

    def __init__(self, *keys: str | os.PathLike, start_timeout: float = 10.0) -> None:
        self.keys = [str(k) for k in keys]
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.dir: Path | None = None
        self.env: dict[str, str] = {}

    def __enter__(self) -> dict[str, str]:
        self.dir = Path(tempfile.mkdtemp(prefix="dm-agent-"))
        sock = self.dir / "agent.sock"
        try:
            self.proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            _wait(sock.exists, self.start_timeout, "ssh-agent socket", self.proc)
            self.env = {"SSH_AUTH_SOCK": str(sock)}
            for key in self.keys:
                p = _run(["ssh-add", "-q", key], timeout=30, env={**os.environ, **self.env})
                if p.returncode != 0:
                    raise RuntimeError(f"ssh-add {key} failed: {_text(p.stderr)}")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return dict(self.env)

    def __exit__(self, *exc) -> None:
        _stop(self.proc)
        self.proc = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
