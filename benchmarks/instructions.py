#!/usr/bin/env python3
"""Instructions, not seconds: what one unit of pipeline work costs, counted by valgrind's callgrind.

    .venv/bin/python benchmarks/instructions.py                  # both workloads (~2 minutes)
    .venv/bin/python benchmarks/instructions.py --only small     # one of them

A shared machine moves CPU time by ±25 % from one minute to the next; callgrind's count of executed
instructions is the same on every run of the same code and input. Each workload runs twice under
callgrind, once doing N units and once doing none (imports, set-up and warm-up alike), and the difference
is divided by N. Workloads:

* ``small``: preparing one small session for upload (read is done first; then sanitize, serialize and
  canonical bytes with the uploader's shared serializer), over 200 sessions like ``upload.py``'s;
* ``jsonl-read``: reading one line of a 100k-line JSON Lines session (``sources`` only);
* ``jsonl-pipeline``: one line of that session through the whole pipeline (read, sanitize, serialize,
  canonical bytes: what ``pipeline.py`` times at 1M lines);
* ``tracker-pipeline``: one event of a 50k-event tracker session through the whole pipeline (what
  ``preview --json`` does with it, imports left out).

Needs ``valgrind`` (Debian's package). Counts compare commits on one machine and Python build, not
machines; callgrind runs ~50x slower than the real thing. Not a test: figures go to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

SMALL_SESSIONS = 200
JSONL_LINES = 100_000
TRACKER_ACTIONS = 42_735  # ~50k events with the other lists


def write_small(folder: Path) -> int:
    """One warm-up session plus ``SMALL_SESSIONS`` (20 action lines each, chat and encounters)."""
    from swgdb_bridge.demo.samples import generate_tracker_session

    folder.mkdir()
    rng = random.Random(1000)
    for index in range(SMALL_SESSIONS + 1):
        session = generate_tracker_session(rng, index=index, n_actions=20)
        (folder / f"session_{index:05d}.json").write_bytes(orjson.dumps(session))
    return SMALL_SESSIONS


def write_jsonl(folder: Path) -> int:
    from swgdb_bridge.demo.samples import write_jsonl_session

    _write_warm_up(folder)
    write_jsonl_session(folder / "session", random.Random(JSONL_LINES), JSONL_LINES)
    return JSONL_LINES


def write_tracker(folder: Path) -> int:
    """One tracker session; its unit is one event (an item of any of its lists)."""
    from swgdb_bridge.demo.samples import generate_tracker_session

    _write_warm_up(folder)
    doc = generate_tracker_session(random.Random(TRACKER_ACTIONS), n_actions=TRACKER_ACTIONS)
    (folder / "session").write_bytes(orjson.dumps(doc))
    return sum(len(value) for value in doc.values() if isinstance(value, list))


def _write_warm_up(folder: Path) -> None:
    """A small session the pipeline workloads serialize first, with units or without (see ``count``)."""
    from swgdb_bridge.demo.samples import generate_tracker_session

    folder.mkdir()
    doc = generate_tracker_session(random.Random(1), n_actions=20)
    (folder / "warm-up").write_bytes(orjson.dumps(doc))


def run_small(folder: Path, units: int) -> None:
    from swgdb_bridge.sanitize.options import SanitizeOptions
    from swgdb_bridge.serialize import shared_serializer
    from swgdb_bridge.sources import read_session

    sessions = [read_session(path) for path in sorted(folder.iterdir())]
    serializer = shared_serializer(SanitizeOptions())
    serializer.serialize(sessions[0]).to_json_bytes()  # warm: gazetteer, detectors, pseudonym key
    for session in sessions[1 : 1 + units]:
        serializer.serialize(session).to_json_bytes()


def run_read(folder: Path, units: int) -> None:
    from swgdb_bridge.sources import read_session

    if units:
        read_session(folder / "session")


def run_pipeline(folder: Path, units: int) -> None:
    """The whole file through the pipeline, after a small one (set-up: gazetteer, detectors, key)."""
    from swgdb_bridge.sanitize.options import SanitizeOptions
    from swgdb_bridge.serialize import SessionLogSerializer

    serializer = SessionLogSerializer(SanitizeOptions())
    serializer.serialize_file(folder / "warm-up").to_json_bytes()
    if units:
        serializer.serialize_file(folder / "session").to_json_bytes()


WORKLOADS = {  # name → (writer, runner, the unit's name)
    "small": (write_small, run_small, "session prepared"),
    "jsonl-read": (write_jsonl, run_read, "line read"),
    "jsonl-pipeline": (write_jsonl, run_pipeline, "line through the pipeline"),
    "tracker-pipeline": (write_tracker, run_pipeline, "event through the pipeline"),
}
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def count(workload: str, folder: Path, units: int) -> int:
    """Instructions of one child process running ``workload`` over ``units`` units."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--child", workload, str(folder), str(units),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{workload} failed under callgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=WORKLOADS, help="one workload")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        workload, folder, units = args.child
        WORKLOADS[workload][1](Path(folder), int(units))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind not found: apt-get install valgrind")
    print("| workload | unit | instructions per unit |\n|---|---|---:|")
    with tempfile.TemporaryDirectory(prefix="swgdb-bench-") as tmp:
        os.environ["SWGDB_BRIDGE_HOME"] = str(Path(tmp) / "home")
        for workload in [args.only] if args.only else WORKLOADS:
            folder = Path(tmp) / workload
            write, _, unit = WORKLOADS[workload]
            units = write(folder)
            per_unit = (count(workload, folder, units) - count(workload, folder, 0)) / units
            print(f"| {workload} | {unit} | {per_unit:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
