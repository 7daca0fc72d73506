"""Every number the dashboard shows, computed by the database: aggregates, buckets, one page of rows.

Nothing here loads more than a page of sessions into Python. Each query is scoped by ``user_id`` first,
which is both the leading column of the indexes and the rule that no user ever sees another's data.

Sessions stored before the payload model bounded its numbers and times may hold anything a 64-bit column
takes, so sums are taken as floating point (SQLite's integer SUM raises on overflow), planet minutes are
clamped per row before they are summed, and first and last dates are clamped to the payload's era: a page
shows such a session's numbers oddly, but it never fails on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Engine, Float, Select, and_, case, cast, func, literal, or_, select
from sqlalchemy.sql import functions

from swgdb_bridge.payload import EARLIEST_YEAR, LATEST_YEAR, MAX_EVENT_MINUTES
from swgdb_bridge.server.dashboard.tables import dashboard_planet_minutes
from swgdb_bridge.server.db.tables import sessions

Unit = Literal["day", "week", "month"]
S = sessions.c
ERA = (datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC), datetime(LATEST_YEAR, 12, 31, tzinfo=UTC))
"""First and last dates the pages compute with (the payload model's era)."""


@dataclass(frozen=True, slots=True)
class Filters:
    """The overview's and the table's common filters. Dates are inclusive, in UTC."""

    character: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    problems: tuple[str, ...] = ()

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.character:
            found.append(S.character_name == self.character)
        if self.date_from:
            found.append(S.start_time >= midnight(self.date_from))
        if self.date_to:
            found.append(S.start_time < midnight(self.date_to + timedelta(days=1)))
        return found


@dataclass(frozen=True, slots=True)
class Totals:
    sessions: int = 0
    xp: int = 0
    credits: int = 0
    quests: int = 0
    minutes: float = 0.0
    first: datetime | None = None
    last: datetime | None = None


@dataclass(frozen=True, slots=True)
class RatePoint:
    bucket: str
    minutes: float
    xp: int
    credits: int

    @property
    def xp_per_hour(self) -> float:
        return self.xp * 60.0 / self.minutes if self.minutes else 0.0

    @property
    def credits_per_hour(self) -> float:
        return self.credits * 60.0 / self.minutes if self.minutes else 0.0


SORTS: dict[str, Any] = {
    "date": S.start_time,
    "character": S.character_name,
    "mode": S.session_mode,
    "planets": S.planets,
    "duration": S.duration_minutes,
    "xp": S.total_xp,
    "xp_rate": S.xp_per_hour,
    "credits": S.total_credits,
    "credit_rate": S.credits_per_hour,
    "quests": S.quests_completed,
    "efficiency": S.efficiency_score,
}
_DATE_SEARCH = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, slots=True)
class TableQuery:
    filters: Filters = field(default_factory=Filters)
    q: str = ""
    mode: str | None = None
    sort: str = "date"
    direction: Literal["asc", "desc"] = "desc"
    page: int = 1


@dataclass(frozen=True, slots=True)
class SessionPage:
    rows: list[Any]
    total: int
    number: int
    pages: int


@dataclass(frozen=True, slots=True)
class SessionDetail:
    document: dict[str, Any]
    start_time: datetime
    received_at: datetime
    updated_at: datetime
    digest: str


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _search_condition(q: str) -> ColumnElement[bool] | None:
    """A date-looking term (2026, 2026-05, 2026-05-14) selects that period; any other matches text columns."""
    q = q.strip()
    if not q:
        return None
    match = _DATE_SEARCH.fullmatch(q)
    if match:
        period = _period(*match.groups())
        if period is not None:
            return and_(S.start_time >= period[0], S.start_time < period[1])
    return or_(
        *(column.icontains(q, autoescape=True) for column in (S.character_name, S.planets, S.session_mode))
    )


