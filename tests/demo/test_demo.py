"""The demo (README command #1): runs end to end, uploads sanitized sessions, links a working dashboard."""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from helpers.cli import run
from helpers.http import http_client, sign_in
from swgdb_bridge.demo.run import demo_environment, run_demo
from swgdb_bridge.paths import HOME_ENV

# Other players' names the sample chat uses that are not also ordinary words
PLAYER_NAMES = ("Zorvath", "Kelindra", "Drayko", "Vexa Thorn")


def stored_documents(storage) -> list[dict]:
    from sqlalchemy import select

    from swgdb_bridge.server.db.tables import sessions

    with storage.engine.connect() as connection:
        return [row[0] for row in connection.execute(select(sessions.c.document))]


def test_demo_uploads_sanitized_sessions_and_links_the_dashboard(bridge_home: Path) -> None:
    with demo_environment(sessions=3) as run:
        assert os.environ[HOME_ENV] != str(bridge_home)  # the demo keeps its keys and state in its own folder
        run_demo(run)
        documents = stored_documents(run.server.storage)
        with http_client(follow_redirects=True, timeout=30) as browser:
            page = sign_in(browser, run.dashboard_url)
        folder = run.folder
    assert run.report.ok and run.report.uploaded == 4 and len(documents) == 4
    text = orjson.dumps(documents).decode()
    assert not [name for name in PLAYER_NAMES if name in text]
    chats = [event for doc in documents for event in doc["event_data"]["communication_events"]]
    assert chats and all("message" not in event for event in chats)  # whispers counted, never uploaded
    assert sum(p["player_names_replaced"] for p in run.previews) > 0
    assert page.status_code == 200 and documents[0]["character_name"] in page.text
    assert not folder.exists() and os.environ[HOME_ENV] == str(bridge_home)


def test_demo_command_runs_and_exits(bridge_home: Path) -> None:
    done = run("demo", "--sessions", "2")
    assert done.returncode == 0, done.stderr
    assert "Dashboard: http://127.0.0.1:" in done.stdout and "/dashboard/login?token=" in done.stdout
    assert "│ uploaded        │ 3 │" in done.stdout
