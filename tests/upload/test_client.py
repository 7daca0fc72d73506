"""SWGDBAPIClient against the real server on loopback, with the fault proxy in between where faults matter.

The retry schedule itself (backoff, Retry-After, bounds) is tested against scripted answers in
``test_client_retry.py``; here the real server's replay guard, signature checks and limits answer.
"""

from __future__ import annotations

import logging
import re
import time

import pytest

from fixtures.fault_proxy import FaultProxy, LiveServer
from fixtures.payloads import make_document
from helpers.ports import free_port, refused_port
from swgdb_bridge.errors import AuthError, UploadError
from swgdb_bridge.upload.client import SWGDBAPIClient


def scripted(*faults: str):
    """A chooser that plays ``faults`` in order, then passes everything."""
    queue = list(faults)
    return lambda _n, _m, _p: queue.pop(0) if queue else "pass"


def make_client(url: str, server: LiveServer, sleeps: list[float] | None = None, **options) -> SWGDBAPIClient:
    record = sleeps.append if sleeps is not None else (lambda _s: None)
    options.setdefault("retry_delay_seconds", 0.001)
    return SWGDBAPIClient(url, server.api_key, server.user_hash, sleep=record, **options)


def test_upload_statuses_and_remote_listing(live_server: LiveServer) -> None:
    with make_client(live_server.api_url, live_server) as client:
        assert client.validate_credentials()["valid"] is True
        first = client.push_session_data(make_document("c-1"))
        assert (first["success"], first["status"]) == (True, "created")
        assert client.push_session_data(make_document("c-1"))["status"] == "unchanged"
        assert client.push_session_data(make_document("c-1", xp=99))["status"] == "updated"
        status = client.get_upload_status("c-1")
        assert status["digest"] != first["digest"]
        batch = client.batch_upload_sessions([make_document(f"b-{i}") for i in range(5)])
        assert batch["success"] and [r["status"] for r in batch["results"]] == ["created"] * 5
        remote = {s["session_id"] for s in client.iter_sessions(page_size=2)}
    assert remote == {"c-1", "b-0", "b-1", "b-2", "b-3", "b-4"}


def test_unreachable_server_is_a_clear_answer_not_a_traceback() -> None:
    with refused_port() as port:
        client = SWGDBAPIClient(
            f"http://127.0.0.1:{port}/v1", "k" * 40, "someone", retry_delay_seconds=0.001, max_retries=1
        )
        result = client.validate_credentials()
        pushed = client.push_session_data(make_document("x-1"))
    assert result["valid"] is False
    assert "could not reach the SWGDB server" in result["message"] and "SWGDB_API_URL" in result["message"]
    assert pushed["success"] is False and "could not reach" in pushed["message"]


def test_transient_faults_are_retried_and_each_retry_is_signed_anew(
    live_server: LiveServer, fault_proxy
) -> None:
    # drop_after: the server stored the session but the answer was lost; the retry must not be refused as
    # a replay (fresh nonce) and must land as "unchanged" (idempotent upsert).
    proxy: FaultProxy = fault_proxy(scripted("503", "500", "drop_after", "drop_before"))
    sleeps: list[float] = []
    with make_client(f"{proxy.url}/v1", live_server, sleeps, max_retries=5) as client:
        result = client.push_session_data(make_document("r-1"))
    assert result["success"] is True and result["status"] == "unchanged"
    assert len(sleeps) == 4
    assert [s.status for s in live_server.stored_sessions()] == ["created"]


def client_body(session_id: str) -> bytes:
    from swgdb_bridge.upload.client import encode_payload

    return encode_payload(make_document(session_id))


def test_client_errors_are_not_retried(live_server: LiveServer, fault_proxy) -> None:
    proxy = fault_proxy(scripted())
    with make_client(f"{proxy.url}/v1", live_server) as client:
        bad = make_document("v-1", character_name="")
        result = client.push_session_data(bad)
    assert result["status"] == "rejected" and "character_name" in result["message"]
    assert proxy.injected["pass"] == 1


