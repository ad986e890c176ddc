"""A secret passed as a build argument (`ARG`).

Why it leaks:
Build arguments are recorded in the image: `docker history` shows every RUN
that had the ARG in scope as `|1 NAME=value ...`, and SLSA provenance
(`mode=max`) stores the values. A literal default (`ARG TOKEN=ghp_...`) is also
committed to the repository. A secret mount exposes the value to one RUN only,
on tmpfs, and keeps it out of the cache key.

Bad:
    FROM node:20
    ARG NPM_TOKEN
    RUN npm ci

Good:
    # syntax=docker/dockerfile:1
    FROM node:20
    RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci

Build flags:
    --secret id=NPM_TOKEN,env=NPM_TOKEN   (instead of --build-arg NPM_TOKEN=...)

Not rewritten when:
The value is used where a mount cannot reach (FROM, COPY, LABEL, another ARG's
default, a `--mount` option, ONBUILD), or nothing in the stage reads it.
Every RUN after the ARG that could read the variable gets the mount; see the
README section "Which RUNs can observe a secret".
"""

from __future__ import annotations

from ..analysis.flows import analyse
from ..prefilter import may_declare_secret, view_may_declare_secret
from .base import Rule, RuleContext
from .secret_flow_fix import build_fix, literal_note


class SecretBuildArg(Rule):
    code = "DM101"
    name = "secret-build-arg"

    @classmethod
    def quick_reject(cls, text, settings):
        return not may_declare_secret(text, settings)

    @classmethod
    def quick_reject_view(cls, view, text, settings):
        """quick_reject on ``view``, the logical view of ``text``, which it rejected."""
        return not view_may_declare_secret(view, text, settings)

    def check(self, ctx: RuleContext):
        for flow in ctx.cached("flows", lambda: analyse(ctx.df, ctx.settings)):
            if flow.env is not None:
                continue  # reported by DM102 (secret-env)
            decl = flow.declaration
            where = "global ARG" if flow.stage < 0 else "ARG"
            message = (f"{where} {flow.name} passes a secret as a build argument ({flow.verdict.reason}): "
                       f"its value is recorded in the image history and build provenance{literal_note(flow)}.")
            fix, desc = build_fix(ctx, flow)
            if desc:
                message += " " + desc
            yield self.finding(decl.instr.start_line, decl.instr.end_line, message, fix=fix, subject=flow.name)
