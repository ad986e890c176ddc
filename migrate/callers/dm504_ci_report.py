"""A CI job (GitLab CI and other CI YAML) passes a migrated secret with `--build-arg`.

Why it leaks:
The job's `docker build --build-arg NPM_TOKEN=$NPM_TOKEN` records the value in
the image history and provenance; once the Dockerfile reads the secret from a
mount, the job must pass `--secret` instead or the build fails.

Bad:
    build:
      script:
        - docker build --build-arg NPM_TOKEN=$NPM_TOKEN -t app .

Good:
    build:
      script:
        - docker build --secret id=NPM_TOKEN,env=NPM_TOKEN -t app .

Build flags:
    --secret id=NPM_TOKEN,env=NPM_TOKEN (CI variables are environment variables of the job)

Not rewritten when:
Always reported, never rewritten: `.gitlab-ci.yml`, `.circleci/config.yml`,
`bitbucket-pipelines.yml`, `azure-pipelines.yml`, `.drone.yml`,
`.woodpecker.yml`, `.travis.yml`, `.buildkite/pipeline.yml` and
`cloudbuild.yaml` are scanned for build commands (in every string of the file)
and each call site that needs a change is reported with its new flags. Paths
are resolved from the CI file's folder (the checkout root). Builders without
BuildKit secrets (kaniko) need another approach.
"""

from __future__ import annotations

from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from .base import CallerContext, CallerRule
from .script_edit import TOOL_HINT, report_string
from .yamltext import NOT_YAML, load_or_note

SUFFIX = " Not rewritten: CI files other than GitHub workflows are reported only; change the job by hand."


class CiCallSites(CallerRule):
    code = "DM504"
    name = "ci-call-site-report"
    kinds = ("ci",)

    def migrate(self, text: str, ctx: CallerContext):
        data = load_or_note(text, ctx.notes)
        if data is NOT_YAML:
            return ctx.result(text, text, [])
        passes = []
        for value, line in _strings(data):
            if TOOL_HINT.search(value):
                passes.extend(report_string(self, value, line, [ctx.dir], "", ctx, SUFFIX))
        return ctx.result(text, text, passes)


def _strings(node):
    """(string, 1-based line where its text starts) for every string value in the document."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        if isinstance(v, str):
            try:
                ln, _c = node.lc.value(k) if isinstance(node, dict) else node.lc.item(k)
            except (KeyError, TypeError, AttributeError):
                continue
            block = isinstance(v, (LiteralScalarString, FoldedScalarString))
            yield str(v), ln + 1 + block
        elif isinstance(v, (dict, list)):
            yield from _strings(v)
