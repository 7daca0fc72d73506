"""Crash safety: the real ``swgdb-bridge upload`` process is SIGKILLed again and again, at random moments and
right after the server stored a random number of sessions; then one run completes. Every session must be
stored exactly once, as sent, and the outbox must be empty (docs/delivery.md)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.fault_proxy import LiveServer
from swgdb_bridge.demo.run import write_sample_sessions
from swgdb_bridge.upload.outbox import Outbox

SESSIONS = 40
KILLS = 12
LAG_SECONDS = 0.05  # each POST, each way: one request cycle is twice this
pytestmark = pytest.mark.slow


def start_uploader(url: str, server: LiveServer, folder: Path, home: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "SWGDB_BRIDGE_HOME": str(home),
        "SWGDB_API_URL": url,
        "SWGDB_API_KEY": server.api_key,
        "SWGDB_USER_HASH": server.user_hash,
        "RETRY_DELAY_SECONDS": "0.001",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "swgdb_bridge", "upload", "--dir", str(folder), "--no-batch", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def kill_when(process: subprocess.Popen, ready: Callable[[], bool], deadline_seconds: float = 20.0) -> None:
    deadline = time.monotonic() + deadline_seconds
    while process.poll() is None and not ready() and time.monotonic() < deadline:
        time.sleep(0.02)  # a fifth of one request cycle: fine enough, and the polling costs little CPU
    process.send_signal(signal.SIGKILL)
    process.communicate()


def after_pause(seconds: float) -> Callable[[], bool]:
    started = time.monotonic()
    return lambda: time.monotonic() - started >= seconds


def after_stored(server: LiveServer, target: int, jitter: float) -> Callable[[], bool]:
    """True ``jitter`` seconds after the server first held ``target`` sessions."""
    reached: list[float] = []

    def due() -> bool:
        if not reached and len(server.stored_sessions()) >= target:
            reached.append(time.monotonic())
        return bool(reached) and time.monotonic() - reached[0] >= jitter

    return due


def test_sigkill_at_random_points_never_loses_or_duplicates_a_session(
    live_server: LiveServer, fault_proxy, tmp_path: Path, bridge_home: Path
) -> None:
    folder = tmp_path / "sessions"
    write_sample_sessions(folder, SESSIONS - 1, seed=5)
    # every upload delayed on the way in and out, so kills land before the server sees a request, after it
    # stored one but before we heard, and between requests
    proxy = fault_proxy(
        lambda _n, method, _p: "lag" if method == "POST" else "pass", slow_seconds=LAG_SECONDS
    )
    url = f"{proxy.url}/v1"
    rng = random.Random(2026)
    stored_after_kill = []
    for round_ in range(KILLS):
        process = start_uploader(url, live_server, folder, bridge_home)
        if round_ % 3 == 2:  # anywhere: start-up, reading and queuing, sending
            kill_when(process, after_pause(rng.uniform(0.0, 2.0)))
        else:  # mid-sending: a few sessions after this run's first, plus a jitter across one request cycle
            target = len(live_server.stored_sessions()) + rng.randint(1, 5)
            kill_when(process, after_stored(live_server, target, rng.uniform(0.0, 2.5 * LAG_SECONDS)))
        stored_after_kill.append(len(live_server.stored_sessions()))
        if process.returncode == 0:  # done before its kill: more rounds would only repeat the final run
            break

    final = start_uploader(url, live_server, folder, bridge_home)
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()

    assert any(0 < n < SESSIONS for n in stored_after_kill), f"no kill landed mid-upload: {stored_after_kill}"
    with Outbox() as box:
        assert box.pending() == [] and box.dead_letters() == []
        delivered = box.delivered()
    stored = live_server.stored_sessions()
    assert len(stored) == SESSIONS == len({s.session_id for s in stored})
    assert {s.session_id: s.digest for s in stored} == delivered
    assert {s.status for s in stored} == {"created"}  # re-sends after a kill landed as "unchanged"
