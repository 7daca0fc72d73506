"""Users, API keys, replay nonces, rate-limit counters and sessions.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Time = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("revoked_at", Time),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("user_hash", name="uq_users_user_hash"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("verifier", sa.String(64), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("expires_at", Time),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_keys_user_id_users", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("key_id", name="uq_api_keys_key_id"),
    )
    op.create_index("ix_api_keys_user_id", "api_keys", ["user_id"])
    op.create_table(
        "nonces",
        sa.Column("user_hash", sa.String(128), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("expires_at", Time, nullable=False),
        sa.PrimaryKeyConstraint("user_hash", "nonce", name="pk_nonces"),
    )
    op.create_index("ix_nonces_expires_at", "nonces", ["expires_at"])
    op.create_table(
        "rate_limits",
        sa.Column("bucket", sa.String(200), nullable=False),
        sa.Column("window_ends_at", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", name="pk_rate_limits"),
    )
    op.create_index("ix_rate_limits_window_ends_at", "rate_limits", ["window_ends_at"])
    _create_sessions()


def _create_sessions() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("session_id", sa.String(50), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("last_status", sa.String(16), nullable=False),
        sa.Column("document", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("character_name", sa.String(50), nullable=False),
        sa.Column("start_time", Time, nullable=False),
        sa.Column("end_time", Time, nullable=False),
        sa.Column("duration_minutes", sa.Float(), nullable=False),
        sa.Column("total_xp", sa.BigInteger(), nullable=False),
        sa.Column("xp_per_hour", sa.Float(), nullable=False),
        sa.Column("total_credits", sa.BigInteger(), nullable=False),
        sa.Column("credits_per_hour", sa.Float(), nullable=False),
        sa.Column("quests_completed", sa.Integer(), nullable=False),
        sa.Column("session_mode", sa.String(20)),
        sa.Column("planets", sa.Text(), nullable=False),
        sa.Column("efficiency_score", sa.Float(), nullable=False),
        sa.Column("received_at", Time, nullable=False),
        sa.Column("updated_at", Time, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_sessions_user_id_users", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("user_id", "session_id", name="uq_sessions_user_id_session_id"),
    )
    op.create_index("ix_sessions_user_id_start_time", "sessions", ["user_id", "start_time"])
    op.create_index("ix_sessions_user_id_character_name", "sessions", ["user_id", "character_name"])
    op.create_index("ix_sessions_user_id_received_at_id", "sessions", ["user_id", "received_at", "id"])


def downgrade() -> None:
    for table in ("sessions", "rate_limits", "nonces", "api_keys", "users"):
        op.drop_table(table)
