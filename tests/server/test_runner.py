"""The in-process runner stops at once when asked, yet lets a request in flight finish first."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from helpers.http import http_client
from swgdb_bridge.server.runner import serve


class SlowApp:
    """Answers after a pause, and says when a request has arrived."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self.arrived = threading.Event()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.arrived.set()
        await asyncio.sleep(self.pause)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"4")]})
        await send({"type": "http.response.body", "body": b"done"})


def test_a_request_in_flight_finishes_before_the_server_stops() -> None:
    app = SlowApp(pause=0.3)
    served = serve(app)
    with ThreadPoolExecutor(1) as pool, http_client(timeout=10) as client:
        answer = pool.submit(client.get, f"{served.url}/slow")
        assert app.arrived.wait(10)
        served.stop()
        response = answer.result(timeout=10)
    assert (response.status_code, response.text) == (200, "done")
    with pytest.raises(httpx.ConnectError), http_client(timeout=2) as client:
        client.get(f"{served.url}/slow")


def test_an_idle_keep_alive_connection_does_not_hold_the_stop_and_stopping_twice_is_harmless() -> None:
    served = serve(SlowApp(pause=0))
    with http_client(timeout=10) as client:
        assert client.get(served.url).text == "done"  # the connection stays open (keep-alive)
        served.stop()
        served.stop()
        with pytest.raises(httpx.TransportError):
            client.get(served.url)
