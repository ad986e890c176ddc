"""Where the engine's time goes, per stage and per corpus folder (in-process, one core).

    .venv/bin/python benchmarks/stages.py [--rounds 3]

For every Dockerfile of ../shared/corpus/{clean,unsafe,migrated} (golden inputs when the
corpus is absent), each round made unique by a comment, times: the prefilter
(`skip.can_skip`), `parse`, each rule's `check` on the parsed file, and the whole
`migrate_source`; prints microseconds per file of each folder (a file the prefilter
skips counts 0 for the later stages). Complements bench.py, which times whole runs.

As the CLI runs it, each file's build context (its folder) is readable to the rules and the
prefilter (DM201 then has no word gate: a context may hold a credential file a text never
names); --no-context times the core without one.

--cold clears every memo of the engine (functools caches: RUN scripts split, secret-name
verdicts, credential-name kinds...) before each file: the replicated corpus of bench.py
repeats every RUN line and variable name, which a real fleet does less; this bounds what
those memos can add to the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench import sources  # noqa: E402

from migrate.engine import migrate_source  # noqa: E402
from migrate.parallel import context_reader  # noqa: E402
from migrate.rules import ALL_RULES, RuleContext  # noqa: E402
from migrate.settings import DEFAULT_SETTINGS  # noqa: E402
from migrate.skip import can_skip  # noqa: E402
from migrate.syntax import DockerfileSyntaxError, parse  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="clear the engine's memo caches before each file")
    ap.add_argument("--no-context", action="store_true", help="no build context readable (the core alone)")
    args = ap.parse_args(argv)
    memos = [f for name, mod in list(sys.modules.items()) if name.startswith("migrate.")
             for f in vars(mod).values() if callable(getattr(f, "cache_clear", None))] if args.cold else []
    paths, _origin = sources()
    files = []
    for p in paths:
        with open(p, "rb") as f:
            files.append((os.path.basename(os.path.dirname(p)), f.read().decode("utf-8", "surrogateescape"), p))
    folders = sorted({d for d, *_ in files})
    count = {d: args.rounds * sum(1 for x, *_ in files if x == d) for d in folders}
    stages = ["can_skip", "parse", *(r.code for r in ALL_RULES), "migrate_source"]
    spent = {(d, s): 0.0 for d in folders for s in stages}
    skipped = dict.fromkeys(folders, 0)
    clock = time.perf_counter
    for rnd in range(args.rounds):
        for folder, raw, path in files:
            text = raw + f"# round {rnd}\n"
            for memo in memos:
                memo.cache_clear()
            settings = DEFAULT_SETTINGS if args.no_context else replace(DEFAULT_SETTINGS, read_context=context_reader(path))
            t = clock()
            skip = can_skip(text, settings)
            spent[folder, "can_skip"] += clock() - t
            # An equal text but another object (and settings): what the engine remembers about the
            # last text object asked (the prefilter's verdicts) must not carry over from can_skip above.
            again = "".join([raw, f"# round {rnd}\n"])
            t = clock()
            migrate_source(again, replace(settings))
            spent[folder, "migrate_source"] += clock() - t
            if skip:
                skipped[folder] += 1
                continue
            try:
                t = clock()
                df = parse(text)
                spent[folder, "parse"] += clock() - t
            except DockerfileSyntaxError:
                continue
            ctx = RuleContext(df, settings, None)
            for rule in ALL_RULES:
                t = clock()
                list(rule().check(ctx))
                spent[folder, rule.code] += clock() - t
    print(f"{'stage':<15}" + "".join(f"{d:>12}" for d in folders) + "   (us per file)")
    for s in stages:
        print(f"{s:<15}" + "".join(f"{spent[d, s] / count[d] * 1e6:>12.0f}" for d in folders))
    print(f"{'skipped':<15}" + "".join(f"{skipped[d] / count[d]:>12.0%}" for d in folders))
    total = sum(spent[d, "migrate_source"] for d in folders) / sum(count.values())
    print(f"\nmigrate_source, all files: {total * 1e6:.0f} us per file ({1 / total:,.0f} files per CPU-s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
