"""``server invite`` → ``login`` → ``upload`` → ``dashboard`` → ``logout``, as a new user runs them.

The commands run in-process against a real server on loopback (SQLite, and PostgreSQL for the flow); the
app folder is the test's own, so the CLI and the server share the server secret, as on one machine.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from helpers import http
from helpers.http import http_client, sign_in
from helpers.keyrings import memory_keyring
from swgdb_bridge import protocol
from swgdb_bridge.cli import app
from swgdb_bridge.commands.account import login_target
from swgdb_bridge.demo.run import write_sample_sessions
from swgdb_bridge.server.db.storage import Storage
from swgdb_bridge.server.runner import RunningServer, start_server
from swgdb_bridge.upload.config import KEYRING_SERVICE, default_config_file

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def server(migrated_database_url: str, bridge_home: Path) -> Iterator[tuple[str, RunningServer]]:
    """A server whose database URL the ``server`` commands are given, as an operator would."""
    with Storage(migrated_database_url) as storage, start_server(storage=storage) as running:
        yield migrated_database_url, running


def invite(database_url: str, base_url: str) -> dict[str, str]:
    code, out, err = run(
        "server", "invite", "Kaelen", "--json", "--database-url", database_url, "--base-url", base_url
    )
    assert code == 0, err
    return orjson.loads(out)


def test_a_new_user_pairs_uploads_and_sees_the_dashboard_without_seeing_a_key(
    server: tuple[str, RunningServer], tmp_path: Path
) -> None:
    database_url, running = server
    invited = invite(database_url, running.url)
    assert invited["url"] == f"{running.url}/pair#{invited['code']}"

    code, out, err = run("login", invited["url"])
    assert code == 0, err
    stored = tomllib.loads(default_config_file().read_text())
    key = stored["api_key"]  # no keyring in tests: the owner-only file holds it
    assert key not in out + err and invited["user_hash"] in out and "file" in out
    assert stat.S_IMODE(os.stat(default_config_file()).st_mode) == 0o600
    code, out, _ = run("check", "--json")
    assert code == 0 and orjson.loads(out)["key_source"] == f"file {default_config_file()}"

    write_sample_sessions(tmp_path / "sessions", 2)
    code, out, err = run("upload", "--dir", str(tmp_path / "sessions"))
    assert code == 0, err + out

    code, out, err = run("dashboard", "--print")
    assert code == 0, err
    link = out.strip()
    assert link.startswith(f"{running.url}/dashboard/login?token=") and key not in out
    with http_client(follow_redirects=True) as browser:
        sessions = sign_in(browser, link) and browser.get(f"{running.url}/dashboard/sessions")
        assert sessions.status_code == 200 and sessions.text.count("/dashboard/sessions/") >= 3

    code, _, err = run("login", invited["url"])  # the code works once; the server's refusal is exit 1
    assert code == 1 and "unknown, used or expired" in err


def test_logout_forgets_the_key_and_revoke_ends_it_on_the_server(server: tuple[str, RunningServer]) -> None:
    database_url, running = server
    run("login", invite(database_url, running.url)["url"])
    stored = tomllib.loads(default_config_file().read_text())
    code, out, _ = run("logout", "--revoke")
    assert code == 0 and "Revoked" in out
    assert {"api_key", "user_hash"}.isdisjoint(tomllib.loads(default_config_file().read_text()))
    signed = protocol.sign_request(stored["api_key"], stored["user_hash"], "GET", "/v1/auth/validate", b"")
    assert http.get(f"{running.url}/v1/auth/validate", headers=signed).status_code == 401
    code, out, _ = run("logout")
    assert code == 0 and "No stored key" in out


def test_typos_are_caught_before_any_request(bridge_home: Path) -> None:
    code, _, err = run("login", "--server", "http://127.0.0.1:9", "K7QF-M2XD-0")
    assert code == 2 and "typo" in err
    code, _, err = run("login", "--server", "localhost:8765", "K7QF-M2XD-9")
    assert code == 2 and "not an http(s) address" in err


def test_with_a_keyring_the_key_never_touches_the_disk(server: tuple[str, RunningServer]) -> None:
    database_url, running = server
    with memory_keyring() as memory:
        invited = invite(database_url, running.url)
        code, out, err = run("login", invited["url"])
        assert code == 0 and "OS keyring (MemoryKeyring)" in out, err
        assert "api_key" not in tomllib.loads(default_config_file().read_text())
        assert (KEYRING_SERVICE, invited["user_hash"]) in memory.items
        code, out, err = run("check", "--json")
        checked = orjson.loads(out)
        assert code == 0 and checked["credentials"]["valid"] and checked["key_source"] == "OS keyring", err
        run("logout")
        assert memory.items == {}


def test_check_says_the_key_comes_from_the_environment(
    server: tuple[str, RunningServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    database_url, running = server
    run("login", invite(database_url, running.url)["url"])
    stored = tomllib.loads(default_config_file().read_text())
    monkeypatch.setenv("SWGDB_API_KEY", stored["api_key"])
    code, out, err = run("check", "--json")
    assert code == 0 and orjson.loads(out)["key_source"] == "environment", err


@pytest.mark.parametrize(
    ("link", "api_url"),
    [
        ("https://swgdb.example.org/pair#K7QF-M2XD-9", "https://swgdb.example.org/v1"),
        ("https://example.org/swgdb/pair#K7QF-M2XD-9", "https://example.org/swgdb/v1"),  # behind a prefix
        ("http://127.0.0.1:8765/pair/#K7QF-M2XD-9", "http://127.0.0.1:8765/v1"),
    ],
)
def test_a_pairing_link_names_its_server_and_code(link: str, api_url: str) -> None:
    assert login_target(None, link) == (api_url, "K7QF-M2XD-9")
