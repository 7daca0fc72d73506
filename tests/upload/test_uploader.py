"""SessionUploader end to end against the real server: the seed's snippets, incremental uploads, dead letters,
outages and persisted backoff, and the ``upload`` command's exit status."""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from fixtures.fault_proxy import LiveServer
from fixtures.fault_proxy import run_cli as cli
from swgdb_bridge import SessionUploader, SWGDBAPIClient, UploadConfig
from swgdb_bridge.demo.run import write_sample_sessions
from swgdb_bridge.demo.samples import generate_tracker_session
from swgdb_bridge.upload.outbox import Outbox


def config_for(server: LiveServer, folder: Path, api_url: str | None = None, **extra) -> UploadConfig:
    extra.setdefault("retry_delay_seconds", 0.001)
    return UploadConfig(
        swgdb_api_url=api_url or server.api_url,
        api_key=server.api_key,
        user_hash=server.user_hash,
        session_dirs=[folder],
        **extra,
    )


def test_seed_snippets_run_as_written(live_server: LiveServer, tmp_path: Path, monkeypatch) -> None:
    """The design document's two usage examples, with this server's real credentials substituted."""
    monkeypatch.chdir(tmp_path)
    write_sample_sessions(tmp_path / "logs" / "sessions", 2)  # the bot's default folder
    from swgdb_bridge.serialize import SessionLogSerializer
    from swgdb_bridge.sources import read_session

    session_data = SessionLogSerializer().serialize(
        read_session(tmp_path / "logs" / "sessions" / "session_0000.json")
    )

    config = UploadConfig(
        swgdb_api_url=live_server.api_url,
        api_key=live_server.api_key,
        user_hash=live_server.user_hash,
        sanitize_data=True,
        include_events=True,
        include_locations=True,
        include_communications=False,
        include_player_encounters=False,
    )
    uploader = SessionUploader(config)
    results = uploader.upload_all_sessions()
    print(f"Uploaded: {results['uploaded']}, Failed: {results['failed']}")
    assert (results["uploaded"], results["failed"]) == (3, 0)

    client = SWGDBAPIClient(
        api_url=live_server.api_url, api_key=live_server.api_key, user_hash=live_server.user_hash
    )
    auth_result = client.validate_credentials()
    assert auth_result["valid"]
    if auth_result["valid"]:
        result = client.push_session_data(session_data)
        print(result["success"])
    assert result["success"] is True and result["status"] == "unchanged"
    assert client.push_session_data(session_data.to_document())["success"] is True
    assert len(live_server.stored_sessions()) == 3


def write_long_ago(path: Path, text: str) -> None:
    """A cut-off file the bot left a while ago (one changed seconds ago is still being written: retried)."""
    path.write_text(text)
    os.utime(path, (1e9, 1e9))


def test_unchanged_files_are_skipped_and_grown_files_land_as_updated(
    live_server: LiveServer, tmp_path: Path
) -> None:
    folder = tmp_path / "sessions"
    files = write_sample_sessions(folder, 3)
    uploader = SessionUploader(config_for(live_server, folder))
    assert uploader.run().uploaded == 4

    again = uploader.run()
    assert (again.uploaded, again.updated, again.unchanged) == (0, 0, 4)

    live = files[-1]  # the JSON Lines session, still being written: drop its end and append more events
    lines = live.read_bytes().splitlines(keepends=True)
    live.write_bytes(b"".join(lines[:-1]))
    assert uploader.run().updated == 1
    live.write_bytes(b"".join(lines))
    grown = uploader.run()
    assert (grown.updated, grown.unchanged, grown.ok) == (1, 3, True)
    statuses = {s.session_id: s.status for s in live_server.stored_sessions()}
    assert sorted(statuses.values()) == ["created", "created", "created", "updated"]

    forced = uploader.run(force=True)
    assert (forced.uploaded, forced.updated, forced.unchanged) == (0, 0, 4)


