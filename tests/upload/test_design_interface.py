"""The design's interface of the client, the upload manager and the uploader, against the real server.

These are the behaviours the origin suite checks by patching ``requests`` (auth failure, rate limit, batch
success, credential validation), checked here on the wire instead, plus the in-memory queue and the
uploader's dict faces.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import httpx
import pytest

from fixtures.fault_proxy import LiveServer
from fixtures.live_server import FrozenClock
from fixtures.payloads import make_document
from swgdb_bridge import SessionUploader, SWGDBAPIClient, SWGDBUploadManager, UploadConfig
from swgdb_bridge.errors import StateError
from swgdb_bridge.upload.design import UploadRecord


def client_for(server: LiveServer, api_key: str | None = None, **options) -> SWGDBAPIClient:
    options.setdefault("retry_delay_seconds", 0.001)
    return SWGDBAPIClient(server.api_url, api_key or server.api_key, server.user_hash, **options)


def test_push_and_validate_answer_in_the_designs_keys(live_server: LiveServer) -> None:
    with client_for(live_server) as client:
        auth = client.validate_credentials()
        pushed = client.push_session_data(make_document("d-1"))
    assert auth["success"] is True and auth["valid"] is True
    assert auth["user_info"] == {"user_hash": live_server.user_hash}
    assert pushed["success"] is True and pushed["swgdb_session_id"] == "d-1"
    assert pushed["message"] == "Session uploaded successfully" and pushed["status"] == "created"


def test_a_refused_key_reads_authentication_failed_and_invalid_credentials(live_server: LiveServer) -> None:
    with client_for(live_server, api_key="wrong-key-" + "x" * 30) as client:
        pushed = client.push_session_data(make_document("d-2"))
        auth = client.validate_credentials()
    assert pushed["success"] is False and pushed["error"].startswith("Authentication failed: ")
    assert pushed["status_code"] == 401 and "SWGDB_API_KEY" in pushed["error"]
    # the check itself succeeded: the server answered, and its answer is "not valid"
    assert auth["success"] is True and auth["valid"] is False
    assert auth["error"].startswith("Invalid credentials: ")
    assert live_server.stored_sessions() == []


def test_the_servers_rate_limit_reads_rate_limit_exceeded(tmp_path: Path) -> None:
    from swgdb_bridge.server.runner import start_server
    from swgdb_bridge.server.settings import ServerSettings

    # a frozen clock: both requests fall in one rate-limit window, even if the real one ends between them
    settings = ServerSettings(
        rate_limit_requests=1, rate_limit_window_seconds=600, clock=FrozenClock(time.time())
    )
    with start_server(f"sqlite:///{tmp_path / 's.db'}", settings=settings) as running:
        user_hash, key = running.storage.add_user("hasty")
        # max_inline_wait=0: the Retry-After goes back to the caller instead of being slept through
        with SWGDBAPIClient(f"{running.url}/v1", key, user_hash, max_inline_wait=0) as client:
            first = client.push_session_data(make_document("rl-1"))
            second = client.push_session_data(make_document("rl-2"))
    assert first["success"] is True
    assert second["success"] is False and second["error"].startswith("Rate limit exceeded: ")
    assert second["status_code"] == 429 and second["retry_after"] > 0


def test_batch_upload_counts_and_names_what_was_stored(live_server: LiveServer) -> None:
    with client_for(live_server) as client:
        good = client.batch_upload_sessions([make_document(f"bt-{i}") for i in range(3)])
        mixed = client.batch_upload_sessions(
            [make_document("bt-3"), make_document("bt-4", character_name=""), make_document("bt-5")]
        )
    assert (good["success"], good["uploaded_count"], good["failed_count"]) == (True, 3, 0)
    assert good["session_ids"] == ["bt-0", "bt-1", "bt-2"]
    assert (mixed["success"], mixed["uploaded_count"], mixed["failed_count"]) == (False, 2, 1)
    assert mixed["session_ids"] == ["bt-3", "bt-5"]
    refused = mixed["results"][1]
    assert refused["error"].startswith("Upload rejected: ") and "character_name" in refused["error"]


def test_the_in_memory_queue_sends_through_the_client_and_keeps_what_failed(live_server: LiveServer) -> None:
    with client_for(live_server) as client:
        manager = SWGDBUploadManager(client)
        assert manager.process_queue() == {"success": True, "processed": 0, "message": "Queue is empty"}
        bad = make_document("q-2", character_name="")
        for document in (make_document("q-1"), bad, make_document("q-3")):
            manager.add_to_queue(document)
        first = manager.process_queue()
        assert (first["processed"], first["successful"], first["failed"]) == (3, 2, 1)
        assert [e["data"]["session_id"] for e in manager.upload_queue] == ["q-2"]
        assert manager.upload_queue[0]["retry_count"] == 1 and "character_name" in first["errors"][0]

        still_bad = manager.retry_failed_uploads(max_retries=3)
        assert (still_bad["retried"], still_bad["successful"], still_bad["failed"]) == (1, 0, 1)
        assert manager.upload_queue[0]["retry_count"] == 2
        assert manager.retry_failed_uploads(max_retries=2)["message"] == "No failed uploads to retry"

        bad["character_name"] = "Pilot"  # the queue holds the caller's dict, as the design's did
        fixed = manager.retry_failed_uploads(max_retries=3)
    assert (fixed["retried"], fixed["successful"], fixed["failed"]) == (1, 1, 0)
    assert manager.upload_queue == []
    assert sorted(s.session_id for s in live_server.stored_sessions()) == ["q-1", "q-2", "q-3"]


UNENCODABLE = {
    "lone surrogate": {"character_name": "Pilot\ud800"},  # a str no UTF-8 can carry
    "set": {"metadata": {"tags": {"afk", "stuck"}}},
    "number key": {"xp_data": {1: 2}},
    "object": {"notes": object()},
}
"""Values a caller's dict may hold that JSON cannot: ``orjson.dumps`` raised a TypeError for each."""


