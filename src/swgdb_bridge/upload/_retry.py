"""Client-side token bucket: stay under the server's rate limit instead of bouncing off it.

The server answers 429 when a user exceeds ``requests`` per ``window_seconds`` (``/v1/info``). Pacing
ourselves a little below that rate costs nothing and keeps a backfill of thousands of sessions from
turning into a storm of 429s and Retry-After waits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Fraction of the server's advertised rate we allow ourselves: other clients of the same user
# (a second machine, the dashboard) share that budget.
SAFETY_FACTOR = 0.9
_EPSILON = 1e-9


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
        if rate_per_second <= 0 or capacity < 1:
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
