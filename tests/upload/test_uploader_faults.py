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


def through(proxy, live_server: LiveServer, folder: Path, **settings: int) -> UploadConfig:  # type: ignore[no-untyped-def]
    """The uploader's settings for ``live_server``'s user, sending through ``proxy``, retrying at once."""
    return UploadConfig(
        swgdb_api_url=f"{proxy.url}/v1",
        api_key=live_server.api_key,
        user_hash=live_server.user_hash,
        session_dirs=[folder],
        retry_delay_seconds=0.001,
        **settings,
    )


@pytest.mark.parametrize("batch", [False, True], ids=["single", "batch"])
@pytest.mark.parametrize("seed", [1, 2])
def test_every_session_is_stored_exactly_once_despite_faults(
    live_server: LiveServer, fault_proxy, tmp_path: Path, batch: bool, seed: int
) -> None:
    folder = tmp_path / "sessions"
    write_sample_sessions(folder, SESSIONS - 1, seed=seed)
    proxy = fault_proxy(seeded_chooser(seed, fault_rate=0.35), slow_seconds=0.6)
    config = through(proxy, live_server, folder, max_retries=2)
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


@pytest.mark.parametrize("fault", ["proxy_400", "proxy_422"])
def test_a_proxys_own_refusal_keeps_the_session_queued(
    live_server: LiveServer, fault_proxy, tmp_path: Path, fault: str
) -> None:
    """Was: any 400 or 422 to an upload buried the session in the dead letters, even an nginx page or a
    gateway's JSON: the server never saw the session. Only the API's own error body is a refusal."""
    folder = tmp_path / "sessions"
    write_sample_sessions(folder, 1, seed=3)
    posts = iter([fault])
    proxy = fault_proxy(lambda _n, method, _path: next(posts, "pass") if method == "POST" else "pass")
    config = through(proxy, live_server, folder)
    uploader = SessionUploader(config, batch=False)
    first = uploader.run()
    assert not first.ok and first.failed == 0 and "stays queued" in " ".join(first.errors)
    with Outbox() as box:
        assert box.dead_letters() == [] and len(box.pending()) == 2
    assert uploader.run(force=True).ok
    assert len(live_server.stored_sessions()) == 2 and proxy.injected[fault] == 1
