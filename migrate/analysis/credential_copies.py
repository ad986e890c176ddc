"""Credential files that `COPY`/`ADD` put into a layer (DM201), and the plan
that replaces them with secret mounts.

For each COPY/ADD source that is a credential file (`credential_files`), by
its own name or by the name it gets (`COPY .npmrc-ci .npmrc`):

- the content is read from the build context when it is known: a file whose
  credential fields only reference variables is a template (the variable is
  the secret, DM101/DM102 handle it), a file without credential fields is
  plain configuration, a literal credential is committed to the repository;
- every later RUN that could read it (`file_readers`) gets
  `--mount=type=secret,id=ID,target=DEST,required` (plus `mode=0444` when it
  runs as a user other than root: the copied file was world-readable), the
  COPY (or that source of it) and the `rm` of the file go;
- it is not rewritten when that would change the build or leave the file in
  a layer anyway: another COPY of a directory holding the same context file
  (unless `.dockerignore` keeps it out), the running container needs it, a
  `COPY --from` copies it out, a RUN modifies or copies it, the destination
  cannot be resolved.

Directories holding credential files (`COPY . .` when the context shows one
that `.dockerignore` does not exclude, `COPY secrets/ ...`) are reported only:
one secret mount cannot stand in for a directory.
"""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import re
from dataclasses import dataclass, field

from ..edits import add_run_flag, mounts, remove_instruction
from ..fix import BuildRequirement, Edit
from ..hintwords import CREDENTIAL_COPY_WORDS, AnyOf, words_in
from ..settings import Settings
from ..syntax import Dockerfile, Instruction, Stage, name_value_pairs
from ..syntax.prescan import keyword_matches
from .credential_files import (Content, CredentialKind, destination_may_be_credential, inspect_content, kind_of_name,
                               source_may_be_credential)
from .dockerignore import excluded, ignore_file_text
from .file_readers import FileLife, RunUse, file_life
from .final_image import carried_copies, runtime_reason
from .ssh import _item_spans, analyse_ssh, is_ssh_key_path, may_involve_ssh, merge_edits
from .stagefs import CopySpec, FsState, copy_target, context_path, is_final_lineage, parse_copy, stage_states

SECRET_FRONTEND = (1, 2)  # stable RUN --mount=type=secret

# Names probed inside a copied directory when the build context is readable.
PROBE_NAMES = (
    ".npmrc", ".yarnrc.yml", ".pypirc", "pip.conf", ".netrc", ".git-credentials", ".docker/config.json",
    ".aws/credentials", ".gem/credentials", "NuGet.Config", "nuget.config", "auth.json", ".env", "kubeconfig",
    ".kube/config", "settings.xml", ".m2/settings.xml", "credentials.json", "service-account.json",
)
_PROBE_FIRST = tuple((p, p.split("/", 1)[0]) for p in PROBE_NAMES)


def probes_under(read, base: str) -> tuple[str, ...] | list[str]:
    """The PROBE_NAMES that may exist in context folder ``base``: when the reader can list
    the folder (`names`), those whose first component is not there need no probe each."""
    try:
        listed = read.names(base)
    except Exception:  # no such method, or a reader that fails: probe them all
        listed = None
    if listed is None:
        return PROBE_NAMES
    return [p for p, first in _PROBE_FIRST if first in listed]


# Directory names that hold credentials whatever is in them.
CREDENTIAL_DIRS = frozenset({"secrets", ".secrets", "secret", "credentials", "creds", ".aws", ".kube"})

_HINT = re.compile(
    r"(?i)npmrc|yarnrc|pypirc|pip\.(?:conf|ini)|netrc|credential|\.docker|dockercfg|\.aws|\.gem|nuget|"
    r"settings|auth\.json|\.env|kube|\.pem|\.key|\.p12|\.pfx|\.jks|\.bcfks|keystore|\.json|secret|creds"
)
# _HINT's alternatives are all literal: substrings of the lower-cased text (ASCII texts; others take _HINT).
_HINT_WORDS = CREDENTIAL_COPY_WORDS
_ANY_HINT_WORD = AnyOf(_HINT_WORDS)


