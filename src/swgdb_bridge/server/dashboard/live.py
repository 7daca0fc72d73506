"""Server-sent events: tell an open dashboard when the user's data changed.

Several server processes may share one database, so there is no in-process pub/sub to listen to: each
stream polls one cheap indexed query (count and newest ``updated_at`` of the user's sessions) every
``poll_seconds`` and sends an event only when that "version" changes. The browser then re-fetches the page
it shows. A stream ends after ``max_seconds`` (EventSource reconnects by itself), and once the browser
session is found logged out or expired (checked every ``recheck_seconds``), so no stream outlives its login.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable

import anyio
from starlette.concurrency import run_in_threadpool

KEEPALIVE_SECONDS = 15.0


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
