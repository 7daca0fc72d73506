"""Users and API keys: issue, rotate with a grace period, revoke, and no working keys from a DB copy."""

from __future__ import annotations

import re
import shutil
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from fixtures.postgres import TEST_SERVER_SECRET
from helpers.race import race
from swgdb_bridge.errors import ConfigError
from swgdb_bridge.server.db import keys
from swgdb_bridge.server.db.storage import RevokedUserError, Storage, StorageError, UnknownUserError
from swgdb_bridge.server.db.tables import api_keys

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
OTHER_SECRET = b"a-different-server-secret-0123456789abcdef"


def test_add_user_issues_a_distinct_working_key(storage: Storage) -> None:
    alice, alice_key = storage.add_user("alice", now=T0)
    bob, bob_key = storage.add_user("bob", now=T0)
    assert re.fullmatch(r"[0-9a-f]{32}", alice) and alice != bob
    assert re.fullmatch(r"swgdb_[A-Za-z0-9_-]{43}", alice_key) and alice_key != bob_key
    assert storage.active_keys(alice, T0) == [alice_key]
    assert storage.active_keys(bob, T0) == [bob_key]


def test_rotation_keeps_the_old_key_for_the_grace_period_only(storage: Storage) -> None:
    user, first = storage.add_user("alice", now=T0)
    second = storage.rotate_key(user, timedelta(hours=2), now=T0)
    assert storage.active_keys(user, T0 + timedelta(hours=2) - timedelta(seconds=1)) == [second, first]
    assert storage.active_keys(user, T0 + timedelta(hours=2)) == [second]
    assert storage.active_keys(user, T0 + timedelta(days=400)) == [second]


def test_a_user_never_has_more_than_two_active_keys(storage: Storage) -> None:
    user, first = storage.add_user("alice", now=T0)
    second = storage.rotate_key(user, now=T0)
    third = storage.rotate_key(user, now=T0 + timedelta(minutes=1))
    assert storage.active_keys(user, T0 + timedelta(minutes=1)) == [third, second]
    latest = [storage.rotate_key(user, now=T0 + timedelta(minutes=2)) for _ in range(4)]
    assert storage.active_keys(user, T0 + timedelta(minutes=2)) == [latest[-1], latest[-2]]
    assert first not in storage.active_keys(user, T0 + timedelta(minutes=2))


def test_zero_grace_ends_the_old_key_at_once(storage: Storage) -> None:
    user, _first = storage.add_user("alice", now=T0)
    second = storage.rotate_key(user, timedelta(0), now=T0)
    assert storage.active_keys(user, T0) == [second]


def test_revoke_kills_every_key_for_good(storage: Storage) -> None:
    user, _ = storage.add_user("alice", now=T0)
    storage.rotate_key(user, now=T0)
    other, other_key = storage.add_user("bob", now=T0)
    storage.revoke(user)
    assert storage.active_keys(user, T0) == []
    assert storage.active_keys(user, T0 - timedelta(days=1)) == []
    assert storage.active_keys(other, T0) == [other_key]
    with pytest.raises(RevokedUserError, match=user):
        storage.rotate_key(user)


def test_unknown_users_have_no_keys_and_clear_errors(storage: Storage) -> None:
    assert storage.active_keys("0" * 32, T0) == []
    for action in (storage.rotate_key, storage.revoke):
        with pytest.raises(UnknownUserError, match=r"0{32}"):
            action("0" * 32)


def test_a_user_name_must_be_sensible(storage: Storage) -> None:
    for name in ("", "   ", "x" * 201):
        with pytest.raises(StorageError, match="1 to 200 characters"):
            storage.add_user(name)
    # was: a UnicodeEncodeError (bytes that were not UTF-8 on the command line) or a NUL DataError on PostgreSQL
    for name in ("\udcff" * 10, "Kae\x00len", "Kae\x1b[2Jlen", "Kae\nlen"):
        with pytest.raises(StorageError, match="printable text"):
            storage.add_user(name)
    assert storage.add_user("Kaelen Vóss ✨")[0]


