"""The one way tests pick a loopback port for something that binds it later (a subprocess, PostgreSQL).

Probing a free port and binding it later is a race: between the two, another test may take the port. So
callers start their thing through :func:`on_free_port`, which tries again on a fresh port whenever the
start fails with ``EADDRINUSE``. In-process servers need none of this: they bind port 0 themselves
(:mod:`swgdb_bridge.server.runner`).
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
ATTEMPTS = 5


def free_port() -> int:
    """A port nobody listens on right now (no promise about a moment later: see :func:`on_free_port`)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def on_free_port(start: Callable[[int], T], attempts: int = ATTEMPTS) -> T:
    """``start(port)`` on a fresh free port, again on another while it raises ``EADDRINUSE``."""
    for _attempt in range(attempts - 1):
        try:
            return start(free_port())
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
    return start(free_port())


def raise_if_port_taken(log: str, port: int) -> None:
    """For starters that only see a child's log: turn its "address already in use" into ``EADDRINUSE``."""
    lowered = log.lower()
    if "address already in use" in lowered or "could not bind" in lowered:
        raise OSError(errno.EADDRINUSE, f"port {port} was taken before the process could bind it")


@contextmanager
def refused_port() -> Iterator[int]:
    """A port that is bound but never listens, for as long as the block runs: connections are refused."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield int(holder.getsockname()[1])
