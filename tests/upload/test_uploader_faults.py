"""N sessions through a proxy that fails a third of all requests (5xx, 429, dropped connections before and
after the server stored the body, late answers): every session ends up stored exactly once, intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.fault_proxy import FAULTS, LiveServer, seeded_chooser
from swgdb_bridge import SessionUploader, UploadConfig
from swgdb_bridge.demo.run import write_sample_sessions
from swgdb_bridge.upload.outbox import Outbox

SESSIONS = 24
MAX_RUNS = 40


@pytest.mark.parametrize("batch", [False, True], ids=["single", "batch"])
@pytest.mark.parametrize("seed", [1, 2])
def test_every_session_is_stored_exactly_once_despite_faults(
    live_server: LiveServer, fault_proxy, tmp_path: Path, batch: bool, seed: int
) -> None:
    folder = tmp_path / "sessions"
    write_sample_sessions(folder, SESSIONS - 1, seed=seed)
    proxy = fault_proxy(seeded_chooser(seed, fault_rate=0.35), slow_seconds=0.6)
    config = UploadConfig(
        swgdb_api_url=f"{proxy.url}/v1",
        api_key=live_server.api_key,
        user_hash=live_server.user_hash,
        session_dirs=[folder],
        max_retries=2,
        retry_delay_seconds=0.001,
    )
    # small batches so that a batch run still makes several requests, and faults hit them
    uploader = SessionUploader(config, batch=batch, max_batch_sessions=5, timeout=0.4)
    for _ in range(MAX_RUNS):  # each run retries what is due; persisted backoff is tiny here
        report = uploader.run()
        if report.ok:
            break
    assert report.ok, report.errors
    assert all(proxy.injected[f] for f in FAULTS), f"some fault was never injected: {proxy.injected}"

    with Outbox() as box:
        assert box.pending() == [] and box.dead_letters() == []
        delivered = box.delivered()
    stored = live_server.stored_sessions()
    assert len(stored) == SESSIONS == len({s.session_id for s in stored})
    assert {s.session_id: s.digest for s in stored} == delivered  # what we sent is what the server holds
    # never overwritten: a re-sent copy of the same digest lands as "unchanged", not as an update
    assert {s.status for s in stored} == {"created"}
