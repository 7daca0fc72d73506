"""Pairings: one-time codes that hand a user's credentials to their bridge (``swgdb-bridge login``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Time = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pairings",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("device_hash", sa.String(64)),
        sa.Column("user_id", Id),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("expires_at", Time, nullable=False),
        sa.Column("approved_at", Time),
        sa.Column("redeemed_at", Time),
        sa.PrimaryKeyConstraint("id", name="pk_pairings"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_pairings_user_id_users", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("code_hash", name="uq_pairings_code_hash"),
        sa.UniqueConstraint("device_hash", name="uq_pairings_device_hash"),
    )
    op.create_index("ix_pairings_expires_at", "pairings", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_pairings_expires_at", table_name="pairings")
    op.drop_table("pairings")
