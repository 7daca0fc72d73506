"""Attacks on the real server: each is refused with the right status, and nothing is stored.

Every refused request is followed by a check on storage (the attacked user has no new session) and, where
it matters, by the untampered original succeeding — proof that the refusal did not burn its nonce.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from fixtures.live_server import Account, Api, FrozenClock, launch
from fixtures.payloads import make_document, make_payload
from fixtures.postgres import TEST_SERVER_SECRET
from helpers.http import http_client
from swgdb_bridge import protocol
from swgdb_bridge.server.db.storage import Storage
from swgdb_bridge.server.settings import MIB, ServerSettings

pytestmark = pytest.mark.usefixtures("log_leak_watch")  # the whole suite's logs: no key, no signature

UPLOAD = "/v1/sessions/upload"
JSON = {"Content-Type": "application/json"}


def _unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "unauthorized"


def _stable_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in ("date", "x-request-id")}


# --- forged, replayed, mis-timed --------------------------------------------------------------------------


def test_tampered_body_is_refused_and_the_original_still_lands(live_api: Api) -> None:
    account = live_api.account()
    body = make_payload("tamper-1").to_json_bytes()
    headers = live_api.sign(account, "POST", UPLOAD, body)
    forged = body.replace(b'"total_xp_gained":1200', b'"total_xp_gained":9999')
    assert forged != body
    _unauthorized(live_api.http.post(UPLOAD, content=forged, headers=headers))
    assert live_api.stored(account) == []
    assert live_api.http.post(UPLOAD, content=body, headers=headers).status_code == 201


def _replay_is_refused(live_api: Api, replay_to: Api, session_id: str) -> Account:
    """Upload once through ``live_api``, replay the signed request to ``replay_to``: refused, no change."""
    account = live_api.account()
    body = make_payload(session_id).to_json_bytes()
    headers = live_api.sign(account, "POST", UPLOAD, body)
    assert live_api.http.post(UPLOAD, content=body, headers=headers).status_code == 201
    [before] = live_api.stored(account)
    _unauthorized(replay_to.http.post(UPLOAD, content=body, headers=headers))
    assert live_api.stored(account) == [before]
    return account


def test_a_replayed_request_is_refused_and_changes_nothing(live_api: Api) -> None:
    _replay_is_refused(live_api, live_api, "replay-1")


def test_a_request_replayed_to_another_worker_is_refused(live_api: Api, server_factory) -> None:
    """Nonces live in the database, so a second server process on it knows what the first accepted."""
    other_worker = server_factory()
    account = _replay_is_refused(live_api, other_worker, "two-workers")
    assert other_worker.upload(account, make_payload("two-workers")).status_code == 200  # re-signed: fine


def test_rate_limits_are_shared_by_workers_on_one_database(server_factory) -> None:
    settings = ServerSettings(
        rate_limit_requests=3, clock=FrozenClock(time.time())
    )  # no window edge mid-test
    first, second = server_factory(settings), server_factory(settings)
    account = first.account()
    statuses = [
        api.signed(account, "GET", "/v1/sessions").status_code for api in (first, second, first, second)
    ]
    assert statuses == [200, 200, 200, 429]


@pytest.fixture(scope="module")
def _clocked_server(backend_url: str, server_secret: bytes) -> Iterator[tuple[Api, FrozenClock]]:
    clock = FrozenClock()
    api = launch(backend_url, ServerSettings(clock=clock, rate_limit_requests=1000), server_secret)
    yield api, clock
    api.close()


@pytest.fixture
def clocked_api(_clocked_server: tuple[Api, FrozenClock]) -> tuple[Api, FrozenClock]:
    """A server on a frozen clock, one per module and backend (a server start per test was most of these
    tests' time); the clock is set back to its start before each test, and each test uses its own user."""
    api, clock = _clocked_server
    clock.now = FrozenClock().now
    return api, clock


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-301, False), (-300, True), (0, True), (300, True), (301, False)]
)
def test_timestamps_are_accepted_within_300_seconds_either_way(
    clocked_api: tuple[Api, FrozenClock], offset: int, accepted: bool
) -> None:
    api, clock = clocked_api
    account = api.account()
    body = make_payload("clock-1").to_json_bytes()
    response = api.signed(account, "POST", UPLOAD, body, timestamp=int(clock.now) + offset)
    if accepted:
        assert response.status_code == 201, response.text
        assert len(api.stored(account)) == 1
    else:
        assert response.status_code == 401
        assert response.json()["error"] == "clock_skew"
        assert str(int(clock.now)) in response.json()["message"]
        assert api.stored(account) == []


