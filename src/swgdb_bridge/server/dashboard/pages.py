"""The dashboard's page data: what each page shows, as a typed view model the template reads.

The handlers in :mod:`~swgdb_bridge.server.dashboard.routes` only check who is asking and pick a page; here
the query string becomes queries (``parse_*``, and back into links: ``_table_href``), the queries run for
that one user, and their rows are shaped for display. The functions run in the thread pool (the queries are
synchronous SQLAlchemy) and take the URL builder as an argument, so no path is written here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Protocol
from urllib.parse import urlencode

from swgdb_bridge.payload import SessionMode, is_session_id
from swgdb_bridge.server.dashboard import charts, present
from swgdb_bridge.server.dashboard.auth import DashboardUser
from swgdb_bridge.server.dashboard.charts import Span
from swgdb_bridge.server.dashboard.queries import (
    SORTS,
    DashboardQueries,
    Filters,
    SessionDetail,
    SessionPage,
    TableQuery,
    Totals,
    Unit,
    midnight,
)

MODES: tuple[str, ...] = SessionMode.__args__  # type: ignore[attr-defined]
CHARTS = {"xp-rate": "XP per hour", "credit-rate": "Credits per hour", "planets": "Minutes per planet"}
RATE_CHARTS = {"xp-rate": "xp_per_hour", "credit-rate": "credits_per_hour"}  # chart → RatePoint attribute
# (key, label, numeric): the sessions table's columns, in order.
COLUMNS = (
    ("date", "Date", False),
    ("character", "Character", False),
    ("mode", "Mode", False),
    ("planets", "Planets", False),
    ("duration", "Duration", True),
    ("xp", "XP", True),
    ("xp_rate", "XP/h", True),
    ("credits", "Credits", True),
    ("credit_rate", "Credits/h", True),
    ("quests", "Quests", True),
    ("efficiency", "Efficiency", True),
)
_TEXT_SORTS = {"character", "mode", "planets"}


class UrlFor(Protocol):
    """The dashboard's URL builder (``routes.url_builder``): a path from a route name and its parameters."""

    def __call__(self, name: str, /, **params: str) -> str: ...


# -- view models -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """What every page's template reads (``base.html``): its title, the active menu item, who is signed in,
    and the data version that live updates compare."""

    template: ClassVar[str]
    title: str
    active: str
    user: DashboardUser
    version: str

    def context(self) -> dict[str, Any]:
        """The template's variables: the fields by name (shallow, unlike ``asdict``)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    url: str
    alt: str
    rows: list[tuple[str, int]]


@dataclass(frozen=True)
class OverviewPage(Page):
    template: ClassVar[str] = "overview.html"
    filters: Filters
    characters: list[str]
    cards: list[present.Card]
    trend_window: str
    scope: str
    bucket_unit: Unit
    charts: list[Chart]
    planets: list[tuple[str, float]]
    planet_chart_url: str
    planets_alt: str
    planets_rows: list[tuple[str, str]]


@dataclass(frozen=True)
class Column:
    """A sessions table header: a link that sorts by it, and the mark showing the current sort."""

    key: str
    label: str
    numeric: bool
    mark: str
    href: str
    sortable: bool = True


@dataclass(frozen=True)
class SessionsPage(Page):
    template: ClassVar[str] = "sessions.html"
    filters: Filters
    characters: list[str]
    search: TableQuery
    modes: tuple[str, ...]
    page: SessionPage
    columns: list[Column]
    sort_label: str
    prev_href: str | None
    next_href: str | None


@dataclass(frozen=True)
class SessionDetailPage(Page):
    template: ClassVar[str] = "session.html"
    detail: SessionDetail
    spans: list[Span]
    timeline: str
    lane_names: dict[str, str]
    credit_sources: list[tuple[str, int]]
    credit_kinds: list[tuple[str, int]]
    metrics: list[tuple[str, str]]
    sanitization: list[tuple[str, int]]
    sanitization_note: str
    bot: present.BotFacts


# -- the pages -------------------------------------------------------------------------------------------


