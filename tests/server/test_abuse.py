"""The server's bounds under abuse (issue 13, findings 1-8), each attack made for real against the live server.

Every test reproduces one finding as an attacker would send it and asserts the bound that now holds: error
answers of a fixed size, metrics labels from a fixed set, connections and streams capped, numbers and times
bounded on input and harmless once stored, client text escaped in logs, equal work for unknown users, and
``X-Forwarded-For`` ignored unless the peer is a configured proxy. The resource figures of the same attacks
on a separate server process are in ``tests/system/test_attacks.py``.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import Any

import httpx
import orjson
import pytest

from fixtures.live_server import ROOMY, Account, Api, FrozenClock
from fixtures.payloads import make_document, make_payload
from helpers.http import http_client, sign_in
from swgdb_bridge import protocol
from swgdb_bridge.payload import content_digest
from swgdb_bridge.server import dashboard_link
from swgdb_bridge.server.db import keys
from swgdb_bridge.server.ops.connections import BUSY_RESPONSE
from swgdb_bridge.server.ops.logging import JsonFormatter
from swgdb_bridge.server.ops.metrics import METHODS
from swgdb_bridge.server.settings import ServerSettings

UPLOAD = "/v1/sessions/upload"
GZIP = {"Content-Type": "application/json", "Content-Encoding": "gzip"}


def _with(settings: ServerSettings = ROOMY, **changes: Any) -> ServerSettings:
    return replace(settings, **changes)


def _upload_gzip(api: Api, account: Account, document: Any) -> httpx.Response:
    body = gzip.compress(orjson.dumps(document))
    return api.signed(account, "POST", UPLOAD, body, headers=GZIP)


# --- 1. validation-error amplification --------------------------------------------------------------------


def test_half_a_million_invalid_items_give_one_small_error_answer(live_api: Api) -> None:
    """Was: a 14 KB gzip body of 500k bad items → a 60 MiB 422 and +1.1 GB of server memory."""
    account = live_api.account()
    document = make_document("amplify-1")
    document["xp_data"]["xp_events"] = [1] * 500_000
    response = _upload_gzip(live_api, account, document)
    assert response.status_code == 422, response.text[:500]
    assert len(response.content) < 4096
    [field] = response.json()["fields"]  # the list stopped at its first bad item
    assert field["path"] == "xp_data.xp_events[0]"
    assert live_api.stored(account) == []


def test_error_answers_list_at_most_max_error_fields_each_cut_short(live_api: Api) -> None:
    account = live_api.account()
    document = make_document("amplify-2")
    long_key = "k" * 5000
    document["xp_data"]["skill_breakdown"] = {f"skill-{i}": -1 for i in range(5000)} | {long_key: 1}
    response = _upload_gzip(live_api, account, document)
    assert response.status_code == 422
    body = response.json()
    assert len(body["fields"]) == ROOMY.max_error_fields
    assert "5001 problems" in body["message"] and "the first 20" in body["message"]
    assert all(len(field["path"]) <= 200 and len(field["message"]) <= 200 for field in body["fields"])
    assert len(response.content) < 20 * 700


def test_a_body_of_too_many_json_values_is_refused_before_parsing(server_factory: Callable[..., Api]) -> None:
    api = server_factory(_with(max_json_values=10_000))
    account = api.account()
    dense = b"[" + b"{}," * 20_000 + b"{}]"
    response = api.signed(account, "POST", UPLOAD, gzip.compress(dense), headers=GZIP)
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "body_too_complex"
    assert api.upload(account, orjson.dumps(make_document("small-enough"))).status_code == 201


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("strings", "x" * 2001),
        ("lists", ["Tatooine"] * 10_001),
    ],
)
def test_strings_and_lists_are_bounded_in_the_payload(live_api: Api, where: str, value: Any) -> None:
    account = live_api.account()
    document = make_document(f"bounded-{where}")
    document["location_data"]["unique_planets"] = value if where == "lists" else [value]
    response = live_api.upload(account, orjson.dumps(document))
    assert response.status_code == 422, response.text
    assert response.json()["fields"][0]["path"].startswith("location_data.unique_planets")


# --- 2. metrics labels ------------------------------------------------------------------------------------


def test_made_up_methods_and_paths_do_not_grow_metrics(live_api: Api) -> None:
    """Was: every made-up HTTP method became a label value; 20k requests grew /metrics to 32 MB."""

    def burst(tag: str) -> None:
        for i in range(40):
            live_api.http.request(f"X{tag}{i}", "/v1/info")
            live_api.http.get(f"/{tag}/made-up/{i}")

    burst("A")
    live_api.http.get("/metrics")  # the scrape's own series exists from here on
    before = live_api.http.get("/metrics").text
    burst("B")
    after = live_api.http.get("/metrics").text
    series = [line for line in after.splitlines() if line.startswith("swgdb_request_duration_seconds_count")]
    methods = {line.split('method="')[1].split('"')[0] for line in series}
    assert methods <= METHODS | {"other"} and "other" in methods
    assert not any("made-up" in line or "XA" in line or "XB" in line for line in after.splitlines())
    assert len(after.splitlines()) == len(before.splitlines())


# --- 3. header-read timeout and connection cap ------------------------------------------------------------


# The head deadline and the connection cap act in the HTTP layer (server/ops/connections.py), before any route
# or database is reached: their tests run on one database.
http_layer_only = pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)


def _connect(api: Api) -> socket.socket:
    host, port = api.url.removeprefix("http://").rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=15)


def _closed_by_server(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (a 15 s socket timeout fails the test instead)."""
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def _one_response(sock: socket.socket) -> bytes:
    """One whole response of known length, leaving the connection open."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(4096)
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += sock.recv(4096)
    return received


@http_layer_only
def test_a_request_head_that_never_completes_is_closed(server_factory: Callable[..., Api]) -> None:
    """Was: partial-header connections stayed open > 75 s."""
    api = server_factory(_with(header_timeout_seconds=0.5))
    with _connect(api) as partial:
        partial.sendall(b"GET /v1/info HTTP/1.1\r\nHost: x\r\n")
        assert _closed_by_server(partial) == b""
    assert api.healthy()


def _trickle_until_closed(
    connection: socket.socket, byte: bytes, tries: int, pause: float, what: str
) -> None:
    """Send ``byte`` every ``pause`` seconds; the server must close the connection (an ``OSError`` here:
    broken pipe or reset) before ``tries`` are sent."""
    with pytest.raises(OSError):
        for _ in range(tries):
            connection.sendall(byte)
            time.sleep(pause)
        raise AssertionError(f"the server kept a trickling {what} open for {tries * pause:.0f} s")


@http_layer_only
def test_trickling_the_head_does_not_extend_its_deadline(server_factory: Callable[..., Api]) -> None:
    api = server_factory(_with(header_timeout_seconds=0.5))
    with _connect(api) as slow:
        slow.sendall(b"GET /v1/info HTTP/1.1\r\n")
        _trickle_until_closed(slow, b"X", tries=200, pause=0.05, what="request head")  # 10 s >> 0.5 s


@http_layer_only
def test_keepalive_connections_get_their_next_request_head_deadline_too(
    server_factory: Callable[..., Api],
) -> None:
    api = server_factory(_with(header_timeout_seconds=0.5, keepalive_timeout_seconds=30))
    with _connect(api) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _one_response(sock).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /v1/info HTTP/1.1\r\n")  # the next request's head, never finished
        assert _closed_by_server(sock) == b""


@http_layer_only
def test_connections_beyond_the_cap_get_a_503_and_the_server_recovers(
    server_factory: Callable[..., Api],
) -> None:
    """Was: 21,000 idle connections exhausted file descriptors and real requests timed out."""
    cap = 10
    api = server_factory(_with(max_connections=cap, header_timeout_seconds=60))
    with ExitStack() as held:
        idle = [held.enter_context(_connect(api)) for _ in range(cap)]
        _wait_for(lambda: api.running.open_connections() == cap)
        for _ in range(20):
            with _connect(api) as extra:
                assert _closed_by_server(extra) == BUSY_RESPONSE
        assert api.running.open_connections() <= cap
        assert len(idle) == cap
    _wait_for(lambda: api.running.open_connections() == 0)
    assert api.healthy()


def _wait_for(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


# --- 4. live-update streams -------------------------------------------------------------------------------


@contextmanager
def _dashboard_client(api: Api, account: Account) -> Iterator[httpx.Client]:
    """A browser logged in to ``account``'s dashboard."""
    with http_client(base_url=api.url, timeout=15) as client:
        assert sign_in(client, dashboard_link(api.storage, account.user_hash, api.url)).status_code == 303
        yield client


