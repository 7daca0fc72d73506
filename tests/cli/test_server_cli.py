"""``swgdb-bridge server add-user / rotate-key / revoke``, run as a user would (in-process, helpers.cli)."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers.cli import run
from swgdb_bridge.server.db.storage import Storage


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run("server", *args, env=env)


def active_keys(url: str, user_hash: str) -> list[str]:
    with Storage(url) as storage:  # the same data folder, so the same server secret as the CLI
        return storage.active_keys(user_hash, datetime.now(UTC))


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.db'}"


def test_add_user_json_prints_the_pair_alone_and_the_key_works(url: str) -> None:
    result = cli("add-user", "alice", "--json", "--database-url", url)
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert set(created) == {"user_hash", "api_key"}
    assert active_keys(url, created["user_hash"]) == [created["api_key"]]
    assert result.stderr == ""


def test_key_lifecycle_through_the_cli(url: str) -> None:
    added = cli("add-user", "bob", "--database-url", url)
    user_hash = added.stdout.split("user_hash:")[1].split()[0]
    first_key = added.stdout.split("api_key:")[1].split()[0]
    assert added.stdout.count(first_key) == 1 and first_key not in added.stderr

    rotated = cli("rotate-key", user_hash, "--json", env={"SWGDB_DATABASE_URL": url})
    second_key = json.loads(rotated.stdout)["api_key"]
    assert active_keys(url, user_hash) == [second_key, first_key]

    third = json.loads(
        cli("rotate-key", user_hash, "--grace-hours", "0", "--json", "--database-url", url).stdout
    )
    assert active_keys(url, user_hash) == [third["api_key"]]

    revoked = cli("revoke", user_hash, "--database-url", url)
    assert revoked.returncode == 0 and third["api_key"] not in revoked.stdout + revoked.stderr
    assert active_keys(url, user_hash) == []


@pytest.mark.parametrize("hours", ["inf", "1e308", "8761", "nan", "-1"])
def test_a_grace_period_beyond_a_year_is_a_usage_error(url: str, hours: str) -> None:
    """Was: ``--grace-hours inf`` or ``1e308`` an OverflowError traceback from ``timedelta``."""
    user_hash = json.loads(cli("add-user", "dave", "--json", "--database-url", url).stdout)["user_hash"]
    result = cli("rotate-key", user_hash, "--grace-hours", hours, "--database-url", url)
    assert result.returncode == 2 and "--grace-hours" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    "expires", ["inf", "nan", "1e308h", "99999999999999d", "9" * 40 + "m", "١h", "10 h", "", "h", "-1h"]
)
def test_an_invite_lifetime_that_is_no_duration_is_a_usage_error(url: str, expires: str) -> None:
    """Was: ``inf``, ``nan``, ``1e308h`` or 14 digits of days an OverflowError or ValueError traceback from
    ``timedelta``; Arabic-Indic digits and inner spaces were taken."""
    result = cli("invite", "erin", "--expires", expires, "--database-url", url)
    assert result.returncode == 2 and "--expires" in result.stderr and result.stdout == "", result.stderr


@pytest.mark.parametrize("expires", ["30m", "1.5h", "24", "7d", "7D"])
def test_an_invite_lifetime_in_minutes_hours_or_days_is_taken(url: str, expires: str) -> None:
    assert cli("invite", "erin", "--expires", expires, "--database-url", url).returncode == 0


@pytest.mark.parametrize("memory", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
@pytest.mark.parametrize("command", [("add-user", "alice"), ("invite", "alice")])
def test_a_database_in_memory_is_refused_before_a_key_is_printed(
    memory: str, command: tuple[str, ...]
) -> None:
    """``sqlite:///`` (a path forgotten) opened an in-memory database: the printed key's user was gone."""
    result = cli(*command, "--database-url", memory)
    assert result.returncode == 2 and "in memory" in result.stderr
    assert "api_key" not in result.stdout and "swgdb_" not in result.stdout


@pytest.mark.parametrize("command", [("invite", "alice"), ("dashboard-link", "a" * 32)])
def test_an_unusable_base_url_from_the_environment_is_named_there(url: str, command: tuple[str, ...]) -> None:
    """The value came from SWGDB_PUBLIC_URL: an error naming only --base-url sent the operator elsewhere."""
    result = cli(*command, "--database-url", url, env={"SWGDB_PUBLIC_URL": "swgdb.example.org:443"})
    assert result.returncode == 2 and "SWGDB_PUBLIC_URL" in result.stderr


def test_unknown_user_is_one_clear_error(url: str) -> None:
    result = cli("rotate-key", "0" * 32, "--database-url", url)
    assert result.returncode == 2 and result.stdout == ""
    assert "no user with hash '" + "0" * 32 in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("user_hash", ["\udcff" * 32, "\x00" + "0" * 31, "ü" * 32, "٠" * 32, "0" * 100_000])
@pytest.mark.parametrize("command", ["rotate-key", "revoke", "dashboard-link"])
def test_a_user_hash_of_another_shape_is_one_clear_error_on_each_database(
    database_url: str, command: str, user_hash: str
) -> None:
    """Was: a hash that was not UTF-8 on the command line (``\\udcff``) was a UnicodeEncodeError traceback
    on either database, a NUL a DataError traceback on PostgreSQL. A hash that is not ASCII letters,
    digits, ``_`` or ``-`` (the protocol's rule) names no user and never reaches the database."""
    result = cli(command, user_hash, "--database-url", database_url)
    assert result.returncode == 2 and result.stdout == "", result.stderr
    assert "no active user" in result.stderr or "no user" in result.stderr
    assert len(result.stderr) < 1_000


def test_database_password_never_shown() -> None:
    env = {"SWGDB_DATABASE_URL": "postgresql://swgdb:hunter2-secret@127.0.0.1:9/swgdb"}
    failed = cli("revoke", "0" * 32, env=env)
    helped = cli("add-user", "--help", env=env)
    assert failed.returncode == 1 and "swgdb:***@127.0.0.1:9" in failed.stderr
    assert helped.returncode == 0 and "SWGDB_DATABASE_URL" in helped.stdout
    assert "hunter2" not in failed.stdout + failed.stderr + helped.stdout + helped.stderr


@pytest.mark.postgres
def test_add_user_on_postgres(postgres_url: str) -> None:
    created = json.loads(cli("add-user", "carol", "--json", "--database-url", postgres_url).stdout)
    assert active_keys(postgres_url, created["user_hash"]) == [created["api_key"]]


def test_settings_and_names_that_were_not_utf8_are_one_error_line(url: str) -> None:
    """Bytes that were not UTF-8 reach Python as surrogates (``\\udcff``). Were: UnicodeEncodeError
    tracebacks (a user name, a secret), or ``invite`` blaming ``--expires`` for the name."""
    runs = [
        cli("add-user", "\udcff" * 8, "--database-url", url),
        cli("invite", "\udcff" * 8, "--database-url", url),
        cli("add-user", "x", "--database-url", url, env={"SWGDB_SERVER_SECRET": "\udcff" * 40}),
        cli("add-user", "x", env={"SWGDB_DATABASE_URL": "postgresql://u:pw\udcff@127.0.0.1:9/db"}),
    ]
    for done in runs:
        errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
        assert done.returncode in (1, 2, 3) and len(errors) == 1 and "--expires" not in errors[0], done.stderr
