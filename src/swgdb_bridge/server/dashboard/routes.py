"""The dashboard's pages: a Starlette app mounted by the server at ``/dashboard``.

Every handler starts from the signed-in user (or redirects to the login help) and passes ``user_id`` to
every query, so ids typed into the URL can only ever reach the user's own rows (others' are 404).
Database work is synchronous SQLAlchemy, run in the thread pool so streams and pages don't block the loop.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from swgdb_bridge.payload import SessionMode
from swgdb_bridge.server.dashboard import charts, present
from swgdb_bridge.server.dashboard.auth import COOKIE_NAME, SESSION_LIFETIME, Authenticator, DashboardUser
from swgdb_bridge.server.dashboard.live import version_events
from swgdb_bridge.server.dashboard.queries import (
    SORTS,
    DashboardQueries,
    Filters,
    TableQuery,
    Totals,
    Unit,
    midnight,
)
from swgdb_bridge.server.dashboard.security import SecurityHeaders

if TYPE_CHECKING:
    from swgdb_bridge.server.db.storage import Storage
    from swgdb_bridge.server.settings import ServerSettings

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "dashboard"
MODES: tuple[str, ...] = SessionMode.__args__  # type: ignore[attr-defined]
SESSION_ID = re.compile(r"[a-zA-Z0-9_-]{1,50}")
LOGIN_COMMAND = "swgdb-bridge server dashboard-link YOUR_USER_HASH --base-url URL_OF_THIS_SERVER"
PATHS = {
    "overview": "/",
    "sessions": "/sessions",
    "session": "/sessions/{session_id}",
    "events": "/events",
    "login": "/login",
    "logout": "/logout",
    "chart": "/charts/{name}.svg",
    "static": "/static/{path}",
}
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


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("swgdb_bridge.server", "templates"), autoescape=select_autoescape()
    )
    env.filters.update(
        number=present.number,
        minutes=present.minutes,
        when=present.when,
        clock=present.clock,
        ranked=present.ranked,
    )
    return env


def _cookie_scope(request: Request) -> dict[str, Any]:
    """The login cookie's attributes: set and delete must agree, or the browser keeps a second cookie."""
    return {
        "path": request.scope.get("root_path") or "/",
        "httponly": True,
        "samesite": "lax",
        "secure": request.url.scheme == "https",
    }


def _path_for(request: Request, route: str, **params: str) -> str:
    """Our own URL builder: the outer router holds the mount, so paths are built from ``root_path``."""
    quoted = {key: quote(str(value), safe="") for key, value in params.items() if key != "path"}
    if "path" in params:
        quoted["path"] = quote(params["path"])
    return request.scope.get("root_path", "") + PATHS[route].format(**quoted)


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


def parse_filters(params: Any) -> Filters:
    problems: list[str] = []
    date_from = _parse_date(params.get("from"), "from", problems)
    date_to = _parse_date(params.get("to"), "to", problems)
    if date_from and date_to and date_from > date_to:
        problems.append("The from date is after the to date; they were swapped.")
        date_from, date_to = date_to, date_from
    return Filters(_text(params, "character", 50) or None, date_from, date_to, tuple(problems))


def _text(params: Any, name: str, limit: int) -> str:
    """A free-text parameter, trimmed and capped; NUL is dropped (PostgreSQL refuses it in any string)."""
    return (params.get(name) or "").replace("\x00", "").strip()[:limit]


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


def _filter_params(filters: Filters) -> dict[str, str]:
    found = {
        "character": filters.character or "",
        "from": str(filters.date_from or ""),
        "to": str(filters.date_to or ""),
    }
    return {key: value for key, value in found.items() if value}


def _table_href(request: Request, table: TableQuery, **changes: Any) -> str:
    state = {
        **_filter_params(table.filters),
        "q": table.q,
        "mode": table.mode or "",
        "sort": table.sort,
        "dir": table.direction,
        "page": str(table.page),
    }
    state.update({key: str(value) for key, value in changes.items()})
    return _path_for(request, "sessions") + "?" + urlencode({k: v for k, v in state.items() if v})


