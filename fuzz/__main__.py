"""Fuzz the parser and the fixer for a time budget.

    python -m fuzz                      # 60 s over all targets
    python -m fuzz --seconds 3600       # an hour
    python -m fuzz --target soup --seed 7
    python -m fuzz --engine atheris -- -max_total_time=600   # coverage-guided, if atheris is installed

Targets (fuzz/dockerfiles.py): `structured` (generated Dockerfiles), `soup`
(fragments and random characters), `text` (any Unicode text). Every input must
satisfy fuzz/invariants.py: the model round-trips, we accept what BuildKit's
parser accepts (where the PyPI `dockerfile` bindings are installed), `fix`
output re-parses, a second fix is a no-op, untouched nodes are unchanged.

Hypothesis runs batches of examples with fresh seeds until the budget is
spent; a failure is shrunk, written to --crashes (default `fuzz-crashes/`) and
the exit code is 1. CI runs a short fixed budget via tests/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
from dataclasses import replace

TARGETS = ("structured", "soup", "text")


def _invariants(text: str, legacy: bool = False) -> None:
    from fuzz.invariants import check_migrate, check_model, check_oracle
    from migrate.settings import DEFAULT_SETTINGS

    df = check_model(text)
    check_oracle(text, df)
    check_migrate(text, replace(DEFAULT_SETTINGS, frontend="legacy") if legacy else DEFAULT_SETTINGS)


def _strategy(target: str):
    from hypothesis import strategies as st

    from fuzz.dockerfiles import dockerfiles, token_soup

    return {"structured": dockerfiles(), "soup": token_soup(), "text": st.text(max_size=400)}[target]


def _save(crashes: str, text: str) -> str:
    os.makedirs(crashes, exist_ok=True)
    name = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    path = os.path.join(crashes, f"crash-{name}.Dockerfile")
    with open(path, "w", encoding="utf-8", errors="surrogatepass", newline="") as f:
        f.write(text)
    return path


def run_hypothesis(seconds: float, targets: list[str], seed: int | None, crashes: str, batch: int = 300) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed
    from hypothesis import strategies as st

    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    examples = 0
    rounds = 0
    failing: list[str] = []
    while time.monotonic() < deadline:
        target = targets[rounds % len(targets)]
        rounds += 1
        batch_seed = rng.getrandbits(64)
        count = [0]

        @hseed(batch_seed)
        @settings(max_examples=batch, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck), print_blob=True)
        @given(_strategy(target), st.booleans())
        def one(text, legacy):
            count[0] += 1
            try:
                _invariants(text, legacy)
            except BaseException:
                failing[:] = [text]
                raise

        try:
            one()
        except Exception as exc:  # shrunk by Hypothesis: the last failing input is the minimal one
            path = _save(crashes, failing[0]) if failing else "(not saved)"
            print(f"FAIL target={target} seed={batch_seed}: {type(exc).__name__}: {exc}", file=sys.stderr)
            print(f"input: {failing[0]!r}" if failing else "", file=sys.stderr)
            print(f"saved: {path}", file=sys.stderr)
            return 1
        examples += count[0]
    print(f"fuzz: {examples} examples in {rounds} batches ({', '.join(targets)}), no failure")
    return 0


def run_atheris(argv: list[str]) -> int:  # pragma: no cover - optional engine
    try:
        import atheris
    except ImportError:
        print("atheris is not installed (pip install atheris)", file=sys.stderr)
        return 2
    with atheris.instrument_imports():
        import migrate.engine  # noqa: F401
        import migrate.syntax  # noqa: F401

    def one_input(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        legacy = fdp.ConsumeBool()
        _invariants(fdp.ConsumeUnicodeNoSurrogates(len(data)), legacy)

    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="time budget (default 60)")
    ap.add_argument("--target", choices=TARGETS + ("all",), default="all")
    ap.add_argument("--seed", type=int, default=None, help="seed of the batch seeds (default: random)")
    ap.add_argument("--crashes", default="fuzz-crashes", help="where failing inputs are written")
    ap.add_argument("--engine", choices=("hypothesis", "atheris"), default="hypothesis")
    ap.add_argument("rest", nargs="*", help="arguments for libFuzzer (atheris engine), after --")
    args = ap.parse_args(argv)
    if args.engine == "atheris":
        return run_atheris(args.rest)
    targets = list(TARGETS) if args.target == "all" else [args.target]
    return run_hypothesis(args.seconds, targets, args.seed, args.crashes)


if __name__ == "__main__":
    sys.exit(main())
