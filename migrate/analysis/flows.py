"""Secret flows: where a secret ARG/ENV is declared, who reads it, what blocks a fix.

One flow per declaration of a secret-named variable inside a stage (plus
global ARGs that no stage redeclares). The ARG/ENV rules turn flows into
findings and fixes; keeping the analysis here means each flow is reported by
exactly one rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..secrets import NameVerdict, classify_name
from ..settings import Settings
from ..syntax import Dockerfile, Instruction, Stage, Word, name_value_pairs
from ..syntax.words import unquote_shell_word
from .shell import instruction_references, observes_unnamed, references
from .ssh import ssh_key_vars_migrated_by_dm302
from .stagefs import descendants, is_final_lineage

# Instructions whose arguments BuildKit expands variables in (besides RUN flags).
EXPANDING = frozenset({"ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG"})
RUNTIME_READERS = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})

# Settings that official and popular images read when the container starts.
RUNTIME_NAMES = frozenset(
    """
    POSTGRES_PASSWORD POSTGRES_USER PGPASSWORD MYSQL_ROOT_PASSWORD MYSQL_PASSWORD MYSQL_PWD
    MARIADB_ROOT_PASSWORD MARIADB_PASSWORD MONGO_INITDB_ROOT_PASSWORD MONGO_INITDB_ROOT_USERNAME
    RABBITMQ_DEFAULT_PASS RABBITMQ_ERLANG_COOKIE REDIS_PASSWORD ELASTIC_PASSWORD
    GF_SECURITY_ADMIN_PASSWORD MINIO_ROOT_PASSWORD MINIO_SECRET_KEY MINIO_ACCESS_KEY
    KEYCLOAK_ADMIN_PASSWORD KC_DB_PASSWORD KEYCLOAK_PASSWORD DJANGO_SECRET_KEY SECRET_KEY_BASE
    RAILS_MASTER_KEY JWT_SECRET SESSION_SECRET DATABASE_URL DB_PASSWORD DB_PASS
    APP_KEY APP_SECRET NEXTAUTH_SECRET COUCHDB_PASSWORD NEO4J_AUTH INFLUXDB_ADMIN_PASSWORD
    CLICKHOUSE_PASSWORD SA_PASSWORD MSSQL_SA_PASSWORD ORACLE_PASSWORD WORDPRESS_DB_PASSWORD
    """.split()
)

_REF_ONLY = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")


@dataclass
class Declaration:
    instr: Instruction
    word: Word
    name: str
    value: str | None  # raw value text, None for a bare `ARG NAME`


@dataclass
class SecretFlow:
    name: str  # the secret id: the ARG name, or the ENV name for ENV-only flows
    verdict: NameVerdict
    stage: int
    arg: Declaration | None = None
    env: Declaration | None = None  # ENV carrying the value into the image config
    env_name: str | None = None  # name the ENV exposes (may differ from `name`)
    global_arg: Declaration | None = None
    remove_global: bool = False
    literal: str | None = None  # committed literal value (never printed)
    consumers: list[tuple[Instruction, str]] = field(default_factory=list)  # (RUN, env var)
    blockers: list[tuple[Instruction, str]] = field(default_factory=list)
    in_final_image: bool = False
    runtime_reason: str | None = None

    @property
    def declaration(self) -> Declaration:
        return self.arg or self.env or self.global_arg  # type: ignore[return-value]


def ref_only(raw: str | None) -> str | None:
    """`$X`, `${X}`, `"$X"` -> X; anything else -> None."""
    if raw is None or "$" not in raw:
        return None  # unquoting only removes characters
    text, _ = unquote_shell_word(raw)
    m = _REF_ONLY.match(text)
    return (m.group(1) or m.group(2)) if m else None


def literal_value(raw: str | None) -> str | None:
    if raw is None:
        return None
    text, _ = unquote_shell_word(raw)
    if not text or "$" in text:
        return None
    return text


def analyse(df: Dockerfile, settings: Settings) -> list[SecretFlow]:
    policy = settings.secret_policy
    globals_: dict[str, Declaration] = {}
    for instr in df.instructions:  # df.global_instructions without a walk past them:
        if instr.stage != -1:
            break  # the parser numbers every instruction from the first FROM on
        if instr.cmd == "ARG":
            for name, value, word in name_value_pairs(instr, df.escape):
                globals_[name] = Declaration(instr, word, name, value)

    flows: list[SecretFlow] = []
    redeclared: dict[str, int] = {}
    for stage in df.stages:
        body = stage.instructions[1:]
        stage_flows = len(flows)  # flows from here on are this stage's
        for pos, instr in enumerate(body):
            cmd = instr.cmd
            if cmd not in ("ARG", "ENV"):
                continue
            for name, value, word in name_value_pairs(instr, df.escape):
                if cmd == "ARG":
                    g = globals_.get(name)
                    default = value if value is not None else (g.value if g else None)
                    verdict = classify_name(name, default, policy)
                    if name in globals_:
                        redeclared[name] = redeclared.get(name, 0) + 1
                    if verdict is None:
                        continue
                    decl = Declaration(instr, word, name, value)
                    flow = SecretFlow(name, verdict, stage.index, arg=decl, global_arg=g)
                    flow.literal = literal_value(default)
                    _attach_env(df, flow, body[pos + 1 :])
                    flows.append(flow)
                else:
                    src = ref_only(value)
                    if src and any(f.env is not None and f.env.instr is instr and f.env.word.start == word.start
                                   for f in flows):
                        continue  # already attached to that ARG flow
                    verdict = classify_name(name, value, policy)
                    if verdict is None:
                        continue
                    decl = Declaration(instr, word, name, value)
                    flow = SecretFlow(name, verdict, stage.index, env=decl, env_name=name)
                    flow.literal = literal_value(value)
                    if src is None and value is not None and "$" in value:
                        flow.blockers.append((instr, f"its value is built from other variables ({instr.cmd} line {instr.start_line})"))
                    flows.append(flow)
        for flow in flows[stage_flows:]:
            if not flow.consumers and not flow.blockers:
                _consumers(df, stage, body, flow, settings.runtime_names)

    for flow in flows:
        if flow.global_arg is not None:
            others = redeclared.get(flow.name, 0)
            used_in_from = any(references(s.from_instruction.logical, flow.name) for s in df.stages)
            flow.remove_global = others <= 1 and not used_in_from
    # Global secret ARGs no stage redeclares: visible only to FROM lines.
    for name, decl in globals_.items():
        if name in redeclared:
            continue
        verdict = classify_name(name, decl.value, policy)
        if verdict is None:
            continue
        flow = SecretFlow(name, verdict, -1, global_arg=decl, literal=literal_value(decl.value))
        for s in df.stages:
            if references(s.from_instruction.logical, name):
                flow.blockers.append((s.from_instruction, f"FROM at line {s.from_instruction.start_line} uses it"))
        flow.remove_global = not flow.blockers
        flows.append(flow)
    # SSH private keys that DM302 (ssh-key-from-arg) migrates to `RUN --mount=type=ssh` are not secret
    # flows: DM101/DM102 would otherwise move the same ARG/ENV to a secret mount.
    migrated = ssh_key_vars_migrated_by_dm302(df, settings) if flows else None  # nothing to leave out
    return [f for f in flows if (f.stage, f.name) not in migrated] if migrated else flows


def _attach_env(df: Dockerfile, flow: SecretFlow, after: list[Instruction]) -> None:
    """`ARG X` followed by `ENV Y=$X` in the same stage: one flow."""
    for instr in after:
        cmd = instr.cmd
        if cmd == "ARG" and any(n == flow.name for n, _, _ in name_value_pairs(instr, df.escape)):
            return
        if cmd != "ENV":
            continue
        for name, value, word in name_value_pairs(instr, df.escape):
            if ref_only(value) == flow.name:
                flow.env = Declaration(instr, word, name, value)
                flow.env_name = name
                return


def _position(body: list[Instruction], instr: Instruction) -> int:
    """``body.index(instr)`` by identity (distinct instructions never compare equal; dataclass equality
    would compare every field of each one passed)."""
    for k, other in enumerate(body):
        if other is instr:
            return k
    raise ValueError(instr)


def _consumers(df: Dockerfile, stage: Stage, body: list[Instruction], flow: SecretFlow,
               extra_runtime_names: tuple[str, ...]) -> None:
    """Fill ``flow``'s consumers, blockers and runtime facts. ``body``: ``stage``'s instructions after FROM."""
    start_instr = (flow.arg or flow.env).instr  # type: ignore[union-attr]
    start = _position(body, start_instr) + 1
    env_instr = flow.env.instr if flow.env else None
    # (instructions, variable names visible to them)
    scopes: list[tuple[list[Instruction], set[str]]] = []
    if flow.arg is not None:
        names_before_env = {flow.name}
        if env_instr is not None and env_instr is not start_instr:
            k = _position(body, env_instr)
            scopes.append((body[start:k], names_before_env))
            scopes.append((body[k + 1 :], {flow.name, flow.env_name or flow.name}))
        else:
            scopes.append((body[start:], names_before_env))
    else:
        scopes.append((body[start:], {flow.env_name or flow.name}))
    env_reaches: list[Stage] = []
    if flow.env is not None:
        env_reaches = descendants(df, stage)
        for child in env_reaches:
            scopes.append((child.instructions[1:], {flow.env_name or flow.name}))
        flow.in_final_image = is_final_lineage(df, stage)

    for instrs, names in scopes:
        variables = sorted(names)
        for instr in instrs:
            if instr is env_instr:
                continue
            cmd = instr.cmd
            # Per instruction, then per variable: the same appends in the same order as per variable
            # within each instruction. An instruction without a `$` references no variable (so a RUN
            # observes one only as any RUN does: run_observes split in two).
            named = _mentions_dollar(instr)
            if cmd == "RUN":
                # A flag value without a `$` references nothing.
                mount_flags = (instr.flag_values("mount") if instr.flags and any("$" in f.text for f in instr.flags)
                               else ())
                for var in variables:
                    if mount_flags and any(references(v, var) for v in mount_flags):
                        flow.blockers.append((instr, f"RUN --mount at line {instr.start_line} uses it"))
                    elif (named and instruction_references(instr, var)) or observes_unnamed(instr):
                        flow.consumers.append((instr, var))
            elif not named:
                continue
            elif cmd == "ONBUILD":
                for var in variables:
                    if instruction_references(instr, var):
                        flow.blockers.append((instr, f"ONBUILD at line {instr.start_line} uses it"))
            elif cmd in RUNTIME_READERS:
                if flow.env is not None:
                    for var in variables:
                        if var == flow.env_name and instruction_references(instr, var):
                            flow.runtime_reason = f"{instr.cmd} at line {instr.start_line} reads ${var}"
            elif cmd in EXPANDING:
                for var in variables:
                    if instruction_references(instr, var):
                        flow.blockers.append((instr, f"{instr.cmd} at line {instr.start_line} uses it"))

    if flow.env is not None and flow.in_final_image and flow.runtime_reason is None:
        env_name = flow.env_name or flow.name
        upper = env_name.upper()
        if upper in RUNTIME_NAMES or upper in extra_runtime_names:
            flow.runtime_reason = f"{env_name} is a setting the container reads when it starts"
        elif not any(var == env_name for _, var in flow.consumers) and not flow.blockers:
            flow.runtime_reason = f"no build step reads {env_name}, so it is there for the running container"


def _mentions_dollar(instr: Instruction) -> bool:
    """False when ``instruction_references`` is False for every name (each needs a `$`)."""
    return "$" in instr.logical or bool(instr.heredocs) and any("$" in h.content for h in instr.heredocs)