class Dashboard:
    """Handlers bound to one storage; ``app`` is the ASGI app to mount at ``/dashboard``.

    The live-update timing (see :mod:`~swgdb_bridge.server.dashboard.live`) is adjustable for tests.
    """

    def __init__(
        self,
        storage: Storage,
        settings: ServerSettings,
        *,
        poll_seconds: float = 1.5,
        recheck_seconds: float = 30.0,
        stream_seconds: float = 300.0,
    ) -> None:
        self.queries = DashboardQueries(storage.engine)
        self.auth = Authenticator(storage, settings.clock)
        self.env = _environment()
        self.poll_seconds = poll_seconds
        self.recheck_seconds = recheck_seconds
        self.stream_seconds = stream_seconds
        self.app = Starlette(
            routes=[
                Route(PATHS["overview"], self.overview, name="overview"),
                Route(PATHS["sessions"], self.sessions, name="sessions"),
                Route(PATHS["session"], self.session, name="session"),
                Route(PATHS["chart"], self.chart, name="chart"),
                Route(PATHS["events"], self.events, name="events"),
                Route(PATHS["login"], self.login, name="login"),
                Route(PATHS["logout"], self.logout, methods=["POST"], name="logout"),
                Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
            ],
            middleware=[Middleware(SecurityHeaders)],
            exception_handlers={HTTPException: self.http_error},
        )

    # -- rendering -------------------------------------------------------------------------------------

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("user", None)
        body = self.env.get_template(f"dashboard/{template}").render(
            request=request, url_for=lambda route, **params: _path_for(request, route, **params), **context
        )
        return HTMLResponse(body, status_code=status)

    def message(
        self,
        request: Request,
        status: int,
        title: str,
        *paragraphs: str,
        user: DashboardUser | None = None,
        command: str | None = None,
    ) -> HTMLResponse:
        return self.render(
            request,
            "message.html",
            status,
            title=title,
            paragraphs=paragraphs,
            user=user,
            command=command,
            version="",
        )

    async def http_error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return self.message(
                request, 404, "Not found", "There is no such page or session in your dashboard."
            )
        return self.message(request, status, "Request refused", str(getattr(exc, "detail", "")))

    # -- authentication --------------------------------------------------------------------------------

    async def current_user(self, request: Request) -> DashboardUser | None:
        return await run_in_threadpool(self.auth.user_for, request.cookies.get(COOKIE_NAME))

    def to_login(self, request: Request) -> RedirectResponse:
        return RedirectResponse(_path_for(request, "login"), status_code=303)

    async def login(self, request: Request) -> Response:
        token = request.query_params.get("token")
        if token is None:
            return self.message(
                request,
                200,
                "Sign in to your SWGDB dashboard",
                "The dashboard opens with a one-time link, valid for 15 minutes. Ask the server for one:",
                command=LOGIN_COMMAND,
            )
        cookie = await run_in_threadpool(self.auth.redeem, token)
        if cookie is None:
            return self.message(
                request,
                403,
                "This login link no longer works",
                "Login links work once and expire after 15 minutes. This one was already used, has "
                "expired, or was mistyped. Create a new one:",
                command=LOGIN_COMMAND,
            )
        response = RedirectResponse(_path_for(request, "overview"), status_code=303)
        response.set_cookie(
            COOKIE_NAME, cookie, max_age=int(SESSION_LIFETIME.total_seconds()), **_cookie_scope(request)
        )
        return response

    async def logout(self, request: Request) -> Response:
        user = await self.current_user(request)
        if user is None:
            return self.to_login(request)
        body = (await request.body())[:4096].decode("utf-8", "replace")
        submitted = parse_qs(body).get("csrf_token", [None])[0]
        if not self.auth.csrf_ok(user, submitted):
            return self.message(
                request,
                403,
                "Log out refused",
                "The form was stale or did not come from this dashboard. Reload the page and try again.",
                user=user,
            )
        await run_in_threadpool(self.auth.logout, user)
        response = RedirectResponse(_path_for(request, "login"), status_code=303)
        response.delete_cookie(COOKIE_NAME, **_cookie_scope(request))
        return response

    # -- pages -----------------------------------------------------------------------------------------

    async def overview(self, request: Request) -> Response:
        user = await self.current_user(request)
        if user is None:
            return self.to_login(request)
        filters = parse_filters(request.query_params)
        context = await run_in_threadpool(self._overview_context, request, user, filters)
        return self.render(request, "overview.html", **context)

    def _overview_context(self, request: Request, user: DashboardUser, filters: Filters) -> dict[str, Any]:
        q, uid = self.queries, user.user_id
        version = q.version(uid)
        total = q.totals(uid, filters)
        start, end, window = _trend_window(filters, total)
        current, previous = q.window_totals(uid, filters, [(start, end), (start - (end - start), start)])
        unit = _unit(filters, total)
        series = q.rate_series(uid, filters, unit)
        planets = q.planet_minutes(uid, filters)
        query = urlencode({**_filter_params(filters), "v": version})

        def chart_url(name: str) -> str:
            return f"{_path_for(request, 'chart', name=name)}?{query}"

        rate_charts = []
        for name, rate in RATE_CHARTS.items():
            points = [(p.bucket, getattr(p, rate)) for p in series]
            rate_charts.append(
                {
                    "name": name,
                    "title": CHARTS[name],
                    "url": chart_url(name),
                    "alt": _series_alt(CHARTS[name], unit, points),
                    "rows": [(bucket, round(value)) for bucket, value in points],
                }
            )
        return {
            "title": "Overview",
            "active": "overview",
            "user": user,
            "version": version,
            "filters": filters,
            "characters": q.characters(uid),
            "cards": present.cards(total, current, previous),
            "trend_window": window,
            "scope": _scope_label(filters),
            "bucket_unit": unit,
            "charts": rate_charts,
            "planets": planets,
            "planet_chart_url": chart_url("planets"),
            "planets_alt": ", ".join(f"{name} {present.minutes(m)}" for name, m in planets[:8]) or "none",
            "planets_rows": [(name, present.minutes(m)) for name, m in planets],
        }

    async def chart(self, request: Request) -> Response:
        user = await self.current_user(request)
        if user is None:
            return Response(status_code=401)
        name = request.path_params["name"]
        if name not in CHARTS:
            raise HTTPException(404)
        svg = await run_in_threadpool(self._chart_svg, user, name, parse_filters(request.query_params))
        return Response(svg, media_type="image/svg+xml")

    def _chart_svg(self, user: DashboardUser, name: str, filters: Filters) -> str:
        if name == "planets":
            planets = self.queries.planet_minutes(user.user_id, filters)[:12]
            return charts.bar_chart(CHARTS[name], [p for p, _ in planets], [m for _, m in planets])
        unit = _unit(filters, self.queries.totals(user.user_id, filters))
        series = self.queries.rate_series(user.user_id, filters, unit)
        values = [getattr(p, RATE_CHARTS[name]) for p in series]
        return charts.rate_chart(f"{CHARTS[name]} (per {unit})", [p.bucket for p in series], values)

    async def sessions(self, request: Request) -> Response:
        user = await self.current_user(request)
        if user is None:
            return self.to_login(request)
        table = parse_table_query(request.query_params)
        version, characters, page = await run_in_threadpool(self._table_data, user, table)
        table = replace(table, page=page.number)
        columns = [_column(request, table, key, label, numeric) for key, label, numeric in COLUMNS]
        return self.render(
            request,
            "sessions.html",
            title="Sessions",
            active="sessions",
            user=user,
            version=version,
            filters=table.filters,
            characters=characters,
            search=table,
            modes=MODES,
            page=page,
            columns=columns,
            sort_label={k: label for k, label, _n in COLUMNS}[table.sort],
            prev_href=_table_href(request, table, page=page.number - 1) if page.number > 1 else None,
            next_href=_table_href(request, table, page=page.number + 1) if page.number < page.pages else None,
        )

    def _table_data(self, user: DashboardUser, table: TableQuery) -> tuple[str, list[str], Any]:
        uid = user.user_id
        return self.queries.version(uid), self.queries.characters(uid), self.queries.sessions_page(uid, table)

    async def session(self, request: Request) -> Response:
        user = await self.current_user(request)
        if user is None:
            return self.to_login(request)
        session_id = request.path_params["session_id"]
        if not SESSION_ID.fullmatch(session_id):
            raise HTTPException(404)
        version, detail = await run_in_threadpool(
            lambda: (self.queries.version(user.user_id), self.queries.session(user.user_id, session_id))
        )
        if detail is None:
            raise HTTPException(404)
        doc = detail.document
        spans = present.timeline_spans(doc)
        start, end = present.parse_time(doc["start_time"]), present.parse_time(doc["end_time"])
        credit_sources, credit_kinds = present.credit_summaries(doc)
        sanitization, note = present.sanitization_summary(doc)
        return self.render(
            request,
            "session.html",
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
        )

    async def events(self, request: Request) -> Response:
        cookie = request.cookies.get(COOKIE_NAME)
        user = await self.current_user(request)
        if user is None:
            return Response(status_code=401)
        stream = version_events(
            lambda: self.queries.version(user.user_id),
            lambda: self.auth.user_for(cookie) is not None,
            poll_seconds=self.poll_seconds,
            max_seconds=self.stream_seconds,
            recheck_seconds=self.recheck_seconds,
        )
        return StreamingResponse(stream, media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


def _column(request: Request, table: TableQuery, key: str, label: str, numeric: bool) -> dict[str, Any]:
    current = key == table.sort
    if current:
        direction = "asc" if table.direction == "desc" else "desc"
    else:
        direction = "asc" if key in _TEXT_SORTS else "desc"
    mark = ("▼" if table.direction == "desc" else "▲") if current else ""
    return {
        "key": key,
        "label": label,
        "numeric": numeric,
        "sortable": True,
        "mark": mark,
        "href": _table_href(request, table, sort=key, dir=direction, page=1),
    }


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


def create_dashboard(storage: Storage, settings: ServerSettings, **options: Any) -> Starlette:
    """The dashboard ASGI app for ``storage``; mount it at ``/dashboard``."""
    return Dashboard(storage, settings, **options).app
