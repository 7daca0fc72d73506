"""``swgdb-bridge server dashboard-link``, run as a user would (in-process, helpers.cli); the link then logs in."""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpers import http
from helpers.cli import run
from helpers.http import http_client, sign_in
from swgdb_bridge.server.db.storage import Storage
from swgdb_bridge.server.runner import start_server


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run("server", *args)


def test_the_printed_link_logs_into_the_running_server_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    with Storage(url) as storage:  # same app folder as the CLI, hence the same server secret
        user_hash, _ = storage.add_user("alice")
        with start_server(storage=storage) as running:
            result = cli("dashboard-link", user_hash, "--database-url", url, "--base-url", running.url + "/")
            assert result.returncode == 0, result.stderr
            link = result.stdout.strip()
            assert link.startswith(f"{running.url}/dashboard/login?token=") and "\n" not in link
            with http_client(follow_redirects=True) as browser:
                assert sign_in(browser, link).url.path == "/dashboard/"
                assert "Overview" in browser.get(f"{running.url}/dashboard/").text
            assert http.get(link).status_code == 403


def test_unknown_users_and_bad_base_urls_are_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    unknown = cli("dashboard-link", "no-such-user", "--database-url", url)
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "no active user with hash 'no-such-user'" in unknown.stderr
    bad = cli("dashboard-link", "whoever", "--database-url", url, "--base-url", "localhost:8765")
    assert bad.returncode == 2 and "'localhost:8765' cannot be used (it must be http" in bad.stderr
    assert "--base-url (or SWGDB_DASHBOARD_BASE_URL / SWGDB_PUBLIC_URL)" in bad.stderr


def test_links_start_with_the_servers_public_url_by_default(tmp_path: Path) -> None:
    """The operator set ``SWGDB_PUBLIC_URL`` for the server: the link commands use it too."""
    url = f"sqlite:///{tmp_path / 'server.db'}"
    with Storage(url) as storage:
        user_hash, _ = storage.add_user("alice")
    public = {"SWGDB_PUBLIC_URL": "https://swgdb.example.org"}
    link = run("server", "dashboard-link", user_hash, "--database-url", url, env=public)
    invite = run("server", "invite", "bob", "--database-url", url, "--json", env=public)
    assert link.stdout.startswith("https://swgdb.example.org/dashboard/login?token="), link.stderr
    assert '"url":"https://swgdb.example.org/pair#' in invite.stdout, invite.stderr
