"""``swgdb-bridge demo``: the whole path on one machine in a few seconds, touching none of the user's files.

A temporary folder holds everything: the server's SQLite database, the bridge's state (outbox, pseudonym
key) and a handful of generated sessions whose chat carries whispers, other players' names and planted
secrets. The reference server runs in-process on a free loopback port; the real uploader sends the sessions
through it with signed requests, exactly as it would to a remote SWGDB.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from swgdb_bridge.paths import HOME_ENV
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.upload.client import SWGDBAPIClient
from swgdb_bridge.upload.config import UploadConfig
from swgdb_bridge.upload.uploader import Progress, SessionUploader, UploadReport

DEMO_SEED = 118
DEMO_USER = "demo-pilot"


@dataclass
class DemoRun:
    """What the demo did: where the server listens, what each session looks like after sanitizing, the counts."""

    folder: Path
    base_url: str
    api_url: str
    user_hash: str
    api_key: str = field(repr=False)
    server: Any = field(repr=False)
    pairing_code: str = field(default="", repr=False)
    key_stored_in: str = ""
    dashboard_url: str | None = None
    previews: list[dict[str, Any]] = field(default_factory=list)
    report: UploadReport | None = None


def write_sample_sessions(folder: Path, count: int, seed: int = DEMO_SEED) -> list[Path]:
    """``count`` tracker-shaped sessions plus one JSON Lines session, all generated from ``seed``."""
    from swgdb_bridge.demo.samples import generate_tracker_session, write_jsonl_session

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    written = []
    for index in range(count):
        path = folder / f"session_{index:04d}.json"
        path.write_bytes(orjson.dumps(generate_tracker_session(rng, index=index), option=orjson.OPT_INDENT_2))
        written.append(path)
    written.append(write_jsonl_session(folder / "live_session.jsonl", rng, 300, index=count))
    return written


def preview(path: Path, options: SanitizeOptions) -> dict[str, Any]:
    """One line of "what leaves the machine" for a session file: totals and what sanitizing removed."""
    from swgdb_bridge.serialize import SessionLogSerializer
    from swgdb_bridge.sources import read_session

    payload = SessionLogSerializer(options).serialize(read_session(path))
    report = payload.metadata.sanitization_report
    counts = report.counts if report is not None else {}
    chat = sum(v for k, v in payload.event_data.event_types.items() if k.startswith("communication_"))
    return {
        "session_id": payload.session_id,
        "character": payload.character_name,
        "xp": payload.xp_data.total_xp_gained,
        "chat_messages": chat,
        "messages_removed": counts.get("messages_removed", 0),
        "player_names_replaced": counts.get("player_names", 0),
    }


@contextmanager
def demo_environment(sessions: int = 4) -> Iterator[DemoRun]:
    """Temporary folder, bridge home, server and a demo user paired by invite code; all torn down on exit."""
    from swgdb_bridge.server.runner import start_server

    with tempfile.TemporaryDirectory(prefix="swgdb-demo-") as tmp:
        folder = Path(tmp)
        previous_home = os.environ.get(HOME_ENV)
        os.environ[HOME_ENV] = str(
            folder / "bridge-home"
        )  # the demo's keys and state stay in the temp folder
        try:
            running = start_server(f"sqlite:///{folder / 'server.db'}")
            try:
                run = _paired_run(folder, running)
                write_sample_sessions(folder / "sessions", sessions)
                yield run
            finally:
                running.stop()
        finally:
            if previous_home is None:
                os.environ.pop(HOME_ENV, None)
            else:
                os.environ[HOME_ENV] = previous_home


def _paired_run(folder: Path, running: Any) -> DemoRun:
    """What an operator and a new user do: ``server invite``, then ``login CODE`` (without the OS keyring:
    the demo's key must not outlive its temporary folder)."""
    from swgdb_bridge.server.db.pairings import Pairings
    from swgdb_bridge.server.settings import at
    from swgdb_bridge.upload.credentials import save_credentials

    api_url = f"{running.url}/v1"
    invite = Pairings(running.storage).invite(DEMO_USER, at(time.time()))
    with SWGDBAPIClient(api_url, "", "") as client:
        paired = client.redeem_pairing(code=invite.code)
    stored_in = save_credentials(api_url, paired["user_hash"], paired["api_key"], use_keyring=False)
    return DemoRun(
        folder, running.url, api_url, paired["user_hash"], paired["api_key"], running, invite.code, stored_in
    )


def run_demo(run: DemoRun, progress: Progress | None = None) -> DemoRun:
    """Preview, upload and link: the demo's main job, inside :func:`demo_environment`."""
    config = UploadConfig.load(
        session_dirs=[run.folder / "sessions"], retry_delay_seconds=0.5
    )  # as logged in
    run.previews = [preview(p, config.sanitize_options) for p in sorted((run.folder / "sessions").iterdir())]
    uploader = SessionUploader(config)
    try:
        run.report = uploader.run(progress=progress)
    finally:
        uploader.close()
    with SWGDBAPIClient(config.swgdb_api_url, config.api_key, config.user_hash) as client:
        run.dashboard_url = client.dashboard_link()  # what `swgdb-bridge dashboard` asks for
    return run