def overview(queries: DashboardQueries, user: DashboardUser, filters: Filters, url: UrlFor) -> OverviewPage:
    q, uid = queries, user.user_id
    version = q.version(uid)
    total = q.totals(uid, filters)
    start, end, window = _trend_window(filters, total)
    current, previous = q.window_totals(uid, filters, [(start, end), (start - (end - start), start)])
    unit = _unit(filters, total)
    series = q.rate_series(uid, filters, unit)
    planets = q.planet_minutes(uid, filters)
    query = urlencode({**_filter_params(filters), "v": version})

    def chart_url(name: str) -> str:
        return f"{url('chart', name=name)}?{query}"

    rate_charts = []
    for name, rate in RATE_CHARTS.items():
        points = [(p.bucket, getattr(p, rate)) for p in series]
        rows = [(bucket, round(value)) for bucket, value in points]
        alt = _series_alt(CHARTS[name], unit, points)
        rate_charts.append(Chart(name, CHARTS[name], chart_url(name), alt, rows))
    return OverviewPage(
        title="Overview",
        active="overview",
        user=user,
        version=version,
        filters=filters,
        characters=q.characters(uid),
        cards=present.cards(total, current, previous),
        trend_window=window,
        scope=_scope_label(filters),
        bucket_unit=unit,
        charts=rate_charts,
        planets=planets,
        planet_chart_url=chart_url("planets"),
        planets_alt=", ".join(f"{name} {present.minutes(m)}" for name, m in planets[:8]) or "none",
        planets_rows=[(name, present.minutes(m)) for name, m in planets],
    )


def sessions(queries: DashboardQueries, user: DashboardUser, table: TableQuery, url: UrlFor) -> SessionsPage:
    uid = user.user_id
    version, characters = queries.version(uid), queries.characters(uid)
    page = queries.sessions_page(uid, table)
    table = replace(table, page=page.number)
    return SessionsPage(
        title="Sessions",
        active="sessions",
        user=user,
        version=version,
        filters=table.filters,
        characters=characters,
        search=table,
        modes=MODES,
        page=page,
        columns=[_column(url, table, key, label, numeric) for key, label, numeric in COLUMNS],
        sort_label={k: label for k, label, _n in COLUMNS}[table.sort],
        prev_href=_table_href(url, table, page=page.number - 1) if page.number > 1 else None,
        next_href=_table_href(url, table, page=page.number + 1) if page.number < page.pages else None,
    )


def session(queries: DashboardQueries, user: DashboardUser, session_id: str) -> SessionDetailPage | None:
    """One session's page, or None when the user has no such session (a malformed id names none)."""
    if not is_session_id(session_id):
        return None
    version, detail = queries.version(user.user_id), queries.session(user.user_id, session_id)
    if detail is None:
        return None
    doc = detail.document
    spans = present.timeline_spans(doc)
    start, end = present.parse_time(doc["start_time"]), present.parse_time(doc["end_time"])
    credit_sources, credit_kinds = present.credit_summaries(doc)
    sanitization, note = present.sanitization_summary(doc)
    return SessionDetailPage(
        title=f"Session {session_id}",
        active="sessions",
        user=user,
        version=version,
        detail=detail,
        spans=spans,
        timeline=charts.timeline_svg(start, end, spans),
        lane_names=present.LANE_NAMES,
        credit_sources=credit_sources,
        credit_kinds=credit_kinds,
        metrics=present.performance_rows(doc),
        sanitization=sanitization,
        sanitization_note=note,
        bot=present.bot_facts(doc),
    )


def chart_svg(queries: DashboardQueries, user: DashboardUser, name: str, filters: Filters) -> str | None:
    """The SVG of one overview chart, or None for a chart name there is none of."""
    if name not in CHARTS:
        return None
    if name == "planets":
        planets = queries.planet_minutes(user.user_id, filters)[:12]
        return charts.bar_chart(CHARTS[name], [p for p, _ in planets], [m for _, m in planets])
    unit = _unit(filters, queries.totals(user.user_id, filters))
    series = queries.rate_series(user.user_id, filters, unit)
    values = [getattr(p, RATE_CHARTS[name]) for p in series]
    return charts.rate_chart(f"{CHARTS[name]} (per {unit})", [p.bucket for p in series], values)


# -- the query string: parsed into queries, and written back into links -----------------------------------


