"""Watch mode: new and grown files are uploaded once they settle, by file events or by polling alone, and the
command stops cleanly on SIGTERM/SIGINT, releasing the uploader lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.fault_proxy import LiveServer
from swgdb_bridge import SessionUploader, UploadConfig
from swgdb_bridge.demo.run import write_sample_sessions
from swgdb_bridge.errors import ConfigError
from swgdb_bridge.upload.outbox import UploaderLock
from swgdb_bridge.upload.watch import SessionWatcher

REPO = Path(__file__).resolve().parents[2]

WATCH_A_FULL_DISK = """
import json, os, resource, signal, sys, threading, time
from pathlib import Path
from swgdb_bridge import SessionUploader, UploadConfig
from swgdb_bridge.upload.outbox import Outbox
from swgdb_bridge.upload.watch import SessionWatcher

api_url, api_key, user_hash, folder, state, sessions = sys.argv[1:]
Outbox(Path(state)).close()
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing us
_, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize(state) + 4096, hard))  # the disk is full
reports = []
config = UploadConfig(swgdb_api_url=api_url, api_key=api_key, user_hash=user_hash, session_dirs=[Path(folder)])
watcher = SessionWatcher(
    SessionUploader(config, outbox_path=Path(state)), [Path(folder)], interval_seconds=3600,
    settle_seconds=0.05, poll_seconds=0.05, file_events=False, on_report=reports.append,
    disk_retry_seconds=0.2,
)
thread = threading.Thread(target=watcher.run)
thread.start()
def wait(condition):
    deadline = time.monotonic() + 20
    while not condition() and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
wait(lambda: any(report.errors for report in reports))
resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))  # room again
wait(lambda: sum(report.uploaded for report in reports) >= int(sessions))
alive = thread.is_alive()
watcher.stop()
thread.join(timeout=20)
errors = [line for report in reports for line in report.errors]
print(json.dumps({"alive": alive, "errors": errors, "uploaded": sum(r.uploaded for r in reports)}))
"""


def eventually(condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def statuses(server: LiveServer) -> dict[str, str]:
    return {s.session_id: s.status for s in server.stored_sessions()}


@pytest.mark.parametrize("file_events", [True, False], ids=["watchdog", "polling"])
def test_watcher_uploads_new_and_grown_files(
    live_server: LiveServer, tmp_path: Path, file_events: bool
) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    config = UploadConfig(
        swgdb_api_url=live_server.api_url,
        api_key=live_server.api_key,
        user_hash=live_server.user_hash,
        session_dirs=[folder],
        retry_delay_seconds=0.001,
    )
    watcher = SessionWatcher(
        SessionUploader(config),
        [folder],
        interval_seconds=3600,
        settle_seconds=0.2,
        poll_seconds=0.1,
        file_events=file_events,
    )
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        staging = tmp_path / "staging"
        files = write_sample_sessions(staging, 2)
        lines = files[-1].read_bytes().splitlines(keepends=True)
        files[-1].write_bytes(b"".join(lines[:-1]))  # the JSONL session is still running: no session_end yet
        for path in files:
            path.rename(folder / path.name)
        eventually(lambda: len(statuses(live_server)) == 3, "three sessions uploaded")

        live = folder / files[-1].name
        with live.open("ab") as handle:  # the bot writes on and ends the session
            handle.write(lines[-1])
        eventually(lambda: "updated" in statuses(live_server).values(), "the grown session updated")
        with pytest.raises(Exception, match="already using"):
            UploaderLock().acquire()  # the watcher holds the lock while it runs
    finally:
        watcher.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    UploaderLock().acquire().release()


@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are POSIX")
def test_a_full_disk_pauses_the_watch_instead_of_ending_it(live_server: LiveServer, tmp_path: Path) -> None:
    """Was: the first write the disk refused ended ``watch`` for good (a traceback-free exit 1), so a bot
    writing on for hours uploaded nothing more until someone restarted it. Now the pass fails, the watch
    says why and tries again later; once there is room, every session goes."""
    folder = tmp_path / "sessions"
    sessions = len(write_sample_sessions(folder, 19))
    args = [live_server.api_url, live_server.api_key, live_server.user_hash, str(folder)]
    done = subprocess.run(
        [sys.executable, "-c", WATCH_A_FULL_DISK, *args, str(tmp_path / "uploads.sqlite3"), str(sessions)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["alive"] and outcome["uploaded"] == sessions == len(statuses(live_server))
    assert outcome["errors"] and "cannot be written" in outcome["errors"][0]
    assert "tries again" in outcome["errors"][0]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_watch_command_stops_cleanly_on_signals(
    live_server: LiveServer, tmp_path: Path, bridge_home: Path, signum: int
) -> None:
    folder = tmp_path / "sessions"
    write_sample_sessions(folder, 1)
    env = {
        **os.environ,
        "SWGDB_BRIDGE_HOME": str(bridge_home),
        "SWGDB_API_URL": live_server.api_url,
        "SWGDB_API_KEY": live_server.api_key,
        "SWGDB_USER_HASH": live_server.user_hash,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "swgdb_bridge",
            "watch",
            "--dir",
            str(folder),
            "--poll",
            "0.1",
            "--settle",
            "0.1",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        eventually(lambda: len(statuses(live_server)) == 2, "the watch command's first pass")
    finally:
        process.send_signal(signum)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err
    UploaderLock().acquire().release()


@pytest.mark.parametrize("minutes", [0, -1])
def test_a_watch_interval_must_be_positive(tmp_path: Path, minutes: float) -> None:
    config = UploadConfig(session_dirs=[tmp_path])
    with pytest.raises(ConfigError, match="UPLOAD_INTERVAL_MINUTES must be greater than 0"):
        SessionWatcher(SessionUploader(config), [tmp_path], interval_seconds=minutes * 60)
