"""When to try again: exponential backoff, the server's ``Retry-After``, and a token bucket under its rate limit.

The server's hints are obeyed only within bounds this module documents, because a server (or anyone in
the middle of a plain-http connection) can send anything: a ``Retry-After`` of 31 years, a rate of one
request per 10⁹ seconds, ``"many"`` where a number belongs. A hint beyond its bound is clamped with a
plain warning; a hint that is not a finite number is ignored with a warning. Neither ever raises, and
nothing infinite reaches the outbox's schedule. ``docs/delivery.md`` lists the bounds.

Pacing ourselves a little below the server's advertised rate costs nothing and keeps a backfill of
thousands of sessions from turning into a storm of 429s and Retry-After waits.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import re
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

# Longest wait any server hint or our own backoff can impose: a session parked longer than this
# looks lost to its user, and `upload --force` makes everything due at once anyway.
MAX_WAIT_SECONDS = 3600.0
# Slowest pace a rate hint can impose: one request a minute. A server that wants less says 429.
MIN_PACED_RATE = 1 / 60
MAX_HINT_REQUESTS = 1_000_000
# Fraction of the server's advertised rate we allow ourselves: other clients of the same user
# (a second machine, the dashboard) share that budget.
SAFETY_FACTOR = 0.9
_EPSILON = 1e-9
_DELTA_SECONDS = re.compile(r"[0-9]+")  # RFC 9110 delay-seconds: ASCII digits only (str.isdigit takes "²")
_SHOWN_CHARS = 40


def _shown(value: object) -> str:
    """A server's value as it may appear in a warning: repr (control characters escaped), cut short."""
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else f"{text[:_SHOWN_CHARS]}… ({len(text)} characters)"


def bounded_hint(name: str, value: Any, low: float, high: float) -> float | None:
    """A number the server suggested, kept within ``[low, high]``; None when it is not a finite number.

    Either case is logged as a warning naming the hint. Integers are compared before any float conversion,
    so a 400-digit value is clamped rather than turned into infinity (or an OverflowError).
    """
    finite = isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    if isinstance(value, bool) or not finite:
        log.warning("ignoring the server's %s hint %s: not a finite number", name, _shown(value))
        return None
    if low <= value <= high:
        return float(value)
    bound = low if value < low else high
    log.warning("the server's %s hint %s is out of bounds; using %g instead", name, _shown(value), bound)
    return bound


def backoff_delay(attempt: int, base: float, cap: float = MAX_WAIT_SECONDS) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)].

    Full jitter spreads clients that failed together (a server restart) over the whole interval. The
    exponent is bounded so a session with thousands of attempts cannot overflow the float.
    """
    return random.uniform(0, min(cap, base * 2.0 ** min(attempt, 64)))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds from now (delta-seconds or an HTTP date), at most ``MAX_WAIT_SECONDS``.

    None when absent; None with a warning when it is neither form.
    """
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        # Python refuses int() of more than 4300 digits; any 4000-digit prefix is clamped the same way
        return bounded_hint("Retry-After", int(value[:4000]), 0, MAX_WAIT_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(value)
        delta = when.timestamp() - (time.time() if now is None else now)
    except (TypeError, ValueError, OverflowError, IndexError):
        log.warning("ignoring the server's Retry-After %s: neither seconds nor an HTTP date", _shown(value))
        return None
    return bounded_hint("Retry-After", max(0.0, delta), 0, MAX_WAIT_SECONDS)


class TokenBucket:
    """Classic token bucket; ``acquire()`` blocks until a token is available."""

    def __init__(
        self,
        rate_per_second: float,
        capacity: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not rate_per_second > 0 or not capacity >= 1:
            raise ValueError("a token bucket needs a positive rate and a capacity of at least one token")
        self.rate = rate_per_second
        self.capacity = capacity
        self._clock = clock
        self._sleep = sleep
        self._tokens = capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    @classmethod
    def for_server_limit(cls, requests: int, window_seconds: float, **kwargs: object) -> TokenBucket:
        """A bucket that never sends more than ``requests`` in any ``window_seconds``-long stretch.

        Within any window a bucket can spend its full burst plus what refills meanwhile, so burst + rate ×
        window is kept at ``SAFETY_FACTOR`` × ``requests``: a quarter of the limit as burst, the rest paced.
        (A limit of one or two requests per window cannot be met with a burst of one; 429s cover that.)
        """
        capacity = max(1, requests // 4)
        paced = SAFETY_FACTOR * requests - capacity
        rate = (paced if paced > 0 else SAFETY_FACTOR * requests / 2) / window_seconds
        return cls(rate, capacity, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def for_server_hint(cls, rate_limit: Any, **kwargs: object) -> TokenBucket | None:
        """The bucket for ``/v1/info``'s ``rate_limit: {requests, window_seconds}``, within our bounds.

        None (no pacing; 429s still slow us down) when the hint is absent or unusable. Never slower than
        ``MIN_PACED_RATE``, whatever the hint says.
        """
        if rate_limit is None:
            return None
        if not isinstance(rate_limit, dict):
            log.warning("ignoring the server's rate_limit hint %s: not an object", _shown(rate_limit))
            return None
        requests = bounded_hint("rate_limit.requests", rate_limit.get("requests"), 1, MAX_HINT_REQUESTS)
        window = bounded_hint(
            "rate_limit.window_seconds", rate_limit.get("window_seconds"), 1, MAX_WAIT_SECONDS
        )
        if requests is None or window is None:
            return None
        bucket = cls.for_server_limit(int(requests), window, **kwargs)
        if bucket.rate < MIN_PACED_RATE:
            log.warning(
                "the server's rate_limit hint (%d per %g s) would pace uploads slower than one a minute; "
                "pacing at one a minute instead",
                requests,
                window,
            )
            bucket.rate = MIN_PACED_RATE
        return bucket

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def try_acquire(self) -> float:
        """Take a token and return 0, or return how many seconds until one is due (taking nothing)."""
        with self._lock:
            self._refill()
            if self._tokens >= 1 - _EPSILON:  # tolerance: a float refill may land a hair under one token
                self._tokens = max(0.0, self._tokens - 1)
                return 0.0
            return (1 - self._tokens) / self.rate

    def acquire(self) -> None:
        while (wait := self.try_acquire()) > 0:
            self._sleep(wait)