def _hint(text: str) -> bool:
    """``_HINT.search(text)``, faster (see AnyOf.holds)."""
    if not text.isascii():
        return _HINT.search(text) is not None
    return _ANY_HINT_WORD.holds(text)[0]


_COPY_LINE = re.compile(r"(?im)^[^\S\n]*(?:onbuild[^\S\n]+)?(?:copy|add)[^\S\n]")
# _COPY_LINE for lower-cased ASCII text, from its keyword: one pattern per keyword, each led by
# it, so the regex engine jumps from keyword to keyword (an alternation of them would be tried at
# every position); _COPY_LEAD then checks the line up to the keyword.
_COPY_KEYWORDS = (re.compile(r"copy[^\S\n]"), re.compile(r"add[^\S\n]"))
_COPY_LEAD = re.compile(r"[^\S\n]*(?:onbuild[^\S\n]+)?")


def _has_copy_line(text: str) -> bool:
    """``_COPY_LINE.search(text) is not None``, faster."""
    if not text.isascii():  # `(?i)` also matches the Kelvin sign to "k" and "ſ" to "s"
        return _COPY_LINE.search(text) is not None
    known = words_in.peek(text)
    low = known[1] if known is not None else text.lower()
    return next(keyword_matches(low, _COPY_KEYWORDS, _COPY_LEAD), None) is not None


_COPY_ARGS = re.compile(r"(?im)^[^\S\n]*(?:onbuild[^\S\n]+)?(?:copy|add)[^\S\n]+(.*)$")


def may_copy_credentials(text: str, settings: Settings) -> bool:
    """Superset of what DM201 reports (see prefilter.py): a credential-looking name, or (when the build
    context is readable) a copied directory whose context holds one of the probed credential files."""
    if not _has_copy_line(text):
        return False
    if _hint(text):
        return True
    read = settings.read_context
    if read is None:
        return False
    probed: set[str] = set()
    for m in _COPY_ARGS.finditer(text):
        line = m.group(1).strip()
        if line.endswith(("\\", "`")) or line.startswith("["):
            return True  # continued or JSON form: let the rule look
        words = [w.strip("\"'") for w in line.split() if not w.startswith("--")]
        for src in words[:-1]:
            if _is_remote(src) or any(c in src for c in "*?[$"):
                continue
            base = context_path(src)
            if base in probed:
                continue  # asked already (the answers were all "no")
            probed.add(base)
            for probe in probes_under(read, base):
                try:
                    if read(probe if base == "." else posixpath.join(base, probe)) is not None:
                        return True
                except Exception:  # pragma: no cover - a reader must not break the pure core
                    return True
    return False


@dataclass
class CredCopy:
    """One credential source of a COPY/ADD."""

    instr: Instruction
    stage: Stage
    source: str  # as written (quotes removed)
    ctx_path: str  # relative to the build context
    kind: CredentialKind
    label: str  # e.g. "`.npmrc` (npm registry credentials)"
    dest: str | None = None  # absolute path in the image
    is_dir: bool = False  # a directory holding credential files (report only)
    content: Content | None = None
    secret_id: str = ""
    where: str = ""  # final image / builder sentence
    in_final: bool = False
    blockers: list[str] = field(default_factory=list)
    runtime: str | None = None  # why the running container needs it
    life: FileLife | None = None
    edits: list[Edit] = field(default_factory=list)
    readers: list[Instruction] = field(default_factory=list)
    removed_lines: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    template_vars: tuple[str, ...] = ()
    undeclared: tuple[str, ...] = ()
    via: str = ""  # for directory finds: the context file found

    @property
    def fixable(self) -> bool:
        return bool(self.edits) and not self.blockers and self.runtime is None and not self.is_dir

    @property
    def requirement(self) -> BuildRequirement:
        return BuildRequirement("secret", self.secret_id, src=self.ctx_path)

    @property
    def mount(self) -> str:
        return f"--mount=type=secret,id={self.secret_id},target={self.dest},required"


