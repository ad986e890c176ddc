"""Settings passed to the pure core. No I/O here; see config.py for loading."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .secrets import DEFAULT_POLICY, SecretPolicy

FRONTENDS = ("modern", "legacy")


@dataclass(frozen=True)
class Settings:
    select: frozenset[str] | None = None  # rule codes or code prefixes; None = all
    ignore: frozenset[str] = frozenset()
    secret_policy: SecretPolicy = DEFAULT_POLICY
    # "modern": `env=` secret mounts and a `# syntax=docker/dockerfile:1` directive.
    # "legacy": builders that cannot fetch a frontend image: no directive, only
    # Dockerfile 1.2 features (secret read from /run/secrets/ID, no `env=`).
    frontend: str = "modern"
    # Names the running container plausibly needs (reported, never rewritten).
    runtime_names: tuple[str, ...] = ()
    max_passes: int = 10
    # Read-only view of the build context: path relative to the context -> text
    # or None. Supplied by the shell; the core never touches the file system.
    read_context: Callable[[str], str | None] | None = field(default=None, compare=False)

    def enabled(self, code: str) -> bool:
        if any(code.startswith(p) for p in self.ignore):
            return False
        if self.select is None:
            return True
        return any(code.startswith(p) for p in self.select)


DEFAULT_SETTINGS = Settings()
