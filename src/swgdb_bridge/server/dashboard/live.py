"""Server-sent events: tell an open dashboard when the user's data changed.

Several server processes may share one database, so there is no in-process pub/sub to listen to: each
stream polls one cheap indexed query (count and newest ``updated_at`` of the user's sessions) every
``poll_seconds`` and sends an event only when that "version" changes. The browser then re-fetches the page
it shows. A stream ends after ``max_seconds`` (EventSource reconnects by itself), and once the browser
session is found logged out or expired (checked every ``recheck_seconds``), so no stream outlives its login.

Each open stream holds a connection and polls the database, so :class:`StreamLimit` caps them in front of
the dashboard: at most ``max_streams_per_login`` per dashboard user (beyond it ``429``) and ``max_streams``
per server process (beyond it ``503``), each with ``Retry-After``. A page without its live updates still
works; the browser's EventSource retries by itself.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

KEEPALIVE_SECONDS = 15.0
STREAM_RETRY_AFTER_SECONDS = 30


class StreamSlots:
    """Counts open streams per user and in total; thread-safe, one per server process."""

    def __init__(self, per_login: int, total: int) -> None:
        self.per_login = per_login
        self.total = total
        self._open: Counter[int] = Counter()
        self._lock = threading.Lock()

    def take(self, user_id: int) -> int | None:
        """Take a slot for ``user_id``; or, when none is free, the HTTP status of the refusal."""
        with self._lock:
            if self._open[user_id] >= self.per_login:
                return 429
            if self._open.total() >= self.total:
                return 503
            self._open[user_id] += 1
            return None

    def give_back(self, user_id: int) -> None:
        with self._lock:
            self._open[user_id] -= 1
            if self._open[user_id] <= 0:
                del self._open[user_id]

    def open_streams(self) -> int:
        with self._lock:
            return self._open.total()


class StreamLimit:
    """ASGI middleware in front of the dashboard: the event stream at ``route`` needs a free slot.

    ``cookie`` reads the login cookie of a request, ``identify`` maps it to a user id (None: not logged in,
    and the handler's own 401 follows). The slot is held until the stream's response ends, however it ends.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        route: str,
        cookie: Callable[[HTTPConnection], str | None],
        identify: Callable[[str | None], int | None],
        slots: StreamSlots,
    ) -> None:
        self.app = app
        self.route = route
        self.cookie = cookie
        self.identify = identify
        self.slots = slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _route_path(scope) != self.route:
            await self.app(scope, receive, send)
            return
        user_id = await run_in_threadpool(self.identify, self.cookie(HTTPConnection(scope)))
        if user_id is None:
            await self.app(scope, receive, send)
            return
        refusal = self.slots.take(user_id)
        if refusal is not None:
            await _refused(refusal)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.give_back(user_id)


def _route_path(scope: Scope) -> str:
    """The path below the mount point (Starlette keeps the full path and moves the prefix to root_path)."""
    return scope["path"][len(scope.get("root_path", "")) :]


def _refused(status: int) -> PlainTextResponse:
    text = (
        "Too many live-update streams for this login: close other dashboard tabs."
        if status == 429
        else "The server has too many live-update streams open: the page still works, without them."
    )
    return PlainTextResponse(
        text, status_code=status, headers={"Retry-After": str(STREAM_RETRY_AFTER_SECONDS)}
    )


async def version_events(
    version: Callable[[], str],
    still_logged_in: Callable[[], bool],
    *,
    poll_seconds: float,
    max_seconds: float,
    recheck_seconds: float,
) -> AsyncIterator[str]:
    """The event stream: ``retry``, then a ``version`` event at once and at every change, with keep-alives."""
    yield "retry: 3000\n\n"
    started = last_sent = last_login_check = time.monotonic()
    current: str | None = None
    while time.monotonic() - started < max_seconds:
        now = time.monotonic()
        if now - last_login_check >= recheck_seconds:
            if not await run_in_threadpool(still_logged_in):
                return
            last_login_check = now
        latest = await run_in_threadpool(version)
        if latest != current:
            current, last_sent = latest, now
            yield f"event: version\ndata: {json.dumps({'version': latest})}\n\n"
        elif now - last_sent >= KEEPALIVE_SECONDS:
            last_sent = now
            yield ": keep-alive\n\n"
        await anyio.sleep(poll_seconds)
