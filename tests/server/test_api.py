"""The /v1 endpoints against the real app on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
import pytest

from fixtures.live_server import ROOMY, Api, FrozenClock
from fixtures.payloads import make_document, make_payload
from swgdb_bridge.payload import content_digest
from swgdb_bridge.server.db.storage import Storage
from swgdb_bridge.server.runner import start_server
from swgdb_bridge.server.settings import ServerSettings


def test_info_is_unsigned_and_states_the_limits(live_api: Api) -> None:
    response = live_api.http.get("/v1/info")
    assert response.status_code == 200
    info = response.json()
    assert info["api_version"] == "v1"
    assert isinstance(info["server_time"], int)
    assert info["limits"] == {
        "max_body_bytes": ROOMY.max_body_bytes,
        "max_decompressed_bytes": ROOMY.max_decompressed_bytes,
        "max_json_values": ROOMY.max_json_values,
        "max_batch_sessions": ROOMY.max_batch_sessions,
        "max_clock_skew_seconds": 300,
        "rate_limit": {
            "requests": ROOMY.rate_limit_requests,
            "window_seconds": ROOMY.rate_limit_window_seconds,
        },
    }
    assert response.headers["x-request-id"]


def test_api_answers_and_its_own_page_forbid_sniffing_framing_and_referrers(live_api: Api) -> None:
    """The dashboard sets these itself (stricter, tested there); the API's JSON answers, its errors and its
    ``/pair`` page get them from the request context, once each."""
    for path in ["/v1/info", "/v1/no-such-route", "/pair"]:
        response = live_api.http.get(path)
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer", path
    dashboard = live_api.http.get("/dashboard/login").headers
    assert dashboard.get_list("x-frame-options") == ["DENY"]
    assert dashboard.get_list("x-content-type-options") == ["nosniff"]


def test_validate_names_the_user_and_reports_the_rate_limit(live_api: Api) -> None:
    account = live_api.account()
    response = live_api.signed(account, "GET", "/v1/auth/validate")
    assert response.status_code == 200, response.text
    assert response.json() == {"valid": True, "user_hash": account.user_hash}
    assert int(response.headers["ratelimit-limit"]) == ROOMY.rate_limit_requests
    assert int(response.headers["ratelimit-remaining"]) == ROOMY.rate_limit_requests - 1
    assert 1 <= int(response.headers["ratelimit-reset"]) <= ROOMY.rate_limit_window_seconds
    assert response.headers["ratelimit-policy"] == f"{ROOMY.rate_limit_requests};w=60"


def test_upload_creates_then_reports_unchanged_then_updated(live_api: Api) -> None:
    account = live_api.account()
    first = make_payload("run-1", xp=100)
    created = live_api.upload(account, first)
    assert created.status_code == 201, created.text
    digest = content_digest(first.to_document())
    assert created.json() == {"session_id": "run-1", "status": "created", "digest": digest}

    again = live_api.upload(account, make_payload("run-1", xp=100))
    assert (again.status_code, again.json()["status"], again.json()["digest"]) == (200, "unchanged", digest)

    grown = live_api.upload(account, make_payload("run-1", xp=250))
    assert (grown.status_code, grown.json()["status"]) == (200, "updated")
    assert grown.json()["digest"] != digest

    [row] = live_api.stored(account)
    assert (row.session_id, row.digest) == ("run-1", grown.json()["digest"])
    status = live_api.signed(account, "GET", "/v1/sessions/run-1/status").json()
    assert status["digest"] == grown.json()["digest"]
    assert status["status"] == "updated"
    assert status["received_at"] <= status["updated_at"]


def test_the_digest_is_the_servers_own_not_the_clients_claim(live_api: Api) -> None:
    account = live_api.account()
    document = make_document("claims-1")
    document["metadata"]["content_digest"] = "0" * 64
    response = live_api.upload(account, orjson.dumps(document))
    assert response.status_code == 201
    assert response.json()["digest"] == content_digest(make_payload("claims-1").to_document()) != "0" * 64


def test_gzip_bodies_are_accepted_and_signed_as_sent(live_api: Api) -> None:
    account = live_api.account()
    body = gzip.compress(make_payload("zipped-1").to_json_bytes())
    response = live_api.signed(
        account, "POST", "/v1/sessions/upload", body, headers={"Content-Encoding": "gzip"}
    )
    assert response.status_code == 201, response.text
    assert [row.session_id for row in live_api.stored(account)] == ["zipped-1"]


def test_batch_rejects_bad_items_alone_and_lands_the_rest(live_api: Api) -> None:
    account = live_api.account()
    bad = make_document("bad-1")
    bad["xp_data"]["total_xp_gained"] = -5
    items = [
        make_document("good-1"),
        bad,
        {"not": "a session"},
        make_document("good-2"),
        make_document("good-1"),
    ]
    body = orjson.dumps({"sessions": items})
    response = live_api.signed(account, "POST", "/v1/sessions/batch-upload", body)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["index"], r.get("session_id"), r["status"]) for r in results] == [
        (0, "good-1", "created"),
        (1, "bad-1", "rejected"),
        (2, None, "rejected"),
        (3, "good-2", "created"),
        (4, "good-1", "unchanged"),
    ]
    assert results[1]["error"]["error"] == "validation_failed"
    assert [f["path"] for f in results[1]["error"]["fields"]] == ["xp_data.total_xp_gained"]
    assert sorted(row.session_id for row in live_api.stored(account)) == ["good-1", "good-2"]


@pytest.mark.parametrize(
    "document",
    [[], {"sessions": "nope"}, {"sessions": [], "extra": 1}, {"session": []}],
    ids=["list", "not-a-list", "extra-key", "misspelt"],
)
def test_batch_envelope_must_be_an_object_with_sessions(live_api: Api, document: object) -> None:
    account = live_api.account()
    response = live_api.signed(account, "POST", "/v1/sessions/batch-upload", orjson.dumps(document))
    assert response.status_code == 422
    assert response.json()["fields"][0]["path"] == "sessions"


def test_a_batch_over_the_limit_is_refused_whole(server_factory) -> None:
    api = server_factory(ServerSettings(max_batch_sessions=3, rate_limit_requests=1000))
    account = api.account()
    body = orjson.dumps({"sessions": [make_document(f"b-{i}") for i in range(4)]})
    response = api.signed(account, "POST", "/v1/sessions/batch-upload", body)
    assert response.status_code == 413
    assert response.json()["error"] == "batch_too_large"
    assert "at most 3" in response.json()["message"]
    assert api.stored(account) == []


def test_validation_errors_name_field_paths_but_never_echo_values(live_api: Api) -> None:
    account = live_api.account()
    secret_text = "my-real-name-Zorbulon" * 5
    document = make_document("v-1", character_name=secret_text)
    document["xp_data"]["xp_events"][0]["amount"] = -1
    response = live_api.upload(account, orjson.dumps(document))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_failed"
    assert {f["path"] for f in body["fields"]} == {"character_name", "xp_data.xp_events[0].amount"}
    assert "Zorbulon" not in response.text
    assert live_api.stored(account) == []


@pytest.mark.parametrize(
    ("field", "longest"), [("schema_version", "1." + "0" * 62), ("serializer_version", "1.0." + "9" * 60)]
)
def test_version_strings_are_stored_up_to_64_characters(live_api: Api, field: str, longest: str) -> None:
    """Was: a version string the server stores as sent could be 2,000 characters (any text's cap)."""
    account = live_api.account()
    document = make_document("ver-1")
    document["metadata"][field] = longest + "0"
    refused = live_api.upload(account, orjson.dumps(document))
    assert refused.status_code == 422 and [f["path"] for f in refused.json()["fields"]] == [
        f"metadata.{field}"
    ]
    document["metadata"][field] = longest
    assert live_api.upload(account, orjson.dumps(document)).json()["status"] == "created"


def test_sessions_list_pages_through_everything_once(live_api: Api) -> None:
    account = live_api.account()
    for i in range(5):
        assert live_api.upload(account, make_payload(f"page-{i}")).status_code == 201
    seen, cursor, pages = [], None, 0
    while True:
        target = "/v1/sessions?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = live_api.signed(account, "GET", target)
        assert page.status_code == 200, page.text
        seen += [s["session_id"] for s in page.json()["sessions"]]
        cursor, pages = page.json()["next_cursor"], pages + 1
        if cursor is None:
            break
    assert sorted(seen) == [f"page-{i}" for i in range(5)]
    assert len(seen) == len(set(seen)) and pages == 3


@pytest.mark.parametrize("query", ["limit=0", "limit=100000", "limit=x", "cursor=not-ours"])
def test_sessions_list_refuses_bad_parameters_with_422(live_api: Api, query: str) -> None:
    response = live_api.signed(live_api.account(), "GET", f"/v1/sessions?{query}")
    assert response.status_code == 422
    assert response.json()["fields"]


def test_status_of_an_unknown_session_is_404(live_api: Api) -> None:
    response = live_api.signed(live_api.account(), "GET", "/v1/sessions/never-sent/status")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_openapi_is_served_without_docs_uis(live_api: Api) -> None:
    document = live_api.http.get("/v1/openapi.json").json()
    assert {
        "/v1/info",
        "/v1/auth/validate",
        "/v1/sessions/upload",
        "/v1/sessions/batch-upload",
        "/v1/sessions/{session_id}/status",
        "/v1/sessions",
    } <= set(document["paths"])
    upload = document["paths"]["/v1/sessions/upload"]["post"]
    assert upload["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/SessionPayload")
    assert "SessionPayload" in document["components"]["schemas"]
    assert {p["name"] for p in upload["parameters"]} >= {"X-SWGDB-Signature", "X-SWGDB-Nonce"}
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert live_api.http.get(path).status_code == 404


def test_rate_limit_answers_429_with_retry_after_and_stores_nothing(server_factory) -> None:
    api = server_factory(ServerSettings(rate_limit_requests=2, clock=FrozenClock(time.time())))  # one window
    account = api.account()
    for i in range(2):
        assert api.upload(account, make_payload(f"rl-{i}")).status_code == 201
    refused = api.upload(account, make_payload("rl-2"))
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["ratelimit-limit"] == "2"
    assert sorted(row.session_id for row in api.stored(account)) == ["rl-0", "rl-1"]
    other = api.account()  # budgets are per user
    assert api.upload(other, make_payload("rl-other")).status_code == 201


def test_validate_is_limited_per_client_address_even_for_bad_signatures(server_factory) -> None:
    server = server_factory(
        ServerSettings(validate_per_ip_requests=3, clock=FrozenClock(time.time()))
    )  # one window
    here, elsewhere = (server.from_address(f"127.0.{random.randrange(256)}.{n}") for n in (2, 3))
    account = server.account()
    guesser = type(account)(account.user_hash, "guessed-key")
    for _ in range(3):
        assert here.signed(guesser, "GET", "/v1/auth/validate").status_code == 401
    blocked = here.signed(account, "GET", "/v1/auth/validate")
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 60
    assert here.signed(account, "GET", "/v1/sessions").status_code == 200  # only validate is per address
    assert elsewhere.signed(account, "GET", "/v1/auth/validate").status_code == 200


def test_rotated_keys_both_work_and_revocation_ends_them(live_api: Api) -> None:
    account = live_api.account()
    new_key = live_api.storage.rotate_key(account.user_hash)
    rotated = type(account)(account.user_hash, new_key)
    assert live_api.signed(account, "GET", "/v1/auth/validate").status_code == 200
    assert live_api.signed(rotated, "GET", "/v1/auth/validate").status_code == 200
    live_api.storage.revoke(account.user_hash)
    assert live_api.signed(rotated, "GET", "/v1/auth/validate").status_code == 401
    assert live_api.signed(account, "GET", "/v1/auth/validate").status_code == 401


def test_runner_sockets_are_tcp_so_responses_are_not_delayed_by_nagle(live_api: Api) -> None:
    """asyncio sets TCP_NODELAY only on sockets whose proto is TCP; without it each reply waited ~40 ms."""
    import socket

    [listener] = live_api.running._server.servers[0].sockets
    assert listener.proto == socket.IPPROTO_TCP


class _OverlapProbe(Storage):
    """Storage whose ``admit`` records how many run at once. Each one waits (10 s at most) until as many
    as ``writers`` run together, so the most seen is exactly the server's concurrency whenever that is
    at least ``writers``, on however slow a machine."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.changed = threading.Condition()
        self.running = self.most = 0
        self.reached = False

    def admit(self, claim: Any, new_sessions: Any = ()) -> Any:
        with self.changed:
            self.running += 1
            self.most = max(self.most, self.running)
            self.reached = self.reached or self.running >= self.writers
            self.changed.notify_all()
            self.changed.wait_for(lambda: self.reached, timeout=10)
        try:
            return super().admit(claim, new_sessions)
        finally:
            with self.changed:
                self.running -= 1


def test_one_process_stores_at_most_storage_writers_uploads_at_once(
    backend_url: str, server_secret: bytes
) -> None:
    """More ingest threads than the database can use would only queue on its lock or pool."""
    storage = _OverlapProbe(backend_url, server_secret=server_secret)
    api = Api(start_server(storage=storage, settings=ROOMY), storage)
    try:
        account = api.account()
        payloads = [make_payload(f"overlap-{n}") for n in range(3 * storage.writers + 2)]
        with ThreadPoolExecutor(len(payloads)) as senders:
            statuses = list(senders.map(lambda payload: api.upload(account, payload).status_code, payloads))
    finally:
        api.close()
    assert statuses == [201] * len(payloads)
    assert storage.most == storage.writers
