"""Callers: the files that build Dockerfiles (Compose, scripts, Makefiles, CI).

A migrated Dockerfile expects `--secret`/`--ssh` where its callers still pass
`--build-arg`; these modules move the callers with it. Each caller rule is
documented like a Dockerfile rule (module docstring) and run on a whole file
against the Dockerfiles of the same run (`Needs`).
"""

from __future__ import annotations

from ..engine import Result
from .base import OTHER, CallerContext, CallerRule, caller_rule_enabled
from .dm501_compose import ComposeBuildArgs
from .dm502_scripts import ScriptBuildArgs
from .dm503_workflows import WorkflowBuildArgs
from .dm504_ci_report import CiCallSites
from .needs import Needs

CALLER_RULES: tuple[type[CallerRule], ...] = (ComposeBuildArgs, ScriptBuildArgs, WorkflowBuildArgs, CiCallSites)


def migrate_caller(text: str, ctx: CallerContext) -> Result:
    """Rewrite (or report) one caller file of kind ``ctx.kind``."""
    for rule in CALLER_RULES:
        if ctx.kind in rule.kinds:
            if not caller_rule_enabled(ctx.settings, rule.code):
                return Result(text, text)
            return rule().migrate(text, ctx)
    return Result(text, text)


__all__ = ["CALLER_RULES", "OTHER", "CallerContext", "CallerRule", "Needs", "caller_rule_enabled", "migrate_caller"]