@contextmanager
def _stream(client: httpx.Client) -> Iterator[httpx.Response]:
    with client.stream("GET", "/dashboard/events") as response:
        yield response


def test_live_update_streams_are_capped_per_login_and_in_total(server_factory: Callable[..., Api]) -> None:
    """Was: one dashboard cookie opened 5,000-10,000 streams and slowed every other request to seconds."""
    api = server_factory(_with(max_streams_per_login=2, max_streams=3))
    alice, bob = api.account("alice"), api.account("bob")
    with _dashboard_client(api, alice) as a, _dashboard_client(api, bob) as b, ExitStack() as streams:
        assert [streams.enter_context(_stream(a)).status_code for _ in range(2)] == [200, 200]
        with _stream(a) as third:
            assert third.status_code == 429 and third.headers["retry-after"]
        assert streams.enter_context(_stream(b)).status_code == 200
        with _stream(b) as over_total:
            assert over_total.status_code == 503
        assert api.healthy()
    _wait_for(lambda: api.running.app.state.stream_slots.open_streams() == 0)
    with _dashboard_client(api, alice) as again, _stream(again) as reopened:
        assert reopened.status_code == 200


# --- 5. numbers and times ---------------------------------------------------------------------------------

OVERFLOWING_TIME = "0001-01-01T00:30:00+14:00"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("start_time",), OVERFLOWING_TIME),
        (("end_time",), "9999-12-31T23:30:00-14:00"),
        (("xp_data", "xp_events", 0, "timestamp"), OVERFLOWING_TIME),
        (("start_time",), "1999-12-31T23:59:59+00:00"),
        (("xp_data", "total_xp_gained"), 2**63 - 1),
        (("credit_data", "total_credits_gained"), 2**31),
        (("location_data", "travel_time_minutes"), 1e300),
        (("location_data", "time_per_planet_minutes"), {"Tatooine": 1e308}),
        (("xp_data", "xp_per_hour"), 1e13),
    ],
    ids=lambda value: str(value)[:30],
)
def test_out_of_range_numbers_and_times_are_a_422_never_a_500(
    live_api: Api, path: tuple[Any, ...], value: Any
) -> None:
    """Was: a start time of 0001-01-01T00:30:00+14:00 made the upload a 500 (retried by clients for ever)."""
    account = live_api.account()
    document = make_document("range-1")
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    response = live_api.upload(account, orjson.dumps(document))
    assert response.status_code == 422, response.text
    assert live_api.stored(account) == []


