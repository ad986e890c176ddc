"""Load settings from `[tool.dockerfile-migrate]` in pyproject.toml or from
`.dockerfile-migrate.toml` (nearest one from the working directory up)."""

from __future__ import annotations

import os
import sys
from dataclasses import replace

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .secrets import SecretPolicy
from .settings import FRONTENDS, Settings

CONFIG_NAMES = (".dockerfile-migrate.toml", "pyproject.toml")


class ConfigError(ValueError):
    pass


def find_config(start: str = ".") -> str | None:
    d = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            p = os.path.join(d, name)
            if os.path.isfile(p):
                if name == "pyproject.toml":
                    try:
                        with open(p, "rb") as f:
                            if "dockerfile-migrate" not in tomllib.load(f).get("tool", {}):
                                continue
                    except (OSError, tomllib.TOMLDecodeError):
                        continue
                return p
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def load_config(path: str) -> dict:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror}") from None
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("dockerfile-migrate", {})
    return data


def _codes(value, key: str, path: str) -> frozenset[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: `{key}` must be a list of rule codes")
    return frozenset(v.strip().upper() for v in value if v.strip())


def _strings(data: dict, key: str, path: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: `{key}` must be a list of strings")
    return tuple(value)


KNOWN_KEYS = {"select", "ignore", "exclude", "frontend", "secrets", "runtime-names"}
SECRET_KEYS = {"extra-names", "ignore-names", "extra-value-patterns", "ignore-value-kinds"}


def settings_from_config(data: dict, path: str, base: Settings | None = None) -> tuple[Settings, tuple[str, ...]]:
    """Settings and exclude globs from a config table."""
    s = base or Settings()
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
    if "select" in data:
        s = replace(s, select=_codes(data["select"], "select", path))
    if "ignore" in data:
        s = replace(s, ignore=_codes(data["ignore"], "ignore", path))
    if "frontend" in data:
        if data["frontend"] not in FRONTENDS:
            raise ConfigError(f"{path}: `frontend` must be one of {', '.join(FRONTENDS)}")
        s = replace(s, frontend=data["frontend"])
    if "runtime-names" in data:
        s = replace(s, runtime_names=_strings(data, "runtime-names", path))
    secrets = data.get("secrets", {})
    if not isinstance(secrets, dict):
        raise ConfigError(f"{path}: `secrets` must be a table")
    unknown = set(secrets) - SECRET_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown [secrets] setting(s): {', '.join(sorted(unknown))}")
    patterns = secrets.get("extra-value-patterns", {})
    if not isinstance(patterns, dict) or not all(isinstance(v, str) for v in patterns.values()):
        raise ConfigError(f"{path}: `secrets.extra-value-patterns` must map a kind to a regex")
    policy = SecretPolicy(
        extra_names=_strings(secrets, "extra-names", path),
        ignore_names=_strings(secrets, "ignore-names", path),
        extra_value_patterns=tuple(patterns.items()),
        ignore_value_kinds=_strings(secrets, "ignore-value-kinds", path),
    )
    s = replace(s, secret_policy=policy)
    return s, _strings(data, "exclude", path)
