"""The dashboard's own tables: login links and browser sessions, and minutes per planet per session.

They live beside the server's tables (same ``metadata``; created by the dashboard's own migration,
``migrations/versions/0002_dashboard.py``) so the storage code stays unaware of the dashboard.

``dashboard_logins``: one row per login link. Only SHA-256 hashes of the link token and of the browser
session token are stored, so a copy of the database opens no dashboard. Redeeming a link is one
conditional UPDATE, which is what makes it single-use even with several server processes.

``dashboard_planet_minutes``: each session's ``location_data.time_per_planet_minutes``, one row per
planet, kept in step with ``sessions.document`` by database triggers (see the migration). "Time per planet"
is then an indexed join and GROUP BY instead of a JSON scan of 10,000 documents.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, String, Table, Text

from swgdb_bridge.server.db.tables import Id, UTCDateTime, metadata, sessions

COVERING_COLUMNS = (
    "user_id",
    "start_time",
    "character_name",
    "session_mode",
    "duration_minutes",
    "total_xp",
    "total_credits",
    "quests_completed",
    "xp_per_hour",
    "credits_per_hour",
    "efficiency_score",
    "session_id",
    "planets",
)

dashboard_logins = Table(
    "dashboard_logins",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("link_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("link_expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Column("session_hash", String(64), unique=True),
    Column("session_expires_at", UTCDateTime),
    Column("logged_out_at", UTCDateTime),
)

dashboard_planet_minutes = Table(
    "dashboard_planet_minutes",
    metadata,
    Column("session_pk", Id, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("planet", Text, nullable=False),  # unbounded on purpose: planet names in payloads have no cap
    Column("minutes", Float, nullable=False),
)

# Each open dashboard asks "did anything change for this user?" every second or two.
Index(None, sessions.c.user_id, sessions.c.updated_at)
# Covers every column the overview and the table read (see the migration for why that matters on SQLite).
Index("ix_sessions_dashboard_cover", *(sessions.c[name] for name in COVERING_COLUMNS))
