"""Connections under abuse: a deadline for the request head, a cap on open connections, quiet accept errors.

Uvicorn alone keeps a connection that sends half a request head open for ever, accepts connections until
the process runs out of file descriptors, and then logs a traceback for every failed ``accept()`` (hundreds
of megabytes a minute). :class:`ServingConfig` is the uvicorn configuration of every way the server runs
(``server run``, its workers, the in-process runner), built from :class:`ServerSettings`:

- :class:`GuardedH11Protocol` closes a connection whose request head is not complete within
  ``header_timeout_seconds`` of its first byte (or of connecting), or whose body is not complete within
  ``body_timeout_seconds`` of its head: trickling bytes does not extend either;
- a connection beyond ``max_connections`` of this process is answered ``503`` with ``Retry-After`` and closed
  at once, so held connections stay bounded and file descriptors never run out;
- accept errors are logged as one line without traceback, at most once per :data:`ACCEPT_ERROR_LOG_SECONDS`;
- ``X-Forwarded-For`` is read only from ``trusted_proxies`` (none by default: uvicorn would trust loopback);
- a stop cuts responses already streaming (live updates) instead of waiting out the grace period for them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import h11
import orjson
import uvicorn
from starlette.types import Scope
from uvicorn.protocols.http.h11_impl import H11Protocol

from swgdb_bridge.server.settings import ServerSettings

log = logging.getLogger("swgdb_bridge.server")

ACCEPT_ERROR_LOG_SECONDS = 60.0
CLIENT_LEFT = 499
"""The status logged and counted for a request whose client hung up before its answer began (nginx's
"client closed request"), whatever the app then tried to answer (Starlette sends a 500 when reading the
body fails): it is the client's doing, not a server error, so no stack trace and no 5xx alarm."""
_ACCEPT_ERROR = "socket.accept() out of system resource"
# After an accept error asyncio stops accepting for a second and then resumes with this callback; a server
# shut down meanwhile has closed its socket, and the resume fails with ValueError (fd -1).
_RESUME_ACCEPTING = "BaseSelectorEventLoop._start_serving"
_BUSY_BODY = orjson.dumps(
    {
        "error": "server_busy",
        "message": "The server has too many open connections; retry in a moment.",
    }
)
BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n"
    b"connection: close\r\ncontent-length: " + str(len(_BUSY_BODY)).encode() + b"\r\n\r\n" + _BUSY_BODY
)


def mark_client_left(scope: Scope) -> None:
    """Note on the request that its client hung up before any answer began (``RequestContext`` does)."""
    scope.setdefault("state", {})["client_left"] = True


def client_left(scope: Scope) -> bool:
    """Whether :func:`mark_client_left` was called: the access line and the metrics then say
    :data:`CLIENT_LEFT`."""
    return bool(scope.get("state", {}).get("client_left"))


class ServingConfig(uvicorn.Config):
    """``uvicorn.Config`` with the server's connection limits; picklable, so workers get it as it is."""

    def __init__(self, app: Any, settings: ServerSettings, **options: Any) -> None:
        super().__init__(
            app,
            http=GuardedH11Protocol,
            timeout_keep_alive=settings.keepalive_timeout_seconds,  # type: ignore[arg-type]
            proxy_headers=bool(settings.trusted_proxies),
            forwarded_allow_ips=list(settings.trusted_proxies),
            **options,
        )
        self.max_connections = settings.max_connections
        self.header_timeout = settings.header_timeout_seconds
        self.body_timeout = settings.body_timeout_seconds

    def load(self) -> None:
        """Uvicorn calls this inside the event loop of each worker, before it listens: the one place where
        every worker's loop can be given the quiet accept-error handler."""
        super().load()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.set_exception_handler(AcceptErrorLog())


class GuardedH11Protocol(H11Protocol):
    """Uvicorn's HTTP/1.1 protocol with request-head and request-body deadlines and a per-process
    connection cap. One deadline runs at a time: the head's while h11 waits for a head (``IDLE``), the
    body's while it waits for the rest of a body (``SEND_BODY``); a complete request has none."""

    config: ServingConfig

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._deadline_state: object = None  # the h11 state the deadline is for
        if len(self.connections) > self.config.max_connections:
            transport.write(BUSY_RESPONSE)
            transport.close()
            return
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def shutdown(self) -> None:
        """The server is stopping: as uvicorn does (an idle connection closes, a request being handled may
        finish), except that a response already streaming is cut now. Such a response is the dashboard's
        live updates, which never end by themselves: it would hold every stop for the whole grace period
        (a restart, a deploy), and its EventSource reconnects by itself, to another worker or the restarted
        server. Closing the connection tells the app its client left, and the stream ends. An ordinary
        response reaches the transport whole, head and body back to back (only a client still not reading
        an earlier answer could pause it in between), and closing the transport delivers what it buffered."""
        cycle = self.cycle
        if cycle is not None and cycle.response_started and not cycle.response_complete:
            self.transport.close()
            return
        super().shutdown()

    def _watch(self) -> None:
        """Arm the deadline of what the client owes now (a head, the rest of a body), once per part: bytes
        arriving do not move it. Nothing owed (a request complete), no deadline."""
        state = self.conn.their_state
        if state is self._deadline_state:
            return
        self._cancel_deadline()
        seconds = {h11.IDLE: self.config.header_timeout, h11.SEND_BODY: self.config.body_timeout}.get(state)
        if seconds is not None:
            self._deadline_state = state
            self._deadline = self.loop.call_later(seconds, self._too_slow, state)

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline, self._deadline_state = None, None

    def _too_slow(self, state: object) -> None:
        self._deadline, self._deadline_state = None, None
        if self.conn.their_state is state and not self.transport.is_closing():
            self.transport.close()


def _resumed_after_close(context: dict[str, Any]) -> bool:
    message = context.get("message") or ""
    return isinstance(context.get("exception"), ValueError) and _RESUME_ACCEPTING in message


class AcceptErrorLog:
    """Event-loop exception handler: ``accept()`` failures (out of file descriptors) become one log line a
    minute with a count, never a traceback each; every other error goes to asyncio's default handler."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self.clock = clock
        self.suppressed = 0
        self.last_logged: float | None = None

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if _resumed_after_close(context):
            log.debug("the paused accept loop found its socket closed (shutting down)")
            return
        if context.get("message") != _ACCEPT_ERROR:
            loop.default_exception_handler(context)
            return
        now = self.clock()
        if self.last_logged is not None and now - self.last_logged < ACCEPT_ERROR_LOG_SECONDS:
            self.suppressed += 1
            return
        error = context.get("exception")
        reason = getattr(error, "strerror", None) or type(error).__name__
        log.warning(
            "cannot accept connections: %s (%d more such errors since the last report); lower "
            "max_connections or raise the open-file limit (ulimit -n)",
            reason,
            self.suppressed,
        )
        self.last_logged, self.suppressed = now, 0
