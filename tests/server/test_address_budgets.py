"""Per-address budgets (``/v1/auth/validate``, pairing codes, the dashboard's sign-in) against one client
that holds many addresses or writes one address many ways.

An IPv6 client is given a whole /64 network (its provider routes 2^64 addresses to it; any home router
hands them out), so a budget per IPv6 address is no budget: the pairing code's "10 guesses per window"
became 10 per address, 2^64 times over. A trusted proxy may also name the client with a port
(``203.0.113.9:51234``, one per connection) or as an IPv4-mapped IPv6 address. Each case is sent for real
through a trusted proxy's ``X-Forwarded-For`` to a live server on SQLite and PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from ipaddress import IPv6Address, IPv6Network

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from fixtures.live_server import ROOMY, Api, FrozenClock
from swgdb_bridge.server.api.verify import MAX_BUCKET_ADDRESS, client_network
from swgdb_bridge.server.db.tables import rate_limits

PROXY = "127.0.0.31"


def _server(server_factory: Callable[..., Api], **limits: int) -> Api:
    """A server behind a trusted proxy at :data:`PROXY`, its clock frozen so every request is in one window."""
    return server_factory(replace(ROOMY, trusted_proxies=(PROXY,), clock=FrozenClock(time.time()), **limits))


def _redeem_statuses(api: Api, clients: list[str]) -> list[int]:
    """One wrong invite code from each client address, as the trusted proxy reports it."""
    proxy = api.from_address(PROXY).http
    return [
        proxy.post(
            "/v1/pairing/redeem", json={"code": "K7QF-M2XD-9"}, headers={"X-Forwarded-For": client}
        ).status_code
        for client in clients
    ]


def test_the_addresses_of_one_ipv6_network_share_one_code_guessing_budget(
    server_factory: Callable[..., Api],
) -> None:
    """Was: every address of the attacker's /64 had 10 guesses of its own (all 400, never a 429)."""
    api = _server(server_factory, pairing_code_guesses_per_ip=3)
    one_network = [f"2001:db8:7:1::{n:x}" for n in range(1, 6)]
    assert _redeem_statuses(api, one_network) == [400, 400, 400, 429, 429]
    assert _redeem_statuses(api, ["2001:db8:7:2::1"]) == [400]  # the neighbouring /64 is someone else


@pytest.mark.parametrize(
    "spellings",
    [
        ["203.0.113.9", "203.0.113.9:51234", "::ffff:203.0.113.9", "[::ffff:203.0.113.9]:443"],
        ["2001:db8:9::1", "2001:DB8:9:0:0:0:0:1", "[2001:db8:9::1]:8080", "2001:db8:9::abcd"],
    ],
)
def test_one_client_written_several_ways_has_one_validate_budget(
    server_factory: Callable[..., Api], spellings: list[str]
) -> None:
    """Was: a port (one per connection) or an IPv4-mapped form made a new client with a full budget."""
    api = _server(server_factory, validate_per_ip_requests=3)
    assert _validate_statuses(api, spellings) == [401, 401, 401, 429]


def test_a_client_name_that_is_no_address_never_breaks_the_budget(server_factory: Callable[..., Api]) -> None:
    """A proxy passing a client's own ``X-Forwarded-For`` on: 300 characters of it made the budget's key
    longer than its column (a 500 on PostgreSQL); each made-up name was a fresh budget besides."""
    api = _server(server_factory, validate_per_ip_requests=2)
    names = ["x" * 300, "unknown", "proxy.internal", "_hidden"]
    assert _validate_statuses(api, names) == [401, 401, 429, 429]


def _validate_statuses(api: Api, clients: list[str]) -> list[int]:
    """One unsigned validation from each client address, as the trusted proxy reports it."""
    proxy = api.from_address(PROXY).http
    return [
        proxy.get("/v1/auth/validate", headers={"X-Forwarded-For": client}).status_code for client in clients
    ]


def test_an_address_past_its_budget_costs_no_more_database_writes_until_its_window_ends(
    server_factory: Callable[..., Api],
) -> None:
    """Was: every refused request still counted its hit, one write transaction each, so a stranger's flood
    of ``/v1/auth/validate`` queued for the database's write lock with every upload (SQLite has one).
    A worker now remembers a refusal until the window ends: at most ``budget + 1`` writes per window."""
    clock = FrozenClock(time.time())
    api = server_factory(replace(ROOMY, trusted_proxies=(PROXY,), clock=clock, validate_per_ip_requests=3))
    statuses = _validate_statuses(api, ["203.0.113.50"] * 20)
    assert statuses == [401] * 3 + [429] * 17
    with api.storage.engine.connect() as connection:
        hits = connection.scalar(
            select(rate_limits.c.hits).where(rate_limits.c.bucket == "validate-ip:203.0.113.50")
        )
    assert hits == 4
    refused = api.from_address(PROXY).http.get(
        "/v1/auth/validate", headers={"X-Forwarded-For": "203.0.113.50"}
    )
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    clock.now += 60  # the next window: a fresh budget, counted in the database again
    assert _validate_statuses(api, ["203.0.113.50"] * 4) == [401] * 3 + [429]


@given(st.integers(0, 2**128 - 1), st.integers(0, 2**64 - 1))
def test_every_address_of_a_64_network_is_one_client(address: int, host_part: int) -> None:
    neighbour = IPv6Address(address >> 64 << 64 | host_part)
    network = IPv6Network((address >> 64 << 64, 64))
    if IPv6Address(address).ipv4_mapped is None and neighbour.ipv4_mapped is None:
        assert client_network(str(IPv6Address(address))) == client_network(str(neighbour)) == str(network)


@given(st.text(max_size=500))
def test_any_client_name_gives_a_short_key(name: str) -> None:
    assert len(client_network(name)) <= MAX_BUCKET_ADDRESS
