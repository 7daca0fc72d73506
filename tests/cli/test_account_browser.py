"""Issue 14's "done when", in a real browser: a new user holding only a pairing code runs ``login CODE``,
``upload`` and ``dashboard``, and sees their sessions in Debian's chromium without ever seeing their key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from fixtures.browser import press_sign_in
from swgdb_bridge.cli import app
from swgdb_bridge.demo.run import write_sample_sessions
from swgdb_bridge.server.db.storage import Storage
from swgdb_bridge.server.runner import start_server
from swgdb_bridge.upload.config import default_config_file

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_code_to_dashboard_in_the_browser(chromium: Any, tmp_path: Path, screenshots: Path) -> None:
    runner = CliRunner()
    database = f"sqlite:///{tmp_path / 'server.db'}"
    with Storage(database) as storage, start_server(storage=storage) as running:
        made = runner.invoke(app, ["server", "invite", "Kaelen Vorr", "--json", "--database-url", database])
        code = orjson.loads(made.stdout)["code"]
        seen = []
        for command in (
            ["login", "--server", running.url, code],
            ["upload", "--dir", str(tmp_path / "sessions")],
            ["dashboard", "--print"],
        ):
            if command[0] == "upload":
                write_sample_sessions(tmp_path / "sessions", 2)
            result = runner.invoke(app, command)
            assert result.exit_code == 0, result.stderr + result.stdout
            seen.append(result.stdout + result.stderr)
        key = tomllib.loads(default_config_file().read_text())["api_key"]
        assert not [text for text in seen if key in text]

        page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(15_000)
        press_sign_in(page, seen[-1].strip())
        assert page.url == f"{running.url}/dashboard/"
        assert page.locator(".card", has_text="Sessions").locator(".value").inner_text() == "3"
        page.get_by_role("link", name="Sessions", exact=True).click()
        page.wait_for_url(f"{running.url}/dashboard/sessions")  # count() does not wait for the new page
        assert page.locator("table.sessions tbody tr").count() == 3
        page.screenshot(path=str(screenshots / "paired-user-sessions.png"), full_page=True)
        assert key not in page.content()
