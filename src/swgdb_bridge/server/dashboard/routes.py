"""The dashboard's routes: a Starlette app mounted by the server at ``/dashboard``.

The route table below is the only place a path is written: links and redirects are built from route names
(:func:`url_builder`). Every handler but the login page is wrapped in :func:`requires_user`, so it runs only
for a signed-in user and passes that user's ``user_id`` to every query: ids typed into the URL can only ever
reach the user's own rows (others' are 404). Handlers stay thin; what a page shows is built in
:mod:`~swgdb_bridge.server.dashboard.pages`, in the thread pool (synchronous SQLAlchemy), so streams and
pages don't block the loop.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from swgdb_bridge.server.api.errors import ApiProblem
from swgdb_bridge.server.api.verify import ClientAddressLimit
from swgdb_bridge.server.dashboard import pages, present
from swgdb_bridge.server.dashboard.auth import (
    SESSION_LIFETIME,
    Authenticator,
    DashboardUser,
    cookie_name,
    login_cookie,
)
from swgdb_bridge.server.dashboard.live import version_events
from swgdb_bridge.server.dashboard.pages import Page, UrlFor
from swgdb_bridge.server.dashboard.queries import DashboardQueries
from swgdb_bridge.server.dashboard.security import SecurityHeaders
from swgdb_bridge.server.db.pairings import Pairings

if TYPE_CHECKING:
    from swgdb_bridge.server.db.storage import Storage
    from swgdb_bridge.server.settings import ServerSettings

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "dashboard"
LOGIN_COMMAND = "swgdb-bridge server dashboard-link YOUR_USER_HASH --base-url URL_OF_THIS_SERVER"

FORM_LIMIT = 4096

Handler = Callable[["Dashboard", Request, DashboardUser], Awaitable[Response]]
Endpoint = Callable[["Dashboard", Request], Awaitable[Response]]


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
        place=present.place,
    )
    env.globals["breakdown_rows"] = present.BREAKDOWN_ROWS
    return env


async def _read_form(request: Request) -> dict[str, str]:
    """A POSTed form's first value per field; a dashboard form is a token or two and a code, so at most
    :data:`FORM_LIMIT` bytes are read."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) >= FORM_LIMIT:
            break
    fields = parse_qs(body[:FORM_LIMIT].decode("utf-8", "replace"))
    return {key: values[0] for key, values in fields.items()}


