"""Each worker caches users' keys for KEY_CACHE_SECONDS (docs/keys.md): what that may and may not change.

Two servers (workers) on one database share a frozen clock that only the test moves: a key revoked on one
worker stops at once there and within the cache time on the other; a key issued on one worker works on the
other at once, cached entry or not.
"""

from __future__ import annotations

import time
from datetime import timedelta

from fixtures.live_server import Account, FrozenClock
from swgdb_bridge.server.db.keys import KEY_CACHE_SECONDS, KeyCache
from swgdb_bridge.server.settings import ServerSettings


def works(api, account: Account) -> bool:
    status = api.signed(account, "GET", "/v1/sessions").status_code
    assert status in (200, 401), status
    return status == 200


def test_a_revoked_key_stops_at_once_on_its_worker_and_within_the_cache_time_on_others(
    server_factory,
) -> None:
    clock = FrozenClock(time.time())
    revoking, other = (server_factory(ServerSettings(clock=clock)) for _ in range(2))
    account = revoking.account()
    assert works(other, account)  # the other worker now holds the key in its cache
    assert revoking.signed(account, "POST", "/v1/auth/revoke").status_code == 200
    assert not works(revoking, account)
    clock.now += KEY_CACHE_SECONDS - 0.5
    assert works(other, account)  # the documented window: a cached key outlives its revocation briefly
    clock.now += 0.5
    assert not works(other, account)


def test_a_key_issued_on_one_worker_works_on_another_at_once(server_factory) -> None:
    clock = FrozenClock(time.time())
    issuing, other = (server_factory(ServerSettings(clock=clock)) for _ in range(2))
    account = issuing.account()
    assert works(other, account)  # cached: the first key only
    rotated = Account(account.user_hash, issuing.storage.rotate_key(account.user_hash, timedelta(0)))
    assert works(other, rotated)  # a mismatch against cached keys asks the database again


def test_an_entry_ages_from_its_read_not_its_last_use_and_the_cache_stays_bounded() -> None:
    cache = KeyCache(ttl=5, size=2)
    cache.put("alice", ["k1"], now=100)
    assert cache.get("alice", 104.9) == ("k1",)
    assert cache.get("alice", 105) is None  # used a moment ago, still expired
    assert cache.get("alice", 99) is None  # a clock stepping back does not revive it
    cache.put("bob", [], now=100)
    cache.put("carol", ["k3"], now=100)
    cache.put("dave", ["k4"], now=100)
    assert (cache.get("bob", 100), cache.get("carol", 100), cache.get("dave", 100)) == (
        None,
        ("k3",),
        ("k4",),
    )
    cache.forget("carol")
    assert cache.get("carol", 100) is None
