"""A legacy or too old `# syntax=` frontend pin.

Why it leaks:
`docker/dockerfile:experimental` and `1.x.y-experimental` pins select frozen
2019-2020 frontends from the experimental channel; `RUN --mount` has been
stable since frontend 1.2 and `env=` on secret mounts needs 1.10. Old pins
keep builds on frontends without current secret handling and block the
migration of the other rules.

Bad:
    # syntax=docker/dockerfile:1.0.0-experimental
    FROM alpine
    RUN --mount=type=ssh git clone git@github.com:org/repo.git

Good:
    # syntax=docker/dockerfile:1
    FROM alpine
    RUN --mount=type=ssh git clone git@github.com:org/repo.git

Build flags:
    none

Not rewritten when:
The pin is a digest or a custom frontend image; then it is reported only.
"""

from __future__ import annotations

from ..edits import shared_mounts
from ..fix import Fix
from ..frontend import parse_pin, replace_tag, upgraded_tag
from .base import Rule, RuleContext


class LegacyFrontend(Rule):
    code = "DM104"
    name = "legacy-frontend"
    severity = "warning"

    @classmethod
    def quick_reject(cls, text, settings):
        # Directives only stand at the top of the file.
        return "syntax" not in text[:8192].lower()

    def check(self, ctx: RuleContext):
        d = ctx.df.directive("syntax")
        if d is None:
            return
        pin = parse_pin(d.value)
        if pin.legacy_experimental:
            fix = Fix((replace_tag(ctx.df, "1"),))
            yield self.finding(d.line, d.line,
                               f"`# syntax={d.value}` pins a legacy experimental frontend; RUN --mount is stable "
                               f"since docker/dockerfile:1.2. Fix: use docker/dockerfile:1.", fix=fix, subject="syntax")
            return
        uses_env = any("env" in m for i in ctx.df.instructions if i.cmd == "RUN" for m in shared_mounts(i)
                       if m.get("type") == "secret")
        if not uses_env:
            return
        tag = upgraded_tag(pin, (1, 10))
        if tag is not None:
            fix = Fix((replace_tag(ctx.df, tag),))
            yield self.finding(d.line, d.line,
                               f"`# syntax={d.value}` is older than docker/dockerfile:1.10, which secret mounts with "
                               f"`env=` need. Fix: raise the pin to {tag}.", fix=fix, subject="syntax")
