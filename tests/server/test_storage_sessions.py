"""Sessions: one row per (user, session_id), created / unchanged / updated, private per user, paged."""

from __future__ import annotations

import base64
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from fixtures.payloads import make_document
from fixtures.postgres import TEST_SERVER_SECRET
from helpers.race import race
from swgdb_bridge.payload import SessionPayload, content_digest
from swgdb_bridge.server.db.storage import (
    InvalidCursorError,
    Storage,
    StorageError,
    UnknownUserError,
)
from swgdb_bridge.server.db.tables import sessions

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def document(session_id: str, xp: int = 1200, **overrides: Any) -> dict[str, Any]:
    """A validated payload document, as the API hands it over."""
    return SessionPayload.model_validate(make_document(session_id, xp=xp, **overrides)).to_document()


def upsert(storage: Storage, user: str, doc: dict[str, Any], now: datetime = T0) -> Any:
    return storage.upsert_session(user, doc["session_id"], content_digest(doc), doc, now)


def row_count(storage: Storage) -> int:
    with storage.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(sessions)).scalar_one())


def test_created_then_unchanged_then_updated(storage: Storage) -> None:
    user, _ = storage.add_user("alice")
    created = upsert(storage, user, document("s-1"), T0)
    again = upsert(storage, user, document("s-1"), T0 + timedelta(minutes=1))
    grown = upsert(storage, user, document("s-1", xp=1500), T0 + timedelta(minutes=2))
    assert (created.status, created.received_at, created.updated_at) == ("created", T0, T0)
    assert (again.status, again.received_at, again.updated_at) == ("unchanged", T0, T0)
    assert (grown.status, grown.received_at, grown.updated_at) == ("updated", T0, T0 + timedelta(minutes=2))
    status = storage.session_status(user, "s-1")
    assert status is not None
    assert (status.status, status.digest) == ("updated", content_digest(document("s-1", xp=1500)))
    assert row_count(storage) == 1


def test_dashboard_columns_follow_the_document(storage: Storage) -> None:
    user, _ = storage.add_user("alice")
    doc = document("s-1", xp=900, character_name="Vex")
    doc["metadata"]["session_mode"] = "combat"
    doc["location_data"]["unique_planets"] = ["naboo", "tatooine"]
    upsert(storage, user, doc)
    upsert(storage, user, {**doc, "duration_minutes": 120.0}, T0 + timedelta(minutes=1))
    with storage.engine.connect() as connection:
        row = connection.execute(select(sessions)).one()
    assert (row.character_name, row.session_mode, row.planets) == ("Vex", "combat", "naboo,tatooine")
    assert (row.total_xp, row.xp_per_hour, row.duration_minutes) == (900, 600.0, 120.0)
    assert (row.total_credits, row.credits_per_hour, row.quests_completed) == (350, 233.3, 1)
    assert row.efficiency_score == 0.8
    assert row.start_time == datetime.fromisoformat(doc["start_time"]) and row.end_time.tzinfo is not None
    assert row.document == {**doc, "duration_minutes": 120.0}


def test_concurrent_duplicates_land_as_one_row(migrated_database_url: str) -> None:
    workers = [
        Storage(migrated_database_url, server_secret=TEST_SERVER_SECRET, migrate=False) for _ in range(2)
    ]
    with Storage(migrated_database_url, server_secret=TEST_SERVER_SECRET) as setup:
        user, _ = setup.add_user("alice")
    try:
        for index in range(5):
            doc = document(f"dup-{index}")
            outcomes = race([lambda s=s, d=doc: upsert(s, user, d).status for s in workers * 3])
            assert sorted(outcomes) == ["created"] + ["unchanged"] * 5
        assert row_count(workers[0]) == 5
    finally:
        for worker in workers:
            worker.close()


def test_other_users_sessions_are_invisible_and_separate(storage: Storage) -> None:
    alice, _ = storage.add_user("alice")
    bob, _ = storage.add_user("bob")
    upsert(storage, alice, document("shared-id", xp=1))
    assert storage.session_status(bob, "shared-id") is None
    assert storage.session_status(alice, "missing") is None
    assert storage.list_sessions(bob, 10, None) == ([], None)
    assert upsert(storage, bob, document("shared-id", xp=2)).status == "created"
    alice_status = storage.session_status(alice, "shared-id")
    assert alice_status is not None and alice_status.digest == content_digest(document("shared-id", xp=1))
    assert row_count(storage) == 2


def test_unknown_user_and_mismatched_id_are_refused(storage: Storage) -> None:
    with pytest.raises(UnknownUserError):
        upsert(storage, "f" * 32, document("s-1"))
    user, _ = storage.add_user("alice")
    doc = document("s-1")
    with pytest.raises(StorageError, match="'s-2'"):
        storage.upsert_session(user, "s-2", content_digest(doc), doc, T0)


