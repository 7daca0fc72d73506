"""Limits and knobs of the reference server, in one frozen object handed to :func:`create_app`.

The clock is a setting so that tests can freeze it and walk the ±300 s edges exactly instead of sleeping.
Every limit has a default that is safe on the open internet; ``docs/deploy.md`` (section "Limits") says
what each one protects and how ``server run`` sets it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from swgdb_bridge.protocol import MAX_CLOCK_SKEW_SECONDS

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ServerSettings:
    max_body_bytes: int = 8 * MIB
    """Largest request body accepted as sent on the wire (compressed or not)."""
    max_decompressed_bytes: int = 32 * MIB
    """Largest body after ``Content-Encoding: gzip`` is undone: beyond it the request is a bomb (413)."""
    max_batch_sessions: int = 100
    max_json_values: int = 2_000_000
    """JSON values (counted from commas and brackets) in one decoded body, checked before parsing it."""
    max_error_fields: int = 20
    """Validation problems listed in one error answer (the message still gives the full count)."""
    rate_limit_requests: int = 120
    """Signed requests one user may make per window."""
    rate_limit_window_seconds: int = 60
    validate_per_ip_requests: int = 30
    """``/v1/auth/validate`` calls per client address per window, so it is no key-guessing oracle."""
    pairing_per_ip_requests: int = 60
    """``/v1/pairing/*`` calls per client address per window (a device polls every 5 s)."""
    pairing_code_guesses_per_ip: int = 10
    """Invite codes tried per client address per window: 40-bit codes stay out of reach of guessing."""
    dashboard_sign_ins_per_ip: int = 30
    """Dashboard sign-in POSTs, and login-link pages opened, per client address per window: each is an
    unauthenticated database look-up or write that says whether a guessed link works."""
    max_clock_skew_seconds: int = MAX_CLOCK_SKEW_SECONDS
    list_default_limit: int = 50
    list_max_limit: int = 200
    max_connections: int = 500
    """Open connections per server process; beyond it a new connection gets a 503 and is closed at once.
    Keep ``workers x max_connections`` well below the process's open-file limit (``ulimit -n``)."""
    header_timeout_seconds: float = 10.0
    """Time a client has to send a complete request head once it connects (or starts its next request)."""
    body_timeout_seconds: float = 60.0
    """Time a client has to send the whole request body once its head is in: a body that trickles in (one
    byte a second) would otherwise hold its connection for as long as its declared length lasts."""
    keepalive_timeout_seconds: float = 5.0
    """Time an idle keep-alive connection is kept open after a response."""
    max_streams_per_login: int = 4
    """Concurrent dashboard live-update streams of one dashboard user (a fifth tab gets a 429)."""
    max_streams: int = 100
    """Concurrent live-update streams per server process, all users together (beyond it: 503)."""
    trusted_proxies: tuple[str, ...] = ()
    """Peer addresses (or networks, ``10.0.0.0/8``) whose ``X-Forwarded-For`` names the client; by default
    none, so the client address is always the connection's own."""
    public_url: str | None = None
    """``scheme://host[:port]`` that users reach the server at (``SWGDB_PUBLIC_URL``): the start of every
    link an answer holds. None: links only for requests sent to the server's own address
    (:mod:`swgdb_bridge.server.api.public_url`), never to whatever ``Host`` a request names."""
    clock: Callable[[], float] = field(default=time.time)
    """Seconds since the epoch; injected by tests."""

    def now(self) -> float:
        return self.clock()

    def utcnow(self) -> datetime:
        """The same clock as an aware datetime, the form storage keeps."""
        return at(self.clock())


def at(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)
