"""Line edits that carry out Compose plans, and the check that the result means
exactly the old file plus the planned changes.

New keys are written with the file's own indentation (mapping indent from the
services, dash offset from an existing block sequence); removed entries take
their whole lines (and trailing comment) with them; everything else is copied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .needs import Needs
from .yamltext import LineEdits, Lines, map_indent, own_keys, plain, seq_indent

_SAFE = re.compile(r"^[A-Za-z0-9_./-]+$")


class Unsupported(Exception):
    """The plan needs an edit this module does not make (flow style, aliases, ...)."""


@dataclass
class Move:
    name: str  # build arg
    secret_id: str | None  # None: dropped (replaced by SSH or a secret file)
    source: tuple[str, str] | None  # ("environment", VAR) | ("file", ./path)
    note: str = ""


@dataclass
class Plan:
    """Changes to one service's build settings."""

    service: str
    needs: Needs
    args: object  # the args node (CommentedMap/Seq) or None
    owner: object  # mapping that gets build.secrets/ssh (owns `args`), None for `build: ./dir`
    build: object
    svc: object = None
    moves: list[Move] = field(default_factory=list)
    add: list[tuple[str, tuple[str, str]]] = field(default_factory=list)  # (secret id, source)
    ssh: bool = False

    def key(self) -> tuple:
        return (tuple((m.name, m.secret_id, m.source) for m in self.moves), tuple(self.add), self.ssh)

    @property
    def empty(self) -> bool:
        return not (self.moves or self.add or self.ssh)


def arg_entries(args) -> list[tuple[str, object, object]]:
    """(name, value, key-or-index) of build.args; value None means "from the environment"."""
    out = []
    if isinstance(args, dict):
        for k, v in args.items():
            out.append((str(k), v, k))
    elif isinstance(args, list):
        for i, item in enumerate(args):
            if isinstance(item, str):
                name, sep, value = item.partition("=")
                out.append((name.strip(), value if sep else None, i))
    return out


