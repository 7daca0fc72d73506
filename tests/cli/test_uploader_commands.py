"""The small commands around the uploader: check, status, queue (+ retry, export), stats; how the account
commands (dashboard, logout) retry."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from fixtures.fault_proxy import LiveServer
from fixtures.fault_proxy import run_cli as cli
from fixtures.payloads import make_document
from swgdb_bridge.demo.run import write_sample_sessions
from swgdb_bridge.upload.outbox import NewItem, Outbox


def test_check_reports_server_clock_and_credentials(live_server: LiveServer, bridge_home: Path) -> None:
    good = cli("check", "--json", server=live_server, home=bridge_home)
    assert good.returncode == 0, good.stderr
    result = orjson.loads(good.stdout)
    assert result["ok"] and result["credentials"]["valid"] and abs(result["clock_skew_seconds"]) < 5
    bad_key = cli("check", server=live_server, home=bridge_home, SWGDB_API_KEY="not-the-key")
    assert bad_key.returncode == 3 and "refused" in bad_key.stdout
    down = cli("check", server=live_server, home=bridge_home, SWGDB_API_URL="http://127.0.0.1:9/v1")
    assert down.returncode == 1 and "unreachable" in down.stdout and "Traceback" not in down.stderr


@pytest.mark.parametrize(("max_retries", "asked"), [("0", 1), ("1", 2), ("5", 2)])
def test_commands_someone_waits_on_retry_once_at_most_and_never_when_max_retries_is_0(
    live_server: LiveServer, fault_proxy, bridge_home: Path, max_retries: str, asked: int
) -> None:
    """Someone waits for these answers: a second try, not the upload's whole budget; MAX_RETRIES=0 is none."""
    for command in (["check"], ["status", "s-1"], ["dashboard", "--print"], ["logout", "--revoke"]):
        proxy = fault_proxy(lambda _n, _method, _path: "503")
        done = cli(
            *command,
            server=live_server,
            home=bridge_home,
            SWGDB_API_URL=f"{proxy.url}/v1",
            MAX_RETRIES=max_retries,
        )
        assert done.returncode == 1, done.stdout + done.stderr
        assert proxy.injected["503"] == asked, command


def test_status_queue_and_stats(live_server: LiveServer, tmp_path: Path, bridge_home: Path) -> None:
    folder = tmp_path / "sessions"
    write_sample_sessions(folder, 1)
    assert cli("upload", "--dir", str(folder), server=live_server, home=bridge_home).returncode == 0
    session_id = live_server.stored_sessions()[0].session_id

    status = cli("status", session_id, "--json", server=live_server, home=bridge_home)
    assert status.returncode == 0 and orjson.loads(status.stdout)["server"]["status"] == "created"
    missing = cli("status", "no-such-session", server=live_server, home=bridge_home)
    assert missing.returncode == 1 and "not found" in missing.stdout

    with Outbox() as box:  # one payload the server will refuse
        box.enqueue(
            [NewItem("refused-1", "e" * 64, orjson.dumps(make_document("refused-1", character_name="")))]
        )
    assert cli("upload", "--dir", str(folder), server=live_server, home=bridge_home).returncode == 1
    queue = orjson.loads(cli("queue", "--json", server=live_server, home=bridge_home).stdout)
    assert queue["pending"] == [] and [d["session_id"] for d in queue["dead_letters"]] == ["refused-1"]
    exported = cli("queue", "export", server=live_server, home=bridge_home).stdout.splitlines()
    assert [orjson.loads(line)["payload"]["session_id"] for line in exported] == ["refused-1"]
    retried = cli("queue", "retry", server=live_server, home=bridge_home)
    assert retried.returncode == 0 and "1 session(s) queued again" in retried.stdout

    stats = orjson.loads(cli("stats", "--json", server=live_server, home=bridge_home).stdout)
    assert (stats["queued"], stats["dead_letters"], stats["sessions_delivered"]) == (1, 0, 2)
    assert stats["deliveries"] == {"created": 2}


def test_a_missing_session_folder_is_named_not_silently_empty(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from swgdb_bridge.cli import app

    monkeypatch.chdir(tmp_path)  # a short relative path: the error box wraps long ones
    for command in ("upload", "logs"):
        result = CliRunner().invoke(app, [command, "--dir", "no-such-folder"])
        assert result.exit_code == 2 and "'no-such-folder' does not exist" in result.output


def test_unknown_ids_and_unwritable_exports_are_named(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from swgdb_bridge.cli import app

    monkeypatch.chdir(tmp_path)  # short relative paths: the error box wraps long ones
    retried = CliRunner().invoke(app, ["queue", "retry", "no-such-id"])
    assert retried.exit_code == 2 and "no dead letter with id 'no-such-id'" in retried.output
    # ids no session can have; the first was a UnicodeEncodeError traceback from SQLite
    for odd in ("\udcff", "a\x00b", "../x", "x" * 5_000):
        refused = CliRunner().invoke(app, ["queue", "retry", odd], catch_exceptions=False)
        assert refused.exit_code == 2 and "no dead letter with id" in refused.output
        assert len(refused.output) < 1_000  # an id of 5,000 characters is not repeated whole
    many = CliRunner().invoke(app, ["queue", "retry", *(f"id-{n}" for n in range(40))])
    assert many.exit_code == 2 and "and 35 more" in many.output
    exported = CliRunner().invoke(app, ["queue", "export", "--output", "missing/q.jsonl"])
    assert exported.exit_code == 2 and "cannot write missing/q.jsonl" in exported.output
    assert "Traceback" not in exported.output
    unreachable = CliRunner().invoke(app, ["status", "s-1"], env={"SWGDB_API_URL": "http://127.0.0.1:9/v1"})
    assert unreachable.exit_code == 1 and "server: could not ask" in unreachable.output
