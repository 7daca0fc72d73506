#!/usr/bin/env python3
"""How fast the session log viewer lists, filters, searches and analyzes many session files.

    .venv/bin/python benchmarks/viewer.py [--files 10000] [--actions 20]

Writes ``--files`` small tracker-shaped sessions (``swgdb_bridge.demo.samples``) to a temporary folder, then
times, in this process, the first scan (every file read, sanitized, serialized and indexed) and warm runs
(a fresh viewer over the existing index: discovery + one stat() per file + the query), best of 3. A last
figure re-reads after 1% of the files changed. Also times ``swgdb-bridge logs --list --json`` as a new
process on the warm index. Prints a Markdown table for BENCHMARKS.md. Not a test: nothing here can fail.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from swgdb_bridge.demo.samples import generate_tracker_session
from swgdb_bridge.viewer import SessionLogViewer


def write_sessions(folder: Path, count: int, actions: int) -> None:
    rng = random.Random(118)
    for index in range(count):
        doc = generate_tracker_session(rng, index=index, n_actions=actions)
        sub = folder / f"{index // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{doc['session_id']}.json").write_bytes(orjson.dumps(doc))


def timed(job: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = job()
    return time.perf_counter() - start, result


def warm(folder: Path, query: Callable[[SessionLogViewer], object]) -> float:
    """Best of 3, each with a new viewer (so each pays its own rescan of the folder)."""
    best = float("inf")
    for _ in range(3):
        with SessionLogViewer(folder, max_age=0) as viewer:
            best = min(best, timed(lambda: query(viewer))[0])
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--actions", type=int, default=20, help="action lines per session")
    args = parser.parse_args()
    # The viewer keeps its index in the app's data folder: a fresh one, so the first scan reads everything.
    home = Path(tempfile.mkdtemp(prefix="viewer-bench-"))
    os.environ["SWGDB_BRIDGE_HOME"] = str(home / "home")
    folder = home / "sessions"
    generated, _ = timed(lambda: write_sessions(folder, args.files, args.actions))
    size = sum(p.stat().st_size for p in folder.rglob("*.json"))
    print(f"{args.files:,} files, {size / 2**20:.1f} MiB, written in {generated:.1f} s", file=sys.stderr)

    print(f"| step ({args.files:,} files, {args.actions} actions each) | seconds | files read |")
    print("|---|---:|---:|")

    def row(name: str, seconds: float, read: int | None = None) -> None:
        print(f"| {name} | {seconds:.3f} | {'' if read is None else f'{read:,}'} |", flush=True)

    with SessionLogViewer(folder, max_age=0) as viewer:
        first, rows = timed(lambda: viewer.list_sessions())
    row("first scan + list (reads every file)", first, len(rows))  # type: ignore[arg-type]
    character = rows[0]["character"]  # type: ignore[index]
    queries: dict[str, Callable[[SessionLogViewer], object]] = {
        "list (all, newest first)": lambda v: v.list_sessions(),
        "list --limit 50": lambda v: v.list_sessions(limit=50),
        f"filter --character '{character}' --planet Talus --min-xp 1000": lambda v: v.list_sessions(
            character=character, planet="Talus", min_xp=1000
        ),
        "analyze": lambda v: v.analyze_sessions(),
        "search 'holocron'": lambda v: v.search_sessions("holocron"),
    }
    for name, query in queries.items():
        row(f"warm {name}", warm(folder, query))

    changed = sorted(folder.rglob("*.json"))[::100]
    for path in changed:
        path.write_bytes(path.read_bytes().replace(b'"mode"', b'"mode" ', 1))
    with SessionLogViewer(folder, max_age=0) as viewer:
        rescan, report = timed(viewer.refresh)
    read, reused = report.read, report.reused  # type: ignore[attr-defined]
    row(f"rescan after {len(changed)} files changed ({reused} summaries reused)", rescan, read)

    cli = [sys.executable, "-m", "swgdb_bridge", "logs", "--dir", str(folder), "--list", "--json"]
    best = min(timed(lambda: subprocess.run(cli, capture_output=True, check=True))[0] for _ in range(3))
    row("`swgdb-bridge logs --list --json`, new process, warm", best)


if __name__ == "__main__":
    main()
