"""Replay nonces and rate limits: atomic in the database, so every worker and host shares them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from fixtures.postgres import TEST_SERVER_SECRET
from helpers.race import race
from swgdb_bridge.server.db.storage import NONCE_HORIZON, PURGE_EVERY, RequestClaim, Storage
from swgdb_bridge.server.db.tables import nonces, rate_limits

T0 = datetime(2026, 11, 24, 12, 0, 30, tzinfo=UTC)  # 30 s into a minute window
USER = "a" * 32


def two_workers(url: str) -> tuple[Storage, Storage]:
    return (
        Storage(url, server_secret=TEST_SERVER_SECRET),
        Storage(url, server_secret=TEST_SERVER_SECRET, migrate=False),
    )


def test_a_nonce_is_accepted_once_per_user(storage: Storage) -> None:
    expires = T0 + timedelta(minutes=5)
    assert storage.remember_nonce(USER, "0" * 32, expires) is True
    assert storage.remember_nonce(USER, "0" * 32, expires) is False
    assert storage.remember_nonce("b" * 32, "0" * 32, expires) is True


def test_racing_workers_accept_a_nonce_exactly_once(migrated_database_url: str) -> None:
    first, second = two_workers(migrated_database_url)
    try:
        for round_ in range(10):
            nonce = f"{round_:032x}"
            outcomes = race([lambda s=s, n=nonce: s.remember_nonce(USER, n, T0) for s in (first, second) * 2])
            assert sorted(outcomes) == [False, False, False, True], nonce
    finally:
        first.close()
        second.close()


def test_expired_nonces_are_purged_and_live_ones_kept(storage: Storage) -> None:
    later = T0 + timedelta(hours=1)
    storage.remember_nonce(USER, "old".ljust(32, "0"), T0)
    storage.remember_nonce(USER, "live".ljust(32, "0"), later - NONCE_HORIZON + timedelta(seconds=1))
    for index in range(PURGE_EVERY):
        storage.remember_nonce(USER, f"{index:032x}", later)
    with storage.engine.connect() as connection:
        left = set(connection.execute(select(nonces.c.nonce)).scalars())
    assert "old".ljust(32, "0") not in left
    assert "live".ljust(32, "0") in left
    assert storage.remember_nonce(USER, "live".ljust(32, "0"), later) is False


def _claim(user_hash: str, nonce: str, signed_at: datetime, now: datetime) -> RequestClaim:
    """What a request signed at ``signed_at`` spends on a worker whose clock reads ``now``."""
    expires = signed_at + NONCE_HORIZON / 2
    return RequestClaim(user_hash, nonce, expires, limit=10**6, window_seconds=60, now=now)


def test_a_purge_keeps_the_nonces_a_worker_whose_clock_lags_still_accepts(migrated_database_url: str) -> None:
    """Was: a purge cut off at the purging request's own timestamp less 300 s. A request stamped 300 s
    ahead (a client's fast clock) made that every nonce expired by its worker's clock, and a worker whose
    clock lagged by 100 s took a request it had already accepted a second time (a replay)."""
    lagging, ahead = two_workers(migrated_database_url)
    try:
        user_hash, _ = lagging.add_user("replayed")
        lag = timedelta(seconds=100)
        accepted = _claim(user_hash, "f" * 32, T0 - timedelta(seconds=250), now=T0)  # in the lagging window
        assert lagging.admit(accepted)[0].admitted
        for index in range(PURGE_EVERY):
            signed_ahead = T0 + lag + NONCE_HORIZON / 2  # the fastest clock the window admits
            ahead.admit(_claim(user_hash, f"{index:032x}", signed_ahead, now=T0 + lag))
        assert lagging.admit(accepted)[0].replay
    finally:
        lagging.close()
        ahead.close()


def test_fixed_window_counts_then_refuses_then_resets(storage: Storage) -> None:
    decisions = [storage.hit_rate_limit("user:a", 3, 60, T0 + timedelta(seconds=i)) for i in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]
    assert [d.reset_seconds for d in decisions] == [30, 29, 28, 27, 26]
    assert {d.limit for d in decisions} == {3}
    fresh = storage.hit_rate_limit("user:a", 3, 60, T0 + timedelta(seconds=30))
    assert (fresh.allowed, fresh.remaining, fresh.reset_seconds) == (True, 2, 60)


def test_buckets_are_independent(storage: Storage) -> None:
    storage.hit_rate_limit("user:a", 1, 60, T0)
    assert storage.hit_rate_limit("user:a", 1, 60, T0).allowed is False
    assert storage.hit_rate_limit("ip:127.0.0.1", 1, 60, T0).allowed is True


def test_two_workers_share_one_limit(migrated_database_url: str) -> None:
    first, second = two_workers(migrated_database_url)
    try:
        alternating = [(first, second)[i % 2].hit_rate_limit("user:a", 4, 60, T0) for i in range(6)]
        assert [d.allowed for d in alternating] == [True] * 4 + [False] * 2
        burst = race([lambda s=s: s.hit_rate_limit("user:b", 5, 60, T0).allowed for s in (first, second) * 4])
        assert burst.count(True) == 5
    finally:
        first.close()
        second.close()


def test_stale_windows_are_purged(storage: Storage) -> None:
    storage.hit_rate_limit("ip:old", 10, 60, T0)
    later = T0 + timedelta(hours=1)
    for index in range(PURGE_EVERY):
        storage.hit_rate_limit(f"user:{index % 3}", 10**6, 60, later)
    with storage.engine.connect() as connection:
        buckets = set(connection.execute(select(rate_limits.c.bucket)).scalars())
        count = connection.execute(select(func.count()).select_from(rate_limits)).scalar()
    assert buckets == {"user:0", "user:1", "user:2"} and count == 3