@dataclass
class Analysis:
    copies: list[CredCopy] = field(default_factory=list)  # secret files (fixable or reported)
    templates: list[CredCopy] = field(default_factory=list)  # templates whose variables nothing declares


def _tools(df: Dockerfile) -> frozenset[str]:
    words: set[str] = set()
    for instr in df.instructions:
        if instr.cmd in ("RUN", "CMD", "ENTRYPOINT", "FROM"):
            words |= set(re.findall(r"[a-z0-9]+", instr.logical.lower()))
    return frozenset(words)


def _declared(df: Dockerfile) -> set[str]:
    out: set[str] = set()
    for instr in df.instructions:
        if instr.cmd in ("ARG", "ENV"):
            out |= {n for n, _, _ in name_value_pairs(instr, df.escape)}
    return out


_REMOTE = re.compile(r"(?i)^[a-z][a-z0-9+.-]*://|^git@")
_TEMPLATE_OR_PUBLIC = re.compile(r"(?i)[.\-_](?:example|sample|template|tmpl|tpl|dist|default|defaults|orig)$|\.pub$")


def _is_remote(source: str) -> bool:
    return bool(_REMOTE.match(source))


def _excluded_by_flags(instr: Instruction, rel: str) -> bool:
    for pat in instr.flag_values("exclude"):
        if fnmatch.fnmatchcase(rel, pat) or fnmatch.fnmatchcase(posixpath.basename(rel), pat):
            return True
    return False


def _within(source_ctx: str, target_ctx: str) -> str | None:
    """Path of context file ``target_ctx`` relative to the copied directory ``source_ctx``, or None."""
    if source_ctx == ".":
        return target_ctx
    if any(c in source_ctx for c in "*?["):
        parts = target_ctx.split("/")
        for k in range(1, len(parts)):
            if fnmatch.fnmatchcase("/".join(parts[:k]), source_ctx):
                return "/".join(parts[k:])
        return None
    prefix = source_ctx.rstrip("/") + "/"
    return target_ctx[len(prefix):] if target_ctx.startswith(prefix) else None


class _Scan:
    def __init__(self, df: Dockerfile, settings: Settings, path: str | None):
        self.df = df
        self.settings = settings
        self.read = settings.read_context
        self.path = path
        self.specs: list[tuple[Stage, CopySpec]] = []
        for stage in df.stages:
            for instr in stage.instructions[1:]:
                # parse_copy gives None for another instruction, a from_stage for one with a --from flag.
                if instr.cmd in ("COPY", "ADD") and not any(f.name == "from" for f in instr.flags):
                    spec = parse_copy(instr)
                    if spec is not None and spec.from_stage is None:
                        self.specs.append((stage, spec))
        self.ids: dict[str, str] = {}  # secret id -> context path

    def tool_words(self) -> frozenset[str]:
        return self.tools

    # Worked out when first needed: most files copy nothing that could be a credential.
    @functools.cached_property
    def states(self) -> dict[int, FsState]:
        return stage_states(self.df)

    # Asked only about a COPY with a credential-looking source: most files have none.
    @functools.cached_property
    def ssh_copies(self) -> set[int]:
        """The COPY/ADDs (by id) whose keys DM301 reports (e.g. a `.pem` used with `ssh -i`): its business."""
        if not may_involve_ssh(self.df.text):
            return set()
        return {id(k.instr) for k in analyse_ssh(self.df, self.settings).keys if k.kind == "copy"}

    @functools.cached_property
    def tools(self) -> frozenset[str]:
        return _tools(self.df)

    @functools.cached_property
    def declared(self) -> set[str]:
        return _declared(self.df)

    @functools.cached_property
    def ignore_text(self) -> str | None:
        return ignore_file_text(self.read, self.path)[1]

    def context_text(self, rel: str) -> str | None:
        if self.read is None:
            return None
        try:
            return self.read(rel)
        except Exception:  # pragma: no cover - a reader must not break the pure core
            return None

    def ignored(self, rel: str) -> bool:
        return self.ignore_text is not None and excluded(self.ignore_text, rel)

    def secret_id(self, kind: CredentialKind, rel: str) -> str:
        base = kind.id
        sid, n = base, 2
        while sid in self.ids and self.ids[sid] != rel:
            sid, n = f"{base}_{n}", n + 1
        self.ids[sid] = rel
        return sid