def all_pages(storage: Storage, user: str, limit: int, between_pages: Any = None) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page, cursor = storage.list_sessions(user, limit, cursor)
        assert len(page) <= limit
        seen += [status.session_id for status in page]
        if between_pages:
            between_pages()
        if cursor is None:
            return seen


def test_pagination_is_complete_and_stable(storage: Storage) -> None:
    user, _ = storage.add_user("alice")
    other, _ = storage.add_user("bob")
    # received_at out of insertion order and with ties, so the id tie-breaker matters
    offsets = [7, 3, 3, 9, 0, 3, 5, 1, 9, 2, 3, 8, 6, 4, 0, 7, 2, 5, 1, 3]
    for index, minutes in enumerate(offsets):
        upsert(storage, user, document(f"s-{index:02d}"), T0 + timedelta(minutes=minutes))
        upsert(storage, other, document(f"o-{index:02d}"), T0)
    expected = [f"s-{i:02d}" for i in sorted(range(len(offsets)), key=lambda i: (offsets[i], i))]
    assert all_pages(storage, user, 6) == expected
    assert all_pages(storage, user, 100) == expected

    arrivals = itertools.count(1)

    def churn() -> None:  # new sessions land and old ones are updated while a client pages
        number = next(arrivals)
        upsert(storage, user, document(f"new-{number}"), T0 + timedelta(hours=1, seconds=number))
        upsert(storage, user, document("s-00", xp=number), T0 + timedelta(hours=2))

    seen = all_pages(storage, user, 7, churn)
    assert len(seen) == len(set(seen)) and seen[: len(expected)] == expected
    assert seen[len(expected) :] == [f"new-{i}" for i in range(1, len(seen) - len(expected) + 1)]
    assert len(seen) > len(expected)


def test_bad_cursors_and_page_sizes_are_refused(storage: Storage) -> None:
    user, _ = storage.add_user("alice")
    for cursor in ("garbage", "djE6eDox", "!!!", "djE6OTk5OTk5OTk5OTk5OTk5OTk5OTk6MQ"):
        with pytest.raises(InvalidCursorError):
            storage.list_sessions(user, 10, cursor)
    with pytest.raises(StorageError, match="page size 0"):
        storage.list_sessions(user, 0, None)


def test_any_cursor_gives_a_page_or_a_clear_refusal(storage: Storage) -> None:
    """Cursors come from clients: whatever they send, the answer is a page or InvalidCursorError."""
    user, _ = storage.add_user("alice")
    for index in range(3):
        upsert(storage, user, document(f"s-{index}"), T0 + timedelta(seconds=index))
    handed_out = storage.list_sessions(user, 1, None)[1]
    assert handed_out is not None

    @settings(max_examples=150, deadline=None)
    @given(
        st.one_of(
            st.text(max_size=60),
            st.from_regex(r"v1:-?[0-9]{1,25}:-?[0-9]{1,25}", fullmatch=True).map(
                lambda raw: base64.urlsafe_b64encode(raw.encode()).decode()
            ),
            st.just(handed_out[:-1]),
        )
    )
    def check(cursor: str) -> None:
        try:
            page, _ = storage.list_sessions(user, 2, cursor)
        except InvalidCursorError:
            return
        assert len(page) <= 2

    check()


def test_nul_characters_are_stored_as_replacement_characters_on_every_engine(storage: Storage) -> None:
    """PostgreSQL cannot store NUL; SQLite could, but both store U+FFFD so the engines behave alike."""
    user, _ = storage.add_user("alice")
    raw = make_document("s-1", character_name="Vex\x00")
    raw["quest_data"]["quest_events"][0]["quest_name"] = "bad\x00name"
    raw["xp_data"]["profession_breakdown"] = {"Arti\x00san": 1200}
    doc = SessionPayload.model_validate(raw).to_document()
    assert upsert(storage, user, doc).status == "created"
    assert upsert(storage, user, doc).status == "unchanged"  # the digest is of the document as sent
    with storage.engine.connect() as connection:
        row = connection.execute(select(sessions)).one()
    assert row.character_name == "Vex\ufffd"
    assert row.document["quest_data"]["quest_events"][0]["quest_name"] == "bad\ufffdname"
    assert row.document["xp_data"]["profession_breakdown"] == {"Arti\ufffdsan": 1200}
    assert storage.session_status(user, "s-1\x00") is None
    assert storage.list_sessions(user + "\x00", 5, None) == ([], None)
    assert storage.active_keys(user + "\x00", T0) == []
    lookalike = document("s-3", character_name="backslash-u0000: \\u0000")  # text, not a NUL
    upsert(storage, user, lookalike)
    with storage.engine.connect() as connection:
        kept = connection.execute(
            select(sessions.c.document).where(sessions.c.session_id == "s-3")
        ).scalar_one()
    assert kept == lookalike
