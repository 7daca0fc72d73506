#!/usr/bin/env python3
"""Where the test suite's time goes: wall time, CPU, and each worker's idle share.

    .venv/bin/python benchmarks/suite.py                 # the whole suite as CI runs it (-n 2), once
    .venv/bin/python benchmarks/suite.py --runs 3 -n 3   # three runs with three workers
    .venv/bin/python benchmarks/suite.py -- -m "not slow"  # arguments after -- go to pytest
    .venv/bin/python benchmarks/suite.py --only FILE       # only the test ids in FILE (same_tests.py)
    .venv/bin/python benchmarks/suite.py --save tests.json # and every test's figures, for a closer look

Each run is ``pytest -n N --dist loadgroup`` with CI's environment (PostgreSQL and the browser required,
Hypothesis derandomized) and a small plugin (``benchmarks/_plugins/suite_timing.py``) that notes, per test, its wall
time, the CPU of the worker process (all its threads: the in-process servers too) and of the children it
waited for. "Idle" is the wall time in which a test used neither: waiting on sockets, sleeps, subprocesses
it did not wait for (PostgreSQL), or a CPU the machine's load took away. Not a test: figures go to
BENCHMARKS.md ("## test suite").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (Linux ``/proc/stat``; 0 elsewhere).

    Unlike the children's rusage it includes processes nobody waits for (PostgreSQL, chromium): the
    difference over a run divided by the cores is the lowest wall time the run could take.
    """
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(value) for value in fields]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run_suite(workers: int, extra: list[str], out: Path, only: Path | None) -> dict[str, float]:
    """One suite run; returns its wall time, CPU (with children) and exit status."""
    inherited = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env = {  # as `python3 tasks.py test` runs it: bytecode cached even where the environment turns that off
        **inherited,
        "CI": "1",
        "SWGDB_REQUIRE_POSTGRES": "1",
        "SWGDB_REQUIRE_BROWSER": "1",
        "SWGDB_SUITE_TIMING_DIR": str(out),
        "SWGDB_SUITE_ONLY": str(only or ""),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT / "benchmarks" / "_plugins"), os.environ.get("PYTHONPATH")])
        ),
    }
    command = [str(PYTHON), "-m", "pytest", "-n", str(workers), "--dist", "loadgroup", "-q"]
    if only is not None:
        command += ["-p", "only_listed"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before = machine_busy_seconds()
    started = time.monotonic()
    status = subprocess.call(
        [*command, "-p", "suite_timing", *extra], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    busy = machine_busy_seconds() - busy_before
    return {"wall": wall, "cpu": cpu, "busy": busy, "status": status, "load": os.getloadavg()[0]}


def read_tests(out: Path) -> list[dict[str, object]]:
    return [row for path in sorted(out.glob("*.json")) for row in json.loads(path.read_text())]


def print_run(index: int, totals: dict[str, float], tests: list[dict[str, object]]) -> None:
    per_worker: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in tests:
        sums = per_worker[str(row["worker"])]
        sums[0] += float(row["wall"])  # type: ignore[arg-type]
        sums[1] += float(row["cpu"]) + float(row["children"])  # type: ignore[arg-type]
    print(
        f"\nrun {index}: {len(tests)} tests, exit {totals['status']:.0f}, wall {totals['wall']:.1f} s, "
        f"CPU {totals['cpu']:.1f} s (user+sys, with waited-for children), machine busy {totals['busy']:.1f} s "
        f"(floor {totals['busy'] / (os.cpu_count() or 1):.1f} s on {os.cpu_count()} cores), "
        f"load average {totals['load']:.1f}"
    )
    print("| worker | busy in tests s | CPU in tests s | idle in tests s |")
    print("|---|---:|---:|---:|")
    for worker, (wall, cpu) in sorted(per_worker.items()):
        print(f"| {worker} | {wall:.1f} | {cpu:.1f} | {wall - cpu:.1f} |")


def print_top(tests: list[dict[str, object]], most: int) -> None:
    by_module: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for row in tests:
        sums = by_module[str(row["nodeid"]).split("::", 1)[0]]
        sums[0] += float(row["wall"])  # type: ignore[arg-type]
        sums[1] += float(row["cpu"]) + float(row["children"])  # type: ignore[arg-type]
        sums[2] += 1
    print(f"\nmodules by wall time (the {most} largest, all runs together)")
    print("| module | tests | wall s | CPU s | idle s |")
    print("|---|---:|---:|---:|---:|")
    for module, (wall, cpu, count) in sorted(by_module.items(), key=lambda kv: -kv[1][0])[:most]:
        print(f"| {module} | {count:.0f} | {wall:.1f} | {cpu:.1f} | {wall - cpu:.1f} |")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--workers", type=int, default=2, help="pytest-xdist workers (CI: 2)")
    parser.add_argument("--runs", type=int, default=1, help="how many runs, one after another")
    parser.add_argument("--most", type=int, default=15, help="rows in the module table")
    parser.add_argument("--only", type=Path, help="run only the test ids listed in this file")
    parser.add_argument("--save", type=Path, help="write every test's figures (all runs) to this JSON file")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to pytest")
    args = parser.parse_args()
    every: list[dict[str, object]] = []
    walls = []
    for index in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="swgdb-suite-") as folder:
            totals = run_suite(args.workers, args.pytest_args, Path(folder), args.only)
            tests = read_tests(Path(folder))
        print_run(index, totals, tests)
        every.extend(tests)
        walls.append(totals["wall"])
    print_top(every, args.most)
    if args.save is not None:
        args.save.write_text(json.dumps(every, indent=1))
    print(f"\nwall s per run: {', '.join(f'{w:.1f}' for w in walls)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