def analyse_copies(df: Dockerfile, settings: Settings, path: str | None = None) -> Analysis:
    scan = _Scan(df, settings, path)
    out = Analysis()
    explicit: set[str] = set()
    found: list[CredCopy] = []
    for stage, spec in scan.specs:
        # A COPY in scan.ssh_copies is skipped: _credential_source gives None for each of its sources.
        for k, (src, _, _) in enumerate(spec.sources):
            cc = _credential_source(scan, stage, spec, k, src)
            if cc is not None:
                found.append(cc)
                if not cc.is_dir:
                    explicit.add(cc.ctx_path)
    # Directories whose context shows a credential file.
    if scan.read is not None:
        for stage, spec in scan.specs:
            for src, _, _ in spec.sources:
                if _is_remote(src):
                    continue
                found.extend(_probe_dir(scan, stage, spec, src, explicit))
    for cc in found:
        if cc.template_vars:
            if cc.undeclared:
                if cc.dest is not None:
                    cc.life = file_life(df, cc.stage, cc.instr, cc.dest, scan.states, cc.kind.id)
                out.templates.append(cc)
            continue
        if not cc.is_dir:
            _plan(scan, cc)
        out.copies.append(cc)
    out.copies.sort(key=lambda c: (c.instr.start_line, c.source))
    return out


def _label(name: str, kind: CredentialKind) -> str:
    return f"`{name}` ({kind.what})"


def _judge_content(scan: _Scan, cc: CredCopy) -> bool:
    """Read the context file; False when it is plain configuration (nothing to report)."""
    text = scan.context_text(cc.ctx_path)
    if text is None:
        return True
    cc.content = inspect_content(cc.kind, text)
    if cc.content.verdict == "plain":
        return False
    if cc.content.verdict == "template":
        cc.template_vars = cc.content.variables
        cc.undeclared = tuple(v for v in cc.template_vars if v not in scan.declared)
    return True


@functools.lru_cache(maxsize=4096)  # a pure function of the source text, the same names in every file
def _source_name(src: str) -> tuple[str, bool, bool] | None:
    """None for a source that is never a credential (remote, a pattern, a template or public half
    whatever name it is given), else its name, whether it may have a credential kind of its own
    (kind_of_name may give one, with some tools) and whether it names a credential directory."""
    if _is_remote(src) or not src or any(c in src for c in "*?["):
        return None
    name = posixpath.basename(src.rstrip("/"))
    if _TEMPLATE_OR_PUBLIC.search(name):
        return None
    return name, source_may_be_credential(src), name.lower() in CREDENTIAL_DIRS


