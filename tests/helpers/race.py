"""Start several callables at the same instant, to provoke the races atomic SQL must survive."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(workers: list[Callable[[], Any]]) -> list[Any]:
    """Run the callables in threads released together; their results in order.

    If any of them raised, the first one's exception is raised here, in the test's own thread, after all
    have finished: the test then fails on the real error, not on the ``None`` a failed worker left behind.
    """
    gate = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)
    errors: list[BaseException | None] = [None] * len(workers)

    def run(index: int) -> None:
        gate.wait()
        try:
            results[index] = workers[index]()
        except BaseException as error:  # handed to the caller below
            errors[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    raised = [error for error in errors if error is not None]
    if raised:
        raise raised[0]
    return results