def test_a_nonce_is_remembered_as_long_as_its_timestamp_is_acceptable(
    clocked_api: tuple[Api, FrozenClock],
) -> None:
    api, clock = clocked_api
    account = api.account()
    headers = api.sign(account, "GET", "/v1/auth/validate", timestamp=int(clock.now))
    assert api.http.get("/v1/auth/validate", headers=headers).status_code == 200
    clock.now += 300
    _unauthorized(api.http.get("/v1/auth/validate", headers=headers))
    clock.now += 1
    assert api.http.get("/v1/auth/validate", headers=headers).json()["error"] == "clock_skew"


def test_wrong_key_and_unknown_user_get_identical_answers(live_api: Api) -> None:
    account = live_api.account()
    wrong_key = live_api.signed(Account(account.user_hash, "not-the-key"), "GET", "/v1/auth/validate")
    unknown = live_api.signed(Account("no-such-user-0000", account.api_key), "GET", "/v1/auth/validate")
    for response in (wrong_key, unknown):
        _unauthorized(response)
    assert wrong_key.content == unknown.content
    assert _stable_headers(wrong_key) == _stable_headers(unknown)


def test_wrong_key_upload_stores_nothing(live_api: Api) -> None:
    account = live_api.account()
    response = live_api.upload(Account(account.user_hash, account.api_key[::-1]), make_payload("wk-1"))
    _unauthorized(response)
    assert live_api.stored(account) == []


def test_users_cannot_read_or_overwrite_each_others_sessions(live_api: Api) -> None:
    alice, mallory = live_api.account("alice"), live_api.account("mallory")
    assert live_api.upload(alice, make_payload("shared-id", xp=10)).status_code == 201
    [alice_row] = live_api.stored(alice)

    peek = live_api.signed(mallory, "GET", "/v1/sessions/shared-id/status")
    never = live_api.signed(mallory, "GET", "/v1/sessions/shared-id/status".replace("shared-id", "shared-ie"))
    assert peek.status_code == never.status_code == 404
    assert peek.json()["error"] == never.json()["error"] == "not_found"
    assert live_api.signed(mallory, "GET", "/v1/sessions").json()["sessions"] == []

    # Mallory's upload under the same id is Mallory's own session; Alice's row does not move.
    assert live_api.upload(mallory, make_payload("shared-id", xp=99)).status_code == 201
    assert live_api.stored(alice) == [alice_row]
    # Claiming Alice's hash while signing with Mallory's key is just a bad signature.
    _unauthorized(live_api.upload(Account(alice.user_hash, mallory.api_key), make_payload("shared-id", xp=5)))
    assert live_api.stored(alice) == [alice_row]


# --- the tamper matrix: each signed element changed alone -------------------------------------------------


def _flip_last_hex(value: str) -> str:
    return value[:-1] + ("0" if value[-1] != "0" else "1")


TAMPERS: dict[str, Callable[[dict, Account, Account], None]] = {
    "body": lambda r, a, o: r.update(body=r["body"] + b" "),
    "content_sha256": lambda r, a, o: (
        r["headers"].update({protocol.CONTENT_SHA256_HEADER: hashlib.sha256(r["body"] + b" ").hexdigest()})
        or r.update(body=r["body"] + b" ")
    ),
    "content_sha256_only": lambda r, a, o: r["headers"].update(
        {protocol.CONTENT_SHA256_HEADER: _flip_last_hex(r["headers"][protocol.CONTENT_SHA256_HEADER])}
    ),
    "timestamp": lambda r, a, o: r["headers"].update(
        {protocol.TIMESTAMP_HEADER: str(int(r["headers"][protocol.TIMESTAMP_HEADER]) + 1)}
    ),
    "nonce": lambda r, a, o: r["headers"].update(
        {protocol.NONCE_HEADER: _flip_last_hex(r["headers"][protocol.NONCE_HEADER])}
    ),
    "signature": lambda r, a, o: r["headers"].update(
        {protocol.SIGNATURE_HEADER: _flip_last_hex(r["headers"][protocol.SIGNATURE_HEADER])}
    ),
    "user_hash": lambda r, a, o: r["headers"].update({protocol.USER_HASH_HEADER: o.user_hash}),
    "path": lambda r, a, o: r.update(target="/v1/sessions/batch-upload"),
    "query": lambda r, a, o: r.update(target=UPLOAD + "?x=1"),
    "method": lambda r, a, o: r.update(method="PUT"),
}


