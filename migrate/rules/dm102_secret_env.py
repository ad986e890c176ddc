"""A secret stored with `ENV`.

Why it leaks:
`ENV` values are written into the image config: `docker inspect`, every
container started from the image, and every image built `FROM` it see them.
`ENV TOKEN=$TOKEN` copies a build argument there; `ENV TOKEN=literal` also
commits the value to the repository.

Bad:
    FROM python:3.12
    ARG PIP_INDEX_URL
    ENV PIP_INDEX_URL=$PIP_INDEX_URL
    RUN pip install -r requirements.txt

Good:
    # syntax=docker/dockerfile:1
    FROM python:3.12
    RUN --mount=type=secret,id=PIP_INDEX_URL,env=PIP_INDEX_URL,required pip install -r requirements.txt

Build flags:
    --secret id=PIP_INDEX_URL,env=PIP_INDEX_URL

Not rewritten when:
The running container plausibly needs the value: CMD/ENTRYPOINT/HEALTHCHECK
read it, it is a known runtime setting (a database image's POSTGRES_PASSWORD),
or no build step reads it. Then the finding says how to pass it at run time
(`docker run -e NAME`, a Compose or Kubernetes secret) instead. When a fix
removes an ENV that reaches the final image, the finding says the running
container no longer has it.
"""

from __future__ import annotations

from ..analysis.flows import analyse
from ..prefilter import may_declare_secret, view_may_declare_secret
from .base import Rule, RuleContext
from .secret_flow_fix import build_fix, literal_note


class SecretEnv(Rule):
    code = "DM102"
    name = "secret-env"

    @classmethod
    def quick_reject(cls, text, settings):
        return not may_declare_secret(text, settings)

    @classmethod
    def quick_reject_view(cls, view, text, settings):
        """quick_reject on ``view``, the logical view of ``text``, which it rejected."""
        return not view_may_declare_secret(view, text, settings)

    def check(self, ctx: RuleContext):
        for flow in ctx.cached("flows", lambda: analyse(ctx.df, ctx.settings)):
            if flow.env is None:
                continue
            env = flow.env
            env_name = flow.env_name or flow.name
            source = f" (copied from ARG {flow.name})" if flow.arg is not None else ""
            message = (f"ENV {env_name}{source} stores a secret in the image config ({flow.verdict.reason}): "
                       f"`docker inspect` and every container from the image show it{literal_note(flow)}.")
            if flow.runtime_reason:
                message += (f" Not rewritten: {flow.runtime_reason}. Pass it when the container starts "
                            f"(`docker run -e {env_name}`, or a Compose/Kubernetes secret) instead of baking it in.")
                yield self.finding(env.instr.start_line, env.instr.end_line, message, subject=env_name)
                continue
            fix, desc = build_fix(ctx, flow)
            if desc:
                message += " " + desc
            if fix is not None and flow.in_final_image:
                message += (f" The running container no longer has {env_name} in its environment; if the "
                            f"application needs it, pass it at run time (`docker run -e {env_name}`).")
            yield self.finding(env.instr.start_line, env.instr.end_line, message, fix=fix, subject=env_name)
