"""``server run`` as one or several uvicorn worker processes, each building its app from the environment.

Uvicorn starts workers as fresh (spawned) processes that import the app by name, so nothing can be handed
to them but the environment: :func:`app_from_env` is that import target (``factory=True``). Every worker
opens its own :class:`Storage`; nonces, rate limits and sessions live in the database, so workers (and
further hosts on the same PostgreSQL) share them without talking to each other. SQLite works with several
workers on one host too, but its single writer is then the bottleneck (BENCHMARKS.md).

Environment read by each worker: ``SWGDB_DATABASE_URL``, ``SWGDB_SERVER_SECRET`` (or the secret file in
the data folder), the limits of :data:`SETTINGS_ENV` (``SWGDB_RATE_LIMIT``, ``SWGDB_MAX_CONNECTIONS``, ...;
defaults from :class:`ServerSettings`, docs/deploy.md lists them), and ``PROMETHEUS_MULTIPROC_DIR``
(see :mod:`.metrics`). The connection limits are read by the parent too: they configure uvicorn itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import TYPE_CHECKING, Any

from swgdb_bridge.errors import ConfigError
from swgdb_bridge.server.api.public_url import PUBLIC_URL_ENV, parse_public_url
from swgdb_bridge.server.db.storage import DATABASE_URL_ENV, default_database_url
from swgdb_bridge.server.ops.connections import ServingConfig
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
TRUSTED_PROXIES_ENV = "SWGDB_TRUSTED_PROXIES"


# ASCII digits only: str.isdigit() and float() also take "²" (then int() raises), Arabic-Indic digits,
# "1_000", "1e3" and "nan", and int() refuses more than 4,300 digits with a ValueError. 15 digits are far
# beyond any limit, and a value of this shape always converts.
_WHOLE = re.compile(r"[0-9]{1,15}")
_DECIMAL = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,9})?")


def _positive_int(name: str, raw: str) -> int:
    if not _WHOLE.fullmatch(raw) or int(raw) < 1:
        raise ConfigError(
            f"{name}={raw[:40]!r} is not a positive whole number in digits 0-9: set it like {name}=120 or "
            "unset it"
        )
    return int(raw)


def _positive_seconds(name: str, raw: str) -> float:
    value = float(raw) if _DECIMAL.fullmatch(raw) else 0.0
    if not 0 < value < 86_400:
        raise ConfigError(
            f"{name}={raw[:40]!r} is not a number of seconds above 0 in digits 0-9: set it like {name}=10"
        )
    return value


def _addresses(name: str, raw: str) -> tuple[str, ...]:
    """IP addresses and networks, comma-separated, each written the one way uvicorn compares.

    Uvicorn takes anything else silently: ``*`` trusts every peer (anyone could then name any client
    address and escape the per-address limits), and a typo (``127.0.0.l``, ``10.0.0.1/33``) becomes a name
    that never matches, so the proxy's requests all seem to come from the proxy."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    try:
        return tuple(str(ip_network(p, strict=False)) if "/" in p else str(ip_address(p)) for p in parts)
    except ValueError:
        raise ConfigError(
            f"{name}={raw[:80]!r} holds something that is not an IP address or network: list the proxies' "
            f"addresses, comma-separated, like {name}=127.0.0.1 or {name}=10.0.0.0/8,::1 ('*' is not taken: "
            "trusting every peer would let anyone escape the per-address limits)"
        ) from None


def _public_url(name: str, raw: str) -> str:
    try:
        return parse_public_url(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is no public address: {exc}") from None


SETTINGS_ENV: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    RATE_LIMIT_ENV: ("rate_limit_requests", _positive_int),
    RATE_WINDOW_ENV: ("rate_limit_window_seconds", _positive_int),
    "SWGDB_MAX_JSON_VALUES": ("max_json_values", _positive_int),
    "SWGDB_MAX_ERROR_FIELDS": ("max_error_fields", _positive_int),
    "SWGDB_MAX_CONNECTIONS": ("max_connections", _positive_int),
    "SWGDB_HEADER_TIMEOUT": ("header_timeout_seconds", _positive_seconds),
    "SWGDB_BODY_TIMEOUT": ("body_timeout_seconds", _positive_seconds),
    "SWGDB_KEEPALIVE_TIMEOUT": ("keepalive_timeout_seconds", _positive_seconds),
    "SWGDB_MAX_STREAMS_PER_LOGIN": ("max_streams_per_login", _positive_int),
    "SWGDB_MAX_STREAMS": ("max_streams", _positive_int),
    TRUSTED_PROXIES_ENV: ("trusted_proxies", _addresses),
    PUBLIC_URL_ENV: ("public_url", _public_url),
}
"""Environment variable → (:class:`ServerSettings` field, parser taking the name and the raw value)."""


def settings_from_env() -> ServerSettings:
    """Default settings with every limit of :data:`SETTINGS_ENV` that is set in the environment."""
    overrides = {
        field: parse(name, raw)
        for name, (field, parse) in SETTINGS_ENV.items()
        if (raw := os.environ.get(name, "").strip())
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
    os.environ[DATABASE_URL_ENV] = database_url
    for name, value in ((RATE_LIMIT_ENV, rate_limit), (RATE_WINDOW_ENV, rate_limit_window)):
        if value is not None:
            os.environ[name] = str(value)
    settings = settings_from_env()  # a bad value fails here, once, instead of in every worker
    config = ServingConfig(
        APP_FACTORY,
        settings,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config(log_format),
        access_log=False,  # the app writes its own access line, with the request id
        timeout_graceful_shutdown=10,
    )
    with metrics_dir(workers):
        if workers == 1:
            _serve_one(config)
        else:
            _supervise(config)


def _serve_one(config: ServingConfig) -> None:
    """What ``uvicorn.run`` does for one worker, with our config (uvicorn.run builds its own)."""
    import uvicorn

    server = uvicorn.Server(config)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        raise ConfigError(f"the server did not start on {config.host}:{config.port}; see the log above")


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
