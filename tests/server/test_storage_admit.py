"""One transaction per signed request: nonce, rate-limit hit and upsert together (``Storage.admit``).

On SQLite and PostgreSQL: a replay spends nothing and stores nothing, a hit over the budget is counted and
stores nothing, and each session gets created / updated / unchanged in order — also when a batch repeats an
id. Statements are counted with a SQLAlchemy event listener: a batch of 100 is one upsert statement, and on
PostgreSQL the whole request is one statement (one round trip).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select

from fixtures.payloads import make_document
from fixtures.postgres import TEST_SERVER_SECRET
from helpers.race import race
from swgdb_bridge.payload import content_digest
from swgdb_bridge.server.db.storage import NewSession, RequestClaim, Storage, new_session
from swgdb_bridge.server.db.tables import nonces, rate_limits, sessions

T0 = datetime(2026, 11, 24, 12, 0, 30, tzinfo=UTC)  # 30 s into a minute window


def claim(user_hash: str, nonce: str, *, limit: int = 100, now: datetime = T0) -> RequestClaim:
    return RequestClaim(user_hash, nonce, now + timedelta(minutes=5), limit, 60, now)


def session(session_id: str, xp: int = 1200) -> NewSession:
    document = make_document(session_id, xp=xp)
    return new_session(session_id, content_digest(document), document)


def count(storage: Storage, table: Any) -> int:
    with storage.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


@contextmanager
def statements_run(storage: Storage) -> Iterator[list[str]]:
    """The SQL text of every statement the storage sends to the database while the block runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(storage.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(storage.engine, "before_cursor_execute", record)


def test_a_replayed_nonce_is_refused_and_spends_nothing(storage: Storage) -> None:
    user, _key = storage.add_user("replayer")
    first, statuses = storage.admit(claim(user, "n" * 32), [session("s-1")])
    assert (first.replay, first.admitted, statuses) == (False, True, ["created"])
    again, statuses = storage.admit(claim(user, "n" * 32), [session("s-2")])
    assert (again.replay, again.decision, statuses) == (True, None, [])
    assert count(storage, sessions) == 1  # s-2 was not stored
    assert storage.hit_rate_limit(f"user:{user}", 100, 60, T0).remaining == 100 - 2  # the replay: no hit
    other, _key = storage.add_user("other")
    assert storage.admit(claim(other, "n" * 32))[0].replay is False  # nonces are per user


def test_every_admitted_or_refused_request_counts_one_hit_and_only_admitted_ones_store(
    storage: Storage,
) -> None:
    user, _key = storage.add_user("busy")
    answers = [storage.admit(claim(user, f"{i:032x}", limit=2), [session(f"s-{i}")]) for i in range(4)]
    assert [a.decision.remaining for a, _ in answers if a.decision] == [1, 0, 0, 0]
    assert [a.admitted for a, _ in answers] == [True, True, False, False]
    assert [statuses for _, statuses in answers] == [["created"], ["created"], [], []]
    with storage.engine.connect() as connection:
        assert connection.execute(select(rate_limits.c.hits)).scalar_one() == 4
    assert count(storage, sessions) == 2 and count(storage, nonces) == 4


def test_statuses_come_back_per_session_in_order_also_for_repeated_ids(storage: Storage) -> None:
    user, _key = storage.add_user("uploader")
    storage.admit(claim(user, "a" * 32), [session("kept"), session("grows")])
    batch = [
        session("kept"),
        session("new"),
        session("grows", xp=5),
        session("new", xp=9),
        session("new", xp=9),
    ]
    _admission, statuses = storage.admit(claim(user, "b" * 32), batch)
    assert statuses == ["unchanged", "created", "updated", "updated", "unchanged"]
    assert storage.session_status(user, "new").digest == batch[3].digest  # repeats apply in order
    assert storage.admit(claim(user, "c" * 32), [])[1] == []  # nothing to store: only the claim


def test_a_nonce_raced_through_two_workers_is_spent_once_and_stores_once(migrated_database_url: str) -> None:
    with (
        Storage(migrated_database_url, server_secret=TEST_SERVER_SECRET) as first,
        Storage(migrated_database_url, server_secret=TEST_SERVER_SECRET, migrate=False) as second,
    ):
        user, _key = first.add_user("two workers")
        raced = race(
            [
                lambda w=w, n=n: w.admit(claim(user, "r" * 32), [session(f"s-{n}")])
                for n, w in enumerate([first, second] * 2)
            ]
        )
        assert sorted(admission.replay for admission, _ in raced) == [False, True, True, True]
        assert len(second.list_sessions(user, 10, None)[0]) == 1
        assert second.hit_rate_limit(f"user:{user}", 100, 60, T0).remaining == 100 - 2  # one hit, then this


def test_a_batch_of_100_is_one_upsert_statement(storage: Storage) -> None:
    user, _key = storage.add_user("batcher")
    batch = [session(f"b-{i:03d}") for i in range(100)]
    with statements_run(storage) as seen:
        _admission, statuses = storage.admit(claim(user, "d" * 32), batch)
    assert statuses == ["created"] * 100
    assert sum("INSERT INTO sessions" in statement for statement in seen) == 1
    if storage.engine.dialect.name == "postgresql":
        assert len(seen) == 1  # nonce, hit and upsert in one statement: one round trip
    else:
        assert [s.split()[0] for s in seen] == ["BEGIN", "INSERT", "INSERT", "INSERT"]  # one transaction
