"""Start several callables at the same instant, to provoke the races atomic SQL must survive."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(workers: list[Callable[[], Any]]) -> list[Any]:
    """Run the callables in threads released together; their results in order."""
    gate = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(index: int) -> None:
        gate.wait()
        results[index] = workers[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
