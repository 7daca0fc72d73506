#!/usr/bin/env python3
"""Pipeline benchmark: read + sanitize + serialize, against orjson's parse + re-dump of the same file.

    .venv/bin/python benchmarks/pipeline.py            # 10k, 100k and 1M events, tracker JSON and JSONL
    .venv/bin/python benchmarks/pipeline.py --quick    # 10k only
    .venv/bin/python benchmarks/pipeline.py --sizes 1000000 --shapes jsonl   # one row
    .venv/bin/python benchmarks/pipeline.py --preview  # `preview --json` of a ~17 MB tracker file, whole process

orjson parsing and re-dumping the file is the practical speed limit: every pipeline must at least parse the
input and write the output. Each case runs in a fresh child process, so its peak RSS (``ru_maxrss``) is that
case's alone; the pipeline and orjson take turns ``--runs`` times and each keeps its least CPU. Not a test:
figures go to BENCHMARKS.md ("## pipeline").
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

SIZES = (10_000, 100_000, 1_000_000)
TRACKER_LISTS = (
    "actions",
    "locations_visited",
    "communication_events",
    "player_encounters",
    "guild_alerts",
    "afk_periods",
    "stuck_events",
)


def write_tracker(path: Path, count: int) -> int:
    """A tracker-shape session of about ``count`` events (its lists' items); returns the exact number."""
    from swgdb_bridge.demo.samples import generate_tracker_session

    doc = generate_tracker_session(random.Random(count), n_actions=round(count / 1.17))
    path.write_bytes(orjson.dumps(doc))
    return sum(len(doc[key]) for key in TRACKER_LISTS)


def write_jsonl(path: Path, count: int) -> int:
    """A JSON Lines session of exactly ``count`` lines, written as a stream."""
    from swgdb_bridge.demo.samples import write_jsonl_session

    write_jsonl_session(path, random.Random(count), count)
    return count


# --- child processes: one job each, so each peak RSS is that job's alone ---------------------------------


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall": wall - start[0], "cpu": cpu - start[1]}


def child_write(shape: str, count: int, path: Path) -> dict[str, float]:
    return {"events": WRITERS[shape](path, count)}


def child_pipeline(path: Path) -> dict[str, float]:
    """What ``serialize_file`` + ``to_json_bytes`` do, timed per stage (sanitize is re-timed alone after).

    The last stage includes the collection the paused garbage collector owes once it is back on.
    """
    from swgdb_bridge.sanitize.options import SanitizeOptions
    from swgdb_bridge.serialize import SessionLogSerializer
    from swgdb_bridge.serialize.serializer import gc_paused
    from swgdb_bridge.sources import read_session

    serializer = SessionLogSerializer(SanitizeOptions())
    began = _clock()
    with gc_paused():
        session = read_session(path)
        read = _since(began)
        payload = serializer.serialize(session)
        serialized = _since(began)
        size = len(payload.to_json_bytes())
    total = _since(began)
    del payload
    with gc_paused():
        again = _clock()
        serializer.sanitizer.sanitize_session(session)
        sanitize = _since(again)
    return {
        **total,
        "output_bytes": size,
        "read_cpu": read["cpu"],
        "sanitize_cpu": sanitize["cpu"],
        "serialize_cpu": serialized["cpu"] - read["cpu"] - sanitize["cpu"],
        "dump_cpu": total["cpu"] - serialized["cpu"],
    }


def child_read(path: Path) -> dict[str, float]:
    """Reading alone: its peak RSS shows what the reader holds (text and/or the parsed document)."""
    from swgdb_bridge.sources import read_session

    began = _clock()
    read_session(path)
    return _since(began)


def child_orjson(path: Path) -> dict[str, float]:
    began = _clock()
    if path.suffix == ".jsonl":
        size = 0
        with path.open("rb") as lines:
            for line in lines:
                size += len(orjson.dumps(orjson.loads(line)))
    else:
        size = len(orjson.dumps(orjson.loads(path.read_bytes())))
    return {**_since(began), "output_bytes": size}


WRITERS = {"tracker": write_tracker, "jsonl": write_jsonl}
SUFFIX = {"tracker": ".json", "jsonl": ".jsonl"}


def _env() -> dict[str, str]:
    return {**os.environ, "SWGDB_BRIDGE_HOME": str(Path(tempfile.gettempdir()) / "swgdb-bench-home")}


def run_child(*args: str | int | Path) -> dict[str, float]:
    """Run one job in a fresh interpreter; returns its figures and peak RSS in MiB."""
    command = [sys.executable, __file__, "--child", *map(str, args)]
    done = subprocess.run(command, env=_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{done.stderr[-3000:]}")
    return orjson.loads(done.stdout.strip().splitlines()[-1])


def _child_main(args: list[str]) -> None:
    job = args[0]
    if job == "write":
        result = child_write(args[1], int(args[2]), Path(args[3]))
    else:
        result = {"pipeline": child_pipeline, "read": child_read, "orjson": child_orjson}[job](Path(args[1]))
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(orjson.dumps(result).decode())


# --- the table ----------------------------------------------------------------------------------------


def best_of(runs: int, *jobs: tuple[str, Path]) -> list[dict[str, float]]:
    """Each job's run with the least CPU, the jobs taking turns (a shared machine slows runs, never speeds
    them up)."""
    results: list[list[dict[str, float]]] = [[] for _ in jobs]
    for _ in range(runs):
        for done, job in zip(results, jobs, strict=True):
            done.append(run_child(*job))
    return [min(done, key=lambda r: r["cpu"]) for done in results]


def measure(sizes: tuple[int, ...], shapes: tuple[str, ...], folder: Path, runs: int) -> None:
    for count in sizes:
        for shape in shapes:
            path = folder / f"{shape}-{count}{SUFFIX[shape]}"
            events = int(run_child("write", shape, count, path)["events"])
            pipe, limit = best_of(runs, ("pipeline", path), ("orjson", path))
            read = run_child("read", path)
            pipe["read_rss_mib"] = read["peak_rss_mib"]
            print(_row(shape, events, path.stat().st_size / 2**20, pipe, limit), flush=True)
            path.unlink()


HEADER = (
    "| shape | events | file MiB | pipeline wall s | pipeline CPU s (read / sanitize / serialize / dump+GC) "
    "| pipeline events/s (CPU) | peak RSS MiB: pipeline (read alone) | orjson CPU s | orjson events/s "
    "| orjson peak RSS MiB | pipeline / orjson speed (CPU) |\n"
    "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|"
)


def _row(shape: str, events: int, mib: float, pipe: dict[str, float], limit: dict[str, float]) -> str:
    split = " / ".join(f"{pipe[f'{stage}_cpu']:.2f}" for stage in ("read", "sanitize", "serialize", "dump"))
    ratio = limit["cpu"] / pipe["cpu"]
    return (
        f"| {shape} | {events:,} | {mib:,.1f} | {pipe['wall']:.2f} | {pipe['cpu']:.2f} ({split}) "
        f"| {events / pipe['cpu']:,.0f} | {pipe['peak_rss_mib']:,.0f} ({pipe['read_rss_mib']:,.0f}) "
        f"| {limit['cpu']:.2f} "
        f"| {events / limit['cpu']:,.0f} | {limit['peak_rss_mib']:,.0f} | 1/{1 / ratio:.1f} |"
    )


PREVIEW_EVENTS = 200_000  # a ~17 MB tracker session, the size issue 15's preview goal names


def _process_cpu(command: list[str]) -> float:
    """CPU seconds (user + system) of one whole child process, start-up and imports included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=_env(), stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure_preview(folder: Path, runs: int = 3) -> None:
    """``swgdb-bridge preview --json FILE`` against a python process that orjson-parses and dumps FILE."""
    path = folder / "tracker-preview.json"
    run_child("write", "tracker", PREVIEW_EVENTS, path)
    cli = str(Path(sys.executable).with_name("swgdb-bridge"))
    dump = "import orjson, sys; sys.stdout.buffer.write(orjson.dumps(orjson.loads(open(sys.argv[1], 'rb').read())))"
    pipe = min(_process_cpu([cli, "preview", "--json", str(path)]) for _ in range(runs))
    limit = min(_process_cpu([sys.executable, "-c", dump, str(path)]) for _ in range(runs))
    print(
        "| file MiB | preview --json CPU s | orjson parse+dump CPU s | preview / orjson |\n|---:|---:|---:|---:|"
    )
    print(f"| {path.stat().st_size / 2**20:.1f} | {pipe:.2f} | {limit:.2f} | {pipe / limit:.1f}× |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k events only")
    parser.add_argument("--sizes", help="comma-separated event counts (default: 10k, 100k, 1M)")
    parser.add_argument("--shapes", default="tracker,jsonl", help="comma-separated: tracker, jsonl")
    parser.add_argument("--preview", action="store_true", help="the whole-process preview --json case only")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs of each case (default 3)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_main(args.child)
        return
    sizes = tuple(int(n) for n in args.sizes.split(",")) if args.sizes else SIZES[:1] if args.quick else SIZES
    with tempfile.TemporaryDirectory(prefix="swgdb-bench-") as folder:
        if args.preview:
            measure_preview(Path(folder), args.runs)
            return
        print(HEADER, flush=True)
        measure(sizes, tuple(args.shapes.split(",")), Path(folder), args.runs)


if __name__ == "__main__":
    main()