def _period(year: str, month: str | None, day: str | None) -> tuple[datetime, datetime] | None:
    try:
        if day:
            start = midnight(date(int(year), int(month or 1), int(day)))
            return start, start + timedelta(days=1)
        if month:
            first = date(int(year), int(month), 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return midnight(first), midnight(following)
        return midnight(date(int(year), 1, 1)), midnight(date(int(year) + 1, 1, 1))
    except ValueError:
        return None


class DashboardQueries:
    """Read-only queries over one engine; SQLite and PostgreSQL differ only in date bucketing."""

    PAGE_SIZE = 25

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._dialect = engine.dialect.name

    def _all(self, query: Select[Any]) -> list[Any]:
        with self._engine.connect() as conn:
            return list(conn.execute(query))

    def _one(self, query: Select[Any]) -> Any:
        with self._engine.connect() as conn:
            return conn.execute(query).one()

    def version(self, user_id: int) -> str:
        """Changes whenever one of the user's sessions lands or changes: what live updates poll."""
        row = self._one(select(func.max(S.updated_at), func.count()).where(S.user_id == user_id))
        newest, count = row
        return f"{count}-{newest.isoformat() if newest else 'none'}"

    def characters(self, user_id: int) -> list[str]:
        query = select(S.character_name).where(S.user_id == user_id).distinct().order_by(S.character_name)
        return [row[0] for row in self._all(query)]

    def totals(self, user_id: int, filters: Filters) -> Totals:
        query = select(*_sums(None), func.min(S.start_time), func.max(S.start_time)).where(
            S.user_id == user_id, *filters.conditions()
        )
        count, xp, credits, quests, minutes, first, last = self._one(query)
        return Totals(
            int(count), int(xp), int(credits), int(quests), float(minutes), _aware(first), _aware(last)
        )

    def window_totals(
        self, user_id: int, filters: Filters, windows: list[tuple[datetime, datetime]]
    ) -> list[Totals]:
        """Totals of sessions starting in each [start, end) window, within the filters, in one pass."""
        columns = [
            column
            for start, end in windows
            for column in _sums(and_(S.start_time >= start, S.start_time < end))
        ]
        row = self._one(select(*columns).where(S.user_id == user_id, *filters.conditions()))
        return [
            Totals(int(row[i]), int(row[i + 1]), int(row[i + 2]), int(row[i + 3]), float(row[i + 4]))
            for i in range(0, len(row), 5)
        ]

    def rate_series(self, user_id: int, filters: Filters, unit: Unit) -> list[RatePoint]:
        bucket = self._bucket(unit).label("bucket")
        query = (
            select(bucket, _sum(S.duration_minutes), _sum(S.total_xp), _sum(S.total_credits))
            .where(S.user_id == user_id, *filters.conditions())
            .group_by(bucket)
            .order_by(bucket)
        )
        return [RatePoint(str(b), float(m or 0), int(x or 0), int(c or 0)) for b, m, x, c in self._all(query)]

    def planet_minutes(self, user_id: int, filters: Filters) -> list[tuple[str, float]]:
        p = dashboard_planet_minutes.c
        total = func.sum(case((p.minutes > MAX_EVENT_MINUTES, MAX_EVENT_MINUTES), else_=p.minutes))
        total = total.label("minutes")
        query = (
            select(p.planet, total)
            .join_from(dashboard_planet_minutes, sessions, S.id == p.session_pk)
            .where(S.user_id == user_id, *filters.conditions())
            .group_by(p.planet)
            .order_by(total.desc(), p.planet)
        )
        return [(planet, float(minutes)) for planet, minutes in self._all(query)]

    def sessions_page(self, user_id: int, table: TableQuery) -> SessionPage:
        conditions = [S.user_id == user_id, *table.filters.conditions()]
        if table.mode:
            conditions.append(S.session_mode == table.mode)
        search = _search_condition(table.q)
        if search is not None:
            conditions.append(search)
        total = int(self._one(select(func.count()).where(*conditions))[0])
        pages = max(1, -(-total // self.PAGE_SIZE))
        number = min(max(table.page, 1), pages)
        column = SORTS.get(table.sort, S.start_time)
        order = column.desc() if table.direction == "desc" else column.asc()
        tie = S.id.desc() if table.direction == "desc" else S.id.asc()
        query = (
            select(
                S.session_id,
                S.character_name,
                S.start_time,
                S.duration_minutes,
                S.total_xp,
                S.xp_per_hour,
                S.total_credits,
                S.credits_per_hour,
                S.quests_completed,
                S.session_mode,
                S.planets,
                S.efficiency_score,
            )
            .where(*conditions)
            .order_by(order, tie)
            .limit(self.PAGE_SIZE)
            .offset((number - 1) * self.PAGE_SIZE)
        )
        return SessionPage(self._all(query), total, number, pages)

    def session(self, user_id: int, session_id: str) -> SessionDetail | None:
        """One of the user's sessions; None both for unknown ids and for other users' ids (→ 404)."""
        query = select(S.document, S.start_time, S.received_at, S.updated_at, S.digest).where(
            S.user_id == user_id, S.session_id == session_id
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else SessionDetail(*row)

    def _bucket(self, unit: Unit) -> ColumnElement[Any]:
        if self._dialect == "postgresql":
            utc = func.timezone("UTC", S.start_time)
            return func.to_char(func.date_trunc(unit, utc), "YYYY-MM-DD" if unit != "month" else "YYYY-MM")
        if unit == "week":  # SQLite: the Monday of the week ("weekday 0" is the next Sunday)
            return func.date(S.start_time, literal("weekday 0"), literal("-6 days"))
        return func.substr(S.start_time, 1, 10 if unit == "day" else 7)


def _sum(column: Any) -> ColumnElement[Any]:
    """SUM as floating point: exact to 2**53, and no overflow error for any 64-bit values."""
    return func.sum(cast(column, Float))


def _sums(within: ColumnElement[bool] | None) -> list[ColumnElement[Any]]:
    """Count and sums of the overview's numbers, over all filtered rows or only those ``within``."""

    def total(column: Any, zero: float) -> ColumnElement[Any]:
        picked = column if within is None else case((within, column))
        return functions.coalesce(_sum(picked), zero)

    count = func.count() if within is None else func.count(case((within, 1)))
    return [
        count,
        total(S.total_xp, 0),
        total(S.total_credits, 0),
        total(S.quests_completed, 0),
        total(S.duration_minutes, 0.0),
    ]


def _aware(moment: datetime | None) -> datetime | None:
    """Aggregates bypass the column type, so SQLite hands back naive text or datetimes: make them UTC,
    within :data:`ERA` (date arithmetic around year 1 or 9999 would overflow)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return min(max(moment, ERA[0]), ERA[1])
