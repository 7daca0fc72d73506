"""The client's token bucket, on a fake clock: it keeps a client under the server's advertised limit."""

from __future__ import annotations

import pytest

from swgdb_bridge.upload._retry import SAFETY_FACTOR, TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_burst_then_paced_at_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate_per_second=2.0, capacity=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        bucket.acquire()
    assert clock.slept == []
    bucket.acquire()
    assert clock.slept == [pytest.approx(0.5)]
    clock.now += 10  # idle time refills, but never beyond the capacity
    for _ in range(3):
        bucket.acquire()
    assert len(clock.slept) == 1


@pytest.mark.parametrize(("requests", "window"), [(120, 60), (10, 1), (5, 300)])
def test_never_more_than_the_server_allows_in_any_window(requests: int, window: float) -> None:
    """Over any window-long stretch, at most the server's limit, burst and refill together."""
    clock = FakeClock()
    bucket = TokenBucket.for_server_limit(requests, window, clock=clock, sleep=clock.sleep)
    stamps = []
    for _ in range(requests * 3):
        bucket.acquire()
        stamps.append(clock.now)
    for i, start in enumerate(stamps):
        in_window = sum(1 for t in stamps[i:] if t < start + window)
        assert in_window <= requests
    assert len(stamps) / stamps[-1] >= SAFETY_FACTOR * requests / window * 0.7  # and not needlessly slow


def test_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        TokenBucket(0, 1)