def parse_filters(params: Any) -> Filters:
    problems: list[str] = []
    date_from = _parse_date(params.get("from"), "from", problems)
    date_to = _parse_date(params.get("to"), "to", problems)
    if date_from and date_to and date_from > date_to:
        problems.append("The from date is after the to date; they were swapped.")
        date_from, date_to = date_to, date_from
    return Filters(_text(params, "character", 50) or None, date_from, date_to, tuple(problems))


def parse_table_query(params: Any) -> TableQuery:
    sort = params.get("sort") if params.get("sort") in SORTS else "date"
    direction = (
        params.get("dir")
        if params.get("dir") in ("asc", "desc")
        else ("asc" if sort in _TEXT_SORTS else "desc")
    )
    try:
        page = max(1, int(params.get("page") or 1))
    except ValueError:
        page = 1
    mode = params.get("mode") if params.get("mode") in MODES else None
    return TableQuery(parse_filters(params), _text(params, "q", 100), mode, sort, direction, page)


def _parse_date(raw: str | None, label: str, problems: list[str]) -> date | None:
    """A YYYY-MM-DD date from 1970 to 9000 (beyond, date arithmetic for trends would overflow)."""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not 1970 <= day.year <= 9000:
        problems.append(f"The {label} date {raw[:20]!r} is not a date like 2026-05-14; it was ignored.")
        return None
    return day


def _text(params: Any, name: str, limit: int) -> str:
    """A free-text parameter, trimmed and capped; NUL is dropped (PostgreSQL refuses it in any string)."""
    return (params.get(name) or "").replace("\x00", "").strip()[:limit]


def _filter_params(filters: Filters) -> dict[str, str]:
    found = {
        "character": filters.character or "",
        "from": str(filters.date_from or ""),
        "to": str(filters.date_to or ""),
    }
    return {key: value for key, value in found.items() if value}


def _table_href(url: UrlFor, table: TableQuery, **changes: Any) -> str:
    state = {
        **_filter_params(table.filters),
        "q": table.q,
        "mode": table.mode or "",
        "sort": table.sort,
        "dir": table.direction,
        "page": str(table.page),
    }
    state.update({key: str(value) for key, value in changes.items()})
    return url("sessions") + "?" + urlencode({k: v for k, v in state.items() if v})


# -- shaping ---------------------------------------------------------------------------------------------


def _column(url: UrlFor, table: TableQuery, key: str, label: str, numeric: bool) -> Column:
    current = key == table.sort
    if current:
        direction = "asc" if table.direction == "desc" else "desc"
    else:
        direction = "asc" if key in _TEXT_SORTS else "desc"
    mark = ("▼" if table.direction == "desc" else "▲") if current else ""
    return Column(key, label, numeric, mark, _table_href(url, table, sort=key, dir=direction, page=1))


def _unit(filters: Filters, total: Totals) -> Unit:
    """Chart buckets by the span shown: the date range when set, else the sessions' own first and last."""
    first = midnight(filters.date_from) if filters.date_from else total.first
    last = midnight(filters.date_to) if filters.date_to else total.last
    return present.bucket_unit(first, last)


def _trend_window(filters: Filters, total: Totals) -> tuple[datetime, datetime, str]:
    """The selected range when both ends are set, else the 30 days up to the selection's last session."""
    if filters.date_from and filters.date_to:
        start, end = midnight(filters.date_from), midnight(filters.date_to + timedelta(days=1))
        days = (end - start).days
        return start, end, f"the selected {days} day(s) compared with the {days} day(s) before"
    last_day = filters.date_to or (total.last.date() if total.last else date.today())
    end = midnight(last_day + timedelta(days=1))
    return end - timedelta(days=30), end, f"the 30 days up to {last_day} compared with the 30 days before"


def _scope_label(filters: Filters) -> str:
    who = filters.character or "all characters"
    if filters.date_from or filters.date_to:
        return f"({who}, {filters.date_from or 'first session'} to {filters.date_to or 'latest session'})"
    return f"({who}, all time)"


def _series_alt(title: str, unit: str, points: list[tuple[str, float]]) -> str:
    if not points:
        return f"{title}: no sessions in this range."
    best = max(points, key=lambda p: p[1])
    return (
        f"{title} per {unit}, {len(points)} point(s) from {points[0][0]} to {points[-1][0]}; "
        f"highest {present.number(best[1])} on {best[0]}, latest {present.number(points[-1][1])}. "
        "The data table below has every value."
    )
