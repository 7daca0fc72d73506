"""Stand-in servers made from :mod:`socketserver` (fault proxy, TLS stand-in, hostile server), run on a thread.

``serve_forever`` checks for ``shutdown()`` every ``poll_interval`` (0.5 s by default) and ``shutdown()`` waits
for that check: half a second of nothing at the end of every test that stops one. Polling every 20 ms
costs no measurable CPU and lets them stop at once.
"""

from __future__ import annotations

import socketserver
import threading

POLL_SECONDS = 0.02


def serving_thread(server: socketserver.BaseServer, name: str) -> threading.Thread:
    """A daemon thread (not yet started) that runs ``server`` until ``server.shutdown()``."""
    return threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, name=name, daemon=True
    )
