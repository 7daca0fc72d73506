"""pytest plugin for ``benchmarks/suite.py``: per test, its wall time and the CPU its worker process spent.

Loaded with ``-p suite_timing`` and ``SWGDB_SUITE_TIMING_DIR`` set; each worker writes one JSON file there.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

_ROWS: list[dict[str, object]] = []


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    own, children = _cpu()
    started = time.monotonic()
    yield
    own_after, children_after = _cpu()
    _ROWS.append(
        {
            "nodeid": item.nodeid,
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
            "wall": time.monotonic() - started,
            "cpu": own_after - own,
            "children": children_after - children,
        }
    )


def pytest_sessionfinish() -> None:
    folder = os.environ.get("SWGDB_SUITE_TIMING_DIR")
    if folder and _ROWS:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        (Path(folder) / f"{worker}.json").write_text(json.dumps(_ROWS))