@pytest.mark.slow
def test_a_large_backfill_is_serialized_by_worker_processes(live_server: LiveServer, tmp_path: Path) -> None:
    from swgdb_bridge.upload.prepare import PARALLEL_THRESHOLD

    folder = tmp_path / "sessions"
    write_sample_sessions(folder, PARALLEL_THRESHOLD)
    write_long_ago(folder / "broken.json", '{"session_id": "x", "start_time": ')
    (folder / "settings.json").write_text("[]")  # not a session: skipped quietly, not an error
    report = SessionUploader(config_for(live_server, folder), workers=2).run()
    assert (report.uploaded, report.skipped_invalid, report.ok) == (PARALLEL_THRESHOLD + 1, 1, True)
    with Outbox() as box:
        assert box.file_record(str(folder / "session_0000.json")) is not None


def test_since_and_dry_run(live_server: LiveServer, tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    write_sample_sessions(folder, 3)  # sessions start 1-4 October 2026
    uploader = SessionUploader(config_for(live_server, folder))
    dry = uploader.run(dry_run=True, since=datetime(2026, 10, 3, tzinfo=UTC))
    assert len(dry.would_send) == 2 and dry.skipped_old == 2
    assert live_server.stored_sessions() == []
    assert uploader.run(since=datetime(2026, 10, 3, tzinfo=UTC)).uploaded == 2
    assert uploader.run().uploaded == 2  # the older ones still go on a later full run


def test_invalid_files_are_reported_and_the_rest_upload(live_server: LiveServer, tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    write_sample_sessions(folder, 2)
    write_long_ago(folder / "broken.json", '{"session_id": "x", "start_time": ')
    report = SessionUploader(config_for(live_server, folder)).run()
    assert (report.uploaded, report.skipped_invalid, report.ok) == (3, 1, True)
    assert any("broken.json" in line and "truncated" in line for line in report.errors)


def test_refused_payload_goes_to_dead_letters_and_can_be_retried(
    live_server: LiveServer, tmp_path: Path
) -> None:
    from fixtures.payloads import make_document
    from swgdb_bridge.upload.outbox import NewItem

    with Outbox() as box:
        bad = orjson.dumps(make_document("refused-1", character_name=""))
        box.enqueue([NewItem("refused-1", "f" * 64, bad, "handmade.json")])
    report = SessionUploader(config_for(live_server, tmp_path)).run()
    assert (report.failed, report.queued, report.ok) == (1, 0, False)
    assert "refused-1" in report.errors[0] and "character_name" in report.errors[0]
    with Outbox() as box:
        [dead] = box.dead_letters()
        assert "refused by the server" in dead.reason
        assert box.revive(["refused-1"]) == 1 and len(box.pending()) == 1


def test_outage_keeps_sessions_queued_and_backoff_survives_restarts(
    live_server: LiveServer, tmp_path: Path, fault_proxy
) -> None:
    folder = tmp_path / "sessions"
    write_sample_sessions(folder, 2)
    down = True
    proxy = fault_proxy(lambda _n, _m, path: "503" if down and "upload" in path else "pass")
    slow_backoff = config_for(live_server, folder, f"{proxy.url}/v1", retry_delay_seconds=3600, max_retries=0)
    first = SessionUploader(slow_backoff).run()
    assert (first.queued, first.ok) == (3, False) and "503" in first.errors[0]
    with Outbox() as box:
        assert all(item.attempts == 1 for item in box.pending())
    down = False
    before = proxy.injected["pass"]
    second = SessionUploader(slow_backoff).run()  # a new process would see the same: the schedule is on disk
    assert second.queued == 3 and proxy.injected["pass"] - before == 1  # only GET /v1/info, no upload
    with Outbox() as box:
        for item in box.pending():
            box.reschedule(item, 0, "made due by the test")
    third = SessionUploader(config_for(live_server, folder, f"{proxy.url}/v1")).run()
    assert (third.uploaded, third.queued, third.ok) == (3, 0, True)


def test_whole_batches_travel_while_later_files_are_still_read(
    live_server: LiveServer, tmp_path: Path
) -> None:
    from swgdb_bridge.upload.uploader import ENQUEUE_CHUNK

    folder = tmp_path / "sessions"
    paths = write_sample_sessions(folder, ENQUEUE_CHUNK + 9)
    events: list[tuple[str, int, int]] = []
    uploader = SessionUploader(config_for(live_server, folder), max_batch_sessions=10)
    report = uploader.run(progress=lambda phase, done, total: events.append((phase, done, total)))
    assert (report.uploaded, report.queued, report.ok) == (len(paths), 0, True)
    phases = [phase for phase, _, _ in events]
    last_read = len(phases) - 1 - phases[::-1].index("reading")
    assert phases.index("sending") < last_read, "nothing was sent before the last file was read"
    sent = [(done, total) for phase, done, total in events if phase == "sending"]
    assert [done for done, _ in sent] == sorted(done for done, _ in sent) and sent[-1] == (len(paths),) * 2
    stored = live_server.stored_sessions()
    assert len(stored) == len(paths) == len({s.session_id for s in stored})


def test_a_server_failing_mid_run_stops_the_sending_and_loses_nothing(
    live_server: LiveServer, tmp_path: Path, fault_proxy
) -> None:
    from swgdb_bridge.upload.uploader import ENQUEUE_CHUNK

    folder = tmp_path / "sessions"
    paths = write_sample_sessions(folder, ENQUEUE_CHUNK + 9)
    uploads: list[str] = []

    def third_upload_fails(_n: int, method: str, path: str) -> str:
        if method != "POST" or "upload" not in path:
            return "pass"
        uploads.append(path)
        return "503" if len(uploads) == 3 else "pass"

    proxy = fault_proxy(third_upload_fails)
    config = config_for(live_server, folder, f"{proxy.url}/v1", retry_delay_seconds=3600, max_retries=0)
    report = SessionUploader(config, max_batch_sessions=10).run()
    assert len(uploads) == 3, "the run kept sending after the server failed"
    [error] = report.errors
    assert "503" in error and not report.ok
    assert len(live_server.stored_sessions()) == 20  # the two batches before the failure
    assert report.queued == len(paths) - 20  # the failed batch and everything read after it
    with Outbox() as box:
        assert len(box.pending()) == len(paths) - 20
        for item in box.pending():
            box.reschedule(item, 0, "made due by the test")
    again = SessionUploader(config_for(live_server, folder)).run()
    assert (again.uploaded, again.queued, again.ok) == (len(paths) - 20, 0, True)
    stored = live_server.stored_sessions()
    assert len(stored) == len(paths) == len({s.session_id for s in stored})


def test_upload_command_exit_status_and_json(
    live_server: LiveServer, tmp_path: Path, bridge_home: Path
) -> None:
    folder = tmp_path / "sessions"
    write_sample_sessions(folder, 1)
    done = cli("upload", "--dir", str(folder), "--json", server=live_server, home=bridge_home)
    assert done.returncode == 0, done.stderr
    assert orjson.loads(done.stdout)["uploaded"] == 2
    table = cli("upload", "--dir", str(folder), server=live_server, home=bridge_home)
    assert table.returncode == 0 and "unchanged" in table.stdout

    (folder / "new.json").write_bytes(orjson.dumps(generate_tracker_session(random.Random(9), index=40)))
    unreachable = cli(
        "upload",
        "--dir",
        str(folder),
        "--json",
        server=live_server,
        home=bridge_home,
        SWGDB_API_URL="http://127.0.0.1:9/v1",
        MAX_RETRIES="0",
    )
    assert unreachable.returncode == 1
    report = orjson.loads(unreachable.stdout)
    assert report["queued"] == 1 and "could not reach" in report["errors"][0]
    assert "Traceback" not in unreachable.stderr


def test_corrupt_state_and_held_lock_are_clear_errors(
    live_server: LiveServer, tmp_path: Path, bridge_home: Path
) -> None:
    from swgdb_bridge.upload.outbox import UploaderLock, default_state_path

    with UploaderLock():
        held = cli("upload", "--dir", str(tmp_path), server=live_server, home=bridge_home)
    assert held.returncode == 1 and "already using" in held.stderr and "Traceback" not in held.stderr
    state = default_state_path()
    state.write_bytes(b"\x00garbage" * 512)
    corrupt = cli("upload", "--dir", str(tmp_path), server=live_server, home=bridge_home)
    assert corrupt.returncode == 1 and str(state) in corrupt.stderr.replace("\n", "")
    assert "Traceback" not in corrupt.stderr


def test_missing_credentials_name_the_settings(tmp_path: Path) -> None:
    from swgdb_bridge.errors import ConfigError

    with pytest.raises(ConfigError, match="SWGDB_API_KEY and SWGDB_USER_HASH"):
        SessionUploader(UploadConfig(session_dirs=[tmp_path])).run()