def _credential_source(scan: _Scan, stage: Stage, spec: CopySpec, k: int, src: str) -> CredCopy | None:
    facts = _source_name(src)
    if facts is None:
        return None
    name, may_have_kind, cred_dir = facts
    kind = kind_of_name(src, is_source=True, tools=scan.tool_words) if may_have_kind else None
    single_file = len(spec.sources) == 1 and not spec.dest_is_dir
    if kind is None and not cred_dir and not (single_file and _destination_may_decide(spec.dest, name)):
        return None  # what the checks below come to for such a source, without its target or the stage's states
    rel = context_path(src)
    state = scan.states.get(id(spec.instr), FsState())
    target = copy_target(spec, src, state)
    if is_ssh_key_path(src) or is_ssh_key_path(target or spec.dest):
        return None  # SSH keys and `.ssh/` are DM301's
    if kind is None and single_file:
        dest_name = spec.dest
        if not _BLANK_OR_VAR.search(dest_name):
            kind = kind_of_name(target or dest_name, is_source=False, tools=scan.tool_words)
            if kind is not None and kind.id in ("private_key", "keystore", "service_account"):
                kind = None  # only names a tool reads by convention make the destination decide
    if kind is None and (not cred_dir or src.endswith((".json", ".yml", ".yaml"))):
        return None
    if id(spec.instr) in scan.ssh_copies:
        return None  # the whole COPY is DM301's
    if kind is None:
        cc = CredCopy(spec.instr, stage, src, rel, _DIR_KIND, f"the directory `{name}`", is_dir=True)
        cc.where = _where(scan.df, stage)
        cc.in_final = is_final_lineage(scan.df, stage)
        return cc
    cc = CredCopy(spec.instr, stage, src, rel, kind, _label(name, kind), dest=target)
    if not _judge_content(scan, cc):
        return None
    cc.secret_id = scan.secret_id(kind, rel)
    cc.where = _where(scan.df, stage)
    cc.in_final = is_final_lineage(scan.df, stage)
    return cc


def _destination_may_decide(dest: str, name: str) -> bool:
    """False when, for a single-file COPY of a source named ``name`` (no credential kind of its own),
    the destination cannot give it one, whatever the stage's WORKDIR and ENV: a destination holding
    a blank or `$` is not asked; else the path asked about (the target, or ``dest`` when that is
    unknown) ends in ``name`` (copied into a directory) or in ``dest``'s last component (normpath
    keeps a last component that is not `.`/`..`), and destination_may_be_credential judges each."""
    if _BLANK_OR_VAR.search(dest):
        return False
    last = dest.rstrip("/").rsplit("/", 1)[-1]
    if name in ("", ".", "..") or last in ("", ".", ".."):
        return True  # the target's name comes from elsewhere (the WORKDIR...): ask
    return destination_may_be_credential(name) or destination_may_be_credential(last)


_BLANK_OR_VAR = re.compile(r"[\s$]")
_DIR_KIND = CredentialKind("credential_dir", "credential directory")


def _probe_dir(scan: _Scan, stage: Stage, spec: CopySpec, src: str, explicit: set[str]) -> list[CredCopy]:
    rel_dir = context_path(src)
    if rel_dir != "." and scan.context_text(rel_dir) is not None:
        return []  # a file, not a directory
    out = []
    for probe in probes_under(scan.read, rel_dir):
        rel = probe if rel_dir == "." else posixpath.join(rel_dir, probe)
        # Most probed files do not exist: ask that first (the checks are independent).
        text = scan.context_text(rel)
        if text is None:
            continue
        if rel in explicit or scan.ignored(rel) or _excluded_by_flags(spec.instr, rel):
            continue
        kind = kind_of_name(rel, is_source=True, tools=scan.tool_words)
        if kind is None:
            continue
        content = inspect_content(kind, text)
        if content.verdict != "secret":
            continue  # plain configuration, or a template whose variables are the secrets
        cc = CredCopy(spec.instr, stage, src, rel, kind, _label(rel, kind), is_dir=True, content=content, via=rel)
        cc.secret_id = scan.secret_id(kind, rel)
        cc.where = _where(scan.df, stage)
        cc.in_final = is_final_lineage(scan.df, stage)
        explicit.add(rel)
        out.append(cc)
    return out


def _where(df: Dockerfile, stage: Stage) -> str:
    if is_final_lineage(df, stage):
        return "it is in the final image"
    name = f"`{stage.name}`" if stage.name else str(stage.index)
    return f"only the builder stage {name} and the build cache hold it, not the final image"


