"""A literal credential committed in the Dockerfile.

Why it leaks:
A token, key or password written into the Dockerfile is in the repository's
history for good and, wherever an instruction uses it, in the image too. It
must be rotated; moving it to a secret mount only stops new leaks.

Bad:
    RUN curl -H "Authorization: token ghp_16C7e42F292c6912E7710c838347Ae178B4a" https://api.github.com/

Good:
    RUN --mount=type=secret,id=GITHUB_TOKEN,env=GITHUB_TOKEN,required \
        curl -H "Authorization: token $GITHUB_TOKEN" https://api.github.com/

Build flags:
    --secret id=GITHUB_TOKEN,env=GITHUB_TOKEN   (after you move the value out)

Not rewritten when:
Always reported only: the value must be rotated and moved out by a person.
Values of secret-named ARG/ENV are reported by DM101/DM102 instead.
"""

from __future__ import annotations

import re

from ..analysis.flows import analyse, literal_value
from ..secrets import classify_name, find_credential_literals, shows_as_masked
from ..prefilter import may_assign_secret, may_hold_literal, view_may_hold_literal
from ..syntax.prescan import joins_keep_words_apart
from .base import Rule, RuleContext


# `NAME=value` assignments in shell commands (`RUN NGROK_AUTHTOKEN=abc ngrok ...`).
_ASSIGNMENT = re.compile(r"(?<![^\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|[^\s;&|)]+)")


class CredentialLiteral(Rule):
    code = "DM103"
    name = "credential-literal"

    @classmethod
    def quick_reject(cls, text, settings):
        return not (may_hold_literal(text, settings) or may_assign_secret(text, settings))

    @classmethod
    def quick_reject_view(cls, view, text, settings):
        """quick_reject on ``view``, the logical view of ``text``, which it rejected. A name before
        `=` cannot hold a blank: when no join forms a word, the view assigns no name ``text`` does not."""
        return not (view_may_hold_literal(view, text, settings)
                    or (not joins_keep_words_apart(text) and may_assign_secret(view, settings)))

    def check(self, ctx: RuleContext):
        df = ctx.df
        matches = find_credential_literals(df.text, ctx.settings.secret_policy)
        assignments = self.run_assignments(ctx)
        if not matches and not assignments:
            return
        covered: list[tuple[int, int]] = []
        for flow in ctx.cached("flows", lambda: analyse(df, ctx.settings)):
            if flow.literal is None:
                continue
            for decl in (flow.arg, flow.env, flow.global_arg):
                if decl is not None:
                    covered.append((decl.instr.span.start, decl.instr.span.end))
        lines = line_numbers(df.text, [m.start for m in matches] + [max(m.start, m.end - 1) for m in matches]
                             + [start for _, _, start in assignments])
        for m in matches:
            if any(a <= m.start < b for a, b in covered):
                continue
            line = lines[m.start]
            end_line = lines[max(m.start, m.end - 1)]
            message = (f"Literal credential ({m.kind}: {m.masked}) committed in the Dockerfile: rotate it and pass "
                       f"it as a build secret (`RUN --mount=type=secret`) instead.")
            yield self.finding(line, end_line, message, subject=f"{m.kind}:{line}")
        seen_lines = {lines[m.start] for m in matches}
        for instr, name, start in assignments:
            line = lines[start]
            if line in seen_lines:
                continue  # the value itself matched a credential pattern above
            message = (f"Literal value for {name} set in a RUN command: it is committed to the repository and "
                       f"recorded in the image history; rotate it and pass it as a build secret "
                       f"(`--mount=type=secret,id={name},env={name}`) instead.")
            yield self.finding(line, line, message, subject=f"assign:{name}")

    @staticmethod
    def run_assignments(ctx: RuleContext) -> list:
        """(RUN, name, source offset) for secret-named variables given a literal value in a RUN."""
        out = []
        policy = ctx.settings.secret_policy
        for instr in ctx.df.instructions:
            if instr.cmd != "RUN" or instr.logical.find("=", instr.args_offset) < 0:
                continue
            for m in _ASSIGNMENT.finditer(instr.logical, instr.args_offset):
                name, raw = m.group(1), m.group(2)
                value = literal_value(raw)
                if value is None or shows_as_masked(value) or classify_name(name, value, policy) is None:
                    continue
                out.append((instr, name, instr.source_offset(m.start(1))))
        return out


def line_numbers(text: str, offsets: list[int]) -> dict[int, int]:
    """1-based line of each offset (``bisect_right`` over the line starts: one more than the newlines
    before it), counting only between the offsets asked rather than listing every line start."""
    out: dict[int, int] = {}
    line, prev = 1, 0
    for pos in sorted(set(offsets)):
        line += text.count("\n", prev, pos)
        out[pos] = line
        prev = pos
    return out
