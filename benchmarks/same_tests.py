#!/usr/bin/env python3
"""The tests of an older checkout, as this checkout names them: a list for ``suite.py --only``.

    git worktree add ../base 422d713
    .venv/bin/python benchmarks/same_tests.py ../base > /tmp/same.txt
    .venv/bin/python benchmarks/suite.py --only /tmp/same.txt

Tests moved between files when the layout changed, so a test is matched by what follows the file in its id
(function and parameters); failing that, by its function name alone (all of today's cases of it: a
parametrization that changed shape). Tests of the old checkout with no counterpart are listed on stderr.
Not a test: figures go to BENCHMARKS.md ("## test suite").
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"


def collected(checkout: Path) -> list[str]:
    """The test ids pytest collects in ``checkout``, its own ``src`` first on the path."""
    env = {**os.environ, "CI": "1", "PYTHONPATH": str(checkout / "src")}
    command = [str(PYTHON), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    listing = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, check=True)
    return [line for line in listing.stdout.splitlines() if "::" in line]


def matched(old: list[str], new: list[str]) -> tuple[set[str], list[str]]:
    by_case: dict[str, str] = {}
    by_function: dict[str, list[str]] = {}
    for test in new:
        case = test.split("::", 1)[1]
        by_case.setdefault(case, test)
        by_function.setdefault(case.split("[", 1)[0], []).append(test)
    kept: set[str] = set()
    unmatched = []
    for test in old:
        case = test.split("::", 1)[1]
        if case in by_case:
            kept.add(by_case[case])
        elif case.split("[", 1)[0] in by_function:
            kept.update(by_function[case.split("[", 1)[0]])
        else:
            unmatched.append(test)
    return kept, unmatched


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("old", type=Path, help="a checkout of the older commit")
    args = parser.parse_args()
    old = collected(args.old.resolve())
    kept, unmatched = matched(old, collected(ROOT))
    for test in unmatched:
        print(f"no counterpart: {test}", file=sys.stderr)
    print(f"{len(old)} old tests, {len(kept)} tests here, {len(unmatched)} unmatched", file=sys.stderr)
    print("\n".join(sorted(kept)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