def _same_origin(request: Request) -> bool:
    """False when the browser says another site sent this request; clients that say nothing pass (a
    cross-site form post always comes from a browser, and browsers send these headers on POST).

    ``Origin: null`` says nothing either: under the dashboard's ``no-referrer`` policy a browser sends it
    on its own same-origin POSTs, and a browser without ``Sec-Fetch-Site`` (Safari before 16.4) would be
    locked out. Such browsers get only the other checks; every current one sends ``Sec-Fetch-Site``.
    An ``Origin`` that is no URL at all (``http://[::1``) names no site we know: refused."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin in (None, "null"):
        return True
    try:
        return urlsplit(origin).netloc == request.url.netloc
    except ValueError:
        return False


def _cookie_scope(request: Request) -> dict[str, Any]:
    """The login cookie's name and attributes: set and delete must agree, or the browser keeps a second
    cookie. Over HTTPS the name is ``__Host-`` prefixed (:func:`cookie_name`), which needs ``Path=/``."""
    secure = request.url.scheme == "https"
    return {
        "key": cookie_name(request.url.scheme),
        "path": "/" if secure else request.scope.get("root_path") or "/",
        "httponly": True,
        "samesite": "lax",
        "secure": secure,
    }


def url_builder(app: Starlette, root_path: str) -> UrlFor:
    """The dashboard's one URL builder: a path from a route's name (Starlette's ``url_path_for``), under the
    mount point ``root_path`` (the outer app holds the mount, so the inner router does not know it).

    Starlette puts parameters into the path as they are; here each is percent-quoted first (``/`` too, but
    in a static file's ``path``), so a value can never add a path segment, a query or a fragment.
    """

    def url_for(name: str, /, **params: str) -> str:
        quoted = {key: quote(str(value), safe="/" if key == "path" else "") for key, value in params.items()}
        return root_path + app.url_path_for(name, **quoted)

    return url_for


def requires_user(redirect: str | None = None) -> Callable[[Handler], Endpoint]:
    """Starlette's ``requires``, for the dashboard's login cookie: the handler runs with the signed-in user.

    Without one, the request is answered here, before anything is read: a page a person opens redirects to
    the route named ``redirect`` (the login help); what a page fetches (a chart, the event stream) gets 401.
    """

    def decorate(handler: Handler) -> Endpoint:
        @functools.wraps(handler)
        async def guarded(self: Dashboard, request: Request) -> Response:
            user = await self.current_user(request)
            if user is not None:
                return await handler(self, request, user)
            if redirect is None:
                return Response(status_code=401)
            return RedirectResponse(self.url_for(request)(redirect), status_code=303)

        return guarded

    return decorate


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
        self.pairings = Pairings(storage)
        self.sign_ins = ClientAddressLimit(
            storage, settings, "dashboard-sign-in-ip", settings.dashboard_sign_ins_per_ip
        )
        # The API's bucket for invite codes: a user code typed here is the same 40-bit guess, and one budget
        # for both places keeps a guesser from doubling it.
        self.code_guesses = ClientAddressLimit(
            storage, settings, "pairing-code-ip", settings.pairing_code_guesses_per_ip
        )
        self.settings = settings
        self.env = _environment()
        self.poll_seconds = poll_seconds
        self.recheck_seconds = recheck_seconds
        self.stream_seconds = stream_seconds
        self.app = Starlette(
            routes=[
                Route("/", self.overview, name="overview"),
                Route("/sessions", self.sessions, name="sessions"),
                Route("/sessions/{session_id}", self.session, name="session"),
                Route("/charts/{name}.svg", self.chart, name="chart"),
                Route("/events", self.events, name="events"),
                Route("/login", self.login, methods=["GET", "POST"], name="login"),
                Route("/logout", self.logout, methods=["POST"], name="logout"),
                Route("/pair", self.pair, methods=["GET", "POST"], name="pair"),
                Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
            ],
            middleware=[Middleware(SecurityHeaders)],
            exception_handlers={HTTPException: self.http_error},
        )

    def url_for(self, request: Request) -> UrlFor:
        return url_builder(self.app, request.scope.get("root_path", ""))

    # -- rendering -------------------------------------------------------------------------------------

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("user", None)
        body = self.env.get_template(f"dashboard/{template}").render(
            request=request, url_for=self.url_for(request), **context
        )
        return HTMLResponse(body, status_code=status)

    def render_page(self, request: Request, page: Page | None) -> HTMLResponse:
        """A page's view model in its template; None (no such thing for this user) is the 404 page."""
        if page is None:
            raise HTTPException(404)
        return self.render(request, page.template, **page.context())

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
        """The error page, with the exception's headers: a 405 must say which methods are ``Allow``-ed."""
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            page = self.message(
                request, 404, "Not found", "There is no such page or session in your dashboard."
            )
        else:
            page = self.message(request, exc.status_code, "Request refused", str(exc.detail))
        page.headers.update(exc.headers or {})
        return page

    # -- authentication --------------------------------------------------------------------------------

    async def current_user(self, request: Request) -> DashboardUser | None:
        return await run_in_threadpool(self.auth.user_for, login_cookie(request))

    async def login(self, request: Request) -> Response:
        """GET: the login help, or a one-time link's "Sign in" page; POST (that page's button): sign in.

        Only the POST spends the link, so a link preview (a chat app fetching the URL) neither uses it up
        nor gets a session. A POST another site's page sent (``Sec-Fetch-Site``, else ``Origin``) is
        refused: it could sign a visitor into the sender's account (login CSRF). A GET with a token answers
        whether the token works, so it costs from the same per-address budget as the POST: otherwise GETs
        would be a free oracle for guessing links.
        """
        if request.method == "POST":
            return await self.redeem_link(request)
        token = request.query_params.get("token")
        if token is None:
            return self.message(
                request,
                200,
                "Sign in to your SWGDB dashboard",
                "The dashboard opens with a one-time link, valid for 15 minutes. Ask the server for one:",
                command=LOGIN_COMMAND,
            )
        refused = await self.sign_ins.spend(request)
        if refused is not None:
            return self.too_many(request, refused, "Too many sign-in attempts")
        if not await run_in_threadpool(self.auth.usable, token):
            return self.link_spent(request)
        return self.render(request, "login.html", title="Sign in to your SWGDB dashboard", token=token)

    async def redeem_link(self, request: Request) -> Response:
        """The sign-in button's POST. Anyone may send one, and each tries a database write, so each is
        charged to its client address first (``dashboard_sign_ins_per_ip``), like the API's other
        unauthenticated guesses."""
        refused = await self.sign_ins.spend(request)
        if refused is not None:
            return self.too_many(request, refused, "Too many sign-in attempts")
        if not _same_origin(request):
            return self.message(
                request, 403, "Sign-in refused", "The sign-in form did not come from this dashboard."
            )
        form = await _read_form(request)
        cookie = await run_in_threadpool(self.auth.redeem, form.get("token", ""))
        if cookie is None:
            return self.link_spent(request)
        response = RedirectResponse(self.url_for(request)("overview"), status_code=303)
        response.set_cookie(
            value=cookie, max_age=int(SESSION_LIFETIME.total_seconds()), **_cookie_scope(request)
        )
        return response

    def too_many(
        self, request: Request, refused: ApiProblem, title: str, user: DashboardUser | None = None
    ) -> HTMLResponse:
        """A per-address budget's refusal (:class:`ClientAddressLimit`) as a page, ``Retry-After`` kept."""
        page = self.message(request, 429, title, refused.message, user=user)
        page.headers.update(refused.headers)
        return page

    def link_spent(self, request: Request) -> HTMLResponse:
        return self.message(
            request,
            403,
            "This login link no longer works",
            "Login links work once and expire after 15 minutes. This one was already used, has "
            "expired, or was mistyped. Create a new one:",
            command=LOGIN_COMMAND,
        )

    async def posted_form(
        self, request: Request, user: DashboardUser, action: str
    ) -> dict[str, str] | Response:
        """A POSTed form's fields, or the refusal page when its CSRF token is not this login's."""
        form = await _read_form(request)
        if not self.auth.csrf_ok(user, form.get("csrf_token")):
            return self.message(
                request,
                403,
                f"{action} refused",
                "The form was stale or did not come from this dashboard. Reload the page and try again.",
                user=user,
            )
        return form

    @requires_user(redirect="login")
    async def logout(self, request: Request, user: DashboardUser) -> Response:
        form = await self.posted_form(request, user, "Log out")
        if isinstance(form, Response):
            return form
        await run_in_threadpool(self.auth.logout, user)
        response = RedirectResponse(self.url_for(request)("login"), status_code=303)
        response.delete_cookie(**_cookie_scope(request))
        return response

    @requires_user(redirect="login")
    async def pair(self, request: Request, user: DashboardUser) -> Response:
        """Approve a device pairing (``swgdb-bridge login`` without a code on another computer).

        Every code tried costs from the client address's guessing budget (``pairing_code_guesses_per_ip``),
        as an invite code does at ``/v1/pairing/redeem``: a signed-in stranger could otherwise try codes
        without end, and a hit approves someone else's computer into the stranger's account."""
        if request.method == "GET":
            code = request.query_params.get("code", "")[:40]
            return self.render(request, "pair.html", user=user, code=code, version="")
        form = await self.posted_form(request, user, "Pairing")
        if isinstance(form, Response):
            return form
        refused = await self.code_guesses.spend(request)  # a code is guessable, an account is no limit
        if refused is not None:
            return self.too_many(request, refused, "Too many pairing codes tried", user)
        code = form.get("code", "")[:40]
        approved = await run_in_threadpool(
            self.pairings.approve_device, user.user_hash, code, self.settings.utcnow()
        )
        if not approved:
            return self.message(
                request,
                400,
                "No pairing waiting for that code",
                "The code is mistyped, expired (codes last 10 minutes) or already approved. Run "
                "`swgdb-bridge login` again on the other computer for a new one.",
                user=user,
            )
        return self.message(
            request,
            200,
            "Computer paired",
            "The bridge on the other computer now receives a new API key; it replaces your previous key, so "
            "a bridge on any other computer must log in again.",
            user=user,
        )

    # -- pages -----------------------------------------------------------------------------------------

    @requires_user(redirect="login")
    async def overview(self, request: Request, user: DashboardUser) -> Response:
        filters = pages.parse_filters(request.query_params)
        page = await run_in_threadpool(pages.overview, self.queries, user, filters, self.url_for(request))
        return self.render_page(request, page)

    @requires_user(redirect="login")
    async def sessions(self, request: Request, user: DashboardUser) -> Response:
        table = pages.parse_table_query(request.query_params)
        page = await run_in_threadpool(pages.sessions, self.queries, user, table, self.url_for(request))
        return self.render_page(request, page)

    @requires_user(redirect="login")
    async def session(self, request: Request, user: DashboardUser) -> Response:
        session_id = request.path_params["session_id"]
        page = await run_in_threadpool(pages.session, self.queries, user, session_id)
        return self.render_page(request, page)

    @requires_user()
    async def chart(self, request: Request, user: DashboardUser) -> Response:
        name, filters = request.path_params["name"], pages.parse_filters(request.query_params)
        svg = await run_in_threadpool(pages.chart_svg, self.queries, user, name, filters)
        if svg is None:
            raise HTTPException(404)
        return Response(svg, media_type="image/svg+xml")

    @requires_user()
    async def events(self, request: Request, user: DashboardUser) -> Response:
        cookie = login_cookie(request)
        stream = version_events(
            lambda: self.queries.version(user.user_id),
            lambda: self.auth.user_for(cookie) is not None,
            poll_seconds=self.poll_seconds,
            max_seconds=self.stream_seconds,
            recheck_seconds=self.recheck_seconds,
        )
        return StreamingResponse(stream, media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


def create_dashboard(storage: Storage, settings: ServerSettings, **options: Any) -> Starlette:
    """The dashboard ASGI app for ``storage``; mount it at ``/dashboard``."""
    return Dashboard(storage, settings, **options).app
