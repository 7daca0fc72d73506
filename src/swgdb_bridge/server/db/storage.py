"""Everything the server keeps: users and keys, replay nonces, rate-limit counters and sessions.

One class, :class:`Storage`, over SQLAlchemy Core on SQLite or PostgreSQL. Every rule that must hold across
workers and hosts — a nonce accepted once, one rate limit per user, one row per session — is a single
atomic ``INSERT … ON CONFLICT`` in the database, never a read-then-write in Python or state in one process.
A signed request spends its nonce and its rate-limit hit and stores its sessions in one transaction
(:meth:`Storage.admit`; one round trip on PostgreSQL). The one thing a worker keeps for itself is a
short-lived copy of users' keys (:class:`~swgdb_bridge.server.db.keys.KeyCache`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import logging
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import orjson
from sqlalchemy import (
    Connection,
    Dialect,
    and_,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import DataError, DBAPIError, OperationalError

from swgdb_bridge import paths
from swgdb_bridge.errors import BridgeError, UsageError
from swgdb_bridge.protocol import MAX_CLOCK_SKEW_SECONDS, is_user_hash
from swgdb_bridge.server.db import keys, statements
from swgdb_bridge.server.db import migrate as migrations
from swgdb_bridge.server.db.engine import make_engine, parse_database_url, safe_url, writer
from swgdb_bridge.server.db.session_columns import session_columns, without_nul
from swgdb_bridge.server.db.tables import api_keys, nonces, rate_limits, sessions, users

log = logging.getLogger(__name__)

DATABASE_URL_ENV = "SWGDB_DATABASE_URL"
PURGE_EVERY = 256
"""Expired nonces and rate-limit rows are deleted on every PURGE_EVERY-th call: cheap, and bounded."""
NONCE_HORIZON = timedelta(seconds=2 * MAX_CLOCK_SKEW_SECONDS)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"v1:([0-9]{1,18}):([0-9]{1,18})")  # 18 digits fit a BIGINT


class StorageError(BridgeError):
    """The database cannot do what was asked; the message names the user, session or database."""


class UnknownUserError(StorageError, UsageError):
    def __init__(self, user_hash: str) -> None:
        self.user_hash = user_hash
        super().__init__(
            f"no user with hash {user_hash[:80]!r}: check the hash printed by `swgdb-bridge server add-user` "
            "and the --database-url"
        )


class RevokedUserError(StorageError, UsageError):
    def __init__(self, user_hash: str) -> None:
        self.user_hash = user_hash
        super().__init__(f"user {user_hash!r} is revoked: add a new user with `swgdb-bridge server add-user`")


class InvalidCursorError(StorageError, ValueError):
    """A pagination cursor this server did not hand out."""


class UnstorableSessionError(StorageError):
    """A valid session holds a value this database cannot keep; the message is the database's reason.

    The payload model bounds what it can, but engines differ: PostgreSQL refuses an index entry over
    2,704 bytes (the dashboard's covering index holds the planet names, which the model does not cap),
    an integer beyond its column, or a JSONB document over its size limit, where SQLite keeps them all.
    """


_PROGRAM_LIMIT = "54"
"""SQLSTATE class "program limit exceeded" (an index entry, a string or a document too large)."""


@contextmanager
def _keepable() -> Iterator[None]:
    """Turn the database's "cannot keep this value" errors into :class:`UnstorableSessionError`.

    Both kinds are about the data sent, not the database's health, so they must not be a 500 that a
    client retries for ever; a lost connection or a full disk stays an error of its own."""
    try:
        yield
    except (DataError, OperationalError) as exc:
        reason = _unkeepable_reason(exc)
        if reason is None:
            raise
        raise UnstorableSessionError(reason) from None


def _unkeepable_reason(exc: DBAPIError) -> str | None:
    """The database's own words (e.g. "integer out of range"), never the statement or its values."""
    sqlstate = getattr(exc.orig, "sqlstate", None) or ""
    if not isinstance(exc, DataError) and not sqlstate.startswith(_PROGRAM_LIMIT):
        return None
    diagnostic = getattr(exc.orig, "diag", None)
    return getattr(diagnostic, "message_primary", None) or "a value is out of the database's range"


UpsertStatus = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class UpsertResult:
    status: UpsertStatus
    received_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SessionStatus:
    session_id: str
    status: str
    """The last change stored: ``created`` or ``updated``."""
    digest: str
    received_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RateLimitDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int


@dataclass(frozen=True, slots=True)
class RequestClaim:
    """What one signed request spends, once: its nonce, and one hit of its user's rate limit."""

    user_hash: str
    nonce: str
    nonce_expires_at: datetime
    limit: int
    window_seconds: int
    now: datetime

    @property
    def bucket(self) -> str:
        return f"user:{self.user_hash}"


@dataclass(frozen=True, slots=True)
class Admission:
    """How the database answered a claim: a replay (nothing counted), or the rate-limit decision."""

    replay: bool
    decision: RateLimitDecision | None
    """``None`` for a replay: its hit was not counted."""

    @property
    def admitted(self) -> bool:
        return self.decision is not None and self.decision.allowed


@dataclass(frozen=True, slots=True)
class NewSession:
    """One validated session, ready to store (see :func:`new_session`)."""

    session_id: str
    digest: str
    row: dict[str, Any]
    """The values of :data:`statements.ROW_COLUMNS` by name, the document NUL-free."""


def new_session(session_id: str, digest: str, document: dict[str, Any]) -> NewSession:
    """Check and unpack a validated payload document; ``ValueError`` names a field that cannot be stored."""
    if document.get("session_id") != session_id:
        raise StorageError(
            f"session {session_id!r}: the document's session_id differs; store it under its own id"
        )
    stored = without_nul(document)
    row = {"session_id": session_id, "digest": digest, "document": stored, **session_columns(stored)}
    return NewSession(session_id, digest, row)


def default_database_url() -> str:
    """``SWGDB_DATABASE_URL``, else an SQLite file in the app's data folder."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    return f"sqlite:///{paths.ensure_dir(paths.data_dir()) / 'server.db'}"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Storage:
    """The server's database. Thread-safe; one instance per process, any number of processes per database.

    ``server_secret`` defaults to :func:`keys.load_server_secret` (read on first use of a key); keys issued
    under one secret are useless under another. ``migrate`` applies pending migrations on start.
    """

    def __init__(
        self, database_url: str, *, server_secret: bytes | None = None, migrate: bool = True
    ) -> None:
        self.url = parse_database_url(database_url)
        self.engine = make_engine(self.url)
        self._writer = writer(self.engine)
        self._dialect = self.engine.dialect.name
        self._secret = server_secret
        self._calls = itertools.count(1)
        self._warned_secret = False
        self.key_cache = keys.KeyCache()
        """This worker's copy of users' keys, for the request verifier; changed keys are forgotten here."""
        self._row_binds = _row_binds(self.engine.dialect)
        self.writers = 2 if self._dialect == "sqlite" else getattr(self.engine.pool, "size", lambda: 1)()
        """How many threads of one process should write at once. SQLite has one writer at a time: two threads
        let one parse and check its payload while the other stores, a third would only wait for the file
        lock. Elsewhere a thread beyond the pool would wait for a connection. The upload routes run at most
        this many ingests at once (BENCHMARKS.md, issue 15)."""
        if migrate:
            self._reachable(lambda: migrations.upgrade(self.engine))

    # -- lifecycle and health -------------------------------------------------------------------------

    def ping(self) -> None:
        """Raise :class:`StorageError` unless the database answers."""

        def query() -> None:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        self._reachable(query)

    def migrations_current(self) -> bool:
        return migrations.current_revisions(self.engine) == migrations.head_revisions()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _reachable(self, action: Callable[[], None]) -> None:
        try:
            action()
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
            raise StorageError(
                f"cannot use the database {safe_url(self.url)}: {reason}. Check --database-url / "
                f"{DATABASE_URL_ENV} and that the database server is running"
            ) from None

    # -- users and keys ---------------------------------------------------------------------------------

    def add_user(self, name: str, *, now: datetime | None = None) -> tuple[str, str]:
        """A new user and their first key: ``(user_hash, api_key)``. The key is not stored; show it once."""
        name = name.strip()
        if not name or len(name) > 200:
            raise StorageError(f"user name {name[:40]!r} must have 1 to 200 characters")
        if not name.isprintable():  # a control character, or a surrogate from bytes that were not UTF-8
            raise StorageError(f"user name {name[:40]!r} must be printable text (no control characters)")
        now = now or _utcnow()
        user_hash = keys.new_user_hash()
        with self._writer.begin() as connection:
            user_id = connection.execute(
                insert(users).values(user_hash=user_hash, name=name, created_at=now).returning(users.c.id)
            ).scalar_one()
            api_key = self._issue_key(connection, user_id, now)
        return user_hash, api_key

    def rotate_key(
        self, user_hash: str, grace: timedelta = timedelta(hours=24), *, now: datetime | None = None
    ) -> str:
        """A new key; the previous one works until ``now + grace``, any older one dies now (two at most)."""
        if grace < timedelta(0):
            raise StorageError(f"grace period {grace} is negative: use 0 to end the old key at once")
        now = now or _utcnow()
        with self._writer.begin() as connection:
            api_key = self.rotate_key_on(connection, user_hash, grace, now)
        self.key_cache.forget(user_hash)
        return api_key

    def rotate_key_on(self, connection: Connection, user_hash: str, grace: timedelta, now: datetime) -> str:
        """:meth:`rotate_key` inside the caller's transaction, so another change can commit or fail with it
        (a pairing claims its code and issues the key in one transaction). The caller forgets the cache."""
        user_id = self._lock_user(connection, user_hash, allow_revoked=False)
        live = _live_keys(user_id, now)
        newest = connection.execute(select(func.max(api_keys.c.id)).where(live)).scalar()
        connection.execute(update(api_keys).where(live, api_keys.c.id != newest).values(expires_at=now))
        connection.execute(update(api_keys).where(api_keys.c.id == newest).values(expires_at=now + grace))
        return self._issue_key(connection, user_id, now)

    def revoke(self, user_hash: str, *, now: datetime | None = None) -> None:
        """End every key of the user at once, for good."""
        now = now or _utcnow()
        with self._writer.begin() as connection:
            user_id = self._lock_user(connection, user_hash, allow_revoked=True)
            connection.execute(update(users).where(users.c.id == user_id).values(revoked_at=now))
            connection.execute(update(api_keys).where(_live_keys(user_id, now)).values(expires_at=now))
        self.key_cache.forget(user_hash)

    def expire_keys_on(self, connection: Connection, user_hash: str, now: datetime) -> int:
        """End every key of the user now, but keep the user: a new pairing can issue a fresh key.

        Inside the caller's transaction (as :meth:`rotate_key_on`), so what the keys opened can end with
        them; returns the user's row id. The caller forgets the cache."""
        user_id = self._lock_user(connection, user_hash, allow_revoked=True)
        connection.execute(update(api_keys).where(_live_keys(user_id, now)).values(expires_at=now))
        return user_id

    def active_keys(self, user_hash: str, now: datetime) -> list[str]:
        """The user's working keys, newest first; ``[]`` for unknown or revoked users.

        Keys are recomputed from the server secret; one whose verifier disagrees was issued under another
        secret and is left out (fail closed), with a warning for the operator. An unknown user costs the
        same derivation and check, against :data:`keys.DECOY_KEY` (docs/protocol.md: nothing to learn from
        timing).
        """
        stored = self._stored_keys(user_hash, now)
        checked = [
            (key, keys.verifier_matches(key, verifier))
            for key, verifier in (
                (keys.derive_api_key(self._server_secret(), key_id), verifier)
                for key_id, verifier in stored or [keys.DECOY_KEY]
            )
        ]
        matching = [key for key, matches in checked if matches and stored]
        if len(matching) < len(stored):
            self._warn_wrong_secret(user_hash)
        return matching

    def _stored_keys(self, user_hash: str, now: datetime) -> list[keys.StoredKey]:
        if not is_user_hash(user_hash):
            return []
        query = (
            select(api_keys.c.key_id, api_keys.c.verifier)
            .join(users, users.c.id == api_keys.c.user_id)
            .where(users.c.user_hash == user_hash, users.c.revoked_at.is_(None))
            .where(or_(api_keys.c.expires_at.is_(None), api_keys.c.expires_at > now))
            .order_by(api_keys.c.id.desc())
        )
        with self.engine.connect() as connection:
            return [keys.StoredKey(*row) for row in connection.execute(query)]

    def derive_key(self, purpose: bytes) -> bytes:
        """A 32-byte key for ``purpose`` (e.g. signing dashboard cookies), derived from the server secret.

        Other parts of the server get keys of their own this way, never the secret itself; every process
        with the same secret derives the same key.
        """
        return hmac.new(
            self._server_secret(), b"swgdb-bridge derived key\x00" + purpose, hashlib.sha256
        ).digest()

    def _server_secret(self) -> bytes:
        if self._secret is None:
            self._secret = keys.load_server_secret()
        return self._secret

    def _issue_key(self, connection: Connection, user_id: int, now: datetime) -> str:
        key_id = keys.new_key_id()
        api_key = keys.derive_api_key(self._server_secret(), key_id)
        connection.execute(
            insert(api_keys).values(
                user_id=user_id, key_id=key_id, verifier=keys.key_verifier(api_key), created_at=now
            )
        )
        return api_key

    def _lock_user(self, connection: Connection, user_hash: str, *, allow_revoked: bool) -> int:
        if not is_user_hash(user_hash):
            raise UnknownUserError(user_hash)
        row = connection.execute(
            select(users.c.id, users.c.revoked_at).where(users.c.user_hash == user_hash).with_for_update()
        ).first()
        if row is None:
            raise UnknownUserError(user_hash)
        if row.revoked_at is not None and not allow_revoked:
            raise RevokedUserError(user_hash)
        return int(row.id)

    def _warn_wrong_secret(self, user_hash: str) -> None:
        if not self._warned_secret:
            self._warned_secret = True
            log.warning(
                "API keys of user %s were issued under a different server secret and are refused: "
                "restore the original %s or server-secret file, or rotate the keys",
                user_hash,
                keys.SECRET_ENV,
            )

    # -- replay nonces and rate limits ------------------------------------------------------------------

    def remember_nonce(self, user_hash: str, nonce: str, expires_at: datetime) -> bool:
        """Record a nonce; ``False`` if it was already recorded (a replay). Atomic across processes."""
        with self._writer.begin() as connection:
            parameters = {"user_hash": user_hash, "nonce": nonce, "expires_at": expires_at}
            fresh = connection.execute(statements.claim_nonce(self._dialect), parameters).first() is not None
        if self._purge_due():
            self._delete(delete(nonces).where(nonces.c.expires_at < expires_at - NONCE_HORIZON))
        return fresh

    def hit_rate_limit(
        self, bucket: str, limit: int, window_seconds: int, now: datetime
    ) -> RateLimitDecision:
        """Count one hit in ``bucket``'s fixed window and say whether it is within ``limit``."""
        with self._writer.begin() as connection:
            decision = self._count_hit(connection, bucket, limit, window_seconds, now)
        if self._purge_due():
            self._delete(
                delete(rate_limits).where(rate_limits.c.window_ends_at <= math.floor(now.timestamp()))
            )
        return decision

    def _count_hit(
        self, connection: Connection, bucket: str, limit: int, window_seconds: int, now: datetime
    ) -> RateLimitDecision:
        parameters = {"bucket": bucket, "window_ends_at": _window_end(now, window_seconds), "hits": 1}
        hits, ends_at = connection.execute(statements.count_hit(self._dialect), parameters).one()
        return _decision(hits, ends_at, limit, now)

    def admit(
        self, claim: RequestClaim, new_sessions: Sequence[NewSession] = ()
    ) -> tuple[Admission, list[UpsertStatus]]:
        """Spend the claim and, if it is admitted, store ``new_sessions``: all in one transaction.

        :class:`UnstorableSessionError` when a session holds a value the database cannot keep: nothing of the
        transaction stays, not even the spent claim.

        A replayed nonce counts no hit; a hit over the limit is counted; either way nothing is stored and
        the statuses are ``[]``. Otherwise each session's status, in order. On PostgreSQL this is one
        statement (one round trip), unless the batch repeats a session id (each repeat: one more).
        """
        rounds = _distinct_rounds(new_sessions)
        first = _pick(new_sessions, rounds[0])
        with _keepable(), self._writer.begin() as connection:
            if self._dialect == "postgresql":
                admission, changed = self._admit_in_one_statement(connection, claim, first)
            else:
                admission, changed = self._admit_step_by_step(connection, claim, first)
            if not admission.admitted:
                statuses: list[UpsertStatus] = []
            else:
                statuses = self._statuses(
                    connection, claim.user_hash, new_sessions, rounds, changed, claim.now
                )
        self._purge_if_due(claim)
        return admission, statuses

    def _admit_in_one_statement(
        self, connection: Connection, claim: RequestClaim, batch: Sequence[NewSession]
    ) -> tuple[Admission, dict[str, str]]:
        parameters = {
            **self._upsert_parameters(claim.user_hash, batch, claim.now),
            "nonce": claim.nonce,
            "nonce_expires_at": claim.nonce_expires_at,
            "bucket": claim.bucket,
            "window_ends_at": _window_end(claim.now, claim.window_seconds),
            "limit": claim.limit,
        }
        row = connection.execute(statements.admit_and_store(), parameters).one()
        if not row.known:
            raise UnknownUserError(claim.user_hash)
        if not row.fresh:
            return Admission(replay=True, decision=None), {}
        decision = _decision(row.hits, row.window_ends_at, claim.limit, claim.now)
        return Admission(replay=False, decision=decision), dict(row.changed)

    def _admit_step_by_step(
        self, connection: Connection, claim: RequestClaim, batch: Sequence[NewSession]
    ) -> tuple[Admission, dict[str, str]]:
        """SQLite: the same steps as separate statements in one ``BEGIN IMMEDIATE`` transaction."""
        parameters = {
            "user_hash": claim.user_hash,
            "nonce": claim.nonce,
            "expires_at": claim.nonce_expires_at,
        }
        if connection.execute(statements.claim_nonce(self._dialect), parameters).first() is None:
            return Admission(replay=True, decision=None), {}
        decision = self._count_hit(connection, claim.bucket, claim.limit, claim.window_seconds, claim.now)
        changed = self._upsert(connection, claim.user_hash, batch, claim.now) if decision.allowed else {}
        return Admission(replay=False, decision=decision), changed

    def _purge_if_due(self, claim: RequestClaim) -> None:
        """Expired nonces and windows, as the single-purpose calls purge them.

        A nonce goes once it expired :data:`NONCE_HORIZON` ago by this worker's clock, never by the
        request's own timestamp: a client may stamp a request up to 300 s ahead, and a cut-off at its
        expiry less the horizon removed every nonce this worker saw expire, which a worker whose clock
        lags still accepts (docs/protocol.md, step 5). Rows outlive their use by the horizon, no more.
        """
        if self._purge_due():
            self._delete(delete(nonces).where(nonces.c.expires_at < claim.now - NONCE_HORIZON))
            self._delete(
                delete(rate_limits).where(rate_limits.c.window_ends_at <= math.floor(claim.now.timestamp()))
            )

    def _purge_due(self) -> bool:
        return next(self._calls) % PURGE_EVERY == 0

    def _delete(self, statement: Any) -> None:
        with self._writer.begin() as connection:
            connection.execute(statement)

    # -- sessions ---------------------------------------------------------------------------------------

    def upsert_session(
        self, user_hash: str, session_id: str, digest: str, document: dict[str, Any], now: datetime
    ) -> UpsertResult:
        """Store a session once per (user, session_id): created, updated (new digest) or unchanged."""
        session = new_session(session_id, digest, document)
        with self._writer.begin() as connection:
            row = self._upsert(connection, user_hash, [session], now, rows=True).get(session_id)
            if row is None:
                row = connection.execute(
                    select(sessions.c.received_at, sessions.c.updated_at)
                    .join(users, users.c.id == sessions.c.user_id)
                    .where(users.c.user_hash == user_hash, sessions.c.session_id == session_id)
                ).one()
                return UpsertResult("unchanged", row.received_at, row.updated_at)
        return UpsertResult(row.last_status, row.received_at, row.updated_at)

    def store_sessions(
        self, user_hash: str, new_sessions: Sequence[NewSession], now: datetime
    ) -> list[UpsertStatus]:
        """Store sessions without spending a claim (one transaction); each session's status, in order.

        :class:`UnstorableSessionError` when one of them holds a value the database cannot keep."""
        rounds = _distinct_rounds(new_sessions)
        with _keepable(), self._writer.begin() as connection:
            changed = self._upsert(connection, user_hash, _pick(new_sessions, rounds[0]), now)
            return self._statuses(connection, user_hash, new_sessions, rounds, changed, now)

    def _statuses(
        self,
        connection: Connection,
        user_hash: str,
        new_sessions: Sequence[NewSession],
        rounds: list[list[int]],
        changed: dict[str, Any],
        now: datetime,
    ) -> list[UpsertStatus]:
        """The status of every session, given what the first round ``changed``; later rounds stored here."""
        statuses: list[UpsertStatus] = ["unchanged"] * len(new_sessions)
        for n, indexes in enumerate(rounds):
            found = (
                changed if n == 0 else self._upsert(connection, user_hash, _pick(new_sessions, indexes), now)
            )
            for index in indexes:
                statuses[index] = found.get(new_sessions[index].session_id, "unchanged")
        return statuses

    def _upsert(
        self,
        connection: Connection,
        user_hash: str,
        batch: Sequence[NewSession],
        now: datetime,
        *,
        rows: bool = False,
    ) -> dict[str, Any]:
        """One statement for sessions with distinct ids: session_id → last_status (or the whole returned row)
        of each one created or updated. An unknown user is an error, not "unchanged"."""
        if not batch:
            return {}
        parameters = self._upsert_parameters(user_hash, batch, now)
        returned = connection.execute(statements.upsert_sessions(self._dialect), parameters).all()
        if len(returned) < len(batch):
            self._user_id(connection, user_hash)
        return {row.session_id: row if rows else row.last_status for row in returned}

    def _upsert_parameters(
        self, user_hash: str, batch: Sequence[NewSession], now: datetime
    ) -> dict[str, Any]:
        binds = self._row_binds
        rows = [
            {name: binds[name](value) if name in binds else value for name, value in s.row.items()}
            for s in batch
        ]
        return {"user_hash": user_hash, "now": now, "sessions": orjson.dumps(rows).decode()}

    def session_status(self, user_hash: str, session_id: str) -> SessionStatus | None:
        """The session's status, or ``None`` if this user has no such session (whoever else does)."""
        if not is_user_hash(user_hash) or "\x00" in session_id:
            return None  # nothing stored holds a NUL, and PostgreSQL refuses to even compare one
        query = _status_query(user_hash).where(sessions.c.session_id == session_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return _status(row) if row else None

    def list_sessions(
        self, user_hash: str, limit: int, cursor: str | None
    ) -> tuple[list[SessionStatus], str | None]:
        """One page of the user's sessions, oldest received first, and the cursor of the next page.

        Keyset pagination on (received_at, id): pages never repeat or skip a session, even while new
        sessions arrive (they land after the last page) or old ones are updated (their key does not move).
        """
        if limit < 1:
            raise StorageError(f"page size {limit} must be at least 1")
        if not is_user_hash(user_hash):
            return [], None
        query = _status_query(user_hash).order_by(sessions.c.received_at, sessions.c.id).limit(limit + 1)
        if cursor:
            after, after_id = _decode_cursor(cursor)
            received_at, row_id = sessions.c.received_at, sessions.c.id
            after_key = tuple_(literal(after, received_at.type), literal(after_id, row_id.type))
            query = query.where(
                tuple_(received_at, row_id) > after_key
            )  # a row-value compare walks the index
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        page = rows[:limit]
        next_cursor = _encode_cursor(page[-1].received_at, page[-1].id) if len(rows) > limit else None
        return [_status(row) for row in page], next_cursor

    def _user_id(self, connection: Connection, user_hash: str) -> int:
        if not is_user_hash(user_hash):
            raise UnknownUserError(user_hash)
        user_id = connection.execute(select(users.c.id).where(users.c.user_hash == user_hash)).scalar()
        if user_id is None:
            raise UnknownUserError(user_hash)
        return int(user_id)


def _row_binds(dialect: Dialect) -> dict[str, Callable[[Any], Any]]:
    """What the columns' types do to a value before the driver sees it (SQLite keeps datetimes as text of
    one fixed format, for instance): applied by hand to the values sent inside the ``sessions`` JSON."""
    binds = {}
    for column in statements.ROW_COLUMNS:
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None and column.name != "document":  # the document travels as JSON itself
            binds[column.name] = processor
    return binds


def _window_end(now: datetime, window_seconds: int) -> int:
    return (math.floor(now.timestamp()) // window_seconds + 1) * window_seconds


def _decision(hits: int, ends_at: int, limit: int, now: datetime) -> RateLimitDecision:
    return RateLimitDecision(
        allowed=hits <= limit,
        limit=limit,
        remaining=max(0, limit - hits),
        reset_seconds=max(1, math.ceil(ends_at - now.timestamp())),
    )


def _distinct_rounds(new_sessions: Sequence[NewSession]) -> list[list[int]]:
    """Indexes of the batch in rounds with distinct session ids (PostgreSQL refuses to upsert one row twice
    in one statement): the n-th occurrence of an id goes to round n, so repeats apply in order."""
    rounds: list[list[int]] = [[]]
    seen: dict[str, int] = {}
    for index, session in enumerate(new_sessions):
        n = seen.get(session.session_id, 0)
        seen[session.session_id] = n + 1
        if n == len(rounds):
            rounds.append([])
        rounds[n].append(index)
    return rounds


def _pick(new_sessions: Sequence[NewSession], indexes: list[int]) -> list[NewSession]:
    return [new_sessions[index] for index in indexes]


def _live_keys(user_id: int, now: datetime) -> Any:
    return and_(
        api_keys.c.user_id == user_id,
        or_(api_keys.c.expires_at.is_(None), api_keys.c.expires_at > now),
    )


def _status_query(user_hash: str) -> Any:
    return (
        select(
            sessions.c.id,
            sessions.c.session_id,
            sessions.c.last_status,
            sessions.c.digest,
            sessions.c.received_at,
            sessions.c.updated_at,
        )
        .join(users, users.c.id == sessions.c.user_id)
        .where(users.c.user_hash == user_hash)
    )


def _status(row: Any) -> SessionStatus:
    return SessionStatus(row.session_id, row.last_status, row.digest, row.received_at, row.updated_at)


def _encode_cursor(received_at: datetime, row_id: int) -> str:
    micros = (received_at - _EPOCH) // timedelta(microseconds=1)
    return base64.urlsafe_b64encode(f"v1:{micros}:{row_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    match = _CURSOR.fullmatch(raw)
    try:
        if match is None:
            raise ValueError(raw)
        return _EPOCH + timedelta(microseconds=int(match[1])), int(match[2])
    except (ValueError, OverflowError):
        raise InvalidCursorError(
            f"cursor {cursor[:40]!r} is not one this server handed out: start again without a cursor"
        ) from None
