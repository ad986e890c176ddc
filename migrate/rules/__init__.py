"""Rule registry: one module per rule, each with a stable code."""

from __future__ import annotations

from .base import Rule, RuleContext
from .dm101_secret_build_arg import SecretBuildArg
from .dm102_secret_env import SecretEnv
from .dm103_credential_literal import CredentialLiteral
from .dm104_legacy_frontend import LegacyFrontend

ALL_RULES: tuple[type[Rule], ...] = (SecretBuildArg, SecretEnv, CredentialLiteral, LegacyFrontend)
RULES_BY_CODE = {r.code: r for r in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "Rule", "RuleContext"]