@pytest.mark.parametrize("oddity", UNENCODABLE.values(), ids=UNENCODABLE.keys())
def test_a_session_json_cannot_carry_fails_alone_and_the_queue_loses_nothing(
    live_server: LiveServer, oddity: dict
) -> None:
    """Was: ``process_queue`` swapped its queue out, the client raised on the odd session, and every
    session queued (sent or not) was gone; ``push_session_data``, which "never raises", raised."""
    with client_for(live_server) as client:
        manager = SWGDBUploadManager(client, max_batch_sessions=2)
        odd = {**make_document("odd-1"), **oddity}
        for document in (make_document("fine-1"), odd, make_document("fine-2")):
            manager.add_to_queue(document)
        outcome = manager.process_queue()
        pushed = client.push_session_data(odd)
    assert (outcome["processed"], outcome["successful"], outcome["failed"]) == (3, 2, 1)
    assert [entry["data"]["session_id"] for entry in manager.upload_queue] == ["odd-1"]
    assert "cannot be encoded as JSON" in outcome["errors"][0]
    assert pushed["success"] is False and pushed["error_code"] == "unencodable"
    assert sorted(s.session_id for s in live_server.stored_sessions()) == ["fine-1", "fine-2"]


def test_an_interrupted_queue_keeps_every_session_not_known_stored(live_server: LiveServer) -> None:
    """A Ctrl-C (or any exception) while a batch travels: that batch and the later ones stay queued."""

    class InterruptedOnI3(httpx.HTTPTransport):
        """The person presses Ctrl-C while the batch holding ``i-3`` is on its way."""

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if b'"i-3"' in request.read():
                raise KeyboardInterrupt
            return super().handle_request(request)

    client = client_for(live_server, transport=InterruptedOnI3(), compress_threshold=None)
    with client:
        manager = SWGDBUploadManager(client, max_batch_sessions=2)
        for n in range(1, 6):
            manager.add_to_queue(make_document(f"i-{n}"))
        with pytest.raises(KeyboardInterrupt):
            manager.process_queue()
    assert [entry["data"]["session_id"] for entry in manager.upload_queue] == ["i-3", "i-4", "i-5"]
    assert sorted(s.session_id for s in live_server.stored_sessions()) == ["i-1", "i-2"]


def test_a_manager_without_an_outbox_says_how_to_flush(live_server: LiveServer) -> None:
    with client_for(live_server) as client, pytest.raises(StateError, match=r"outbox=Outbox\(\)"):
        SWGDBUploadManager(client).flush()


def design_session(session_id: str, **extra) -> dict:
    return {
        "session_id": session_id,
        "character_name": "Mira Sol",
        "start_time": "2026-11-20T10:00:00",
        "end_time": "2026-11-20T12:00:00",
        "xp": {"gained": 900},
        "credits": {"gained": 300},
        "quests_completed": ["Rescue the spy"],
        "locations_visited": [{"planet": "Naboo", "city": "Theed", "duration_minutes": 40}],
        "communication_events": [{"event_type": "tell", "sender": "Vex", "message": "hi"}],
        "player_encounters": [{"player_name": "Vex", "interaction_type": "detected"}],
        **extra,
    }


