"""The server's tables, as SQLAlchemy Core metadata: what the storage writes and the dashboard reads.

Alembic migrations (``migrations/versions``) create exactly this schema; a test compares the two, so a
change here without a migration fails. Sessions keep the whole payload document *and* the few numbers the
dashboard filters and sorts by, in indexed columns, so a user's 10,000 sessions never need a JSON scan.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite only auto-numbers an INTEGER PRIMARY KEY
Document = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on both engines.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are stored as naive UTC text
    (fixed width, so text order is time order and keyset pagination can compare them).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given: pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(naming_convention=NAMING_CONVENTION)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_hash", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("key_id", String(32), nullable=False, unique=True),
    Column("verifier", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),  # NULL: the current key, valid until rotated or revoked
)

nonces = Table(
    "nonces",
    metadata,
    Column("user_hash", String(128), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("bucket", String(200), primary_key=True),
    Column("window_ends_at", BigInteger, nullable=False, index=True),  # Unix seconds
    Column("hits", Integer, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("session_id", String(50), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("last_status", String(16), nullable=False),  # "created" or "updated": the last change stored
    Column("document", Document, nullable=False),
    Column("character_name", String(50), nullable=False),
    Column("start_time", UTCDateTime, nullable=False),
    Column("end_time", UTCDateTime, nullable=False),
    Column("duration_minutes", Float, nullable=False),
    Column("total_xp", BigInteger, nullable=False),
    Column("xp_per_hour", Float, nullable=False),
    Column("total_credits", BigInteger, nullable=False),
    Column("credits_per_hour", Float, nullable=False),
    Column("quests_completed", Integer, nullable=False),
    Column("session_mode", String(20)),
    Column("planets", Text, nullable=False),  # unique planets, comma-separated, for LIKE filters
    Column("efficiency_score", Float, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("user_id", "session_id"),
    Index(None, "user_id", "start_time"),
    Index(None, "user_id", "character_name"),
    Index(None, "user_id", "received_at", "id"),
)

pairings = Table(
    "pairings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # "invite" (operator) or "device" (approved in a browser)
    Column("code_hash", String(64), nullable=False, unique=True),  # keyed hash of the code people type
    Column("device_hash", String(64), unique=True),  # device flow: keyed hash of the polling secret
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE")),  # NULL until a device is approved
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Column("approved_at", UTCDateTime),
    Column("redeemed_at", UTCDateTime),
)