def _plan(scan: _Scan, cc: CredCopy) -> None:
    """Decide readers, blockers and edits for one explicit credential source."""
    df, instr, stage = scan.df, cc.instr, cc.stage
    spec = parse_copy(instr)
    assert spec is not None
    if cc.dest is None:
        if cc.in_final:
            guess = posixpath.join("/", posixpath.basename(cc.source.rstrip("/")))
            cc.runtime = runtime_reason(df, guess, cc.kind, scan.states)
            if cc.runtime:
                return
        cc.blockers.append("its destination in the image cannot be resolved statically "
                           "(a variable, `~`, or a directory that may not exist)")
        return
    if re.search(r"[\s,\"'=]", cc.dest):
        cc.blockers.append("its destination path cannot be written as a mount target")
        return
    # Another COPY of a directory that holds the same context file puts it into a layer anyway.
    for other_stage, other in scan.specs:
        if other.instr is instr:
            continue
        for src, _, _ in other.sources:
            if _is_remote(src):
                continue
            inner = _within(context_path(src), cc.ctx_path)
            if inner is None or not inner:
                continue
            if scan.ignored(cc.ctx_path) or _excluded_by_flags(other.instr, cc.ctx_path):
                continue
            cc.blockers.append(
                f"the {other.instr.cmd} at line {other.instr.start_line} copies the build context's `{cc.ctx_path}` "
                f"into a layer again; add `{cc.ctx_path}` to .dockerignore (the secret is read with "
                f"`--secret`, not from the context) and run the migration again")
            break
    state = scan.states.get(id(instr), FsState())
    life = file_life(df, stage, instr, cc.dest, scan.states, cc.kind.id)
    cc.life = life
    cc.blockers += life.blockers
    # Carried out of the stage by COPY --from.
    for car in carried_copies(df, stage, cc.dest, scan.states) if life.ended_by is None else []:
        if car.path != "?" and posixpath.basename(car.path) == posixpath.basename(cc.dest) and \
                _copies_exactly(car.instr, cc.dest):
            cc.blockers.append(f"the COPY --from at line {car.instr.start_line} copies it into another stage")
        elif is_final_lineage(df, car.stage):
            cc.in_final = True
            cc.where = (f"the COPY --from at line {car.instr.start_line} carries it into the final image")
            reason = runtime_reason(df, car.path, cc.kind, scan.states) if car.path != "?" else None
            if reason:
                cc.runtime = reason
    if life.ended_by is None and cc.in_final and is_final_lineage(df, stage):
        cc.runtime = runtime_reason(df, cc.dest, cc.kind, scan.states)
        if cc.runtime is None and not life.readers:
            cc.runtime = "no build step reads it, so it is there for the running container"
    if cc.runtime or cc.blockers:
        return
    edits: list[Edit] = []
    # The COPY itself, or this source of it.
    if len(spec.sources) == 1:
        parent = posixpath.dirname(cc.dest)
        if _dir_exists(scan, stage, instr, parent, state):
            edits.append(remove_instruction(df, instr))
        else:
            # The COPY also created the directory: keep that part of its effect.
            sp = instr.span
            end = sp.end - (2 if df.text[: sp.end].endswith("\r\n") else 1 if df.text[: sp.end].endswith("\n") else 0)
            edits.append(Edit(sp.start + (1 if sp.start == 0 and df.bom else 0), end, f"RUN mkdir -p {parent}"))
            cc.notes.append(f"`RUN mkdir -p {parent}` keeps the directory the {instr.cmd} created")
    elif spec.json:
        cc.blockers.append("the COPY has several sources in JSON form")
        return
    else:
        k = [s[0] for s in spec.sources].index(cc.source)
        a, b = spec.sources[k][1], spec.sources[k][2]
        prev_end = spec.sources[k - 1][2] if k > 0 else None
        if prev_end is not None:
            sp = instr.source_span(prev_end, b)
        else:
            sp = instr.source_span(a, spec.sources[k + 1][1])
        edits.append(Edit(sp.start, sp.end, ""))
        if len(spec.sources) == 2 and not spec.dest.endswith("/") and spec.dest not in (".", ".."):
            cc.blockers.append("removing one source would turn the destination directory into a file name")
            return
    removed = [instr.start_line]
    for use in life.uses:
        if use.reads and not _has_target_mount(use.instr, cc.dest):
            flag = cc.mount
            run_state = scan.states.get(id(use.instr), state)
            if not run_state.is_root:
                flag = flag.replace(",required", ",mode=0444,required")
            edits.append(add_run_flag(use.instr, flag))
            cc.readers.append(use.instr)
        elif use.reads:
            cc.readers.append(use.instr)
        for item, cmd in use.removals:
            e = _removal_edit(df, use, item, cmd, cc, scan.states)
            if e is None:
                cc.blockers.append(f"the `rm` at line {use.instr.start_line} cannot be separated from its RUN")
                return
            edits.extend(e)
            removed.append(use.instr.start_line)
    merged = merge_edits(df.text, edits)
    if merged is None:
        cc.blockers.append("its edits would conflict; migrate it by hand")
        return
    cc.edits = merged
    cc.removed_lines = sorted(set(removed))