def write_sessions(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"session_{i}.json"
        path.write_text(json.dumps(design_session(f"session-{i}")))
        paths.append(path)
    return paths


def test_the_uploaders_dict_faces_and_sessions_dir(live_server: LiveServer, tmp_path: Path) -> None:
    config = UploadConfig(
        swgdb_api_url=live_server.api_url,
        api_key=live_server.api_key,
        user_hash=live_server.user_hash,
        include_player_encounters=False,
        include_communications=False,
        include_locations=True,
        session_dirs=[tmp_path / "configured"],
        retry_delay_seconds=0.001,
    )
    written = write_sessions(tmp_path / "chosen", 2)
    (tmp_path / "chosen" / "session_broken.json").write_text('{"session_id": ')
    os.utime(
        tmp_path / "chosen" / "session_broken.json", (1e9, 1e9)
    )  # cut off long ago: not still being written
    uploader = SessionUploader(config)
    assert uploader.sessions_dir == tmp_path / "configured"
    uploader.sessions_dir = tmp_path / "chosen"
    assert uploader.find_session_logs() == sorted([*written, tmp_path / "chosen" / "session_broken.json"])

    loaded = uploader.load_session_data(written[0])
    assert loaded is not None and loaded["session_id"] == "session-0"
    assert loaded["_file_path"] == str(written[0]) and loaded["_file_name"] == "session_0.json"
    assert loaded["_file_size"] == written[0].stat().st_size and loaded["_modified_time"]
    assert uploader.load_session_data(tmp_path / "chosen" / "session_broken.json") is None

    sanitized = uploader.sanitize_session_data(loaded)
    assert "communication_events" not in sanitized and "player_encounters" not in sanitized
    assert sanitized["locations_visited"] == loaded["locations_visited"] and sanitized["_sanitized"] is True
    assert "_sanitization_timestamp" in sanitized and "communication_events" in loaded  # a copy

    results = uploader.upload_all_sessions()  # no dirs given: the sessions_dir set above
    assert (results["uploaded"], results["failed"], results["skipped_invalid"]) == (2, 0, 1)
    stats = uploader.get_upload_statistics()
    assert (stats["total_sessions"], stats["successful"], stats["failed"]) == (2, 2, 0)
    assert stats["success_rate"] == 100.0 and stats["last_upload"] is not None
    assert {r.session_id for r in uploader.uploaded_sessions} == {"session-0", "session-1"}


def test_statistics_count_failures_and_the_last_upload() -> None:
    records = [
        UploadRecord("a", None, "success", "2026-11-20T10:00:00+00:00"),
        UploadRecord("b", None, "failed", "2026-11-20T12:00:00+00:00", "rejected", "refused"),
        UploadRecord("c", None, "success", "2026-11-20T11:00:00+00:00"),
    ]
    uploader = SessionUploader(UploadConfig(api_key="k", user_hash="u"))
    assert uploader.get_upload_statistics()["success_rate"] == 0.0
    uploader.uploaded_sessions = records
    assert uploader.get_upload_statistics() == {
        "total_sessions": 3,
        "successful": 2,
        "failed": 1,
        "success_rate": 66.7,
        "last_upload": "2026-11-20T12:00:00+00:00",
    }


def readme_example() -> str:
    """The README's "design's interface" example, as written."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = text.split("#### The design's interface", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_example_runs_as_written(live_server: LiveServer, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_sessions(tmp_path / "data" / "sessions", 2)
    code = (
        readme_example()
        .replace('"http://127.0.0.1:8765/v1"', repr(live_server.api_url))
        .replace('api_key="..."', f"api_key={live_server.api_key!r}")
        .replace('user_hash="..."', f"user_hash={live_server.user_hash!r}")
    )
    config = UploadConfig(
        swgdb_api_url=live_server.api_url, api_key=live_server.api_key, user_hash=live_server.user_hash
    )
    names = {
        "session_dict": design_session("session-9"),
        "payload": make_document("readme-2"),
        "config": config,
    }
    exec(compile(code, "README.md", "exec"), names)
    assert names["serialized"]["session_id"] == "session-9" and names["result"]["success"] is True
    assert names["manager"].upload_queue == [] and "_sanitized" in names["session"]
    assert (tmp_path / "session.json").is_file()
    assert sorted(names["sessions"]) == ["session-0", "session-1"]
