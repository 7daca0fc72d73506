"""pytest plugin for ``benchmarks/suite.py --only FILE``: run only the test ids listed in that file.

Used to time, on today's code, the tests an older commit had (``benchmarks/same_tests.py`` writes the list),
so that a suite that has grown can still be compared with its past on the same tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = set(Path(os.environ["SWGDB_SUITE_ONLY"]).read_text().splitlines())
    config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in wanted])
    items[:] = [item for item in items if item.nodeid in wanted]