def _extreme_document(session_id: str, start: str, end: str) -> dict[str, Any]:
    """What an older server stored before the bounds: 64-bit XP, durations of 1e300, times at the edges."""
    document = make_document(session_id, xp=2**63 - 1)
    document["start_time"], document["end_time"] = start, end
    document["location_data"]["time_per_planet_minutes"] = {"Tatooine": 1e308}
    document["location_data"]["location_events"] = [
        {"timestamp": OVERFLOWING_TIME, "planet": "Naboo", "duration_minutes": 1e300},
        {"timestamp": start, "planet": "Tatooine", "duration_minutes": 1e300},
    ]
    document["event_data"]["afk_periods"] = [{"start_time": start, "duration_minutes": 1e300}]
    document["event_data"]["stuck_events"] = [{"timestamp": end, "duration_seconds": 1e308}]
    document["performance_metrics"]["actions_per_hour"] = 1e308
    return document


def test_pages_never_fail_on_extremes_stored_before_the_bounds(live_api: Api) -> None:
    """Was: two sessions of XP 2**63-1 (SQLite SUM overflow), years 1 and 9999, durations of 1e300 and planet
    minutes summing to infinity made the overview, charts and session page answer 500 for good."""
    account = live_api.account()
    now = ServerSettings().utcnow()
    extremes = [
        _extreme_document("old-1", "0001-01-01T00:00:00+00:00", "0001-01-01T01:00:00+00:00"),
        _extreme_document("old-2", "9999-12-31T22:00:00+00:00", "9999-12-31T23:00:00+00:00"),
    ]
    for document in extremes:
        digest = content_digest(document)
        live_api.storage.upsert_session(account.user_hash, document["session_id"], digest, document, now)
    with _dashboard_client(live_api, account) as client:
        for page in (
            "/dashboard/",
            "/dashboard/?date_from=1970-01-01",
            "/dashboard/sessions?sort=xp",
            "/dashboard/sessions/old-1",
            "/dashboard/sessions/old-2",
            "/dashboard/charts/xp-rate.svg",
            "/dashboard/charts/credit-rate.svg",
            "/dashboard/charts/planets.svg",
        ):
            response = client.get(page)
            assert response.status_code == 200, (page, response.text[:300])


