"""SSH keys and host-key hacks in Dockerfiles: what reaches a remote over SSH, which steps
handle a private key, and which disable host key checking.

One analysis per file (``analyse_ssh``), shared by the DM3xx rules through
``ctx.cached("ssh", ...)``. Per stage it finds

* key material: COPY/ADD of private keys or a ``.ssh`` directory (`CopiedKey`),
  ARG/ENV values (or secret-mount env values) written to a key file or fed to
  ``ssh-add`` (`VarKey`);
* SSH consumers: RUN commands that connect to a remote over SSH (git with
  ``git@host:``/``ssh://`` URLs or an ``insteadOf`` rewrite to SSH, pip/npm/yarn/
  bundle/composer/... with SSH dependencies, scp, rsync, ssh), with their hosts;
* host-key hacks: ``StrictHostKeyChecking no`` / ``UserKnownHostsFile=/dev/null``
  in ssh config writes, ``sed`` edits, ``-o`` options, ``GIT_SSH_COMMAND``,
  ``core.sshCommand`` (`Hack`);
* existing ``ssh-keyscan`` steps.

It then decides, per key and per hack, the edits that migrate it (each rule's
fix is self-contained and idempotent; edits of different fixes only touch when
they do the same thing, e.g. add the one keyscan step, so the engine's retry on
a later pass converges) or why it cannot be migrated.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..edits import add_run_flag, mounts, remove_instruction, remove_pair
from ..fix import Edit
from ..hintwords import SSH_TOOLS, SSH_WORDS, AnyOf
from ..settings import Settings
from ..syntax import Dockerfile, Instruction, Stage, name_value_pairs
from ..syntax.words import unquote_shell_word
from .shell import references
from .shell_script import Command, Item, Script, split_script
from .stagefs import descendants as _descendants
from .stagefs import is_final_lineage as reaches_final

COPIED_CODE, VAR_CODE, HACK_CODE = "DM301", "DM302", "DM303"

# Cheap pre-filter: nothing SSH-related in the text means nothing to analyse.
# Every finding needs key material (a key-like file name, a .ssh path, ssh-add, an `-i` identity, an
# IdentityFile) or a host-key hack; an openssh install or a migrated clone alone needs no analysis.
_HINT_WORDS = SSH_WORDS
_ANY_HINT_WORD = AnyOf(_HINT_WORDS)
_ANY_TOOL = AnyOf(SSH_TOOLS)
_IDENTITY_HINT = re.compile(r"\b(?:ssh|scp|sftp)\b[^\n]*?\s-i")
# _IDENTITY_HINT led by a literal, so the regex engine jumps from "s" to "s" instead of trying
# every position: after an "s" (a word character), the lookbehind holds exactly where `\b` does.
_IDENTITY_HINT_FROM_S = re.compile(r"s(?<!\ws)(?:sh|cp|ftp)\b[^\n]*?\s-i")


@lru_cache(maxsize=64)
def may_involve_ssh(text: str) -> bool:
    """Could a DM3xx rule find something in ``text``? (substring tests; a superset of what they detect)"""
    if not text.isascii():
        low = text.lower()
        if any(w in low for w in _HINT_WORDS):
            return True
        return "-i" in low and _IDENTITY_HINT.search(low) is not None
    hinted, low = _ANY_HINT_WORD.holds(text)
    if hinted:
        return True
    # A match of _IDENTITY_HINT holds one of SSH_TOOLS and "-i".
    return "-i" in low and _ANY_TOOL.holds(text)[0] and _IDENTITY_HINT_FROM_S.search(low) is not None


KEY_NAME = re.compile(r"(?i)^(?:id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?(?:[._-].*)?|.*deploy[_-]?key.*|.+_(?:rsa|ed25519|ecdsa))$")
NOT_KEY_NAME = re.compile(r"(?i)(?:\.pub|\.pub\.txt)$|^(?:known_hosts.*|authorized_keys2?|config|ssh_config|sshd_config|environment|rc)$")
DEFAULT_IDENTITIES = frozenset({"~/.ssh/id_rsa", "~/.ssh/id_dsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ed25519",
                                "~/.ssh/id_ecdsa_sk", "~/.ssh/id_ed25519_sk"})

_HACK_RX = re.compile(r"(?i)StrictHostKeyChecking\s*[= ]?\s*[\"']?\s*(?:no|off)\b|UserKnownHostsFile\s*[= ]?\s*[\"']?\s*/dev/null")
_OPT_HACK_RX = re.compile(
    r"""(?ix)[ \t]*-o[ \t]*(?P<q>["']?)[ \t]*(?:StrictHostKeyChecking[ \t]*[= ][ \t]*(?:no|off)|UserKnownHostsFile[ \t]*[= ][ \t]*/dev/null)[ \t]*(?P=q)(?=[\s"']|$)""")
_OPT_IDONLY_RX = re.compile(r"""(?ix)[ \t]*-o[ \t]*(?P<q>["']?)[ \t]*IdentitiesOnly[ \t]*[= ][ \t]*yes[ \t]*(?P=q)(?=[\s"']|$)""")
_SSH_URL = re.compile(r"(?i)(?:git\+)?ssh(?:\+git)?://(?:([^@/\s'\"]+)@)?(\[[^\]\s]+\]|[^:/\s'\"]+)(?::([^/\s'\"]*))?")
_SCP_URL = re.compile(r"^(?:git\+)?([A-Za-z0-9._-]+)@(\[[^\]\s]+\]|[A-Za-z0-9._${}-]+):(?!//)")
_SCP_ANY = re.compile(r"(?<![\w./@:-])(?:git\+)?([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,}|localhost|\d+\.\d+\.\d+\.\d+):(?![/\d]*//)(?=[\w~./-])")
_HOST_OK = re.compile(r"^(?:(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+|\[[0-9A-Fa-f:.]+\])$")
_NON_BLANK = re.compile(r"\S+")
_VAR_RX = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")
_INSTEADOF_KEY = re.compile(r"(?i)^url\.(.+)\.insteadof$")
_GITCONFIG_URL = re.compile(r"""(?is)\[url\s+\\?["']?([^"'\]\\]+)\\?["']?\s*\]\s*(?:\\[nt]|\s)*insteadOf\s*=\s*([^\s"'\\]+)""")
_OPENSSH_PKG = re.compile(r"(?i)^(?:openssh(?:-client|-clients|-keyscan)?|ssh|ssh-client|git)(?:[=<>].*)?$")
_AGENT_START = re.compile(r"""^eval\s+["']?(?:\$\(|`)\s*(?:/usr/bin/)?ssh-agent(?:\s+-[sc])?\s*(?:\)|`)["']?\s*(?:>\s*/dev/null)?$""")
_AGENT_KILL = re.compile(r"""^(?:eval\s+["']?(?:\$\(|`)\s*ssh-agent\s+-k\s*(?:\)|`)["']?|ssh-agent\s+-k|kill\s+["']?\$\{?SSH_AGENT_PID\}?["']?)(?:\s*>\s*/dev/null(?:\s+2>&1)?)?$""")

GIT_NET = frozenset({"clone", "fetch", "pull", "push", "ls-remote", "archive", "submodule"})
WRITERS = frozenset({"echo", "printf"})
FILTERS = frozenset({"base64", "tr", "sed", "awk", "cat", "fold", "head", "tail", "openssl", "xxd", "gunzip", "perl"})

# Tools that may fetch dependencies over SSH, the build-context manifests that would say so,
# and the subcommands that fetch.
MANIFESTS: dict[str, tuple[tuple[str, ...], frozenset[str] | None]] = {
    "npm": (("package.json", "package-lock.json"), frozenset({"install", "i", "ci", "add", "update", "upgrade", "rebuild"})),
    "yarn": (("package.json", "yarn.lock"), None),
    "pnpm": (("package.json", "pnpm-lock.yaml"), frozenset({"install", "i", "add", "update", "up", "fetch"})),
    "pip": (("requirements.txt",), frozenset({"install", "download", "wheel"})),
    "bundle": (("Gemfile", "Gemfile.lock"), frozenset({"install", "update", "package", "lock", "cache"})),
    "composer": (("composer.json", "composer.lock"), frozenset({"install", "update", "require", "create-project"})),
    "cargo": (("Cargo.toml", "Cargo.lock"), frozenset({"build", "fetch", "install", "update", "vendor", "check", "test"})),
    "poetry": (("pyproject.toml", "poetry.lock"), frozenset({"install", "update", "add", "lock"})),
    "pipenv": (("Pipfile", "Pipfile.lock"), frozenset({"install", "sync", "lock", "update"})),
    "mix": (("mix.exs", "mix.lock"), frozenset({"deps.get", "deps.update"})),
}
GO_NET = frozenset({"get", "install", "build", "mod", "list", "test", "run", "generate", "vet"})
_SHORTHAND = re.compile(r"""["'](?:github|gitlab|bitbucket):([\w.-]+/[\w.-]+)""")
_SHORTHAND_HOSTS = {"github": "github.com", "gitlab": "gitlab.com", "bitbucket": "bitbucket.org"}
_NPM_BARE = re.compile(r""":\s*"([A-Za-z0-9][\w.-]*/[\w.-]+)(?:#[^"]*)?"\s*[,}\n]""")

Pos = tuple[int, int, int]  # (instruction index in the stage body, script index, item index)


# --------------------------------------------------------------------------- small helpers


def norm_path(p: str, workdir: str = "/") -> str:
    """Canonical form of an in-image path: `~/` for the (root) home, absolute otherwise."""
    p = p.strip()
    for home in ("$HOME", "${HOME}", "/root"):
        if p == home or p.startswith(home + "/"):
            p = "~" + p[len(home):]
            break
    if not p.startswith(("/", "~")):
        p = posixpath.join(workdir or "/", p)
    if p.startswith("~"):
        rest = posixpath.normpath("/" + p[1:].lstrip("/")) if len(p) > 1 else ""
        return "~" + (rest if rest != "/" else "")
    return posixpath.normpath(p)


def is_key_file_name(name: str) -> bool:
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return bool(KEY_NAME.match(base)) and not NOT_KEY_NAME.search(base)


def in_ssh_dir(path: str) -> bool:
    return "/.ssh/" in path or path.startswith(".ssh/")


def is_ssh_key_path(path: str) -> bool:
    """Could a file at this path be an SSH private key (by name or by living in a .ssh dir)?"""
    base = path.rstrip("/").rsplit("/", 1)[-1]
    if NOT_KEY_NAME.search(base):
        return False
    return is_key_file_name(base) or in_ssh_dir(path)


def is_ssh_config_path(path: str) -> bool:
    return path.endswith(("ssh_config", "/.ssh/config")) or "/ssh_config.d/" in path or path == "~/.ssh/config"


def _host_of(host: str | None) -> str | None:
    if not host or "$" in host or not _HOST_OK.match(host):
        return None
    return host.lower()


def pretty_path(p: str) -> str:
    return p


@dataclass(frozen=True)
class Endpoint:
    host: str | None  # None: cannot be determined
    port: str | None = None  # None: 22
    raw: str = ""  # the host as written (for messages; never secret)

    def key(self) -> tuple[str, str]:
        return (self.host or "", self.port or "22")


def url_endpoint(text: str) -> Endpoint | None:
    """Endpoint of an SSH URL (`ssh://`, `git+ssh://`, `user@host:path`) in a word, if any."""
    if "://" not in text and "@" not in text:
        return None  # what both patterns need
    m = _SSH_URL.search(text)
    if m:
        port = m.group(3) or None
        host = _host_of(m.group(2))
        if port is not None and not port.isdigit():
            return Endpoint(None, None, m.group(2))
        return Endpoint(host, None if port in (None, "22") else port, m.group(2))
    if "://" in text:
        return None
    m = _SCP_URL.match(text)
    if m:
        return Endpoint(_host_of(m.group(2)), None, m.group(2))
    return None


def endpoints_in_text(text: str) -> list[Endpoint]:
    """SSH endpoints named anywhere in free text (manifests, config)."""
    out: list[Endpoint] = []
    for m in _SSH_URL.finditer(text):
        port = m.group(3) or None
        if port is not None and not port.isdigit():
            out.append(Endpoint(None, None, m.group(2)))
        else:
            out.append(Endpoint(_host_of(m.group(2)), None if port in (None, "22") else port, m.group(2)))
    for m in _SCP_ANY.finditer(text):
        out.append(Endpoint(_host_of(m.group(2)), None, m.group(2)))
    return out


def _dedupe(eps: list[Endpoint]) -> list[Endpoint]:
    seen: set = set()
    out = []
    for e in eps:
        k = (e.host, e.port, e.raw if e.host is None else "")
        if k not in seen:
            seen.add(k)
            out.append(e)
    return out


def _expand_escapes(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t")


def var_refs(text: str) -> set[str]:
    return {a or b for a, b in _VAR_RX.findall(text)} if "$" in text else set()


# --------------------------------------------------------------------------- data


@dataclass
class ScriptView:
    script: Script
    editable: bool
    base: int  # logical offset of the script (editable views only)
    where: str  # "" | "heredoc" | "exec form"


@dataclass
class Run:
    instr: Instruction
    index: int
    views: list[ScriptView]
    ssh_mount: bool
    secret_env: dict[str, str]  # env var -> secret id of this RUN's secret mounts
    secret_files: dict[str, str]  # mounted file path -> secret id


@dataclass
class Consumer:
    run: Run
    pos: Pos
    what: str  # e.g. "git clone", "npm install" (no secrets)
    endpoints: list[Endpoint]
    maybe: bool = False  # the tool may use SSH; its hosts are unknown (manifest not readable)
    identity_paths: set[str] = field(default_factory=set)  # `-i PATH` it passes

    @property
    def line(self) -> int:
        return self.run.instr.start_line


@dataclass
class ItemRef:
    run: Run
    view: int
    item: int

    @property
    def pos(self) -> Pos:
        return (self.run.index, self.view, self.item)

    @property
    def obj(self) -> Item:
        return self.run.views[self.view].script.items[self.item]

    @property
    def editable(self) -> bool:
        return self.run.views[self.view].editable and self.obj.separable


@dataclass
class TextCut:
    """Remove logical [start, end) of a RUN's editable script (offsets relative to the script)."""

    run: Run
    start: int
    end: int
    replacement: str = ""


@dataclass
class Changes:
    """Edits a fix wants, before they are turned into `Edit`s."""

    drop_items: list[ItemRef] = field(default_factory=list)
    cuts: list[TextCut] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    mounts: list[Run] = field(default_factory=list)
    keyscan: tuple[Instruction, list[Endpoint], ItemRef | None] | None = None

    def extend(self, other: Changes) -> None:
        self.drop_items += other.drop_items
        self.cuts += other.cuts
        self.edits += other.edits


@dataclass
class Key:
    kind: str  # "copy" | "var"
    stage: Stage
    instr: Instruction  # COPY/ADD, or ARG/ENV (or the RUN whose secret mount carries it)
    subject: str  # file name or variable name (never the value)
    label: str  # for messages
    pos: Pos  # where the key becomes available in the stage
    paths: set[str] = field(default_factory=set)  # in-image paths holding it
    dir_paths: set[str] = field(default_factory=set)  # copied directories (everything under them)
    names: set[str] = field(default_factory=set)  # variable names carrying it (var keys)
    secret_ids: set[str] = field(default_factory=set)  # secret mounts carrying it
    writes: list[ItemRef] = field(default_factory=list)
    agent_only: bool = False  # only fed to ssh-add, never written to a file
    changes: Changes = field(default_factory=Changes)
    blockers: list[str] = field(default_factory=list)
    consumers: list[Consumer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    where: str = ""  # final image / builder stage sentence
    in_final: bool = False
    fixable: bool = False
    hosts: list[Endpoint] = field(default_factory=list)
    steps: set[int] = field(default_factory=set)  # lines of removed steps
    shares: list = field(default_factory=list)  # other keys of the stage loaded into the same ssh-agent

    @property
    def line(self) -> int:
        return self.instr.start_line


@dataclass
class Hack:
    stage: Stage
    instr: Instruction
    pos: Pos
    subject: str
    desc: str
    changes: Changes = field(default_factory=Changes)
    blockers: list[str] = field(default_factory=list)
    identity_paths: set[str] = field(default_factory=set)  # IdentityFile lines removed with it
    identities_only: bool = False
    host_patterns: list[str] = field(default_factory=list)  # `Host` lines of a config write ([] = all hosts)
    scope: str = "all"  # which later SSH users it affects: all | git | git-run | self
    consumers: list[Consumer] = field(default_factory=list)
    hosts: list[Endpoint] = field(default_factory=list)
    fixable: bool = False
    new_hosts: list[Endpoint] = field(default_factory=list)


@dataclass
class SshAnalysis:
    keys: list[Key] = field(default_factory=list)
    hacks: list[Hack] = field(default_factory=list)

    def migrated_vars(self) -> set[tuple[int, str]]:
        """(stage index, variable) pairs a DM302 fix removes: DM101 leaves them alone."""
        out: set[tuple[int, str]] = set()
        for k in self.keys:
            if k.kind == "var" and k.fixable:
                out |= {(k.stage.index, n) for n in k.names}
        return out


EMPTY = SshAnalysis()


# --------------------------------------------------------------------------- RUN parsing


def run_views(instr: Instruction) -> tuple[ScriptView, ...]:
    """The scripts a RUN executes, computed once per parsed instruction (the SSH and token analyses both
    walk them)."""
    views = instr.memo.get("ssh.run_views")
    if views is None:
        views = instr.memo["ssh.run_views"] = tuple(_views(instr))
    return views


def _views(instr: Instruction) -> list[ScriptView]:
    views: list[ScriptView] = []
    if instr.json:
        args = instr.json_args or []
        if len(args) >= 3 and args[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash", "dash") and args[1] in ("-c", "-lc", "-ec"):
            views.append(ScriptView(split_script(args[2]), False, 0, "exec form"))
        else:
            views.append(ScriptView(split_script(" ".join(_quote(a) for a in args)), False, 0, "exec form"))
    else:
        script_heredocs = []
        args = instr.args
        for h in instr.heredocs:
            # `RUN <<EOF` (the heredoc is the script) vs `RUN cat <<EOF > file` (data).
            if re.match(r"^\s*(?:\d*<<-?\s*[\"']?" + re.escape(h.name) + r"[\"']?\s*)+$", args):
                script_heredocs.append(h)
        views.append(ScriptView(split_script(args), not instr.heredocs, instr.args_offset, ""))
        for h in script_heredocs:
            views.append(ScriptView(split_script(h.content), False, 0, "heredoc"))
    return views


def _run(instr: Instruction, index: int) -> Run:
    views = list(run_views(instr))
    ssh_mount = False
    secret_env: dict[str, str] = {}
    secret_files: dict[str, str] = {}
    for m in mounts(instr):
        t = m.get("type")
        if t == "ssh":
            ssh_mount = True
        elif t == "secret":
            sid = m.get("id") or m.get("src") or m.get("source")
            target = m.get("target") or m.get("dst") or m.get("destination")
            if not sid and target:
                sid = target.rstrip("/").rsplit("/", 1)[-1]
            if not sid:
                continue
            if m.get("env"):
                secret_env[m["env"]] = sid
            if target or not m.get("env"):
                secret_files[norm_path(target or f"/run/secrets/{sid}")] = sid
    return Run(instr, index, views, ssh_mount, secret_env, secret_files)


def _quote(a: str) -> str:
    return a if a and not re.search(r"[\s'\"\\$`]", a) else "'" + a.replace("'", "'\\''") + "'"


_CONTROL_WORDS = frozenset({"then", "do", "else", "elif", "if", "while", "until", "!", "{", "("})


def _strip_keywords(cmd: Command) -> list[str]:
    """argv texts with leading control keywords (`then`, `do`, `!`...) removed (one list per command,
    which callers only read)."""
    words = cmd.memo.get("ssh.words")
    if words is None:
        words = [w.text for w in cmd.argv]
        k = 0
        while k < len(words) and words[k] in _CONTROL_WORDS:
            k += 1
        words = cmd.memo["ssh.words"] = words[k:]
    return words


# --------------------------------------------------------------------------- per-command facts


def _written_text(cmd: Command) -> str | None:
    """What an echo/printf command prints (escapes expanded), else None."""
    words = _strip_keywords(cmd)
    if not words or words[0] not in WRITERS:
        return None
    args = words[1:]
    if words[0] == "echo":
        while args and re.match(r"^-[neE]+$", args[0]):
            args = args[1:]
        return _expand_escapes(" ".join(args))
    if words[0] == "printf" and args:
        fmt, rest = args[0], args[1:]
        if rest:
            return _expand_escapes(fmt.replace("%s", " ".join(rest), 1) if "%s" in fmt else fmt + " " + " ".join(rest))
        return _expand_escapes(fmt)
    return ""


def _write_targets(item: Item, workdir: str) -> list[tuple[str, str]]:
    """(op, normalized path) files the last command of a pipeline writes to (`>`, `>>`, `tee`)."""
    out = []
    last = item.commands[-1]
    for r in last.redirects:
        if r.op in (">", ">>", ">|") and r.target is not None and r.fd in ("", "1"):
            out.append((r.op, norm_path(r.target.text, workdir)))
    words = _strip_keywords(last)
    if words and words[0] == "tee":
        for a in words[1:]:
            if not a.startswith("-"):
                out.append((">>" if "-a" in words else ">", norm_path(a, workdir)))
    return out


def _identity_opts(text_words: list[str], workdir: str) -> set[str]:
    out = set()
    for i, w in enumerate(text_words):
        if w == "-i" and i + 1 < len(text_words):
            out.add(norm_path(text_words[i + 1], workdir))
        elif w.startswith("-i") and len(w) > 2 and not w.startswith("-i-"):
            out.add(norm_path(w[2:], workdir))
    return out


def _ssh_command_strings(cmd: Command) -> list[str]:
    """Embedded ssh command lines: GIT_SSH_COMMAND=..., rsync -e '...', core.sshCommand '...'."""
    out = []
    for a in cmd.assigns:
        if a.text.startswith(("GIT_SSH_COMMAND=", "RSYNC_RSH=")):
            out.append(a.text.split("=", 1)[1])
    words = _strip_keywords(cmd)
    for i, w in enumerate(words):
        if w.startswith(("GIT_SSH_COMMAND=", "RSYNC_RSH=")):
            out.append(w.split("=", 1)[1])
        if w in ("-e", "--rsh") and i + 1 < len(words) and words[0] == "rsync":
            out.append(words[i + 1])
        if w.startswith("--rsh="):
            out.append(w[6:])
        if w.lower() == "core.sshcommand" and i + 1 < len(words):
            out.append(words[i + 1])
    return out


def _consumer_endpoints(cmd: Command, ctx: _StageScan) -> tuple[str, list[Endpoint], bool] | None:
    """(what, endpoints, maybe) if the command may reach a remote over SSH."""
    words = _strip_keywords(cmd)
    if not words:
        return None
    prog = words[0].rsplit("/", 1)[-1]
    args = words[1:]
    if prog in ("ssh-keyscan", "ssh-keygen", "ssh-add", "ssh-agent", "ssh-copy-id", "echo", "printf", "sed", "cat",
                "tee", "grep", "test", "[", "export", "eval", "mkdir", "chmod", "chown", "touch", "rm", "cp", "mv"):
        return None
    if prog == "git" and args[:1] == ["config"]:
        return None
    if prog in ("sh", "bash", "ash", "dash", "zsh") and "-c" in args[:-1]:
        inner = split_script(args[args.index("-c") + 1])
        for it in inner.items:
            for c in it.commands:
                found = _consumer_endpoints(c, ctx)
                if found is not None:
                    return found
        return None
    if prog in ("ssh", "slogin"):
        return ("ssh", _ssh_host(args, "ssh"), False)
    if prog in ("scp", "sftp"):
        return (prog, _scp_hosts(args, prog), False)
    if prog == "rsync":
        eps = _rsync_hosts(args)
        return ("rsync", eps, False) if eps else None
    # explicit SSH URLs in the arguments
    eps = [e for e in (url_endpoint(a) for a in args) if e is not None]
    if prog == "python" or prog.startswith("python3") or prog.startswith("python2"):
        if len(args) >= 2 and args[0] == "-m" and args[1] in ("pip", "pip3"):
            prog, args = "pip", args[2:]
    if prog.startswith("pip") and prog[3:] in ("", "3") or prog in ("pip3.11", "pip3.12", "uv"):
        prog = "pip"
        if args[:1] == ["pip"]:
            args = args[1:]
    if eps:
        sub = next((a for a in args if not a.startswith("-")), "")
        what = f"{prog} {sub}".strip() if prog in ("git", "pip", "npm", "yarn", "pnpm", "go", "composer", "bundle") else prog
        return (what, eps, False)
    if prog == "git":
        sub = _git_sub(args)
        if sub not in GIT_NET:
            return None
        what = f"git {sub}"
        https = [a for a in args if a.startswith(("http://", "https://", "git://"))]
        variable = [a for a in args if a.startswith("$") or a.startswith("${")]
        if variable and not https and sub in ("clone", "fetch", "pull", "push", "ls-remote"):
            return (what, [Endpoint(None, None, variable[0])], False)
        if https:
            derived = ctx.rewrite(https)
            return (what, derived, False) if derived else None
        if sub == "submodule":
            if not any(a in ("update", "add", "sync", "foreach") for a in args):
                return None
            found = ctx.manifest((".gitmodules",))
            if found is None:
                if ctx.insteadof:
                    return (what, ctx.all_rewrites(), False)
                return (what, [], True)
            eps = found + (ctx.all_rewrites() if ctx.insteadof else [])
            return (what, eps, False) if eps else None
        # fetch/pull/push without a URL: the remote a previous clone used
        if ctx.cloned:
            return (what, list(ctx.cloned), False)
        if ctx.insteadof:
            return (what, ctx.all_rewrites(), False)
        return None
    if prog == "go":
        sub = args[0] if args else ""
        if sub in GO_NET and ctx.insteadof:
            what = f"go {sub} {args[1]}" if sub == "mod" and len(args) > 1 else f"go {sub}"
            return (what, ctx.all_rewrites(), False)
        return None
    if prog in MANIFESTS:
        files, subs = MANIFESTS[prog]
        sub = next((a for a in args if not a.startswith("-")), "")
        if prog == "yarn":
            if sub and sub not in ("install", "add", "upgrade", "up"):
                return None
        elif subs is not None and sub not in subs:
            return None
        what = f"{prog} {sub}".strip()
        if prog == "pip":
            req = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-r", "--requirement", "-c", "--constraint")]
            req += [a.split("=", 1)[1] for a in args if a.startswith(("--requirement=", "-r="))]
            req += [a[2:] for a in args if a.startswith("-r") and len(a) > 2 and not a.startswith("-r=")]
            local = [a for a in args[1:] if a in (".", "./") or (a.startswith(("./", "/")) and not a.endswith((".whl", ".tar.gz")))]
            if req:
                files = tuple(dict.fromkeys([f for r in req for f in (r.lstrip("./"), posixpath.basename(r))]))
            elif local:
                files = ("pyproject.toml", "setup.py", "setup.cfg")
            else:
                return (what, ctx.all_rewrites(), False) if ctx.insteadof and any(
                    a.startswith(("http", "git+http")) for a in args) else None
        found = ctx.manifest(files, shorthand=prog in ("npm", "yarn", "pnpm"))
        if found is None:
            if ctx.insteadof:
                return (what, ctx.all_rewrites(), False)
            return (what, [], True)
        if ctx.insteadof and found == []:
            return (what, ctx.all_rewrites(), False)
        return (what, found, False) if found else None
    if prog not in ("git",) and any(url_endpoint(a) for a in args):
        return (prog, eps, False)
    return None


def _git_sub(args: list[str]) -> str:
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-C", "-c", "--git-dir", "--work-tree"):
            i += 2
            continue
        if a.startswith("-"):
            i += 1
            continue
        return a
    return ""


def _ssh_host(args: list[str], prog: str) -> list[Endpoint]:
    port = None
    i = 0
    with_arg = set("bcDEeFIiJLlmOopQRSWw")
    user_host = None
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) >= 2:
            flag = a[1]
            if flag in with_arg:
                val = a[2:] if len(a) > 2 else (args[i + 1] if i + 1 < len(args) else "")
                if flag == "p":
                    port = val
                elif flag == "o" and re.match(r"(?i)port[= ]", val):
                    port = re.split(r"[= ]", val, 1)[1].strip()
                i += 1 if len(a) > 2 else 2
                continue
            i += 1
            continue
        user_host = a
        break
    if user_host is None:
        return [Endpoint(None, None, "")]
    ep = url_endpoint(user_host)
    if ep is not None:
        return [ep]
    host = user_host.rsplit("@", 1)[-1]
    if port is not None and not port.isdigit():
        return [Endpoint(None, None, host)]
    return [Endpoint(_host_of(host), None if port in (None, "22") else port, host)]


def _scp_hosts(args: list[str], prog: str) -> list[Endpoint]:
    port = None
    eps = []
    i = 0
    with_arg = set("cFiJlPoSXD")
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) >= 2:
            flag = a[1]
            if flag in with_arg:
                val = a[2:] if len(a) > 2 else (args[i + 1] if i + 1 < len(args) else "")
                if flag == "P":
                    port = val
                i += 1 if len(a) > 2 else 2
                continue
            i += 1
            continue
        ep = url_endpoint(a)
        if ep is None and ":" in a and not a.startswith(("/", ".", "~")):
            host = a.split(":", 1)[0].rsplit("@", 1)[-1]
            ep = Endpoint(_host_of(host), None, host)
        if ep is not None:
            eps.append(ep)
        i += 1
    if port is not None:
        eps = [Endpoint(e.host if port.isdigit() else None, None if port == "22" else port, e.raw) for e in eps]
    return eps or [Endpoint(None, None, "")]


def _rsync_hosts(args: list[str]) -> list[Endpoint]:
    eps = []
    for a in args:
        if a.startswith("-") or "::" in a or a.startswith("rsync://"):
            continue
        ep = url_endpoint(a)
        if ep is None and ":" in a and not a.startswith(("/", ".", "~")):
            host = a.split(":", 1)[0].rsplit("@", 1)[-1]
            ep = Endpoint(_host_of(host), None, host)
        if ep is not None:
            eps.append(ep)
    return eps


# --------------------------------------------------------------------------- the stage scan


class _StageScan:
    def __init__(self, df: Dockerfile, stage: Stage, settings: Settings):
        self.df = df
        self.stage = stage
        self.settings = settings
        self.body = stage.instructions[1:]
        self.runs: dict[int, Run] = {}
        self.workdirs: list[str] = []
        wd = "/"
        for i, instr in enumerate(self.body):
            self.workdirs.append(wd)
            if instr.cmd == "WORKDIR":
                arg = unquote_shell_word(instr.args.strip())[0] if not instr.json else (instr.json_args or ["/"])[0]
                wd = posixpath.normpath(posixpath.join(wd, arg)) if "$" not in arg else wd
            if instr.cmd == "RUN":
                self.runs[i] = _run(instr, i)
        # state while walking
        self.insteadof: list[tuple[str, Endpoint]] = []
        self.cloned: list[Endpoint] = []
        self.consumers: list[Consumer] = []
        self.keyscans: list[tuple[Pos, Endpoint]] = []
        self.installs: list[Pos] = []  # package installs that bring ssh-keyscan
        self.ssh_dir_made: list[Pos] = []
        self.known_hosts_copied: list[Pos] = []
        self._manifest_cache: dict = {}

    # ---- helpers used by _consumer_endpoints
    def rewrite(self, urls: list[str]) -> list[Endpoint]:
        out = []
        for u in urls:
            for prefix, ep in self.insteadof:
                if u.startswith(prefix):
                    out.append(ep)
                    break
        return out

    def all_rewrites(self) -> list[Endpoint]:
        return _dedupe([ep for _, ep in self.insteadof])

    def manifest(self, files: tuple[str, ...], shorthand: bool = False) -> list[Endpoint] | None:
        key = (files, shorthand)
        if key in self._manifest_cache:
            return self._manifest_cache[key]
        reader = self.settings.read_context
        texts = []
        if reader is not None:
            for f in files:
                try:
                    t = reader(f)
                except Exception:  # pragma: no cover - the shell's reader failing is not our bug
                    t = None
                if t is not None:
                    texts.append(t)
        if not texts:
            self._manifest_cache[key] = None
            return None
        eps: list[Endpoint] = []
        for t in texts:
            eps += endpoints_in_text(t)
            if shorthand:
                for m in re.finditer(r"""["'](github|gitlab|bitbucket):[\w.-]+/[\w.-]+""", t):
                    eps.append(Endpoint(_SHORTHAND_HOSTS[m.group(1)], None, _SHORTHAND_HOSTS[m.group(1)]))
        self._manifest_cache[key] = _dedupe(eps)
        return self._manifest_cache[key]

    def scanned_before(self, pos: Pos) -> set[tuple[str, str]]:
        return {ep.key() for p, ep in self.keyscans if p < pos and ep.host}

    # ---- the walk
    def walk(self) -> None:
        for i, instr in enumerate(self.body):
            wd = self.workdirs[i]
            if instr.cmd in ("COPY", "ADD"):
                dest = self._copy_dest(instr, i)
                if dest and (dest.endswith("/known_hosts") or dest.endswith("ssh_known_hosts")):
                    self.known_hosts_copied.append((i, 0, 0))
                continue
            run = self.runs.get(i)
            if run is None:
                continue
            before = len(self.consumers)
            for v, view in enumerate(run.views):
                for k, item in enumerate(view.script.items):
                    pos = (i, v, k)
                    for cmd in item.commands:
                        self._facts(run, pos, item, cmd, wd)
            if run.ssh_mount and len(self.consumers) == before:
                # The author gave it an ssh mount: it connects somewhere we cannot see.
                self.consumers.append(Consumer(run, (i, 0, 0), "a RUN with an ssh mount", [Endpoint(None, None, "")]))

    def may_name_identities(self) -> bool:
        """Could the walk find a consumer with identity files? (`_facts` takes them from the `-i`
        options of ssh/scp/sftp/slogin and of embedded ssh command lines; this looks at every command.)"""
        for run in self.runs.values():
            for view in run.views:
                for item in view.script.items:
                    for cmd in item.commands:
                        if not any("-i" in w.text for w in cmd.words) and not any("-i" in a.text for a in cmd.assigns):
                            continue  # the words below are among these (or parts of them)
                        words = _strip_keywords(cmd)
                        if words and words[0].rsplit("/", 1)[-1] in ("ssh", "scp", "sftp", "slogin") and any(
                                a.startswith("-i") for a in words[1:]):
                            return True
                        if any(w.startswith("-i") for s in _ssh_command_strings(cmd) for w in s.split()):
                            return True
        return False

    def _copy_dest(self, instr: Instruction, i: int) -> str | None:
        """Where the COPY/ADD at body index ``i`` puts its files."""
        words = copy_words(instr)
        if len(words) < 2:
            return None
        return norm_path(words[-1][0], self.workdirs[i])

    def _facts(self, run: Run, pos: Pos, item: Item, cmd: Command, wd: str) -> None:
        words = _strip_keywords(cmd)
        if not words:
            return
        prog = words[0].rsplit("/", 1)[-1]
        args = words[1:]
        if prog == "ssh-keyscan":
            port = None
            hosts = []
            j = 0
            while j < len(args):
                a = args[j]
                if a in ("-p",) and j + 1 < len(args):
                    port = args[j + 1]
                    j += 2
                    continue
                if a in ("-t", "-T", "-f", "-O") and j + 1 < len(args):
                    j += 2
                    continue
                if a.startswith("-"):
                    if a.startswith("-p") and len(a) > 2:
                        port = a[2:]
                    j += 1
                    continue
                hosts += [h for h in a.split(",") if h]
                j += 1
            for h in hosts:
                self.keyscans.append((pos, Endpoint(_host_of(h), None if port in (None, "22") else port, h)))
            return
        if prog in ("apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper") and any(
                _OPENSSH_PKG.match(a) for a in args if not a.startswith("-")):
            if any(a in ("install", "add", "in") for a in args):
                self.installs.append(pos)
        if prog == "mkdir" and any(a.endswith("/.ssh") or a == "~/.ssh" for a in args):
            self.ssh_dir_made.append(pos)
        # insteadOf rewrites: git config url.<ssh>.insteadOf <prefix>, or .gitconfig text
        if prog == "git" and args[:1] == ["config"]:
            rest = [a for a in args[1:] if not a.startswith("-")]
            if len(rest) >= 2:
                m = _INSTEADOF_KEY.match(rest[0])
                if m:
                    ep = url_endpoint(m.group(1))
                    if ep is not None:
                        self.insteadof.append((rest[1], ep))
            return
        text = _written_text(cmd)
        if text:
            for m in _GITCONFIG_URL.finditer(text):
                ep = url_endpoint(m.group(1))
                if ep is not None:
                    self.insteadof.append((m.group(2), ep))
        res = _consumer_endpoints(cmd, self)
        if res is None:
            return
        what, eps, maybe = res
        if prog == "git" and _git_sub(args) == "clone":
            self.cloned += [e for e in eps if e.host]
        idents = set()
        if prog in ("ssh", "scp", "sftp", "slogin"):
            idents |= _identity_opts(args, wd)
        for s in _ssh_command_strings(cmd):
            idents |= _identity_opts(s.split(), wd)
        self.consumers.append(Consumer(run, pos, what, _dedupe(eps), maybe, idents))


def copy_words(instr: Instruction) -> list[tuple[str, int, int]]:
    """(text, logical start, logical end) of a COPY/ADD's source and destination words (one list per
    parsed instruction, which callers only read)."""
    words = instr.memo.get("ssh.copy_words")
    if words is None:
        words = instr.memo["ssh.copy_words"] = _copy_words(instr)
    return words


def _copy_words(instr: Instruction) -> list[tuple[str, int, int]]:
    if instr.json:
        return [(a, -1, -1) for a in (instr.json_args or [])]
    out = []
    base = instr.args_offset
    for m in _NON_BLANK.finditer(instr.args):
        out.append((unquote_shell_word(m.group(0))[0], base + m.start(), base + m.end()))
    return out


# --------------------------------------------------------------------------- stage relations




def stage_label(stage: Stage) -> str:
    return f"`{stage.name}`" if stage.name else f"{stage.index}"


# --------------------------------------------------------------------------- the analysis


_LAST: list = [None, None, None]  # (df, settings, analysis): flows and the DM3xx rules share one run


def analyse_ssh(df: Dockerfile, settings: Settings) -> SshAnalysis:
    if not may_involve_ssh(df.text):
        return EMPTY
    if _LAST[0] is df and _LAST[1] is settings:
        return _LAST[2]
    result = _analyse_ssh(df, settings)
    _LAST[:] = [df, settings, result]
    return result


def ssh_key_vars_migrated_by_dm302(df: Dockerfile, settings: Settings) -> set[tuple[int, str]]:
    """(stage index, variable) pairs whose SSH key DM302 rewrites to an ssh mount (flows.py leaves them
    out, so DM101/DM102 do not also move them to a secret mount)."""
    if not settings.enabled(VAR_CODE) or not may_involve_ssh(df.text):
        return set()
    return analyse_ssh(df, settings).migrated_vars()


def _analyse_ssh(df: Dockerfile, settings: Settings) -> SshAnalysis:
    result = SshAnalysis()
    for stage in df.stages:
        scan = _StageScan(df, stage, settings)
        if scan.may_name_identities():
            scan.walk()
            keys = _find_copied_keys(scan) + _find_var_keys(scan)
            hacks = _find_hacks(scan)
        else:
            # Without identity files (`-i`) the keys and hacks found do not depend on the walk's facts,
            # which only planning them needs: a stage with neither is not walked.
            keys = _find_copied_keys(scan) + _find_var_keys(scan)
            hacks = _find_hacks(scan)
            if not keys and not hacks:
                continue
            scan.walk()
        _plan(scan, keys, hacks)
        result.keys += keys
        result.hacks += hacks
    return result


# ---- keys copied from the build context


def _find_copied_keys(scan: _StageScan) -> list[Key]:
    out = []
    identity_paths = set()
    for c in scan.consumers:
        identity_paths |= c.identity_paths
    for i, instr in enumerate(scan.body):
        if instr.cmd not in ("COPY", "ADD") or instr.flag_values("from"):
            continue
        words = copy_words(instr)
        if len(words) < 2:
            continue
        wd = scan.workdirs[i]
        srcs, dest = words[:-1], words[-1]
        dest_text = dest[0]
        dest_is_dir = dest_text.endswith("/") or len(srcs) > 1
        key_srcs = []
        paths: set[str] = set()
        dirs: set[str] = set()
        for text, a, b in srcs:
            if text.startswith(("http://", "https://", "git@", "-")) or text in ("&&", "||", ";", "&", "|"):
                continue
            base = text.rstrip("/").rsplit("/", 1)[-1]
            is_dir = base == ".ssh" or text.endswith("/") and is_ssh_dir_dest(dest_text)
            target = norm_path(posixpath.join(dest_text, base) if dest_is_dir and not is_dir else dest_text, wd)
            if base == ".ssh" or (text.rstrip("/").endswith("/.ssh")):
                if NOT_KEY_NAME.search(base):
                    continue
                key_srcs.append((text, a, b))
                dirs.add(norm_path(dest_text, wd) if not dest_is_dir or base != ".ssh" else norm_path(posixpath.join(dest_text, ".ssh"), wd))
                continue
            tbase = target.rsplit("/", 1)[-1]
            if NOT_KEY_NAME.search(base) or NOT_KEY_NAME.search(tbase):
                continue
            if is_key_file_name(base) or is_key_file_name(tbase) or target in identity_paths or (
                    in_ssh_dir(target) and not is_dir and "*" not in base):
                key_srcs.append((text, a, b))
                paths.add(target)
            elif is_dir and is_ssh_dir_dest(dest_text):
                key_srcs.append((text, a, b))
                dirs.add(norm_path(dest_text, wd))
        if not key_srcs:
            continue
        names = sorted({t.rstrip("/").rsplit("/", 1)[-1] for t, _, _ in key_srcs})
        subject = ",".join(names)
        files = [n for n in names if n != ".ssh"]
        parts = []
        if files:
            parts.append(("the SSH private key " if len(files) == 1 else "the SSH private keys ") + ", ".join(files))
        if ".ssh" in names:
            parts.append("a .ssh directory (private keys)")
        label = " and ".join(parts) if parts else f"{subject} (SSH keys)"
        key = Key("copy", scan.stage, instr, subject, label, (i, 0, -1), paths, dirs)
        if len(key_srcs) == len(srcs):
            key.changes.edits.append(remove_instruction(scan.df, instr))
        elif instr.json:
            key.blockers.append(f"the {instr.cmd} at line {instr.start_line} (JSON form) also copies other files; "
                                f"remove {subject} from it by hand")
        else:
            for text, a, b in key_srcs:
                # the word and the blanks after it
                end = b
                while end < len(instr.logical) and instr.logical[end] in " \t":
                    end += 1
                span = instr.source_span(a, end)
                key.changes.edits.append(Edit(span.start, span.end, ""))
        out.append(key)
    return out


def is_ssh_dir_dest(dest: str) -> bool:
    d = dest.rstrip("/")
    return d.endswith("/.ssh") or d in ("~/.ssh", ".ssh")


# ---- keys from variables (ARG/ENV/secret-mount env)


def _declared(scan: _StageScan, upto: int) -> dict[str, tuple[Instruction, int]]:
    """Variables declared by ARG/ENV in the stage before body index ``upto`` -> (instr, index)."""
    out: dict[str, tuple[Instruction, int]] = {}
    for i, instr in enumerate(scan.body[:upto]):
        if instr.cmd in ("ARG", "ENV"):
            for name, _, _ in name_value_pairs(instr, scan.df.escape):
                out.setdefault(name, (instr, i))
    return out


def _find_var_keys(scan: _StageScan) -> list[Key]:
    keys: dict[str, Key] = {}
    for i, run in scan.runs.items():
        wd = scan.workdirs[i]
        declared = None
        for v, view in enumerate(run.views):
            for k, item in enumerate(view.script.items):
                first = item.commands[0]
                names: set[str] = set()
                secret_ids: set[str] = set()
                sources_text = ""
                src_words = _strip_keywords(first)
                if src_words and src_words[0] in WRITERS:
                    sources_text = " ".join(w.raw for w in first.argv[1:])
                elif src_words and src_words[0] in ("cat", "cp", "install", "base64") :
                    for w in src_words[1:]:
                        p = norm_path(w, wd) if not w.startswith("-") else ""
                        if p in run.secret_files:
                            secret_ids.add(run.secret_files[p])
                # ssh-add <(echo "$KEY") / ssh-add - <<< "$KEY"
                agent = False
                for c in item.commands:
                    cw = _strip_keywords(c)
                    if cw and cw[0] == "ssh-add":
                        agent = True
                        sources_text += " " + " ".join(w.raw for w in c.argv[1:])
                        sources_text += " " + " ".join(r.target.raw for r in c.redirects if r.op == "<<<" and r.target)
                refs = var_refs(sources_text)
                if not refs and not secret_ids:
                    continue
                targets = [] if agent else _write_targets(item, wd)
                if not agent and not targets:
                    continue
                key_targets = [p for _, p in targets if is_ssh_key_path(p) or p in _identities(scan, wd)]
                if not agent and not key_targets:
                    continue
                if declared is None:
                    declared = _declared(scan, i)
                for name in sorted(refs):
                    if name in run.secret_env:
                        secret_ids.add(run.secret_env[name])
                        names.add(name)
                    elif name in declared:
                        names.add(name)
                if not names and not secret_ids:
                    continue
                ref = ItemRef(run, v, k)
                ident = sorted(names)[0] if names else sorted(secret_ids)[0]
                key = keys.get(ident)
                if key is None:
                    if names and ident in declared:
                        decl = declared[ident][0]
                        label = f"{decl.cmd} {ident}"
                        kpos: Pos = (declared[ident][1], 0, -1)
                    else:
                        decl = run.instr
                        label = f"the secret {ident}" if not names else f"${ident}"
                        kpos = (i, v, k)
                    key = Key("var", scan.stage, decl, ident, label, kpos)
                    key.agent_only = True
                    keys[ident] = key
                key.names |= names
                key.secret_ids |= secret_ids
                key.writes.append(ref)
                key.paths |= set(key_targets)
                if not agent:
                    key.agent_only = False
    return list(keys.values())


def _identities(scan: _StageScan, wd: str) -> set[str]:
    out = set()
    for c in scan.consumers:
        out |= c.identity_paths
    return out


# ---- host key checking hacks


def _find_hacks(scan: _StageScan) -> list[Hack]:
    hacks: list[Hack] = []
    for i, instr in enumerate(scan.body):
        if instr.cmd == "ENV":
            for name, value, word in name_value_pairs(instr, scan.df.escape):
                if name in ("GIT_SSH_COMMAND", "RSYNC_RSH") and value and _HACK_RX.search(value):
                    h = Hack(scan.stage, instr, (i, 0, -1), name, f"ENV {name} turns off host key checking",
                             scope="git" if name == "GIT_SSH_COMMAND" else "rsync")
                    val = unquote_shell_word(value)[0]
                    rest = _OPT_HACK_RX.sub("", " " + val)
                    if rest.strip() in ("ssh", ""):
                        h.changes.edits.append(remove_pair(scan.df, instr, word))
                    else:
                        for m in _OPT_HACK_RX.finditer(instr.logical, word.start, word.end):
                            sp = instr.source_span(m.start(), m.end())
                            h.changes.edits.append(Edit(sp.start, sp.end, ""))
                    hacks.append(h)
            continue
        if instr.cmd in ("COPY", "ADD") and not instr.flag_values("from"):
            words = copy_words(instr)
            if len(words) >= 2 and scan.settings.read_context is not None:
                dest = norm_path(words[-1][0], scan.workdirs[i])
                for text, _, _ in words[:-1]:
                    target = dest if not words[-1][0].endswith("/") else posixpath.join(dest, posixpath.basename(text))
                    if is_ssh_config_path(target) or is_ssh_config_path(norm_path(text)):
                        content = scan.settings.read_context(text.lstrip("./")) if "*" not in text else None
                        if content and _HACK_RX.search(content):
                            h = Hack(scan.stage, instr, (i, 0, -1), posixpath.basename(text),
                                     f"the copied {posixpath.basename(text)} turns off host key checking")
                            h.blockers.append(f"the setting is in the build-context file {text}: delete the "
                                              f"`StrictHostKeyChecking no`/`UserKnownHostsFile /dev/null` lines there")
                            hacks.append(h)
            continue
        run = scan.runs.get(i)
        low = instr.text.lower()
        if run is None or ("hostkeychecking" not in low and "knownhostsfile" not in low):
            continue
        hack: Hack | None = None
        for v, view in enumerate(run.views):
            for k, item in enumerate(view.script.items):
                found = _item_hack(scan, run, v, k, item)
                if found is None:
                    continue
                desc, subject, changes, blockers, idents, idonly, patterns, scope = found
                if hack is None:
                    hack = Hack(scan.stage, instr, (i, v, k), subject, desc, scope=scope)
                    hacks.append(hack)
                elif hack.scope != scope:
                    hack.scope = "all" if "all" in (hack.scope, scope) else "git"
                elif subject not in hack.subject.split(", "):
                    hack.subject += ", " + subject
                hack.changes.extend(changes)
                hack.blockers += blockers
                hack.identity_paths |= idents
                hack.identities_only |= idonly
                hack.host_patterns += patterns
        # heredoc data written to ssh config (RUN cat <<EOF >> /etc/ssh/ssh_config)
        for hd in instr.heredocs:
            if _HACK_RX.search(hd.content) and re.search(r"ssh_config|\.ssh/config", instr.args):
                if hack is None:
                    hack = Hack(scan.stage, instr, (i, 0, 0), "StrictHostKeyChecking",
                                "a heredoc writes `StrictHostKeyChecking no` into the ssh config")
                    hacks.append(hack)
                only_cat = (len(run.views[0].script.items) == 1 and not _other_config_lines(hd.content)
                            and len(run.views) == 1)
                if only_cat:
                    hack.changes.edits.append(remove_instruction(scan.df, instr))
                else:
                    hack.blockers.append(f"it is written by a heredoc in the RUN at line {instr.start_line}; "
                                        f"delete the `StrictHostKeyChecking no` line there")
    return hacks


_CONFIG_LINE = re.compile(r"(?i)^\s*([A-Za-z]+)\s*[= ]?\s*(.*?)\s*$")


def _config_lines(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.replace("\r", "").split("\n"):
        line = line.strip().strip("'\"").strip()
        if not line or line.startswith("#"):
            continue
        m = _CONFIG_LINE.match(line)
        if m:
            out.append((m.group(1).lower(), m.group(2).strip("'\" ")))
        else:
            out.append(("?", line))
    return out


def _other_config_lines(text: str) -> list[str]:
    return [k for k, _ in _config_lines(text)
            if k not in ("host", "stricthostkeychecking", "userknownhostsfile", "checkhostip", "loglevel",
                         "identityfile", "identitiesonly")]


def _item_hack(scan: _StageScan, run: Run, v: int, k: int, item: Item):
    """(desc, subject, changes, blockers, identity paths, identities_only) for a hack item, else None."""
    view = run.views[v]
    wd = scan.workdirs[run.index]
    changes = Changes()
    blockers: list[str] = []
    text = item.text
    if not _HACK_RX.search(text) and "-o" not in text:
        return None
    if not _HACK_RX.search(text):
        return None
    ref = ItemRef(run, v, k)
    first = _strip_keywords(item.commands[0])
    prog = first[0] if first else ""
    # config file writes
    written = _written_text(item.commands[0])
    targets = _write_targets(item, wd)
    if written is not None and targets:
        if not any(is_ssh_config_path(p) for _, p in targets):
            return None
        lines = _config_lines(written)
        other = [kk for kk, _ in lines if kk not in ("host", "stricthostkeychecking", "userknownhostsfile",
                                                      "checkhostip", "loglevel", "identityfile", "identitiesonly")]
        idents = {norm_path(vv, wd) for kk, vv in lines if kk == "identityfile"}
        idonly = any(kk == "identitiesonly" and vv.lower() == "yes" for kk, vv in lines)
        target = next(p for _, p in targets if is_ssh_config_path(p))
        desc = f"`StrictHostKeyChecking no` written to {target}" if re.search(r"(?i)stricthostkeychecking", written) \
            else f"`UserKnownHostsFile /dev/null` written to {target}"
        if other:
            blockers.append(f"the RUN at line {run.instr.start_line} writes other ssh settings "
                            f"({', '.join(sorted(set(other)))}) in the same command; delete only the "
                            f"`StrictHostKeyChecking no`/`UserKnownHostsFile /dev/null` lines from it")
        elif not ref.editable:
            blockers.append(_not_separable(run, item, view))
        else:
            changes.drop_items.append(ref)
        patterns = [h for kk, vv in lines if kk == "host" for h in vv.split()]
        return desc, "StrictHostKeyChecking", changes, blockers, idents, idonly, patterns, "all"
    if prog == "sed" and any(is_ssh_config_path(norm_path(a, wd)) for a in first[1:] if not a.startswith("-")):
        if not _sed_sets_hack(first[1:]):
            return None
        desc = "`sed` sets `StrictHostKeyChecking no` in the ssh config"
        if not ref.editable:
            blockers.append(_not_separable(run, item, view))
        else:
            changes.drop_items.append(ref)
        return desc, "StrictHostKeyChecking", changes, blockers, set(), False, [], "all"
    # -o options (ssh/scp/rsync -e/GIT_SSH_COMMAND/core.sshCommand/export)
    if not _OPT_HACK_RX.search(text):
        if prog in WRITERS or prog in ("tee", "grep", "cat", "sed", "awk") or not (
                any(is_ssh_config_path(p) for _, p in targets) or re.search(r"ssh_config|\.ssh/config", text)):
            return None
        blockers.append(f"the RUN at line {run.instr.start_line} turns it off in a way this tool does not rewrite")
        return "host key checking turned off", "StrictHostKeyChecking", changes, blockers, set(), False, [], "all"
    desc = "`-o StrictHostKeyChecking=no` on the command line"
    subject = "ssh -o StrictHostKeyChecking=no"
    scope = "self"
    for c in item.commands:
        if any(a.text.startswith("GIT_SSH_COMMAND=") for a in c.assigns):
            desc, subject = "GIT_SSH_COMMAND turns off host key checking", "GIT_SSH_COMMAND"
            scope = "self" if c.words else "git-run"
        elif any(w.startswith("GIT_SSH_COMMAND=") for w in _strip_keywords(c)):
            desc, subject, scope = "GIT_SSH_COMMAND turns off host key checking", "GIT_SSH_COMMAND", "git-run"
        if "core.sshcommand" in [w.lower() for w in _strip_keywords(c)]:
            desc, subject = "`git config core.sshCommand` turns off host key checking", "core.sshCommand"
            scope = "git"
    if not view.editable:
        blockers.append(_not_separable(run, item, view))
        return desc, subject, changes, blockers, set(), False, [], scope
    # If what is left of an ssh command setting is a bare `ssh`, drop the whole setting.
    for c in item.commands:
        whole = _bare_ssh_setting(c, item)
        if whole is not None:
            kind, a, b = whole
            if kind == "item":
                if ref.editable:
                    changes.drop_items.append(ref)
                else:
                    blockers.append(_not_separable(run, item, view))
                return desc, subject, changes, blockers, set(), False, [], scope
            changes.cuts.append(TextCut(run, a, b))
            return desc, subject, changes, blockers, set(), False, [], scope
    for m in _OPT_HACK_RX.finditer(view.script.text, item.start, item.end):
        changes.cuts.append(TextCut(run, m.start(), m.end()))
    return desc, subject, changes, blockers, set(), False, [], scope


def _sed_sets_hack(args: list[str]) -> bool:
    """Does a sed script write `StrictHostKeyChecking no` (in a replacement or an appended line)?"""
    for a in args:
        m = re.match(r"^s(.)(.*?)(?<!\\)\1(.*?)(?<!\\)\1[a-zA-Z0-9]*$", a, re.S)
        if m:
            if _HACK_RX.search(m.group(3)):
                return True
            continue
        if re.match(r"^(?:\$|/[^/]*/|\d+)?\s*[aic]\\?", a) and _HACK_RX.search(a):
            return True
    return False


def _bare_ssh_setting(c: Command, item: Item):
    """A GIT_SSH_COMMAND/core.sshCommand setting whose value is only `ssh` + hack options."""
    def bare(val: str) -> bool:
        rest = _OPT_HACK_RX.sub("", " " + val)
        return rest.strip() == "ssh" and rest != " " + val

    for a in c.assigns:
        if a.text.startswith(("GIT_SSH_COMMAND=", "RSYNC_RSH=")) and bare(a.text.split("=", 1)[1]):
            if not c.words:
                return ("item", 0, 0)
            # the assignment word and the blanks after it
            end = a.end
            return ("cut", a.start, c.words[0].start if c.words else end)
    argv = c.argv
    for i, w in enumerate(argv[:-1]):
        if argv[0].text == "rsync" and w.text in ("-e", "--rsh") and bare(argv[i + 1].text):
            return ("cut", _blank_before(item, w.start), argv[i + 1].end)
    for w in argv:
        if argv and argv[0].text == "rsync" and w.text.startswith("--rsh=") and bare(w.text[6:]):
            return ("cut", _blank_before(item, w.start), w.end)
    words = _strip_keywords(c)
    if words and words[0] == "export" and len(words) == 2 and words[1].startswith("GIT_SSH_COMMAND=") \
            and bare(words[1].split("=", 1)[1]):
        return ("item", 0, 0)
    if words and words[0] == "git" and "core.sshcommand" in [w.lower() for w in words]:
        idx = [w.lower() for w in words].index("core.sshcommand")
        if idx + 1 < len(words) and bare(words[idx + 1]) and len(item.commands) == 1:
            return ("item", 0, 0)
    return None


def _blank_before(item: Item, off: int) -> int:
    while off > item.start and item_text_char(item, off - 1) in " \t":
        off -= 1
    return off


def _not_separable(run: Run, item: Item, view: ScriptView) -> str:
    if view.where:
        return f"the RUN at line {run.instr.start_line} does it in {'a heredoc' if view.where == 'heredoc' else 'exec form'}, which this tool does not edit"
    return (f"the RUN at line {run.instr.start_line} does it inside a shell construct (`||`, a pipe, `if`, a "
            f"subshell) that cannot be split")


# --------------------------------------------------------------------------- planning


def _plan(scan: _StageScan, keys: list[Key], hacks: list[Hack]) -> None:
    settings = scan.settings
    scan.hacks = hacks

    def owner_of(p: str) -> Key | None:
        for k in keys:
            if p in k.paths or any(p == d or p.startswith(d + "/") for d in k.dir_paths):
                return k
        return None

    scan.keys = keys
    for key in keys:
        _plan_key(scan, key, owner_of)
    _group_shared_agents(keys)
    # IdentityFile lines removed with a hack must point at default identities or keys being removed.
    removed_paths: set[str] = set()
    for key in keys:
        if key.fixable and settings.enabled(COPIED_CODE if key.kind == "copy" else VAR_CODE):
            removed_paths |= key.paths
    for hack in hacks:
        _plan_hack(scan, hack, removed_paths)
    # A key whose `IdentitiesOnly yes` stays (agent keys ignored) cannot use the ssh mount.
    for key in keys:
        if not key.fixable:
            continue
        for hack in hacks:
            if hack.identities_only and not (hack.fixable and settings.enabled(HACK_CODE)):
                key.fixable = False
                key.blockers.append(f"the ssh config written at line {hack.instr.start_line} sets "
                                    f"`IdentitiesOnly yes`, which makes ssh ignore the forwarded agent; delete it")


def _consumers_after(scan: _StageScan, pos: Pos) -> list[Consumer]:
    return [c for c in scan.consumers if c.pos > pos]


def _group_shared_agents(keys: list[Key]) -> None:
    """Keys loaded into one ssh-agent by the same RUN are migrated together or not at all (removing
    one key's agent start would break the other's ssh-add): every member gets the group's edits."""
    for key in keys:  # make the relation symmetric
        for other in key.shares:
            if key not in other.shares:
                other.shares.append(key)
    seen: set[int] = set()
    for key in keys:
        if id(key) in seen or not key.shares:
            continue
        group, todo = [], [key]
        while todo:
            k = todo.pop()
            if id(k) in seen:
                continue
            seen.add(id(k))
            group.append(k)
            todo += k.shares
        if len(group) < 2:
            continue
        blocked = [k for k in group if not k.fixable]
        if blocked:
            for k in group:
                if k.fixable:
                    k.fixable = False
                    b = blocked[0]
                    k.blockers.append(f"it is loaded into ssh-agent together with {b.label} (line {b.line}), "
                                      f"which cannot be migrated")
            continue
        merged = Changes()
        for k in group:
            merged.extend(k.changes)
            merged.mounts += [r for r in k.changes.mounts if r not in merged.mounts]
            merged.keyscan = merged.keyscan or k.changes.keyscan
        consumers = list({id(c): c for k in group for c in k.consumers}.values())
        hosts = _dedupe([e for k in group for e in k.hosts])
        steps = set().union(*(k.steps | {k.line} for k in group))
        for k in group:
            k.changes, k.consumers, k.hosts, k.steps = merged, consumers, hosts, steps


def _plan_key(scan: _StageScan, key: Key, owner_of=lambda p: None) -> None:
    df = scan.df
    stage = scan.stage
    key.in_final = reaches_final(df, stage)
    where = ("it is in the final image, readable by anyone who can pull it" if key.in_final else
             f"only the build stage {stage_label(stage)} has it (not the final image), but its layers stay in the "
             f"build cache and any exported cache")
    # COPY --from of the key into another stage
    names = {stage.name, str(stage.index)} - {None}
    for s in df.stages[stage.index + 1:]:
        for instr in s.instructions[1:]:
            if instr.cmd != "COPY" or not any(v.lower() in names for v in instr.flag_values("from")):
                continue
            for text, _, _ in copy_words(instr)[:-1]:
                src = norm_path(text)
                for p in key.paths | key.dir_paths:
                    under = p.startswith(src.rstrip("/") + "/") or src == "/"
                    if src == p or (src.startswith(p + "/") and p in key.dir_paths) or under:
                        if not under:
                            key.blockers.append(f"the COPY --from at line {instr.start_line} copies it into stage "
                                                f"{stage_label(s)}; drop that COPY (or the key from it) first")
                        if not key.in_final:
                            where = (f"the build stage {stage_label(stage)} has it and the COPY --from at line "
                                     f"{instr.start_line} copies it on into stage {stage_label(s)}"
                                     + (", so it is in the final image" if reaches_final(df, s) else ""))
                            key.in_final = reaches_final(df, s)
                        break
    key.where = where
    ch = key.changes
    # where the key exists: after the COPY, or after its first write for a variable
    # (an agent started earlier in the RUN that loads it belongs to it too)
    key_start = key.pos
    if key.kind == "var" and key.writes:
        key_start = (min(w.pos for w in key.writes)[0], -1, -1)

    def is_key_path(p: str) -> bool:
        if p in key.paths:
            return True
        return any(p == d or p.startswith(d + "/") for d in key.dir_paths)

    def glob_hits_key(p: str) -> bool:
        return any(ch_ in p for ch_ in "*?[") and any(fnmatch.fnmatch(kp, p) for kp in key.paths | key.dir_paths)

    # ---- var keys: declarations
    if key.kind == "var":
        _plan_var_decls(scan, key)
        for w in key.writes:
            if not w.editable:
                key.blockers.append(_not_separable(w.run, w.obj, w.run.views[w.view]))
            else:
                ch.drop_items.append(w)
            key.steps.add(w.run.instr.start_line)
    else:
        key.steps.add(key.instr.start_line)

    # ---- handling steps after the key: chmod/chown/rm of it, ssh-add, agents, config with IdentityFile
    agent_runs: dict[int, list[ItemRef]] = {}
    added_other = set()
    write_ids = {(w.run.index, w.view, w.item) for w in key.writes}
    for i, run in scan.runs.items():
        if i < key_start[0]:
            continue
        wd = scan.workdirs[i]
        for v, view in enumerate(run.views):
            for k, item in enumerate(view.script.items):
                pos = (i, v, k)
                if pos <= key_start or pos in write_ids:
                    continue
                ref = ItemRef(run, v, k)
                verdict = _key_item(key, item, wd, is_key_path, glob_hits_key, run.instr.start_line, owner_of)
                if verdict is None:
                    continue
                kind, detail = verdict
                if kind == "drop":
                    if ref.editable:
                        ch.drop_items.append(ref)
                        key.steps.add(run.instr.start_line)
                    else:
                        key.blockers.append(_not_separable(run, item, view))
                elif kind == "agent":
                    agent_runs.setdefault(i, []).append(ref)
                elif kind == "cut":
                    if view.editable:
                        for a, b in detail:
                            ch.cuts.append(TextCut(run, a, b))
                        key.steps.add(run.instr.start_line)
                    else:
                        key.blockers.append(_not_separable(run, item, view))
                elif kind == "other-key":
                    added_other.add(run.instr.start_line)
                elif kind == "block":
                    key.blockers.append(detail)
    # agents: started/killed only for our key: drop; an agent we cannot separate: block
    for i, refs in agent_runs.items():
        run = scan.runs[i]
        if run.instr.start_line in added_other:
            key.blockers.append(f"the RUN at line {run.instr.start_line} also adds other keys to its ssh-agent")
            continue
        for ref in refs:
            if ref.editable:
                ch.drop_items.append(ref)
                key.steps.add(run.instr.start_line)
            else:
                key.blockers.append(
                    f"the RUN at line {run.instr.start_line} loads the key into ssh-agent inside a construct that cannot "
                    f"be split (`if`, `||`, a subshell, a heredoc); rewrite it as `RUN --mount=type=ssh,required "
                    f"<command>` (BuildKit forwards your agent) without ssh-agent/ssh-add")
    # ---- runtime use
    if key.in_final:
        final = df.stages[-1]
        for instr in final.instructions[1:] + (stage.instructions[1:] if stage is not final else []):
            if instr.cmd in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
                text = instr.args
                hit = re.search(r"(?i)\b(ssh|scp|sftp|rsync|git|sshd)\b|\.ssh/", text)
                if key.kind == "var" and any(references(text, n) for n in key.names):
                    hit = True
                if hit:
                    key.blockers.append(
                        f"{instr.cmd} at line {instr.start_line} may need the key when the container runs; "
                        f"provide it at run time instead ({_run_time_hint(key)}) and drop it from the image")
                    break
    # ---- consumers
    use_start = min((w.pos for w in key.writes), default=key_start)
    key.consumers = [c for c in _consumers_after(scan, use_start)]
    # consumers in stages built FROM this one
    for s in _descendants(df, stage):
        sub = _StageScan(df, s, scan.settings)
        sub.walk()
        if sub.consumers:
            key.blockers.append(f"stage {stage_label(s)} (FROM this stage) connects over SSH at line "
                                f"{sub.consumers[0].line}; migrate it by hand")
            break
    if not key.consumers:
        run_time = _run_time_hint(key)
        if key.in_final:
            msg = ("no RUN of this stage connects over SSH after it, so it is there for the running container (or "
                   "unused): if nothing needs it, delete " + _steps(key) + "; if the container needs it, provide it "
                   f"at run time ({run_time}) instead of baking it in")
        else:
            msg = ("no RUN of this stage connects over SSH after it; if nothing needs it, delete " + _steps(key))
        key.blockers.insert(0, msg)
    certain = [c for c in key.consumers if not c.maybe]
    maybe = [c for c in key.consumers if c.maybe]
    # a host without a dot may be an alias from the ssh config inside a copied .ssh directory
    if key.dir_paths:
        for c in certain:
            if any(e.host and "." not in e.host and e.host != "localhost" for e in c.endpoints):
                c.endpoints = [Endpoint(None, None, e.raw) if e.host and "." not in e.host and e.host != "localhost"
                               else e for e in c.endpoints]
    unknown = [c for c in certain if any(e.host is None for e in c.endpoints)]
    for c in unknown:
        e = next(e for e in c.endpoints if e.host is None)
        raw = f" ({e.raw})" if e.raw and "$" not in e.raw else (" (a variable)" if "$" in e.raw else "")
        key.blockers.append(
            f"the SSH host of the RUN at line {c.line} ({c.what}) cannot be determined{raw}; add "
            f"`RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan <host> >> ~/.ssh/known_hosts` before it, give it "
            f"`--mount=type=ssh,required`, delete {_steps(key)} and build with `--ssh default`")
    maybe_needs_stage_scan = False
    if maybe and not certain:
        have_hosts = scan.keyscans or scan.known_hosts_copied or _hack_stays(scan)
        if not have_hosts and isinstance(_stage_keyscan(scan), tuple):
            # the stage's keyscan step (added by this fix too) pins the hosts of its other SSH users
            have_hosts = maybe_needs_stage_scan = True
        if not have_hosts:
            c = maybe[0]
            key.blockers.append(
                f"the RUN at line {c.line} ({c.what}) may fetch over SSH, but its manifest is not readable here, so "
                f"the hosts are unknown; add `RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan <git host> >> "
                f"~/.ssh/known_hosts` before it, give it `--mount=type=ssh,required`, delete {_steps(key)} and "
                f"build with `--ssh default`")
    if key.blockers:
        return
    # ---- the rewrite: mounts, keyscan, removals
    for c in key.consumers:
        if not c.run.ssh_mount and c.run not in ch.mounts:
            ch.mounts.append(c.run)
    # -i KEY on consumers
    for c in key.consumers:
        for p in c.identity_paths:
            if is_key_path(p):
                cuts = _identity_cuts(c.run, c.pos, p)
                if cuts is None:
                    key.blockers.append(f"the RUN at line {c.line} passes the key with `-i` in a way this tool "
                                        f"does not rewrite; drop the `-i` option")
                    return
                for a, b in cuts:
                    ch.cuts.append(TextCut(c.run, a, b))
                key.steps.add(c.line)
    ks = _keyscan(scan, [c for c in key.consumers if not c.maybe], ch)
    if isinstance(ks, str):
        key.blockers.append(ks)
        return
    if maybe_needs_stage_scan:
        plan = _stage_keyscan(scan)
        ch.keyscan = plan
        ks = list(plan[1])
    key.hosts = ks
    # COPY into .ssh: keep the directory when later steps need it (the keyscan step creates ~/.ssh too)
    if key.kind == "copy":
        _keep_ssh_dir(scan, key)
    key.fixable = True
    if maybe:
        whats = ", ".join(dict.fromkeys(c.what for c in maybe))
        key.notes.append(f"{whats} (line{'s' if len(maybe) > 1 else ''} {', '.join(str(c.line) for c in maybe)}) "
                         f"may fetch dependencies over SSH, but its manifest is not readable here; it gets the mount "
                         f"and its hosts are assumed to be covered by the stage's ssh-keyscan or known_hosts")


def _run_time_hint(key: Key) -> str:
    paths = sorted(p for p in key.paths if not p.endswith("/"))
    target = paths[0] if paths else (sorted(key.dir_paths)[0] + "/id_ed25519" if key.dir_paths else "~/.ssh/id_ed25519")
    target = "/root" + target[1:] if target.startswith("~") else target
    name = target.rsplit("/", 1)[-1]
    return f"`docker run -v ~/.ssh/{name}:{target}:ro ...`, or agent forwarding"


def _hack_stays(scan: _StageScan) -> bool:
    """A host-key hack in the stage that DM303 cannot replace (hosts unknown) keeps working."""
    return bool(getattr(scan, "hacks", None))


def _steps(key: Key) -> str:
    lines = sorted(key.steps | {key.instr.start_line})
    if len(lines) == 1:
        return f"line {lines[0]}"
    return "lines " + ", ".join(str(n) for n in lines)


def _plan_var_decls(scan: _StageScan, key: Key) -> None:
    """Remove the ARG/ENV declarations carrying a var key (and secret mounts feeding it)."""
    df = scan.df
    ch = key.changes
    names = set(key.names)
    body = scan.body
    # ENV NAME=$KEY aliases
    for i, instr in enumerate(body):
        if instr.cmd != "ENV":
            continue
        for name, value, word in name_value_pairs(instr, df.escape):
            if value and any(references(value, n) for n in names) and re.fullmatch(
                    r"[\"']?\$\{?[A-Za-z_][A-Za-z0-9_]*\}?[\"']?", value.strip()):
                names.add(name)
    key.names = names
    for i, instr in enumerate(body):
        if instr.cmd in ("ARG", "ENV"):
            for name, value, word in name_value_pairs(instr, df.escape):
                if name in names:
                    ch.edits.append(remove_pair(df, instr, word))
                    key.steps.add(instr.start_line)
                elif value and any(references(value, n) for n in names):
                    key.blockers.append(f"{instr.cmd} {name} at line {instr.start_line} is built from it")
        elif instr.cmd in ("RUN",):
            continue
        elif instr.cmd in ("CMD", "ENTRYPOINT", "HEALTHCHECK", "ONBUILD", "LABEL", "COPY", "ADD", "WORKDIR",
                           "USER", "VOLUME", "EXPOSE", "STOPSIGNAL"):
            if any(references(instr.logical, n) for n in names):
                key.blockers.append(f"{instr.cmd} at line {instr.start_line} uses ${sorted(names)[0]}")
    # global ARG only FROM lines could read: remove when this is its only redeclaration
    gl = [g for g in df.global_instructions if g.cmd == "ARG"]
    for g in gl:
        for name, value, word in name_value_pairs(g, df.escape):
            if name not in names:
                continue
            others = sum(1 for s in df.stages if s.index != scan.stage.index and any(
                i.cmd == "ARG" and any(n == name for n, _, _ in name_value_pairs(i, df.escape))
                for i in s.instructions[1:]))
            used_in_from = any(references(s.from_instruction.logical, name) for s in df.stages)
            if not others and not used_in_from:
                ch.edits.append(remove_pair(df, g, word))
    # other reads of the variables in RUNs; secret mounts feeding it
    write_ids = {(w.run.index, w.view, w.item) for w in key.writes}
    decl_index = key.pos[0] if key.instr.cmd in ("ARG", "ENV") else -1
    reported = False
    for i, run in sorted(scan.runs.items()):
        if i <= decl_index:
            continue
        for v, view in enumerate(run.views):
            for k, item in enumerate(view.script.items):
                if (i, v, k) in write_ids or reported:
                    continue
                if any(references(item.text, n) for n in names):
                    prog = _strip_keywords(item.commands[0])
                    what = prog[0] if prog else "a command"
                    key.blockers.append(f"the RUN at line {run.instr.start_line} also reads ${sorted(names)[0]} "
                                        f"({what}), which an ssh mount cannot provide")
                    reported = True
        feeds = {sid for env_name, sid in run.secret_env.items() if env_name in names}
        feeds |= {sid for sid in run.secret_files.values() if sid in key.secret_ids}
        for sid in feeds:
            for f in run.instr.flags:
                if f.name == "mount" and re.search(r"(?:^|,)(?:id|src|source)=" + re.escape(sid) + r"(?:,|$)",
                                                   f.value or ""):
                    start = f.span.start
                    while start > 0 and df.text[start - 1] in " \t":
                        start -= 1
                    e = Edit(start, f.span.end, "")
                    if e not in ch.edits:
                        ch.edits.append(e)
                    key.steps.add(run.instr.start_line)


def _key_item(key: Key, item: Item, wd: str, is_key_path, glob_hits_key, line: int, owner_of=lambda p: None):
    """How an item after the key relates to it: ("drop"|"agent"|"cut"|"other-key"|"block", detail) or None."""
    text = item.text
    cmd = item.commands[0]
    words = _strip_keywords(cmd)
    if not words:
        return None
    prog = words[0].rsplit("/", 1)[-1]
    args = words[1:]
    if len(item.commands) == 1 and _AGENT_START.match(text.strip()):
        return ("agent", None)
    if len(item.commands) == 1 and _AGENT_KILL.match(text.strip()):
        return ("agent", None)
    if prog == "ssh-agent":
        return ("block", f"the RUN at line {line} runs ssh-agent around its commands; rewrite it as "
                         f"`RUN --mount=type=ssh,required <command>` (BuildKit forwards your agent) without "
                         f"ssh-agent/ssh-add")
    if prog == "ssh-add" and len(item.commands) == 1:
        paths = [norm_path(a, wd) for a in args if not a.startswith("-")]
        if not paths:
            if any(p in DEFAULT_IDENTITIES for p in key.paths) or key.dir_paths:
                return ("agent", None)
            return None
        owners = [None if is_key_path(p) else owner_of(p) for p in paths]
        if any(not is_key_path(p) and o is None for p, o in zip(paths, owners)):
            # a key this tool does not migrate (generated, fetched...) shares the agent
            if any(is_key_path(p) for p in paths):
                return ("block", f"the ssh-add at line {line} adds it together with other keys")
            return ("other-key", None)
        for o in owners:
            if o is not None and o is not key and o not in key.shares:
                key.shares.append(o)
        if any(is_key_path(p) for p in paths) or any(o is not None for o in owners):
            return ("agent", None)
        return ("other-key", None)
    if prog in ("chmod", "chown", "chgrp", "rm") and len(item.commands) == 1:
        operands = [w for w in cmd.argv[1:] if not w.text.startswith("-")]
        if prog in ("chmod", "chown", "chgrp") and operands:
            operands = operands[1:]
        hits = [w for w in operands if is_key_path(norm_path(w.text, wd)) or glob_hits_key(norm_path(w.text, wd))]
        if not hits:
            return None
        # operands that are other keys of the stage: the keys share this step and migrate together
        others = [owner_of(norm_path(w.text, wd)) for w in operands if w not in hits]
        for o in others:
            if o is not None and o is not key and o not in key.shares:
                key.shares.append(o)
        if len(hits) + sum(o is not None for o in others) == len(operands):
            return ("drop", None)
        cuts = []
        for w in hits:
            a = w.start
            while a > 0 and item_text_char(item, a - 1) in " \t":
                a -= 1
            cuts.append((a, w.end))
        return ("cut", cuts)
    # config writes naming the key (IdentityFile): key plumbing when nothing else is in it
    written = _written_text(cmd)
    targets = _write_targets(item, wd)
    if written is not None and targets and any(is_ssh_config_path(p) for _, p in targets):
        lines = _config_lines(written)
        idents = [norm_path(vv, wd) for kk, vv in lines if kk == "identityfile"]
        if idents and all(is_key_path(p) for p in idents):
            if all(kk in ("host", "identityfile", "identitiesonly") for kk, _ in lines):
                return ("drop", None)
            return None  # mixed with hacks (DM303) or other settings: harmless once the key is gone
        return None
    # other mentions of the key file (writing known_hosts/config into a copied .ssh directory is not one)
    reads = cmd.argv[1:] + [r.target for c in item.commands for r in c.redirects if r.target and r.op in ("<", "<<<")]
    reads += [w for c in item.commands[1:] for w in c.argv]
    for w in reads:
        p = norm_path(w.text, wd) if w.text and not w.text.startswith("-") else ""
        if p and p not in key.paths and NOT_KEY_NAME.search(p.rsplit("/", 1)[-1]):
            continue
        if p and (is_key_path(p) or glob_hits_key(p)):
            if prog in ("ssh", "scp", "sftp", "rsync", "git") or prog.startswith("GIT_SSH"):
                return None  # `-i KEY` is handled with the consumer
            if prog in ("mkdir", "touch", "ls", "test", "[", "cd"):
                return None
            tool = prog
            if prog == "ssh-keygen" or "signingkey" in text.lower():
                target = "/root" + p[1:] if p.startswith("~") else p
                return ("block", f"the RUN at line {line} reads the key file with {tool} (signing or deriving a "
                                 f"public key), which an ssh mount cannot serve: give that step the key as a secret "
                                 f"mount (`--mount=type=secret,id=ssh_key,target={target}`) and use "
                                 f"`--mount=type=ssh` for SSH")
            return ("block", f"the RUN at line {line} reads the key file with {tool}, which an ssh mount cannot serve")
    return None


def item_text_char(item: Item, off: int) -> str:
    rel = off - item.start
    if 0 <= rel < len(item.text):
        return item.text[rel]
    return ""


def _identity_cuts(run: Run, pos: Pos, path: str) -> list[tuple[int, int]] | None:
    """Cuts removing `-i PATH` options (plain or inside GIT_SSH_COMMAND/-e strings) of one item."""
    view = run.views[pos[1]]
    if not view.editable:
        return None
    item = view.script.items[pos[2]]
    s = view.script.text
    out = []
    for m in re.finditer(r"[ \t]+-i[ \t]*(\S+)", s[item.start:item.end]):
        raw = m.group(1)
        val = unquote_shell_word(raw.rstrip("'\""))[0]
        if norm_path(val) == path or norm_path(val.strip("'\"")) == path:
            out.append((item.start + m.start(), item.start + m.end() - (len(raw) - len(raw.rstrip("'\"")))))
    for m in _OPT_IDONLY_RX.finditer(s, item.start, item.end):
        out.append((m.start(), m.end()))
    return out or None


def _keep_ssh_dir(scan: _StageScan, key: Key) -> None:
    """Removing `COPY id_rsa /root/.ssh/id_rsa` also removes the directory it created: when a later
    step (chmod, an existing keyscan, a config write) needs the directory, create it instead."""
    if key.dir_paths:
        dirs = set(key.dir_paths)
    else:
        dirs = {p.rsplit("/", 1)[0] for p in key.paths if in_ssh_dir(p)}
    if not dirs:
        return
    # made before the COPY?
    for pos in scan.ssh_dir_made:
        if pos < key.pos:
            return
    removed_copies = {id(k.instr) for k in getattr(scan, "keys", []) if k.kind == "copy" and any(
        e.start <= k.instr.span.start and e.end >= k.instr.span.end - 1 for e in k.changes.edits)}

    def creates_dir(instr: Instruction, i: int) -> bool:
        """A COPY/ADD into the directory that stays after the migration (not a key COPY we remove)."""
        if instr.cmd not in ("COPY", "ADD") or instr is key.instr or id(instr) in removed_copies:
            return False
        dest = scan._copy_dest(instr, i)
        return bool(dest) and any(dest == d or dest.startswith(d + "/") for d in dirs)

    for i in range(key.pos[0]):
        if creates_dir(scan.body[i], i):
            return
    whole = key.instr.span
    if not any(e.start <= whole.start and e.end >= whole.end - 1 for e in key.changes.edits):
        return  # other files of the COPY still create the directory
    dropped = {(r.run.index, r.view, r.item) for r in key.changes.drop_items}
    made_at: Pos | None = None  # where this fix's keyscan step runs `mkdir -p ~/.ssh`
    if key.changes.keyscan is not None and "~/.ssh" in dirs:
        anchor, _, splice = key.changes.keyscan
        made_at = splice.pos if splice is not None else (scan.body.index(anchor), -1, -1)
    for i in range(key.pos[0] + 1, len(scan.body)):
        if creates_dir(scan.body[i], i):
            return
        run = scan.runs.get(i)
        if run is None:
            continue
        if made_at is not None and (i, 0, 0) > made_at:
            return
        for v, view in enumerate(run.views):
            for k, item in enumerate(view.script.items):
                if (i, v, k) in dropped:
                    continue
                if made_at is not None and (i, v, k) > made_at:
                    return
                words = _strip_keywords(item.commands[0])
                if words and words[0] == "mkdir" and any(norm_path(a, scan.workdirs[i]) in dirs for a in words[1:]):
                    return
                mentioned = any(
                    any(norm_path(w.text, scan.workdirs[i]) == d or norm_path(w.text, scan.workdirs[i]).startswith(d + "/")
                        for d in dirs)
                    for c in item.commands for w in c.argv[1:] + [r.target for r in c.redirects if r.target])
                if mentioned:
                    d = sorted(dirs)[0]
                    shown = "~/.ssh" if d == "~/.ssh" else d
                    shown = "/root/.ssh" if shown == "~/.ssh" else shown
                    instr = key.instr
                    # replace the COPY by a mkdir
                    key.changes.edits = [e for e in key.changes.edits
                                         if not (e.start <= instr.span.start and e.end >= instr.span.end - 1)]
                    key.changes.edits.append(Edit(instr.span.start, instr.span.end,
                                                  f"RUN mkdir -p -m 0700 {shown}{scan.df.newline}"))
                    return


def _concrete_patterns(hack: Hack) -> list[str] | None:
    """Hosts a config-write hack is limited to (`Host a.example b.example`), or None for all hosts."""
    if not hack.host_patterns:
        return None
    if any(re.search(r"[*?!]", p) or not _host_of(p) for p in hack.host_patterns):
        return None
    return [p.lower() for p in hack.host_patterns]


def _stage_keyscan(scan: _StageScan):
    """The one keyscan step of the stage: (anchor RUN, endpoints, splice ItemRef|None), a reason it cannot
    be placed (str), or None when every host is scanned already. Every fix in the stage that needs it
    inserts this same edit, so the engine applies it once and the other fixes find it on the next pass."""
    if hasattr(scan, "_keyscan_plan"):
        return scan._keyscan_plan
    needed: list[Endpoint] = []
    anchor: Consumer | None = None
    for c in sorted(scan.consumers, key=lambda c: c.pos):
        if c.maybe or any(e.host is None for e in c.endpoints):
            continue
        have = scan.scanned_before(c.pos)
        new = [e for e in c.endpoints if e.key() not in have]
        if new:
            needed += new
            if anchor is None:
                anchor = c
    for hack in getattr(scan, "hacks", []):
        hosts = _concrete_patterns(hack)
        after = [c for c in scan.consumers if c.pos > hack.pos]
        if hosts is None or not after:
            continue
        first = min(after, key=lambda c: c.pos)
        have = scan.scanned_before(first.pos)
        new = [Endpoint(h, None, h) for h in hosts if (h, "22") not in have]
        if new:
            needed += new
            if anchor is None or first.pos < anchor.pos:
                anchor = first
    needed = _dedupe(needed)
    plan = None
    if needed and anchor is not None:
        run = anchor.run
        same_run_install = [p for p in scan.installs if p[0] == run.index and p < anchor.pos]
        if same_run_install:
            view = run.views[anchor.pos[1]]
            item = view.script.items[anchor.pos[2]]
            if not view.editable or item.before not in ("&&", ";"):
                plan = (f"the RUN at line {run.instr.start_line} installs the ssh client and connects in one "
                        f"command that cannot be split; add `ssh-keyscan` for the hosts after the install")
            else:
                plan = (run.instr, needed, ItemRef(run, anchor.pos[1], anchor.pos[2]))
        else:
            plan = (run.instr, needed, None)
    scan._keyscan_plan = plan
    return plan


def _keyscan(scan: _StageScan, consumers: list[Consumer], ch: Changes, hosts: list[str] | None = None):
    """Plan the stage keyscan for a fix whose SSH users are ``consumers`` (or whose hosts are ``hosts``):
    the hosts it pins for them, or why it cannot be placed."""
    mine: list[Endpoint] = []
    for c in consumers:
        have = scan.scanned_before(c.pos)
        mine += [e for e in c.endpoints if e.host and e.key() not in have]
    if hosts:
        first = min((c.pos for c in consumers), default=None)
        have = scan.scanned_before(first) if first else set()
        mine += [Endpoint(h, None, h) for h in hosts if (h, "22") not in have]
    mine = _dedupe(mine)
    if not mine:
        return []
    plan = _stage_keyscan(scan)
    if isinstance(plan, str):
        return plan
    if plan is None:
        return []
    ch.keyscan = plan
    return mine


def keyscan_command(eps: list[Endpoint]) -> str:
    by_port: dict[str | None, list[str]] = {}
    for e in eps:
        by_port.setdefault(e.port, [])
        if e.host not in by_port[e.port]:
            by_port[e.port].append(e.host or "")
    scans = []
    for port, hosts in by_port.items():
        p = f"-p {port} " if port else ""
        scans.append(f"ssh-keyscan {p}{' '.join(hosts)} >> ~/.ssh/known_hosts")
    return "mkdir -p -m 0700 ~/.ssh && " + " && ".join(scans)


def _plan_hack(scan: _StageScan, hack: Hack, removed_paths: set[str]) -> None:
    if hack.blockers:
        return
    bad_ids = [p for p in hack.identity_paths if p not in DEFAULT_IDENTITIES and p not in removed_paths]
    if bad_ids:
        hack.blockers.append(f"the same command sets `IdentityFile {bad_ids[0]}`, which is still needed; delete "
                             f"only the `StrictHostKeyChecking no` line")
        return
    consumers = _consumers_after(scan, hack.pos)
    # an `-o` option on the consumer itself counts too
    consumers += [c for c in scan.consumers if c.pos == hack.pos and c not in consumers]
    not_git = ("ssh", "scp", "sftp", "rsync", "a RUN")
    if hack.scope == "self":
        consumers = [c for c in consumers if c.pos == hack.pos]
    elif hack.scope in ("git", "git-run"):
        consumers = [c for c in consumers if not c.what.startswith(not_git) or c.what.startswith("a RUN")]
        if hack.scope == "git-run":
            consumers = [c for c in consumers if c.pos[0] == hack.pos[0]]
    elif hack.scope == "rsync":
        consumers = [c for c in consumers if c.what.startswith(("rsync", "a RUN"))]
    consumers.sort(key=lambda c: c.pos)
    hack.consumers = consumers
    if not consumers:
        final = reaches_final(scan.df, scan.stage)
        hack.blockers.append(
            "no RUN after it connects over SSH, so it is there for the running container" + ("" if final else " (or unused)")
            + ": pin the hosts it connects to instead (`RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan <host> >> "
            "~/.ssh/known_hosts`) and delete it")
        return
    limited = _concrete_patterns(hack)
    if limited is not None:
        # `Host a.example` + `StrictHostKeyChecking no`: exactly these hosts skipped checking.
        hack.hosts = [Endpoint(h, None, h) for h in limited]
        ks = _keyscan(scan, [min(consumers, key=lambda c: c.pos)], hack.changes, limited)
    else:
        for c in consumers:
            if c.maybe or any(e.host is None for e in c.endpoints):
                what = f"the RUN at line {c.line} ({c.what})"
                hack.blockers.append(f"the SSH host of {what} cannot be determined; replace the hack with "
                                     f"`RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan <host> >> ~/.ssh/known_hosts`")
                return
        hack.hosts = _dedupe([e for c in consumers for e in c.endpoints])
        ks = _keyscan(scan, consumers, hack.changes)
    if isinstance(ks, str):
        hack.blockers.append(ks)
        return
    hack.new_hosts = ks
    hack.fixable = True


# --------------------------------------------------------------------------- edits


def build_edits(df: Dockerfile, ch: Changes, with_mounts: bool = True) -> list[Edit] | None:
    """Turn planned changes into non-overlapping edits (touching ones merged), or None on conflict."""
    edits: list[Edit] = list(ch.edits)
    by_run: dict[int, tuple] = {}
    for ref in ch.drop_items:
        entry = by_run.setdefault(id(ref.run), (ref.run, set(), []))
        entry[1].add(ref.item)
    for cut in ch.cuts:
        entry = by_run.setdefault(id(cut.run), (cut.run, set(), []))
        entry[2].append(cut)
    splice = None
    if ch.keyscan is not None:
        anchor, eps, sp = ch.keyscan
        if sp is not None:
            splice = sp
        else:
            nodes = df.comments_before(anchor)
            at = nodes[0].span.start if nodes else anchor.span.start
            edits.append(Edit(at, at, f"RUN {keyscan_command(eps)}{df.newline}"))
    for run, items, cuts in by_run.values():
        view = run.views[0]
        script = view.script
        instr = run.instr
        n = len(script.items)
        if len(items) == n and not cuts:
            edits.append(remove_instruction(df, instr))
            continue
        if len(items) == n:
            return None
        base = view.base
        for a, b in _item_spans(script, sorted(items)):
            sp = instr.source_span(base + a, base + b)
            edits.append(Edit(sp.start, sp.end, ""))
        for c in cuts:
            sp = instr.source_span(base + c.start, base + c.end)
            edits.append(Edit(sp.start, sp.end, c.replacement))
    if splice is not None:
        run = splice.run
        item = splice.obj
        pos = run.instr.source_offset(run.views[0].base + item.start)
        edits.append(Edit(pos, pos, keyscan_command(ch.keyscan[1]) + " && "))
    if with_mounts:
        for run in ch.mounts:
            edits.append(add_run_flag(run.instr, "--mount=type=ssh,required"))
    edits += _comment_edits(df, edits)
    return merge_edits(df.text, edits)


_KEYISH_COMMENT = re.compile(
    r"(?i)ssh|\bkeys?\b|known.?hosts|host.?(?:key|verification|check)|strict|fingerprint|deploy|private|"
    r"id_rsa|id_ed25519|agent|credential")


def _comment_edits(df: Dockerfile, edits: list[Edit]) -> list[Edit]:
    """Removing a whole instruction also removes the comment lines right above it when they talk about
    keys/SSH (they would otherwise describe the next instruction)."""
    out = []
    for instr in df.instructions:
        sp = instr.span
        if not any(e.end == sp.end and sp.start - 2 <= e.start <= sp.start for e in edits):
            continue
        block = df.comments_before(instr)
        if block and all(_KEYISH_COMMENT.search(c.comment) and not c.comment.startswith("dockerfile-migrate")
                         for c in block):
            out.append(Edit(block[0].span.start, sp.start, ""))
    return out


def _item_spans(script: Script, idx: list[int]) -> list[tuple[int, int]]:
    items = script.items
    n = len(items)
    out = []
    groups: list[list[int]] = []
    for i in idx:
        if groups and groups[-1][-1] == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    for g in groups:
        i, j = g[0], g[-1]
        if j < n - 1:
            out.append((items[i].start, items[j + 1].start))
        else:
            out.append((items[i - 1].end, items[j].end))
    return out


def merge_edits(text: str, edits: list[Edit]) -> list[Edit] | None:
    """Merge touching edits of one fix (an insertion where a removal ends, a removal next to a
    removal); None when two replacements really overlap."""
    uniq = []
    for e in edits:
        if e not in uniq:
            uniq.append(e)
    ordered = sorted(uniq, key=lambda e: (e.start, e.end))
    out: list[Edit] = []
    for e in ordered:
        if out and e.start <= out[-1].end:
            prev = out[-1]
            if e.start < prev.end and e.end > prev.start and prev.start != prev.end and e.start != e.end:
                if e.start >= prev.start and e.end <= prev.end and not e.text:
                    continue  # inside a removal
                if prev.start >= e.start and prev.end <= e.end and not prev.text:
                    out[-1] = e
                    continue
                return None
            start = prev.start
            end = max(prev.end, e.end)
            mid = text[prev.end:e.start] if e.start > prev.end else ""
            out[-1] = Edit(start, end, prev.text + mid + e.text)
            continue
        out.append(e)
    return out
