"""Run the server in-process: uvicorn on a background thread, on a socket bound before it starts.

Binding the socket ourselves (port 0 → the OS picks a free one) means the URL is known before the first
request and no two tests or demos ever race for a port. The demo, the tests and the benchmark use this.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

import uvicorn

from swgdb_bridge.server.app import create_app
from swgdb_bridge.server.ops.connections import ServingConfig
from swgdb_bridge.server.settings import ServerSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from swgdb_bridge.server.db.storage import Storage

_START_TIMEOUT_SECONDS = 15.0
_TICK_SECONDS = 0.1  # uvicorn's own housekeeping period (date header, request limit)
_DRAIN_POLL_SECONDS = 0.005
log = logging.getLogger("swgdb_bridge.server")


class ThreadServer(uvicorn.Server):
    """uvicorn on a background thread that stops the moment it is asked, not at its next poll.

    Plain uvicorn checks ``should_exit`` every 0.1 s and its shutdown sleeps a fixed 0.1 s before it
    waits for connections: ~0.2 s per stop, which a process that starts and stops many servers (the test
    suite: over a hundred) pays every time. Here :meth:`request_exit` wakes the main loop at once and
    shutdown polls in 5 ms steps; requests in flight still get up to ``timeout_graceful_shutdown`` to
    finish before they are cancelled. The runner serves with ``lifespan="off"``, so there is no lifespan
    shutdown to send.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def request_exit(self) -> None:
        """Ask the server to stop; safe from any thread."""
        self.should_exit = True
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already finished
                self._loop.call_soon_threadsafe(self._wake.set)

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), _TICK_SECONDS)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        await self._drain(self.config.timeout_graceful_shutdown or 0)
        for server in self.servers:
            await server.wait_closed()

    async def _drain(self, timeout: float) -> None:
        """Wait for open connections and running tasks to finish, then cancel what is left."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        state = self.server_state
        while (state.connections or state.tasks) and loop.time() < deadline:
            await asyncio.sleep(_DRAIN_POLL_SECONDS)
        if state.tasks:
            log.warning(
                "stopping with %d request(s) still running after %g s: cancelled", len(state.tasks), timeout
            )
        for task in state.tasks:
            task.cancel(msg="graceful shutdown time exceeded")


@dataclass
class ServedApp:
    """An ASGI app listening on loopback until :meth:`stop`; usable as a context manager."""

    url: str
    app: Any
    _server: ThreadServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        self._server.request_exit()
        self._thread.join(timeout=_START_TIMEOUT_SECONDS)

    def open_connections(self) -> int:
        """Connections the server holds open right now (the connection cap's subject)."""
        return len(self._server.server_state.connections)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@dataclass
class RunningServer(ServedApp):
    """The SWGDB app and the storage behind it; :meth:`stop` closes the storage when this runner opened it."""

    storage: Storage | None = None
    _owns_storage: bool = field(default=False, repr=False)

    def stop(self) -> None:
        super().stop()
        if self._owns_storage and self.storage is not None:
            self.storage.close()
            self._owns_storage = False


def serve(
    app: Any, host: str = "127.0.0.1", port: int = 0, settings: ServerSettings | None = None
) -> ServedApp:
    """Start ``app`` under uvicorn on a thread and return once it accepts connections."""
    server, thread, url = _launch(app, host, port, settings or ServerSettings())
    return ServedApp(url, app, server, thread)


def start_server(
    database_url: str | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    storage: Storage | None = None,
    settings: ServerSettings | None = None,
    **app_options: Any,
) -> RunningServer:
    """The SWGDB server on ``database_url`` (default: the local SQLite database), migrated and listening.

    Pass an open ``storage`` instead to share one with the caller (the caller then closes it);
    ``app_options`` go to :func:`create_app` (``dashboard``, ``dashboard_options``).
    """
    owns = storage is None
    if storage is None:
        from swgdb_bridge.server.db.storage import Storage, default_database_url

        storage = Storage(database_url or default_database_url())
    try:
        settings = settings or ServerSettings()
        app: FastAPI = create_app(storage, settings, **app_options)
        server, thread, url = _launch(app, host, port, settings)
    except BaseException:
        if owns:
            storage.close()
        raise
    return RunningServer(url, app, server, thread, storage=storage, _owns_storage=owns)


def _launch(
    app: Any, host: str, port: int, settings: ServerSettings
) -> tuple[ThreadServer, threading.Thread, str]:
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP,
    # and without it every response with a body waits ~40 ms for a delayed ACK (Nagle).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    config = ServingConfig(
        app, settings, log_config=None, access_log=False, lifespan="off", timeout_graceful_shutdown=5
    )
    server = ThreadServer(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="swgdb-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"the server did not start on {host}:{port}")
        time.sleep(0.01)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return server, thread, f"http://{shown}:{bound_port}"