# --- 6. log injection -------------------------------------------------------------------------------------


def test_control_characters_in_paths_are_escaped_in_every_log_format(
    live_api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """Was: %0A and %1B in a path forged log lines and put raw escapes in the text log."""
    caplog.set_level(logging.INFO, logger="swgdb_bridge.server")
    live_api.http.get("/v1/x%0Arequest 0 GET /forged -> 200%1B[2J%E2%80%AE")
    # the access line is written after the answer is sent: wait for it (no timing is asserted)
    _wait_for(lambda: any("/v1/x" in r.getMessage() for r in caplog.records))
    [record] = [r for r in caplog.records if "/v1/x" in r.getMessage()]
    text_line = logging.Formatter("%(levelname)s %(message)s").format(record)
    json_line = JsonFormatter().format(record)
    for line in (text_line, json_line):
        assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert "/v1/x\\nrequest 0 GET /forged -> 200\\x1b[2J\\u202e" in text_line
    assert "\x1b" not in json.loads(json_line)["message"]


# --- 7. equal work for unknown users ----------------------------------------------------------------------


def test_unknown_users_and_bad_signatures_cost_the_same_work(
    live_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: a known user hash with a bad signature answered 10-21 µs slower than an unknown one. The work is
    counted rather than timed: key derivations, verifier checks and HMACs must be the same for both."""
    calls: dict[str, int] = {}

    def counting(module: Any, name: str) -> None:
        real = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            calls[name] = calls.get(name, 0) + 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)

    for module, name in (
        (keys, "derive_api_key"),
        (keys, "verifier_matches"),
        (protocol, "compute_signature"),
    ):
        counting(module, name)
    known = live_api.account()
    unknown = Account(keys.new_user_hash(), known.api_key)
    wrong_key = Account(known.user_hash, "swgdb_" + "A" * 43)
    work = []
    for account in (unknown, wrong_key):
        headers = live_api.sign(account, "GET", "/v1/auth/validate")
        calls.clear()
        response = live_api.http.get("/v1/auth/validate", headers=headers)
        assert response.status_code == 401
        work.append(dict(calls))
    assert work[0] == work[1] == {"derive_api_key": 1, "verifier_matches": 1, "compute_signature": 1}


# --- 8. X-Forwarded-For -----------------------------------------------------------------------------------


def _validate_statuses(api: Api, peer: str, count: int) -> list[int]:
    """``count`` unsigned validations from loopback address ``peer``, each claiming another client."""
    client = api.from_address(peer).http
    return [
        client.get("/v1/auth/validate", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
        for i in range(count)
    ]


def test_forwarded_for_is_ignored_from_peers_that_are_not_trusted_proxies(
    server_factory: Callable[..., Api],
) -> None:
    """Was: any loopback peer could name itself any client address, and so escape per-address limits."""
    api = server_factory(_with(validate_per_ip_requests=3, clock=FrozenClock(time.time())))  # one window
    assert _validate_statuses(api, "127.0.0.21", 5) == [401, 401, 401, 429, 429]


def test_forwarded_for_names_the_client_when_the_peer_is_a_trusted_proxy(
    server_factory: Callable[..., Api],
) -> None:
    api = server_factory(_with(validate_per_ip_requests=3, trusted_proxies=("127.0.0.22",)))
    assert _validate_statuses(api, "127.0.0.22", 5) == [401] * 5


# --- 9. request bodies that never finish ------------------------------------------------------------------


def _head(target: str, length: int, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"POST {target} HTTP/1.1", "Host: x", f"Content-Length: {length}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return "\r\n".join(lines).encode() + b"\r\n\r\n"


def _unfinished_bodies(api: Api) -> dict[str, bytes]:
    """A request head and the first half of its body, for each kind of route that reads a body."""
    body = orjson.dumps(make_document("left-early"))
    signed = api.sign(api.account(), "POST", UPLOAD, body)
    return {
        "/dashboard/login": _head("/dashboard/login", 1000) + b"token=abc",
        "/v1/pairing/redeem": _head("/v1/pairing/redeem", 1000) + b'{"code": ',
        UPLOAD: _head(UPLOAD, len(body), signed) + body[: len(body) // 2],
    }


def test_a_client_leaving_mid_body_is_logged_as_such_not_as_a_crash(
    live_api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """Was: every client that hung up mid-body left an ERROR "crashed with ClientDisconnect" and a stack
    trace in the log: anyone could write tracebacks into it, one per connection."""
    caplog.set_level(logging.INFO, logger="swgdb_bridge.server")
    server_errors = _server_errors(live_api)
    for target, partial in _unfinished_bodies(live_api).items():
        with _connect(live_api) as sock:
            sock.sendall(partial)
        _wait_for(lambda target=target: any(f"POST {target} ->" in r.getMessage() for r in caplog.records))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert _server_errors(live_api) == server_errors  # nor a 5xx in the metrics, which may page someone
    assert live_api.healthy()


def _server_errors(api: Api) -> float:
    """The server's 5xx answers so far, from its own /metrics."""
    lines = api.http.get("/metrics").text.splitlines()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in lines
        if re.search(r'^swgdb_rejects_total\{.*status="5', line)
    )


@http_layer_only
@pytest.mark.parametrize("target", ["/dashboard/login", "/v1/pairing/redeem", UPLOAD])
def test_trickling_a_body_does_not_hold_the_connection_past_its_deadline(
    server_factory: Callable[..., Api], target: str
) -> None:
    """Was: a complete head, then one body byte a second, held a connection for as long as the declared
    length lasted (forever, chunked): 500 such clients, no key needed (login, pairing), filled a worker."""
    api = server_factory(_with(body_timeout_seconds=1.0))
    partial = _unfinished_bodies(api)[target]
    with _connect(api) as slow:
        slow.sendall(partial)
        _trickle_until_closed(slow, b" ", tries=100, pause=0.1, what="request body")  # 10 s >> 1 s
    assert api.upload(api.account(), make_payload("after-trickle")).status_code == 201
