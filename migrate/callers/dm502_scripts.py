"""A build command line passes a migrated secret with `--build-arg`.

Why it leaks:
`docker build --build-arg NPM_TOKEN=…` records the value in the image history
and provenance. Once the Dockerfile reads the secret from a mount, the build
arg is also useless: the build fails (`required` secret missing) until the
command passes the secret instead. Shell scripts, Makefiles, justfiles,
Taskfiles and `run:` steps of GitHub workflows are rewritten with the Dockerfile.

Bad:
    docker build --build-arg NPM_TOKEN=$NPM_TOKEN -t app .

Good:
    docker build --secret id=NPM_TOKEN,env=NPM_TOKEN -t app .

Build flags:
    --secret id=NPM_TOKEN,env=NPM_TOKEN   (a value other than `$VAR` is kept:
    NPM_TOKEN="$(cat f)" docker build --secret id=NPM_TOKEN,env=NPM_TOKEN …)

Not rewritten when:
The command builds a Dockerfile that was not migrated in this run, or which
Dockerfile it builds is unknown (`-f $FILE`, a context from a variable, a
remote context): those are reported with the flags to use. Recognised
commands: `docker build`, `docker buildx build`, `docker image build`,
`podman build`, `buildah bud|build`; the working directory is the file's own
(Makefile, justfile, Taskfile) or, for scripts, the script's folder and the
repository root, following literal `cd` commands.
"""

from __future__ import annotations

import os
import re

from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from ..fix import Edit, apply_edits
from .base import CallerContext, CallerRule
from .script_edit import NOT_EDITABLE, TOOL_HINT, ScriptEditor, Unit, report_string
from .yamltext import NOT_YAML, Lines, YAMLError, load, load_or_note, plain, scalar_region

# ----------------------------------------------------------------------------- file kinds


def make_units(text: str, ctx: CallerContext) -> list[Unit]:
    lines = Lines(text)
    units = []
    n = 0
    while n < len(lines):
        s = lines.line(n)
        if s.startswith("\t"):
            first = n
            while lines.line(n).rstrip().endswith("\\") and n + 1 < len(lines):
                n += 1
            m = re.match(r"\t[ \t@+-]*", s)
            units.append(Unit(lines.start(first) + m.end(), lines.start(n) + len(lines.line(n)), "make", [ctx.dir]))
        n += 1
    return units


def just_units(text: str, ctx: CallerContext) -> list[Unit]:
    lines = Lines(text)
    units = []
    in_recipe = False
    n = 0
    while n < len(lines):
        s = lines.line(n)
        if s and not s[0].isspace():
            in_recipe = bool(re.match(r"^@?[A-Za-z_][\w-]*[^:=]*:(?!=)", s)) and not s.startswith("#")
        elif in_recipe and s.strip():
            first = n
            while lines.line(n).rstrip().endswith("\\") and n + 1 < len(lines):
                n += 1
            m = re.match(r"[ \t]+[@-]*", s)
            units.append(Unit(lines.start(first) + m.end(), lines.start(n) + len(lines.line(n)), "sh", [ctx.dir]))
        n += 1
    return units


def yaml_string_units(text: str, data, ctx: CallerContext, select):
    """Units for the string scalars ``select(path, value)`` picks (it returns (cwds, label) or
    None), and (value, first line, cwds, label) for those that cannot be edited in place."""
    lines = Lines(text)
    units: list[tuple[Unit, tuple]] = []
    skipped: list[tuple[str, int, list[str], str]] = []

    def walk(node, path, col):
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in items:
            p = path + (k,)
            if isinstance(node, dict):
                try:
                    ln, c = node.lc.value(k)
                    kcol = node.lc.key(k)[1]
                except (KeyError, TypeError, AttributeError):
                    continue
            else:
                try:
                    ln, c = node.lc.item(k)
                except (KeyError, TypeError, AttributeError):
                    continue
                d = lines.dash_col(ln, c)
                kcol = d if d is not None else col
            if isinstance(v, str):
                got = select(p, v)
                if got is None or not TOOL_HINT.search(v):
                    continue
                cwds, label = got
                region = scalar_region(lines, v, ln, c, kcol)
                if region is None:
                    skipped.append((str(v), ln + 1 + isinstance(v, (LiteralScalarString, FoldedScalarString)),
                                    cwds, label))
                    continue
                units.append((Unit(region.start, region.end, "sh", cwds, label), (p, region)))
            elif isinstance(v, (dict, list)):
                walk(v, p, kcol)

    walk(data, (), 0)
    return units, skipped


def verify_yaml(old_text: str, new_text: str, edited: list[tuple[tuple, object]], edits) -> bool:
    """The new YAML parses to the old data, except the edited strings, which hold
    exactly the old string with the same edits applied."""
    try:
        old, new = plain(load(old_text)), plain(load(new_text))
    except YAMLError:
        return False
    for path, region in edited:
        mine = [e for e in edits if region.start <= e.start and e.end <= region.end]
        if not mine:
            continue
        node = old
        for k in path[:-1]:
            node = node[str(k) if isinstance(node, dict) else k]
        key = str(path[-1]) if isinstance(node, dict) else path[-1]
        value = node[key]
        shifted = [Edit(region.to_value(old_text, e.start), region.to_value(old_text, e.end), e.text) for e in mine]
        node[key] = apply_edits(value, shifted)
    return old == new


class ScriptBuildArgs(CallerRule):
    code = "DM502"
    name = "script-build-arg"
    kinds = ("sh", "make", "just", "taskfile")

    def migrate(self, text: str, ctx: CallerContext):
        kind = ctx.kind or "sh"
        ed = ScriptEditor(self, text, ctx, kind)
        edited = []
        if kind in ("sh", "make", "just"):
            units = {"sh": lambda: [Unit(0, len(text), "sh", [ctx.dir, ctx.root])],
                     "make": lambda: make_units(text, ctx), "just": lambda: just_units(text, ctx)}[kind]()
            ed.scan_variables(units)
            for u in units:
                ed.run_unit(u)
        elif kind == "taskfile":
            data = load_or_note(text, ctx.notes)
            if data is NOT_YAML:
                return ctx.result(text, text, [])
            units, skipped = yaml_string_units(text, data, ctx, lambda p, v: _taskfile_select(data, p, ctx))
            ed.scan_variables([u for u, _ in units])
            for u, where in units:
                ed.run_unit(u)
                edited.append(where)
            for value, line, cwds, label in skipped:
                ed.passes.extend(report_string(self, value, line, cwds, label, ctx, NOT_EDITABLE))
        out = ed.output()
        if out is None or (edited and not verify_yaml(text, out, edited, ed.edits)):
            ctx.notes.append("the build commands could not be rewritten safely; change them by hand")
            for f in ctx.findings:
                f.fix = None
            out = text
        return ctx.result(text, out, ed.passes)


def _taskfile_select(data, path: tuple, ctx: CallerContext):
    # tasks.<name>.cmds[i] (string or {cmd: ...}) and tasks.<name>.cmd
    if len(path) < 3 or path[0] != "tasks":
        return None
    task = data["tasks"][path[1]]
    if not ((path[2] == "cmds" and (len(path) == 4 or (len(path) == 5 and path[4] == "cmd")))
            or (path[2] == "cmd" and len(path) == 3)):
        return None
    cwd = ctx.dir
    if isinstance(task, dict) and isinstance(task.get("dir"), str) and "{{" not in task["dir"]:
        cwd = os.path.normpath(os.path.join(ctx.dir, task["dir"]))
    return [cwd], f"task {path[1]}: "
