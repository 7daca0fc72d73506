"""Dashboard: login links and browser sessions, minutes per planet per session, indexes for its queries.

``dashboard_planet_minutes`` mirrors each session's ``location_data.time_per_planet_minutes`` map, one row
per planet, kept in step by triggers on ``sessions`` (insert, and update of ``document``), so the storage
code needs to know nothing about it and the "time per planet" aggregate is an indexed join, not a JSON
scan of every document. Existing sessions are copied in here.

Note for later migrations: on SQLite a batch ALTER of ``sessions`` recreates the table and drops these
triggers; recreate them (``create_planet_triggers``) in such a migration. The dashboard tests catch it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Every column the overview and the sessions table read, so SQLite answers from the index alone: in the
# table rows these columns sit after the large JSON document, and reading past it costs ~10x.
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
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Time = sa.DateTime(timezone=True)

_SQLITE_ROWS = """
    SELECT {id}, j.key, CAST(j.value AS REAL)
    FROM {source}json_each({document}, '$.location_data.time_per_planet_minutes') AS j
    WHERE j.type IN ('integer', 'real')
"""
_PG_ROWS = """
    SELECT {id}, e.key, (e.value #>> '{{}}')::double precision
    FROM {source}jsonb_each(
        CASE WHEN jsonb_typeof({document} -> 'location_data' -> 'time_per_planet_minutes') = 'object'
             THEN {document} -> 'location_data' -> 'time_per_planet_minutes' END
    ) AS e
    WHERE jsonb_typeof(e.value) = 'number'
"""
_INSERT = "INSERT INTO dashboard_planet_minutes (session_pk, planet, minutes)"


def _rows(dialect: str, session_id: str, document: str, source: str = "") -> str:
    template = _PG_ROWS if dialect == "postgresql" else _SQLITE_ROWS
    return template.format(id=session_id, document=document, source=source)


def create_planet_triggers(dialect: str) -> None:
    delete = "DELETE FROM dashboard_planet_minutes WHERE session_pk = NEW.id;"
    insert = f"{_INSERT} {_rows(dialect, 'NEW.id', 'NEW.document')};"
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION dashboard_planet_minutes_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {delete} {insert} RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER dashboard_planet_minutes_sync AFTER INSERT OR UPDATE OF document ON sessions "
            "FOR EACH ROW EXECUTE FUNCTION dashboard_planet_minutes_sync()"
        )
        return
    op.execute(f"CREATE TRIGGER dashboard_planet_minutes_insert AFTER INSERT ON sessions BEGIN {insert} END")
    op.execute(
        "CREATE TRIGGER dashboard_planet_minutes_update AFTER UPDATE OF document ON sessions "
        f"BEGIN {delete} {insert} END"
    )


def upgrade() -> None:
    op.create_table(
        "dashboard_logins",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("link_hash", sa.String(64), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("link_expires_at", Time, nullable=False),
        sa.Column("used_at", Time),
        sa.Column("session_hash", sa.String(64)),
        sa.Column("session_expires_at", Time),
        sa.Column("logged_out_at", Time),
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_logins"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_dashboard_logins_user_id_users", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("link_hash", name="uq_dashboard_logins_link_hash"),
        sa.UniqueConstraint("session_hash", name="uq_dashboard_logins_session_hash"),
    )
    op.create_index("ix_dashboard_logins_user_id", "dashboard_logins", ["user_id"])
    op.create_table(
        "dashboard_planet_minutes",
        sa.Column("session_pk", Id, nullable=False),
        sa.Column("planet", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_pk"],
            ["sessions.id"],
            name="fk_dashboard_planet_minutes_session_pk_sessions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_dashboard_planet_minutes_session_pk", "dashboard_planet_minutes", ["session_pk"])
    op.create_index("ix_sessions_user_id_updated_at", "sessions", ["user_id", "updated_at"])
    op.create_index("ix_sessions_dashboard_cover", "sessions", list(COVERING_COLUMNS))
    dialect = op.get_bind().dialect.name
    create_planet_triggers(dialect)
    op.execute(f"{_INSERT} {_rows(dialect, 's.id', 's.document', source='sessions AS s, ')}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS dashboard_planet_minutes_sync ON sessions")
        op.execute("DROP FUNCTION IF EXISTS dashboard_planet_minutes_sync()")
    else:
        op.execute("DROP TRIGGER IF EXISTS dashboard_planet_minutes_insert")
        op.execute("DROP TRIGGER IF EXISTS dashboard_planet_minutes_update")
    op.drop_index("ix_sessions_dashboard_cover", table_name="sessions")
    op.drop_index("ix_sessions_user_id_updated_at", table_name="sessions")
    op.drop_table("dashboard_planet_minutes")
    op.drop_table("dashboard_logins")
