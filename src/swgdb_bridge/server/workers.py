"""``server run`` as one or several uvicorn worker processes, each building its app from the environment.

Uvicorn starts workers as fresh (spawned) processes that import the app by name, so nothing can be handed
to them but the environment: :func:`app_from_env` is that import target (``factory=True``). Every worker
opens its own :class:`Storage`; nonces, rate limits and sessions live in the database, so workers (and
further hosts on the same PostgreSQL) share them without talking to each other. SQLite works with several
workers on one host too, but its single writer is then the bottleneck (BENCHMARKS.md).

Environment read by each worker: ``SWGDB_DATABASE_URL``, ``SWGDB_SERVER_SECRET`` (or the secret file in
the data folder), ``SWGDB_RATE_LIMIT`` and ``SWGDB_RATE_LIMIT_WINDOW`` (signed requests per user per window
of seconds; defaults from :class:`ServerSettings`), and ``PROMETHEUS_MULTIPROC_DIR`` (see :mod:`.metrics`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from swgdb_bridge.errors import ConfigError
from swgdb_bridge.server.db.storage import DATABASE_URL_ENV, default_database_url
from swgdb_bridge.server.ops.logging import LogFormat, log_config
from swgdb_bridge.server.ops.metrics import MULTIPROC_ENV
from swgdb_bridge.server.settings import ServerSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from swgdb_bridge.server.db.storage import Storage

Lifespan = Callable[[Any], AbstractAsyncContextManager[Any]]

APP_FACTORY = f"{__name__}:app_from_env"
RATE_LIMIT_ENV = "SWGDB_RATE_LIMIT"
RATE_WINDOW_ENV = "SWGDB_RATE_LIMIT_WINDOW"


def _positive_int_env(name: str) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(
            f"{name}={raw!r} is not a positive whole number: set it like {name}=120 or unset it"
        )
    return int(raw)


def settings_from_env() -> ServerSettings:
    """Default settings with the rate limit taken from the environment when it is set there."""
    overrides = {
        field: value
        for field, name in (
            ("rate_limit_requests", RATE_LIMIT_ENV),
            ("rate_limit_window_seconds", RATE_WINDOW_ENV),
        )
        if (value := _positive_int_env(name)) is not None
    }
    return ServerSettings(**overrides)


def app_from_env() -> FastAPI:
    """The app of one worker: storage and settings from the environment, storage closed on shutdown."""
    from swgdb_bridge.server.app import create_app
    from swgdb_bridge.server.db.storage import Storage

    storage = Storage(default_database_url())
    app = create_app(storage, settings_from_env())
    app.router.lifespan_context = _closing(storage, app.router.lifespan_context)
    return app


def _closing(storage: Storage, inner: Lifespan) -> Lifespan:
    """The app's own lifespan, then the storage closed (the worker's pool of connections released)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[Any]:
        try:
            async with inner(app) as state:
                yield state
        finally:
            storage.close()

    return lifespan


@contextlib.contextmanager
def metrics_dir(workers: int) -> Iterator[str | None]:
    """A clean ``PROMETHEUS_MULTIPROC_DIR`` for this run: the operator's (emptied of old files) or, with
    several workers, a temporary one removed afterwards. One worker keeps plain in-process metrics."""
    given = os.environ.get(MULTIPROC_ENV, "").strip()
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # counters of a previous run would otherwise be added in
            stale.unlink()
        yield given
        return
    if workers == 1:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="swgdb-metrics-"))
    os.environ[MULTIPROC_ENV] = str(folder)
    try:
        yield str(folder)
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(folder, ignore_errors=True)


def run_workers(
    database_url: str,
    host: str,
    port: int,
    *,
    workers: int = 1,
    log_format: LogFormat = "text",
    rate_limit: int | None = None,
    rate_limit_window: int | None = None,
) -> None:
    """Serve in the foreground until Ctrl-C / SIGTERM. The database must already be migrated (the caller
    does it once, so that workers starting together find the schema current)."""
    import uvicorn

    os.environ[DATABASE_URL_ENV] = database_url
    for name, value in ((RATE_LIMIT_ENV, rate_limit), (RATE_WINDOW_ENV, rate_limit_window)):
        if value is not None:
            os.environ[name] = str(value)
    settings_from_env()  # a bad value fails here, once, instead of in every worker
    options: dict[str, Any] = {
        "factory": True,
        "host": host,
        "port": port,
        "log_config": log_config(log_format),
        "access_log": False,  # the app writes its own access line, with the request id
        "timeout_graceful_shutdown": 10,
    }
    with metrics_dir(workers):
        if workers == 1:
            uvicorn.run(APP_FACTORY, **options)
        else:
            _supervise(uvicorn.Config(APP_FACTORY, workers=workers, **options))


def _supervise(config: Any) -> None:
    """What ``uvicorn.run`` does for several workers, with one fix: the shared listening socket is marked
    as TCP. Uvicorn creates it with ``proto=0``, and asyncio sets ``TCP_NODELAY`` only on accepted sockets
    whose proto says TCP — without it every response waits ~40 ms for a delayed ACK (BENCHMARKS.md)."""
    from uvicorn.supervisors import Multiprocess

    plain = config.bind_socket()
    sock = socket.socket(plain.family, plain.type, socket.IPPROTO_TCP, fileno=plain.detach())
    sock.set_inheritable(True)
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
