"""Adapters for bulk-change engines (all-repos; multi-gitter, turbolift and
Sourcegraph batch changes need none: they run `dockerfile-migrate fix`)."""
