"""Rule registry: one module per rule, each with a stable code."""

from __future__ import annotations

from .base import Rule, RuleContext
from .dm101_secret_build_arg import SecretBuildArg
from .dm102_secret_env import SecretEnv
from .dm103_credential_literal import CredentialLiteral
from .dm104_legacy_frontend import LegacyFrontend
from .dm201_credential_file_copied import CredentialFileCopied
from .dm202_token_persisted_in_run import TokenPersistedInRun
from .dm301_ssh_key_copied import SshKeyCopied
from .dm302_ssh_key_from_arg import SshKeyFromArg
from .dm303_ssh_host_key_check_disabled import SshHostKeyCheckDisabled

ALL_RULES: tuple[type[Rule], ...] = (SecretBuildArg, SecretEnv, CredentialLiteral, LegacyFrontend)
ALL_RULES += (CredentialFileCopied, TokenPersistedInRun)
ALL_RULES += (SshKeyCopied, SshKeyFromArg, SshHostKeyCheckDisabled)
RULES_BY_CODE = {r.code: r for r in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "Rule", "RuleContext"]
