#!/usr/bin/env python3
"""Assembly benchmark: discovery + assembly of a bot folder holding 1,000 play sessions (≈10,000 files).

    .venv/bin/python benchmarks/assembly.py                    # 1,000 sessions
    .venv/bin/python benchmarks/assembly.py --sessions 200     # quicker

The folder is generated from the shapes of the files the MS11 bot's own code writes for one evening
(``../shared/corpus/ms11-real/current-1236842``: step log, credit log, XP tracking, combat log, XP-per-action
list, XP export, space quests, heroic loot, and the two cut-off dual logs): session ``i`` is that evening moved
``3 h × i`` later (every timestamp, stamp and epoch in names and content, so sessions never overlap), played by
one of three characters, its XP-per-action list renamed and its XP counters moved on. The bot's one shared
ingest store (``data/character_sessions/sessions.json``) is left out. Files get old mtimes, so none is taken
for one still being written.

Discovery + assembly then runs in a child process (its peak RSS is ``ru_maxrss`` of that child): the table
gives files, sessions assembled, unplaced parts, problems, wall and CPU seconds, files/s and peak RSS. Not a test:
figures go to BENCHMARKS.md ("## assembly").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "ms11-real" / "current-1236842"
LEFT_OUT = "data/character_sessions/sessions.json"
CHARACTERS = ("Kaelen Vorr", "Dessa Morn", "Ralt Kesh")
SPACING = timedelta(hours=3)
OLD = 1_000_000_000  # mtime of every generated file (2001): long settled

ISO = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)")
ISO_NAME = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)")
STAMP = re.compile(r"(?<!\d)(\d{8})_(\d{6})(?!\d)")
EPOCH = re.compile(r"(?<!\d)(17\d{8})(?!\d)")
COUNTER = re.compile(r'("(?:start_xp|end_xp)": )(\d+)')


def shifted(text: str, by: timedelta) -> str:
    """Every time in ``text`` (ISO, ``YYYYmmdd_HHMMSS``, ``…T19-00-00`` and Unix epochs) moved ``by`` later."""

    def iso(m: re.Match[str]) -> str:
        return (datetime.fromisoformat(f"{m[1]}T{m[2]}") + by).isoformat()

    def iso_name(m: re.Match[str]) -> str:
        return (datetime.fromisoformat(f"{m[1]}T{m[2]}:{m[3]}:{m[4]}") + by).strftime("%Y-%m-%dT%H-%M-%S")

    def stamp(m: re.Match[str]) -> str:
        return (datetime.strptime(m[1] + m[2], "%Y%m%d%H%M%S") + by).strftime("%Y%m%d_%H%M%S")

    text = ISO.sub(iso, text)
    text = ISO_NAME.sub(iso_name, text)
    text = STAMP.sub(stamp, text)
    return EPOCH.sub(lambda m: str(int(m[1]) + int(by.total_seconds())), text)


def generate(root: Path, sessions: int) -> int:
    templates = {
        path.relative_to(TEMPLATE).as_posix(): path.read_text()
        for path in sorted(TEMPLATE.rglob("*.json"))
        if path.relative_to(TEMPLATE).as_posix() != LEFT_OUT
    }
    written = 0
    for i in range(sessions):
        by = SPACING * i
        for relative, text in templates.items():
            name = shifted(relative, by)
            body = shifted(text, by).replace("Kaelen Vorr", CHARACTERS[i % len(CHARACTERS)])
            if "c6fe5e2c" in name:  # the XP-per-action list is named by a uuid and counts the game's XP
                name = name.replace("c6fe5e2c", f"{i:08x}")
                body = COUNTER.sub(lambda m, i=i: f"{m[1]}{int(m[2]) + 10_000 * i}", body)
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body)
            os.utime(target, (OLD, OLD))
            written += 1
    return written


def measure(root: Path) -> dict[str, float]:
    from swgdb_bridge.assemble import assemble_paths
    from swgdb_bridge.sources import discover_files

    began, cpu = time.perf_counter(), time.process_time()
    files = discover_files([root])
    result = assemble_paths(files)
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {
        "files": len(files),
        "sessions": len(result.sessions),
        "unplaced": len(result.unplaced),
        "problems": len(result.problems),
        "wall": wall,
        "cpu": cpu,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure)))
        return
    with tempfile.TemporaryDirectory(prefix="swgdb-assembly-") as folder:
        root = Path(folder) / "bot"
        written = generate(root, args.sessions)
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(root)], capture_output=True, text=True, check=True
        )
        row = json.loads(child.stdout)
    assert row["files"] == written, (row, written)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min): {load}")
    print(
        "| play sessions generated | files | sessions assembled | unplaced parts | problems | wall s | CPU s "
        "| files/s (wall) | peak RSS MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.sessions:,} | {row['files']:,} | {row['sessions']:,} | {row['unplaced']:,} | {row['problems']:,} "
        f"| {row['wall']:.1f} | {row['cpu']:.1f} | {row['files'] / row['wall']:,.0f} | {row['rss_mib']:,.0f} |"
    )


if __name__ == "__main__":
    main()
