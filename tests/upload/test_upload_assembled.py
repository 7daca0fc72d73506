"""Uploading the bot's real files to the live server: one play session stored, a new part re-sends it as
``updated`` under the same id, and the dashboard's session page shows the bot's facts (and no private text)."""

from __future__ import annotations

import shutil
from pathlib import Path

from fixtures.fault_proxy import LiveServer
from helpers.http import http_client, sign_in
from swgdb_bridge.server import dashboard_link
from swgdb_bridge.upload.config import UploadConfig
from swgdb_bridge.upload.uploader import SessionUploader

SESSION_ID = "ms11_20250809_190000"
LOOT = Path("src/data/loot_logs/heroic_loot_logs_20250809_211500.json")
PRIVATE = ("Zorvath", "Kelindra", "Tirra Dane", "284917563021457408", "watching u farm", "tip 500cr")


def uploader_for(server: LiveServer, folder: Path) -> SessionUploader:
    config = UploadConfig(
        swgdb_api_url=server.api_url,
        api_key=server.api_key,
        user_hash=server.user_hash,
        session_dirs=[folder],
        retry_delay_seconds=0.001,
    )
    return SessionUploader(config)


def test_a_tree_is_one_session_and_a_new_part_updates_it(
    live_server: LiveServer, ms11_real: Path, tmp_path: Path
) -> None:
    bot = tmp_path / "bot"
    shutil.copytree(ms11_real / "current-1236842", bot)  # copy2: the files keep their (old) times
    held_back = tmp_path / "loot.json"
    (bot / LOOT).rename(held_back)
    uploader = uploader_for(live_server, bot)

    first = uploader.run()
    assert (first.uploaded, first.updated, first.errors, first.ok) == (1, 0, [], True)
    assert [(s.session_id, s.status) for s in live_server.stored_sessions()] == [(SESSION_ID, "created")]
    assert uploader.run().unchanged == 1  # nothing changed: no file is read again

    held_back.rename(bot / LOOT)  # the heroic loot log appears: the same play session has grown
    grown = uploader.run()
    assert (grown.uploaded, grown.updated, grown.ok) == (0, 1, True)
    assert [(s.session_id, s.status) for s in live_server.stored_sessions()] == [(SESSION_ID, "updated")]

    page = session_page(live_server, SESSION_ID)
    assert "Kills per creature" in page and "womp rat" in page and "IG-88 Binary Brain" in page
    assert "heroic_loot_logs_20250809_211500.json" in page and str(tmp_path) not in page
    assert [s for s in PRIVATE if s in page] == []


def session_page(server: LiveServer, session_id: str) -> str:
    with http_client(base_url=server.url, timeout=30) as client:
        login = sign_in(client, dashboard_link(server.storage, server.user_hash, server.url))
        assert login.status_code == 303, login.text
        response = client.get(f"/dashboard/sessions/{session_id}")
        assert response.status_code == 200, response.text
        return response.text