@pytest.mark.parametrize("field", sorted(TAMPERS))
def test_tamper_matrix(live_api: Api, field: str) -> None:
    account, other = live_api.account(), live_api.account("other")
    body = make_payload(f"matrix-{field}".replace("_", "-")).to_json_bytes()
    original = {
        "method": "POST",
        "target": UPLOAD,
        "body": body,
        "headers": live_api.sign(account, "POST", UPLOAD, body),
    }
    tampered = {**original, "headers": dict(original["headers"])}
    TAMPERS[field](tampered, account, other)
    if field == "method":  # no PUT route: retarget the method on an endpoint that takes it instead
        tampered.update(target="/v1/auth/validate", method="GET")
        tampered["headers"] = live_api.sign(account, "POST", "/v1/auth/validate")
    response = live_api.http.request(
        tampered["method"], tampered["target"], content=tampered["body"], headers=tampered["headers"]
    )
    _unauthorized(response)
    assert live_api.stored(account) == [] and live_api.stored(other) == []
    if field != "method":
        sent = live_api.http.request("POST", UPLOAD, content=body, headers=original["headers"])
        assert sent.status_code == 201, "a refused request must not burn the nonce of the real one"


# --- malformed headers, sent raw: 401, never a 500 --------------------------------------------------------


def _raw_status(
    url: str, method: str, target: str, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> int:
    """Send bytes exactly as given (duplicates, non-ASCII and all) and return the status code."""
    import socket

    host, port = url.removeprefix("http://").rsplit(":", 1)
    lines = [
        f"{method} {target} HTTP/1.1".encode(),
        b"Host: " + host.encode(),
        b"Connection: close",
        b"Content-Length: " + str(len(body)).encode(),
    ]
    lines += [name + b": " + value for name, value in headers]
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1])


Headers = list[tuple[bytes, bytes]]
Mutation = Callable[[Headers], Headers]


def _set(index: int, make: Callable[[bytes], bytes]) -> Mutation:
    return lambda h: [*h[:index], (h[index][0], make(h[index][1])), *h[index + 1 :]]