def test_wrong_key_is_an_auth_error_with_the_servers_message(live_server: LiveServer) -> None:
    client = SWGDBAPIClient(live_server.api_url, "wrong-key-" + "x" * 30, live_server.user_hash)
    result = client.validate_credentials()
    assert result["valid"] is False and "SWGDB_API_KEY" in result["message"]
    with pytest.raises(AuthError):
        client.send_session(client_body("w-1"))


def test_clock_skew_is_named_plainly(tmp_path) -> None:
    from swgdb_bridge.server.runner import start_server
    from swgdb_bridge.server.settings import ServerSettings

    settings = ServerSettings(clock=lambda: time.time() + 900)
    with start_server(f"sqlite:///{tmp_path / 's.db'}", settings=settings) as running:
        user_hash, key = running.storage.add_user("skewed")
        client = SWGDBAPIClient(f"{running.url}/v1", key, user_hash)
        assert client.clock_skew() == pytest.approx(-900, abs=5)
        result = client.validate_credentials()
    assert result["valid"] is False and result["error_code"] == "clock_skew"
    assert re.search(r"clock is [89]\d\d s behind the SWGDB server", result["message"])


def test_oversized_batch_is_split_and_a_single_oversized_session_is_reported(tmp_path) -> None:
    from swgdb_bridge.server.runner import start_server
    from swgdb_bridge.server.settings import ServerSettings

    one = len(client_body("s-000"))
    settings = ServerSettings(max_body_bytes=int(one * 2.5), rate_limit_requests=10_000)
    with start_server(f"sqlite:///{tmp_path / 's.db'}", settings=settings) as running:
        user_hash, key = running.storage.add_user("small")
        client = SWGDBAPIClient(f"{running.url}/v1", key, user_hash, compress_threshold=None)
        results = client.send_batch([client_body(f"s-{i:03d}") for i in range(7)])
        huge = make_document("huge-1", character_name="Pilot")
        huge["quest_data"]["quest_events"] = huge["quest_data"]["quest_events"] * 40
        too_big = client.push_session_data(huge)
        stored, _ = running.storage.list_sessions(user_hash, 100, None)
    assert [r.status for r in results] == ["created"] * 7
    assert {s.session_id for s in stored} == {f"s-{i:03d}" for i in range(7)}
    assert too_big["status"] == "too_large" and too_big["success"] is False


def test_compressed_bodies_are_signed_as_sent(live_server: LiveServer) -> None:
    with make_client(live_server.api_url, live_server, compress_threshold=0) as client:
        assert client.push_session_data(make_document("z-1"))["status"] == "created"
        assert client.batch_upload_sessions([make_document("z-2"), make_document("z-1")])["success"]
    assert {s.session_id for s in live_server.stored_sessions()} == {"z-1", "z-2"}


def test_secrets_stay_out_of_repr_errors_and_logs(live_server: LiveServer, fault_proxy, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    proxy = fault_proxy(scripted("503", "drop_before"))
    client = make_client(f"{proxy.url}/v1", live_server, max_retries=1)
    outcome = client.push_session_data(make_document("k-1"))
    wrong = SWGDBAPIClient(live_server.api_url, live_server.api_key[::-1], live_server.user_hash)
    refused = wrong.validate_credentials()
    seen = " ".join([repr(client), repr(wrong), str(outcome), str(refused), caplog.text])
    assert live_server.api_key not in seen and live_server.api_key[::-1] not in seen
    assert "X-SWGDB-Signature" not in caplog.text


@pytest.mark.parametrize("session_id", ["../info", "a/b", "x?y=1", "", "space id"])
def test_status_refuses_what_is_not_a_session_id(session_id: str) -> None:
    """Refused before anything is sent (the id would go into the URL path): no server needed."""
    client = SWGDBAPIClient(f"http://127.0.0.1:{free_port()}/v1", "k" * 40, "someone")
    with client, pytest.raises(UploadError, match="is not a session id"):
        client.get_upload_status(session_id)
