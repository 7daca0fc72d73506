"""Outbox edges the state machine does not reach: corrupt files, the one-uploader lock, batch bounds."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from swgdb_bridge.errors import StateError
from swgdb_bridge.upload.outbox import NewItem, Outbox, UploaderLock

FILL_THE_DISK = """
import resource, signal, sys
from pathlib import Path
from swgdb_bridge.errors import StateError
from swgdb_bridge.upload.outbox import NewItem, Outbox

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing us
box = Outbox(Path(sys.argv[1]))
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
try:
    box.enqueue([NewItem(f"s-{i}", "a" * 64, bytes(range(256)) * 80) for i in range(20)])
except StateError as exc:
    print(exc)
"""

HOLD_LOCK = """
import sys, time
from pathlib import Path
from swgdb_bridge.upload.outbox import UploaderLock
UploaderLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_garbage_state_file_is_a_clear_state_error(tmp_path: Path) -> None:
    state = tmp_path / "uploads.sqlite3"
    state.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    with pytest.raises(StateError) as caught:
        Outbox(state)
    message = str(caught.value)
    assert str(state) in message and "move it aside" in message


def test_truncated_state_file_is_a_clear_state_error(tmp_path: Path) -> None:
    state = tmp_path / "uploads.sqlite3"
    with Outbox(state) as box:
        box.enqueue([NewItem(f"s-{i}", "a" * 64, b"x" * 5000) for i in range(50)])
    for suffix in ("-wal", "-shm"):
        Path(f"{state}{suffix}").unlink(missing_ok=True)
    state.write_bytes(state.read_bytes()[:3000])
    with pytest.raises(StateError, match="cannot be used"), Outbox(state) as box:
        box.pending()


def test_unreadable_state_file_is_a_clear_state_error(tmp_path: Path) -> None:
    state = tmp_path / "uploads.sqlite3"
    state.mkdir()  # unreadable as a database even for root, unlike a chmod 0 file
    with pytest.raises(StateError, match=str(state)):
        Outbox(state)


@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are POSIX")
def test_a_full_disk_says_free_space_and_loses_nothing(tmp_path: Path) -> None:
    """Was: "If it is corrupt, move it aside" for a disk that was only full; moving the state aside drops
    every queued session whose log file is gone since. The file is fine: make room and run again."""
    state = tmp_path / "uploads.sqlite3"
    with Outbox(state) as box:
        box.enqueue([NewItem("kept", "b" * 64, b"{}")])
    shown = subprocess.run(
        [sys.executable, "-c", FILL_THE_DISK, str(state)], capture_output=True, text=True, check=True
    ).stdout
    assert str(state) in shown and "free space" in shown and "move it aside" not in shown
    with Outbox(state) as box:  # room again: the queue is as it was, and takes the sessions now
        assert [item.session_id for item in box.pending()] == ["kept"]
        assert box.enqueue([NewItem(f"s-{i}", "a" * 64, bytes(range(256)) * 80) for i in range(20)]) == 20


def test_state_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    import sqlite3

    state = tmp_path / "uploads.sqlite3"
    with sqlite3.connect(state) as db:
        db.execute("PRAGMA user_version=99")
    with pytest.raises(StateError, match="newer swgdb-bridge"):
        Outbox(state)


def test_due_respects_count_and_byte_bounds(tmp_path: Path) -> None:
    with Outbox(tmp_path / "o.sqlite3") as box:
        box.enqueue([NewItem(f"s-{i}", "a" * 64, b"x" * 100) for i in range(10)], now=0)
        assert len(box.due(now=1, limit=4)) == 4
        assert len(box.due(now=1, limit=10, max_bytes=350)) == 3
        assert len(box.due(now=1, limit=10, max_bytes=10)) == 1  # one oversized entry still goes alone
        assert box.due(now=-1) == []


def test_second_uploader_is_refused_and_the_lock_dies_with_its_holder(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StateError) as caught:
            UploaderLock(tmp_path).acquire()
        assert f"pid {holder.pid}" in str(caught.value) and str(tmp_path) in str(caught.value)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    deadline = time.monotonic() + 10
    while True:  # the OS drops the lock with the process; no stale lock file to clean up
        try:
            lock = UploaderLock(tmp_path).acquire()
            break
        except StateError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    lock.release()


def test_lock_is_reentrant_after_release(tmp_path: Path) -> None:
    with UploaderLock(tmp_path), pytest.raises(StateError, match="already using"):
        UploaderLock(tmp_path).acquire()
    with UploaderLock(tmp_path):
        pass