def _malformations() -> dict[str, Mutation]:
    """For each of the five headers: gone, twice, non-ASCII, empty, spaced, huge; then value-shape cases."""
    cases: dict[str, Mutation] = {}
    for i, name in enumerate(protocol.SIGNED_HEADERS):
        short = name.removeprefix("X-SWGDB-").lower()
        cases[f"{short}-missing"] = lambda h, i=i: h[:i] + h[i + 1 :]
        cases[f"{short}-duplicated"] = lambda h, i=i: [*h, h[i]]
        cases[f"{short}-duplicated-other-case"] = lambda h, i=i: [*h, (h[i][0].upper(), h[i][1])]
        cases[f"{short}-non-ascii"] = _set(i, lambda v: v + "é".encode())
        cases[f"{short}-latin1-byte"] = _set(i, lambda v: v[:-1] + b"\xff")
        cases[f"{short}-empty"] = _set(i, lambda v: b"")
        cases[f"{short}-inner-space"] = _set(i, lambda v: v[:4] + b" " + v[4:])
        cases[f"{short}-huge"] = _set(i, lambda v: v * (4000 // len(v) + 1))
    ts, nonce, sha, sig = 1, 2, 3, 4
    cases |= {
        "timestamp-exponent": _set(ts, lambda v: b"1.795e9"),
        "timestamp-negative": _set(ts, lambda v: b"-" + v),
        "timestamp-plus": _set(ts, lambda v: b"+" + v),
        "timestamp-leading-zero": _set(ts, lambda v: b"0" + v),
        "timestamp-overflow": _set(ts, lambda v: b"9" * 40),
        "nonce-uppercase": _set(nonce, bytes.upper),
        "nonce-short": _set(nonce, lambda v: v[:-1]),
        "sha256-uppercase": _set(sha, bytes.upper),
        "signature-uppercase-version": _set(sig, lambda v: b"V1=" + v[3:]),
        "signature-uppercase-hex": _set(sig, lambda v: b"v1=" + v[3:].upper()),
        "signature-v2": _set(sig, lambda v: b"v2=" + v[3:]),
        "signature-bare-hex": _set(sig, lambda v: v[3:]),
        "signature-two-values": _set(sig, lambda v: v + b", " + v),
    }
    return cases


MALFORMATIONS = _malformations()


@pytest.mark.parametrize("name", sorted(MALFORMATIONS))
def test_malformed_header_matrix_answers_401_never_500(live_api: Api, name: str) -> None:
    account = live_api.account()
    body = make_payload("raw-1").to_json_bytes()
    signed = live_api.sign(account, "POST", UPLOAD, body)
    headers = [(n.encode(), signed[n].encode()) for n in protocol.SIGNED_HEADERS]
    assert _raw_status(live_api.url, "POST", UPLOAD, MALFORMATIONS[name](headers), body) == 401
    assert live_api.stored(account) == []
    # The same bytes, unspoilt, are accepted: the refusal was about the malformation (and burnt no nonce).
    assert _raw_status(live_api.url, "POST", UPLOAD, headers, body) == 201


# --- sizes, compression, bodies ---------------------------------------------------------------------------


def test_an_oversize_body_is_refused_with_413(live_api: Api) -> None:
    account = live_api.account()
    body = b"{" + b" " * (8 * MIB - 1) + b"}"  # 8 MiB + 1 byte, under the default limit of 8 MiB
    response = live_api.signed(account, "POST", UPLOAD, body, headers=JSON)
    assert len(body) == 8 * MIB + 1
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"
    assert live_api.stored(account) == []
    assert live_api.healthy()


def test_a_streamed_body_without_length_is_cut_off_at_the_limit(server_factory) -> None:
    api = server_factory(ServerSettings(max_body_bytes=64 * 1024, rate_limit_requests=1000))
    account = api.account()
    body = b"x" * (256 * 1024)
    chunks = (body[i : i + 8192] for i in range(0, len(body), 8192))
    headers = api.sign(account, "POST", UPLOAD, body)
    response = api.http.post(UPLOAD, content=chunks, headers=headers)
    assert response.status_code == 413
    assert api.stored(account) == []
    assert api.upload(account, make_payload("after-stream")).status_code == 201


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """64 MiB of zeros in about 64 KiB: twice the default decompressed limit."""
    return gzip.compress(bytes(64 * MIB), compresslevel=9)


def test_a_decompression_bomb_is_refused_and_the_server_carries_on(live_api: Api, gzip_bomb: bytes) -> None:
    account = live_api.account()
    assert len(gzip_bomb) < 1 * MIB
    response = live_api.signed(account, "POST", UPLOAD, gzip_bomb, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 413
    assert "decompressed" in response.json()["message"]
    assert live_api.stored(account) == []
    assert live_api.healthy()
    assert live_api.upload(account, make_payload("after-bomb")).status_code == 201


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("truncated", gzip.compress(b'{"sessions": []}', mtime=0)[:-6]),
        ("trailing-garbage", gzip.compress(b'{"sessions": []}', mtime=0) + b"junk"),
        ("two-members", gzip.compress(b'{"sessions": ', mtime=0) + gzip.compress(b"[]}", mtime=0)),
        ("not-gzip", b'{"sessions": []}'),
    ],
    ids=[
        "truncated",
        "trailing-garbage",
        "two-members",
        "not-gzip",
    ],  # mtime=0 above: same ids on every worker
)
def test_broken_gzip_is_a_400(live_api: Api, name: str, body: bytes) -> None:
    account = live_api.account()
    response = live_api.signed(
        account, "POST", "/v1/sessions/batch-upload", body, headers={"Content-Encoding": "gzip"}
    )
    assert response.status_code == 400, name
    assert response.json()["error"] == "malformed_body"


@pytest.mark.parametrize("coding", ["br", "deflate", "gzip, gzip", "zstd"])
def test_unknown_content_encodings_are_a_415(live_api: Api, coding: str) -> None:
    account = live_api.account()
    body = make_payload("enc-1").to_json_bytes()
    response = live_api.signed(account, "POST", UPLOAD, body, headers={"Content-Encoding": coding})
    assert response.status_code == 415
    assert live_api.stored(account) == []


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe{}", b'{"session_id": "x"', b"[1, 2"])
def test_malformed_json_is_a_400_and_stores_nothing(live_api: Api, body: bytes) -> None:
    account = live_api.account()
    response = live_api.signed(account, "POST", UPLOAD, body, headers=JSON)
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"
    assert live_api.stored(account) == []


@pytest.mark.parametrize(
    "mutation",
    [
        {"session_id": "../../etc/passwd"},
        {"session_id": "x" * 51},
        {"duration_minutes": 5000},
        {"start_time": "2026-11-20T18:00:00"},  # naive: the model requires a zone
        {"smuggled": "extra field"},
        {"xp_data": None},
    ],
    ids=["path-in-id", "long-id", "too-long", "naive-time", "extra-field", "null-section"],
)
def test_schema_invalid_payloads_are_a_422_and_store_nothing(live_api: Api, mutation: dict) -> None:
    account = live_api.account()
    response = live_api.upload(account, orjson.dumps({**make_document("schema-1"), **mutation}))
    assert response.status_code == 422, response.text
    assert response.json()["fields"]
    assert live_api.stored(account) == []


@pytest.mark.parametrize(
    ("value", "status"),
    [(2**31 - 1, 201), (-(2**31 - 1), 201), (2**31, 422), (2**63, 422), (2**64 - 1, 422)],
)
def test_integers_must_fit_in_64_bits(live_api: Api, value: int, status: int) -> None:
    """Amounts stay below 2**31, so databases sum them in 64 bits: beyond, a 422 (once a 500 on SQLite)."""
    account = live_api.account()
    document = make_document("int64-1")
    document["credit_data"]["credit_events"] = [{"amount": value, "transaction_type": "gain"}]
    response = live_api.upload(account, json.dumps(document).encode())
    assert response.status_code == status, response.text
    if status == 422:
        assert [f["path"] for f in response.json()["fields"]] == ["credit_data.credit_events[0].amount"]
        assert live_api.stored(account) == []


def test_a_nul_character_never_crashes_the_server(live_api: Api) -> None:
    account = live_api.account()
    document = make_document("nul-1")
    document["quest_data"]["quest_events"][0]["quest_name"] = "before\u0000after"
    response = live_api.upload(account, json.dumps(document).encode())
    assert response.status_code in (201, 422), response.text


# --- concurrency and logs ---------------------------------------------------------------------------------


def test_concurrent_copies_of_one_signed_request_succeed_exactly_once(live_api: Api) -> None:
    account = live_api.account()
    body = make_payload("race-1").to_json_bytes()
    headers = live_api.sign(account, "POST", UPLOAD, body)
    copies = 8
    barrier = threading.Barrier(copies)
    statuses: list[int] = []

    def send() -> None:
        with http_client(base_url=live_api.url, timeout=30) as client:
            barrier.wait()
            statuses.append(client.post(UPLOAD, content=body, headers=headers).status_code)

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [401] * (copies - 1)
    assert len(live_api.stored(account)) == 1


def test_logs_never_hold_keys_signatures_or_session_content(
    live_api: Api, caplog: pytest.LogCaptureFixture, gzip_bomb: bytes
) -> None:
    caplog.set_level(logging.DEBUG)
    account = live_api.account()
    private = "Secret quest of Zorbulon the Unlucky"
    document = make_document("logged-1")
    document["quest_data"]["quest_events"][0]["quest_name"] = private
    body = orjson.dumps(document)
    headers = live_api.sign(account, "POST", UPLOAD, body)
    live_api.http.post(UPLOAD, content=body, headers=headers)  # created
    live_api.http.post(UPLOAD, content=body, headers=headers)  # replay
    live_api.http.post(UPLOAD, content=body + b"x", headers=live_api.sign(account, "POST", UPLOAD, body))
    bad = dict(document, duration_minutes=-1)
    live_api.upload(account, orjson.dumps(bad))
    live_api.signed(account, "POST", UPLOAD, gzip_bomb, headers={"Content-Encoding": "gzip"})
    live_api.signed(Account(account.user_hash, "wrong"), "GET", "/v1/auth/validate")
    live_api.signed(account, "GET", "/v1/sessions/logged-1/status")

    text = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in caplog.records
    )
    assert "swgdb_bridge.server" in text, "the server's own log lines were not captured"
    for secret in (
        account.api_key,
        headers[protocol.SIGNATURE_HEADER],
        headers[protocol.SIGNATURE_HEADER][3:],
        private,
    ):
        assert secret not in text


# --- resources of a real server process under abuse (issue 13) --------------------------------------------


def _status_mib(pid: int, field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} in /proc/{pid}/status")


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[tuple[Any, Account]]:
    """``server run`` in its own process on SQLite (its memory is its own), and one user on it."""
    from test_scaleout import ServerProcess

    url = f"sqlite:///{tmp_path / 'server.db'}"
    with Storage(url, server_secret=TEST_SERVER_SECRET) as storage:
        account = Account(*storage.add_user("attacker"))
    server = ServerProcess(url, tmp_path / "server.log", SWGDB_HEADER_TIMEOUT="2").start()
    try:
        yield server, account
    finally:
        server.stop()


def _amplification_bodies() -> list[bytes]:
    """Gzip bodies of 14-30 KB: 500k and 1M invalid list items, and 10M empty objects (30 MB inflated)."""
    bodies = []
    for items in (500_000, 1_000_000):
        document = make_document("amplify")
        document["xp_data"]["xp_events"] = [1] * items
        bodies.append(gzip.compress(orjson.dumps(document)))
    bodies.append(gzip.compress(b"[" + b"{}," * 10_000_000 + b"{}]"))
    return bodies


@pytest.mark.slow
def test_amplification_attacks_leave_server_memory_bounded(server_process: tuple[Any, Account]) -> None:
    """Was: +1.1 GB for one 500k-item body, +2.3 GB for 1M, ~5 GB for three at once, /v1/info stalling."""
    server, account = server_process
    pid = server.process.pid
    bodies = _amplification_bodies()
    before = _status_mib(pid, "VmRSS")

    def attack(body: bytes) -> httpx.Response:
        headers = protocol.sign_request(account.api_key, account.user_hash, "POST", UPLOAD, body)
        headers |= {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        return httpx.post(server.url + UPLOAD, content=body, headers=headers, timeout=120)

    with ThreadPoolExecutor(len(bodies)) as pool:
        answers = list(pool.map(attack, bodies))
    assert [answer.status_code for answer in answers] == [422, 422, 413]
    assert answers[2].json()["error"] == "body_too_complex"
    assert all(len(answer.content) < 4096 for answer in answers)
    growth = _status_mib(pid, "VmHWM") - before
    print(f"server RSS {before:.0f} MiB before, peak +{growth:.0f} MiB under the three attacks at once")
    assert growth < 400
    assert httpx.get(server.url + "/v1/info", timeout=10).status_code == 200


@pytest.mark.slow
def test_running_out_of_file_descriptors_logs_no_traceback_per_accept(
    server_process: tuple[Any, Account],
) -> None:
    """Was: with descriptors exhausted, asyncio logged a traceback for every failed accept (268 MB a minute).
    The cap is set here above the open-file limit on purpose, so that ``accept()`` itself fails."""
    import resource

    server, _account = server_process
    resource.prlimit(server.process.pid, resource.RLIMIT_NOFILE, (64, 64))
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    held = [socket.create_connection((host, int(port)), timeout=10) for _ in range(150)]
    time.sleep(3)  # the accept loop retries each second: give it several failures to log
    for sock in held:
        sock.close()
    server.wait_ready()
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log
    assert 1 <= log.count("cannot accept connections") <= 2, log[-2000:]
    server.stop()  # while asyncio's pause after an accept error may still be pending: no traceback either
    assert "Traceback" not in server.log_path.read_text(errors="replace")