def test_database_without_the_server_secret_gives_no_working_key(migrated_database_url: str) -> None:
    """Opening the same rows under another secret is what a stolen copy of the database amounts to."""
    with Storage(migrated_database_url, server_secret=TEST_SERVER_SECRET) as original:
        user, api_key = original.add_user("alice", now=T0)
        with original.engine.connect() as connection:
            key_ids = connection.execute(select(api_keys.c.key_id)).scalars().all()
    with Storage(migrated_database_url, server_secret=OTHER_SECRET) as stolen:
        assert stolen.active_keys(user, T0) == []
    assert [keys.derive_api_key(OTHER_SECRET, key_id) for key_id in key_ids] != [api_key]
    assert keys.derive_api_key(TEST_SERVER_SECRET, key_ids[0]) == api_key


def test_the_sqlite_file_holds_neither_key_nor_secret(tmp_path: Path) -> None:
    database = tmp_path / "server.db"
    with Storage(f"sqlite:///{database}", server_secret=TEST_SERVER_SECRET) as storage:
        user, api_key = storage.add_user("alice")
        storage.rotate_key(user)
    copy = tmp_path / "copy.db"
    shutil.copy(database, copy)
    raw = copy.read_bytes()
    assert api_key.encode() not in raw and api_key.removeprefix("swgdb_").encode() not in raw
    assert TEST_SERVER_SECRET not in raw
    with Storage(f"sqlite:///{copy}", server_secret=OTHER_SECRET) as stolen:
        assert api_key not in stolen.active_keys(user, datetime.now(UTC))


def test_secret_file_is_created_once_private_and_shared(bridge_home: Path) -> None:
    secrets = []
    threads = [threading.Thread(target=lambda: secrets.append(keys.load_server_secret())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    path = bridge_home / "data" / keys.SECRET_FILE
    assert len(set(secrets)) == 1 and len(secrets[0]) >= keys.MIN_SECRET_CHARS
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [keys.SECRET_FILE]  # no temp files left behind


def test_keys_from_the_default_secret_work_in_another_process_instance(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    with Storage(url) as first:
        user, api_key = first.add_user("alice")
    with Storage(url) as second:
        assert second.active_keys(user, datetime.now(UTC)) == [api_key]


def test_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.SECRET_ENV, "e" * 40)
    assert keys.load_server_secret() == b"e" * 40
    monkeypatch.setenv(keys.SECRET_ENV, "short")
    with pytest.raises(ConfigError, match=keys.SECRET_ENV):
        keys.load_server_secret()


def test_a_truncated_secret_file_is_refused_by_name(bridge_home: Path) -> None:
    path = bridge_home / "data" / keys.SECRET_FILE
    path.parent.mkdir(parents=True)
    path.write_text("\n")
    with pytest.raises(ConfigError, match=re.escape(str(path))):
        keys.load_server_secret()


def test_derived_keys_are_per_purpose_and_per_secret(tmp_path: Path) -> None:
    """Each process derives the same key from the same secret; another secret or purpose gives another."""
    url = f"sqlite:///{tmp_path / 'server.db'}"
    derived = {}
    for name, secret in (
        ("first", TEST_SERVER_SECRET),
        ("again", TEST_SERVER_SECRET),
        ("other", OTHER_SECRET),
    ):
        with Storage(url, server_secret=secret) as storage:
            derived[name] = storage.derive_key(b"dashboard-cookie")
            derived[f"{name}-else"] = storage.derive_key(b"something-else")
    assert derived["first"] == derived["again"] and len(derived["first"]) == 32
    assert len(set(derived.values())) == 4
    assert TEST_SERVER_SECRET not in derived["first"]


def test_racing_rotations_still_leave_at_most_two_keys(migrated_database_url: str) -> None:
    workers = [Storage(migrated_database_url, server_secret=TEST_SERVER_SECRET) for _ in range(2)]
    try:
        user, _ = workers[0].add_user("alice", now=T0)
        issued = race([lambda w=w: w.rotate_key(user, now=T0) for w in workers * 2])
        active = workers[1].active_keys(user, T0)
        assert len(active) == 2 and set(active) <= set(issued)
    finally:
        for worker in workers:
            worker.close()