class ComposeEditor:
    def __init__(self, data, lines: Lines):
        self.data, self.lines = data, lines
        services = data["services"]
        self.ind = map_indent(services, data.lc.key("services")[1])
        self.dash = seq_indent(lines)
        self.ed = LineEdits(lines)
        self.top = data.get("secrets")
        self.names: dict[tuple[str, tuple[str, str]], str] = {}  # (secret id, source) -> top-level name
        self.new_top: dict[str, tuple[str, str]] = {}

    def try_plan(self, plan: Plan) -> None:
        """Edit for ``plan``, or raise Unsupported and leave no trace."""
        saved = (self.ed.snapshot(), dict(self.names), dict(self.new_top))
        try:
            self._plan(plan)
        except Unsupported:
            self.ed.restore(saved[0])
            self.names, self.new_top = saved[1], saved[2]
            raise

    def _plan(self, plan: Plan) -> None:
        lines, ed, owner = self.lines, self.ed, plan.owner
        removed = {m.name for m in plan.moves}
        items = []
        for sid, source in plan.add:
            name = self.secret_name(sid, source)
            items.append(name if name == sid else {"source": name, "target": sid})
        if owner is None:
            self._expand_short(plan, items)
            return
        kcol = owner.lc.key(own_keys(owner)[0])[1]
        args_region = None
        if plan.args is not None and removed:
            if getattr(plan.args, "fa", None) is not None and plan.args.fa.flow_style():
                raise Unsupported("build.args is written in flow style")
            al, ac = owner.lc.key("args")
            args_region = (al, lines.entry_last(al, ac, seq_at_col=True))
            entries = arg_entries(plan.args)
            gone = [e for e in entries if e[0] in removed]
            if len(gone) == len(entries):
                ed.delete(*args_region)
            else:
                for _name, _v, k in gone:
                    if isinstance(plan.args, CommentedMap):
                        ln, c = plan.args.lc.key(k)
                    else:
                        ln, ic = plan.args.lc.item(k)
                        c = lines.dash_col(ln, ic)
                        if c is None:
                            raise Unsupported("an args item is not on its own line")
                    if lines.indent(ln) != c or not (args_region[0] < ln <= args_region[1]):
                        raise Unsupported("build.args is not a plain block under its key (alias or inline)")
                    ed.delete(ln, lines.entry_last(ln, c))
        block: list[str] = []  # new keys of the owner mapping, unindented
        if items:
            if "secrets" in own_keys(owner):
                self._append(owner["secrets"], items)
            elif "secrets" in owner:
                raise Unsupported("build.secrets comes from a merged anchor")
            else:
                block.append("secrets:")
                for it in items:
                    block += item_lines(it, self.dash)
        if plan.ssh:
            if "ssh" in own_keys(owner):
                self._append(owner["ssh"], ["default"])
            elif "ssh" in owner:
                raise Unsupported("build.ssh comes from a merged anchor")
            else:
                block.append("ssh: [default]")
        if block:
            if args_region is not None:
                after = args_region[1]
            else:
                after = max(lines.entry_last(owner.lc.key(k)[0], owner.lc.key(k)[1], seq_at_col=True)
                            for k in own_keys(owner))
            ed.insert_after(after, "".join(" " * kcol + b + "\n" for b in block))

    def _expand_short(self, plan: Plan, items: list) -> None:
        """`build: ./dir` becomes a mapping with `context: ./dir` and the new keys."""
        svc, lines = plan.svc, self.lines
        kl, kc = svc.lc.key("build")
        vl, vc = svc.lc.value("build")
        s = lines.line(kl)
        if vl != kl:
            raise Unsupported("the build context is not on the build line")
        if s[vc:vc + 1] in ("'", '"'):
            close = s.find(s[vc], vc + 1)
            if close < 0:
                raise Unsupported("the build context is a multi-line string")
            raw = s[vc:close + 1]
        else:
            m = re.search(r"\s+#", s[vc:])
            raw = (s[vc:vc + m.start()] if m else s[vc:]).rstrip()
        comment = s[vc + len(raw):].strip()
        block = ["context: " + raw]
        if items:
            block.append("secrets:")
            for it in items:
                block += item_lines(it, self.dash)
        if plan.ssh:
            block.append("ssh: [default]")
        head = s[:vc].rstrip() + ("  " + comment if comment else "")
        self.ed.replace_line(kl, head + "".join("\n" + " " * (kc + self.ind) + b for b in block))

    def _append(self, seq, items: list) -> None:
        lines = self.lines
        if not isinstance(seq, CommentedSeq) or not seq:
            raise Unsupported("the existing build.secrets/ssh is not a list")
        ln, c = seq.lc.item(len(seq) - 1)
        if seq.fa.flow_style():
            s = lines.line(ln)
            close = s.find("]", c)
            if close < 0 or s.count("[") != 1:
                raise Unsupported("a flow-style list spans lines")
            add = "".join(", " + (it if isinstance(it, str) else f"{{source: {it['source']}, target: {it['target']}}}")
                          for it in items)
            self.ed.replace_line(ln, s[:close] + add + s[close:])
            return
        d = lines.dash_col(ln, c)
        if d is None or lines.indent(ln) != d:
            raise Unsupported("an existing list item is not on its own line")
        self.ed.insert_after(lines.entry_last(ln, d), "".join(" " * d + x + "\n" for it in items
                                                              for x in item_lines(it, 0)))

    def add_top_level(self) -> None:
        """Declare the new top-level secrets (appended to `secrets:` or to the file)."""
        if not self.new_top:
            return
        lines, ind, data, top = self.lines, self.ind, self.data, self.top
        entries = []
        for name, (kind, value) in self.new_top.items():
            v = value if _SAFE.match(value) else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            entries.append((name, f"{kind}: {v}"))
        if "secrets" in data and top is not None:
            if not isinstance(top, CommentedMap) or top.fa.flow_style() or not own_keys(top):
                raise Unsupported("the top-level secrets are not a block mapping")
            first = own_keys(top)[0]
            col = top.lc.key(first)[1]
            sub = map_indent(top[first], col, ind) if isinstance(top[first], CommentedMap) else ind
            last = max(lines.entry_last(top.lc.key(k)[0], top.lc.key(k)[1]) for k in own_keys(top))
            self.ed.insert_after(last, "".join(f"{' ' * col}{n}:\n{' ' * (col + sub)}{e}\n" for n, e in entries))
            return
        body = "".join(f"{' ' * ind}{n}:\n{' ' * (2 * ind)}{e}\n" for n, e in entries)
        if "secrets" in data:  # `secrets:` with no value
            kl = data.lc.key("secrets")[0]
            if lines.line(kl).split("#", 1)[0].strip() != "secrets:":
                raise Unsupported("the top-level secrets key is not a block mapping")
            self.ed.insert_after(kl, body)
            return
        last = len(lines) - 1
        self.ed.insert_after(last, ("" if lines.blank(last) else "\n") + "secrets:\n" + body)

    def secret_name(self, sid: str, source: tuple[str, str]) -> str:
        """Top-level secret for ``sid`` read from ``source``: a declared one when there is one."""
        if (sid, source) in self.names:
            return self.names[(sid, source)]
        kind, value = source
        existing = self.top if isinstance(self.top, dict) else {}
        if sid in existing:
            name = sid
        else:
            same = [k for k, v in existing.items()
                    if isinstance(v, dict) and str(v.get(kind, "")).lstrip("./") == value.lstrip("./")]
            if same:
                name = str(same[0])
            elif sid not in self.new_top or self.new_top[sid] == source:
                name = sid
            else:
                n = 2
                while f"{sid}_{n}" in self.new_top or f"{sid}_{n}" in existing:
                    n += 1
                name = f"{sid}_{n}"
            if name not in existing:
                self.new_top[name] = source
        self.names[(sid, source)] = name
        return name


def item_lines(item, dash: int) -> list[str]:
    if isinstance(item, str):
        return [" " * dash + "- " + item]
    return [" " * dash + f"- source: {item['source']}", " " * (dash + 2) + f"target: {item['target']}"]


def same_meaning(old_data, new_data, plans: list[Plan], names: dict, new_top: dict) -> bool:
    """The new file means the old one plus exactly the planned changes (`x-` extension
    keys, which only hold anchors, are not compared)."""
    exp = plain(old_data)
    new = plain(new_data)
    for plan in plans:
        b = exp["services"][plan.service]["build"]
        if isinstance(b, str):
            b = exp["services"][plan.service]["build"] = {"context": b}
        removed = {m.name for m in plan.moves}
        args = b.get("args")
        if isinstance(args, dict):
            for k in [k for k in args if k in removed]:
                del args[k]
        elif isinstance(args, list):
            args[:] = [a for a in args if not (isinstance(a, str) and a.partition("=")[0].strip() in removed)]
        if "args" in b and not b["args"] and removed:
            del b["args"]
        for sid, source in plan.add:
            name = names[(sid, source)]
            b.setdefault("secrets", []).append(name if name == sid else {"source": name, "target": sid})
        if plan.ssh:
            b.setdefault("ssh", []).append("default")
    if new_top:
        top = exp.get("secrets") or {}
        for name, (kind, value) in new_top.items():
            top[name] = {kind: value}
        exp["secrets"] = top
    keys = set(exp) | set(new)
    return all(exp.get(k) == new.get(k) for k in keys if not str(k).startswith("x-"))