_SYSTEM_DIRS = frozenset({"/", "/root", "/tmp", "/etc", "/usr", "/usr/local", "/usr/local/etc", "/usr/src", "/opt",
                          "/var", "/home", "/srv", "/run"})


def _dir_exists(scan: _Scan, stage: Stage, instr: Instruction, d: str, state: FsState) -> bool:
    """Is directory ``d`` there before ``instr`` even without the COPY (a system directory, a WORKDIR,
    the home directory, or the parent of something an earlier COPY put in place or a RUN created)?"""
    if d in _SYSTEM_DIRS or d == state.home or d == state.workdir:
        return True
    if state.workdir and state.workdir.startswith(d.rstrip("/") + "/"):
        return True
    chain = [stage]
    while True:
        base = chain[-1].base.lower()
        parent = next((s for s in scan.df.stages[: chain[-1].index] if base in {s.name, str(s.index)}), None)
        if parent is None:
            break
        chain.append(parent)
    for st in chain:
        for i in st.instructions[1:]:
            if i is instr:
                break
            st_state = scan.states.get(id(i), FsState())
            if i.cmd in ("COPY", "ADD"):
                spec = parse_copy(i)
                if spec is None:
                    continue
                for src, _, _ in spec.sources:
                    t = copy_target(spec, src, st_state)
                    if t is not None and (t.startswith(d.rstrip("/") + "/")):
                        return True
            elif i.cmd == "RUN" and re.search(r"\bmkdir\b[^&|;]*" + re.escape(d) + r"(?:/|\s|$|[\"'])", i.logical):
                return True
    return False


def _copies_exactly(instr: Instruction, path: str) -> bool:
    spec = parse_copy(instr)
    if spec is None:
        return False
    return any(posixpath.normpath("/" + s.lstrip("/")) == path for s, _, _ in spec.sources)


def _has_target_mount(instr: Instruction, target: str) -> bool:
    for m in mounts(instr):
        if m.get("type") == "secret" and (m.get("target") or m.get("dst") or m.get("destination")) == target:
            return True
    return False


def _removal_edit(df: Dockerfile, use: RunUse, item, cmd, cc: CredCopy, states) -> list[Edit] | None:
    """Edits dropping the `rm` of the file (the whole RUN when it is all it does)."""
    script = use.script
    instr = use.instr
    if script is None:
        return None
    state = states.get(id(instr), FsState())
    from .stagefs import shell_path

    operands = [w for w in cmd.argv[1:] if not w.text.startswith("-")]
    if len(operands) > 1:
        # `rm -f .npmrc other`: drop only this operand.
        for w in operands:
            if shell_path(w.raw, state) == cc.dest:
                words = cmd.argv
                i = words.index(w)
                a = words[i - 1].end
                sp = instr.source_span(instr.args_offset + a, instr.args_offset + w.end)
                return [Edit(sp.start, sp.end, "")]
        return None
    idx = script.items.index(item)
    if len(script.items) == 1:
        if use.reads:
            return None  # cannot happen: the rm is the whole script
        return [remove_instruction(df, instr)]
    (a, b), = _item_spans(script, [idx])
    sp = instr.source_span(instr.args_offset + a, instr.args_offset + b)
    return [Edit(sp.start, sp.end, "")]
