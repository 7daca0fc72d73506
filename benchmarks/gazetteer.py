#!/usr/bin/env python3
"""Gazetteer benchmark: load time, whole-string lookups per second, free-text ``find`` per second.

    .venv/bin/python benchmarks/gazetteer.py           # prints a Markdown table
    .venv/bin/python benchmarks/gazetteer.py --quick   # fewer repetitions

Load is measured in fresh child processes (the first ``load_gazetteer()``, timed apart from the import of
the module, which pulls in the whole sanitize package), and in-process as ``build_gazetteer()`` (reading
and indexing the data files only). Lookups and ``find`` run on bot-log strings of about 40 and 100
characters, ASCII and not. All times are CPU times of the measuring process (``time.process_time``), so
other jobs on a shared machine inflate them less than wall time. Not a test: figures go to BENCHMARKS.md
("## gazetteer").
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

LOOKUPS = [
    "Mos Eisley",
    "womp rat",
    "Zorvath",
    "Tirra Dane",
    "combat_brawler_novice",
    "Dune Sea",
    "Nym's Stronghold",
]
TEXT_40 = "Killed womp rat x3 near Anchorhead today"
TEXT_100 = (
    "Waiting for Zorvath at Mos Eisley cantina, then Dune Sea and Nym's Stronghold on Lok; bring stims!!"
)
TEXT_100_UNICODE = (
    "Waiting for Zorvath at Mós Eisley cantina, then Dune\u00a0Sea and Nym\u2019s Stronghold on Lok; stims"
)

# Import first (the sanitize package imports the whole sanitizer), then time the first load on its own.
CHILD = (
    "import time; t=time.process_time(); "
    "from swgdb_bridge.sanitize.gazetteer import load_gazetteer; i=time.process_time(); load_gazetteer(); "
    "print(i-t, time.process_time()-i)"
)


def per_second(fn, arg, seconds: float) -> float:
    n, t0 = 0, time.process_time()
    while True:
        for _ in range(200):
            fn(arg)
        n += 200
        elapsed = time.process_time() - t0
        if elapsed >= seconds:
            return n / elapsed


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    runs, seconds = (3, 0.3) if args.quick else (7, 1.0)

    from swgdb_bridge.sanitize.gazetteer import build_gazetteer, load_gazetteer

    imports, cold = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True).stdout
        imp, load = map(float, out.split())
        imports.append(imp)
        cold.append(load)
    warm = []
    for _ in range(runs):
        t0 = time.process_time()
        build_gazetteer()
        warm.append(time.process_time() - t0)
    gaz = load_gazetteer()

    rows = [
        ("first load_gazetteer() in a fresh process", f"{statistics.median(cold) * 1000:.1f} ms", ""),
        (
            "import of swgdb_bridge.sanitize.gazetteer, fresh process",
            f"{statistics.median(imports) * 1000:.1f} ms",
            "mostly the sanitize package's own imports",
        ),
        ("load, data files only (build_gazetteer)", f"{statistics.median(warm) * 1000:.1f} ms", ""),
        ("entries", f"{len(gaz):,}", ", ".join(f"{k} {v:,}" for k, v in gaz.counts().items())),
    ]
    for label, fn, arg in (
        ("kind_of, short strings (mixed known/unknown)", lambda xs: [gaz.kind_of(x) for x in xs], LOOKUPS),
        ("template_kind, 'Hunt the Krayt Dragon'", gaz.template_kind, "Hunt the Krayt Dragon"),
        (f"find, {len(TEXT_40)} chars ASCII", gaz.find, TEXT_40),
        (f"find, {len(TEXT_100)} chars ASCII", gaz.find, TEXT_100),
        (f"find, {len(TEXT_100_UNICODE)} chars with accents/NBSP/curly quote", gaz.find, TEXT_100_UNICODE),
    ):
        rate = per_second(fn, arg, seconds)
        if arg is LOOKUPS:
            rate *= len(LOOKUPS)
        rows.append((label, f"{rate:,.0f} /s", f"{1e6 / rate:.1f} µs each"))

    print("| measure | value | note |")
    print("|---|---:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
