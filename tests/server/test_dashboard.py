"""The dashboard over HTTP: the real server (uvicorn on loopback, our runner) on SQLite and PostgreSQL.

One server per module and backend (``backend_url``); each test makes its own users, so tests stay apart.

Login links (once, 15 minutes, injected clock), the session cookie and its flags, logout with CSRF, no
data without a session, no other user's data whatever the URL, security headers, no external URLs, and
the numbers on the pages against the stored sessions.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from fixtures.browser import BASE_TIME, dashboard_document, store
from helpers import http
from helpers.http import http_client, sign_in
from swgdb_bridge.errors import BridgeError
from swgdb_bridge.server import dashboard_link
from swgdb_bridge.server.app import _own_location
from swgdb_bridge.server.dashboard.auth import COOKIE_NAME
from swgdb_bridge.server.dashboard.routes import create_dashboard, url_builder
from swgdb_bridge.server.db.storage import Storage
from swgdb_bridge.server.runner import RunningServer, start_server
from swgdb_bridge.server.settings import ServerSettings

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC).timestamp()
DATA_PAGES = ["/dashboard/", "/dashboard/sessions", "/dashboard/sessions/s-1", "/dashboard/sessions/nope"]
URL = re.compile(r"(?:https?:)?//[^\s\"'<>)]+", re.IGNORECASE)
PUBLIC_ROUTES = {"login", "static"}  # the sign-in help, and the stylesheet, script and icon it needs
ROUTE_SAMPLES = {"session_id": "s-1", "name": "xp-rate"}  # a value for each path parameter of the routes
NAMESPACE_DECLARATION = re.compile(r'\sxmlns(?::\w+)?="[^"]*"')
"""XML namespace names look like URLs but are never fetched: the one place a foreign address may appear."""


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@dataclass
class Served:
    """One server per test module and backend; tests keep apart by making their own users."""

    storage: Storage
    running: RunningServer
    clock: Clock


@pytest.fixture(scope="module")
def served(backend_url: str) -> Iterator[Served]:
    clock = Clock()
    storage = Storage(backend_url, server_secret=os.urandom(32))
    settings = ServerSettings(  # as if behind a local proxy; the module signs in far more than a person
        clock=clock, trusted_proxies=("127.0.0.1",), dashboard_sign_ins_per_ip=100_000
    )
    running = start_server(
        storage=storage, settings=settings, dashboard_options={"poll_seconds": 0.1, "recheck_seconds": 0.2}
    )
    yield Served(storage, running, clock)
    running.stop()
    storage.close()


class Dash:
    """The module's server with two fresh users and the clock reset; ``client()`` is a fresh cookie jar."""

    def __init__(self, served: Served) -> None:
        self.storage = served.storage
        self.clock = served.clock
        self.clock.now = NOW
        self.url = served.running.url
        self.alice = self.storage.add_user("alice")[0]
        self.bob = self.storage.add_user("bob")[0]
        self._clients: list[httpx.Client] = []

    def client(self, **options: Any) -> httpx.Client:
        client = http_client(base_url=self.url, follow_redirects=False, timeout=30, **options)
        self._clients.append(client)
        return client

    def link(self, user_hash: str) -> str:
        return dashboard_link(self.storage, user_hash, self.url, now=self.clock.now)

    def logged_in(self, user_hash: str) -> httpx.Client:
        client = self.client()
        response = sign_in(client, self.link(user_hash))
        assert response.status_code == 303, response.text
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()


@pytest.fixture
def dash(served: Served) -> Iterator[Dash]:
    opened = Dash(served)
    yield opened
    opened.close()


def test_no_session_means_no_data(dash: Dash) -> None:
    store(dash.storage, dash.alice, dashboard_document("s-1", character="Secret-Alice"))
    client = dash.client()
    for path in DATA_PAGES:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/dashboard/login"
    for path in ["/dashboard/charts/xp-rate.svg", "/dashboard/events"]:
        assert client.get(path).status_code == 401
    help_page = client.get("/dashboard/login")
    assert help_page.status_code == 200
    assert "dashboard-link" in help_page.text and "Secret-Alice" not in help_page.text
    assert "Log out" not in help_page.text


def test_every_route_but_the_public_ones_turns_a_signed_out_visitor_away(dash: Dash) -> None:
    """Generated from the dashboard's own route table, so a route added later cannot forget the guard:
    without a valid login, a page redirects to the login help and a fetched resource answers 401."""
    store(dash.storage, dash.alice, dashboard_document("s-1", character="Secret-Alice"))
    app = create_dashboard(dash.storage, ServerSettings())
    url = url_builder(app, "/dashboard")
    names = {route.name for route in app.routes}  # type: ignore[attr-defined]
    assert names >= PUBLIC_ROUTES, "PUBLIC_ROUTES names a route the dashboard no longer has"
    visitors = [dash.client(), dash.client(cookies={COOKIE_NAME: "forged.cookie"})]
    checked = []
    for route in app.routes:
        if route.name in PUBLIC_ROUTES:  # type: ignore[attr-defined]
            continue
        params = route.param_convertors  # type: ignore[attr-defined]
        assert set(params) <= set(ROUTE_SAMPLES), f"add a sample for {set(params) - set(ROUTE_SAMPLES)}"
        path = url(route.name, **{key: ROUTE_SAMPLES[key] for key in params})  # type: ignore[attr-defined]
        for method in sorted(route.methods - {"HEAD"}):  # type: ignore[attr-defined]
            for visitor in visitors:
                response = visitor.request(method, path)
                answer = (response.status_code, response.headers.get("location"))
                assert answer in {(303, "/dashboard/login"), (401, None)}, (method, path, answer)
                assert "Secret-Alice" not in response.text
            checked.append(f"{method} {path}")
    assert len(checked) >= 6, checked
    signed_in = dash.logged_in(dash.alice)
    assert "Secret-Alice" in signed_in.get(url("session", session_id="s-1")).text


def test_a_link_logs_in_once(dash: Dash) -> None:
    store(dash.storage, dash.alice, dashboard_document("s-1", character="Alice-Main"))
    link = dash.link(dash.alice)
    assert link.startswith(f"{dash.url}/dashboard/login?token=")
    browser = dash.client()
    first = sign_in(browser, link)
    assert first.status_code == 303 and first.headers["location"] == "/dashboard/"
    overview = browser.get("/dashboard/")
    assert overview.status_code == 200 and "Alice-Main" in overview.text

    again = sign_in(dash.client(), link)
    assert again.status_code == 403
    assert "set-cookie" not in again.headers
    assert "already used" in again.text
    token = link.split("token=", 1)[1]
    replayed = dash.client().post("/dashboard/login", data={"token": token})
    assert replayed.status_code == 403 and "set-cookie" not in replayed.headers


def test_opening_a_link_spends_nothing_until_sign_in_is_pressed(dash: Dash) -> None:
    """Chat apps and mail scanners fetch a pasted link to preview it: that must neither use it up nor get
    them a session. The page they get holds the button; only its POST signs in."""
    link = dash.link(dash.alice)
    for _ in range(3):
        preview = dash.client().get(link)
        assert preview.status_code == 200 and "set-cookie" not in preview.headers
        assert 'method="post"' in preview.text and "Sign in" in preview.text
    assert sign_in(dash.client(), link).status_code == 303
    assert dash.client().get(link).status_code == 403  # spent: the page says so before any button


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://[::1"},  # no URL at all (was a 500)
        {"Origin": "http://[not-an-address]"},
    ],
)
def test_a_sign_in_posted_from_another_site_is_refused_and_spends_nothing(
    dash: Dash, headers: dict[str, str]
) -> None:
    """Another site's form could sign a visitor into the sender's own account (login CSRF)."""
    link = dash.link(dash.alice)
    token = link.split("token=", 1)[1]
    forged = dash.client().post("/dashboard/login", data={"token": token}, headers=headers)
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    same_site = {"Sec-Fetch-Site": "same-origin", "Origin": dash.url}
    assert dash.client().post("/dashboard/login", data={"token": token}, headers=same_site).status_code == 303


def test_odd_sign_in_requests_neither_sign_in_nor_spend_the_link(dash: Dash) -> None:
    """Previews that send HEAD, a token only in the query, a token after the form's size cap, a cross-site
    text/plain or multipart post: none signs in, and the link still works after."""
    link = dash.link(dash.alice)
    token = link.split("token=", 1)[1]
    client = dash.client()
    assert client.head(link).status_code == 200
    attempts = [
        client.post(link),
        client.post("/dashboard/login", content=f"pad={'x' * 5000}&token={token}".encode()),
        client.post(
            "/dashboard/login",
            content=f"token={token}".encode(),
            headers={"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"},
        ),
        client.post(
            "/dashboard/login", files={"token": (None, token)}, headers={"Origin": "https://evil.example"}
        ),
    ]
    for attempt in attempts:
        assert attempt.status_code == 403 and "set-cookie" not in attempt.headers, attempt.request.content[
            :40
        ]
    assert sign_in(dash.client(), link).status_code == 303


def test_an_empty_dashboard_renders_and_the_bare_path_redirects(dash: Dash) -> None:
    client = dash.logged_in(dash.bob)
    assert client.get("/dashboard").headers["location"].endswith("/dashboard/")
    overview = client.get("/dashboard/")
    assert overview.status_code == 200 and _cards(overview.text)["Sessions"] == "0"
    assert "None recorded." in overview.text
    assert "0 sessions found" in client.get("/dashboard/sessions").text
    for name in ("xp-rate", "credit-rate", "planets"):
        chart = client.get(f"/dashboard/charts/{name}.svg")
        assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/dashboard/charts/other.svg").status_code == 404


def test_names_xml_cannot_carry_leave_every_chart_readable(dash: Dash) -> None:
    """A planet named with a control character (``\\x01``, ``\\x1b``) or U+FFFE made the planets chart an
    SVG no browser draws (XML 1.0 forbids those characters): the chart was gone. They show as escapes."""
    planets = {"tat\x01ooine": 30.0, "\x1b[31mnaboo": 20.0, "rori\ufffe": 10.0}
    store(dash.storage, dash.alice, dashboard_document("s-xml", planets=planets))
    client = dash.logged_in(dash.alice)
    for name in ("xp-rate", "credit-rate", "planets"):
        chart = client.get(f"/dashboard/charts/{name}.svg")
        texts = "".join(ElementTree.fromstring(chart.content).itertext())  # a parse error fails here
        if name == "planets":
            assert "tat\\x01ooine" in texts and "\\x1b[31mnaboo" in texts and "rori\\ufffe" in texts


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:443", "evil.example/x?", "[evil.example", "\\evil.example"]
)
@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/sessions/", "/v1/info/"])
def test_redirects_stay_on_this_server_whatever_the_host_header(dash: Dash, path: str, host: str) -> None:
    """Slash redirects were absolute URLs built from ``Host``, which the client chooses: an open redirect,
    and a poisoned answer for any cache in front of the server."""
    client = dash.logged_in(dash.alice)
    response = client.get(path, headers={"Host": host, "X-Forwarded-Host": host})
    assert response.is_redirect, response.status_code
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil" not in location


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (b"http://[evil/dashboard/", b"/dashboard/"),  # urlsplit raises on it: a 500 instead of a redirect
        (b"http:\\\\evil/x?q=//evil#f", b"/x?q=//evil#f"),
        (b"/\\evil/x", b"/x"),
        (b"///evil/x", b"/evil/x"),
        (b"/dashboard/sessions", b"/dashboard/sessions"),
    ],
)
def test_every_location_becomes_a_path_on_this_server(location: bytes, path: bytes) -> None:
    assert _own_location(location) == path


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/dashboard/logout", {"POST"}),
        ("OPTIONS", "/dashboard/login", {"GET", "HEAD", "POST"}),
        ("DELETE", "/dashboard/pair", {"GET", "HEAD", "POST"}),
        ("PUT", "/dashboard/", {"GET", "HEAD"}),
    ],
)
def test_a_wrong_method_is_a_405_that_names_the_allowed_ones(
    dash: Dash, method: str, path: str, allowed: set[str]
) -> None:
    """HTTP requires ``Allow`` on a 405; the dashboard's error page used to drop the exception's headers."""
    response = dash.logged_in(dash.alice).request(method, path)
    assert response.status_code == 405
    assert {name.strip() for name in response.headers["allow"].split(",")} == allowed
    assert response.headers["cache-control"] == "no-store" and "set-cookie" not in response.headers


def test_every_signed_in_page_names_the_account_escaped(dash: Dash) -> None:
    """Signed in by someone else's link (login CSRF by phishing), a visitor must see whose account this is
    before pairing a computer to it; the name is the operator's text, so it is escaped like any other."""
    user_hash = dash.storage.add_user('<img src=x onerror=alert(1)> "Eve"')[0]
    client = dash.logged_in(user_hash)
    for path in ["/dashboard/", "/dashboard/sessions", "/dashboard/pair"]:
        body = client.get(path).text
        assert "Signed in as <strong>&lt;img src=x onerror=alert(1)&gt; &#34;Eve&#34;</strong>" in body, path
        assert "<img src=x" not in body, path


def test_tokens_and_cookies_never_reach_our_logs(dash: Dash, caplog: pytest.LogCaptureFixture) -> None:
    """Our access lines carry paths without query strings, and the sign-in POST carries the token in its
    body. (An access log that kept query strings, such as uvicorn's, which our runners switch off, would
    show the link's token; only the POST spends it.)"""
    caplog.set_level(logging.INFO, logger="swgdb_bridge")
    link = dash.link(dash.alice)
    client = dash.client()
    sign_in(client, link)
    client.get("/dashboard/")
    client.get(link)
    token = link.split("token=", 1)[1]

    def ours() -> str:
        return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("swgdb_bridge"))

    # An access line is written once its response has gone out, so the last one may trail the client.
    deadline = time.monotonic() + 10
    while "GET /dashboard/login -> 403" not in ours() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "POST /dashboard/login -> 303" in ours() and "GET /dashboard/login -> 403" in ours()
    assert token not in ours() and client.cookies[COOKIE_NAME] not in ours()


def test_a_dashboard_page_as_a_fresh_servers_first_request_crashes_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="swgdb_bridge")
    storage = Storage(f"sqlite:///{tmp_path / 'fresh.db'}", server_secret=os.urandom(32))
    try:
        with start_server(storage=storage) as running:
            assert http.get(f"{running.url}/dashboard/login").status_code == 200
            assert http.get(f"{running.url}/v1/info").status_code == 200
            deadline = time.monotonic() + 10
            while "/v1/info -> 200" not in caplog.text and time.monotonic() < deadline:
                time.sleep(0.02)  # access lines trail their responses
    finally:
        storage.close()
    assert "GET /dashboard/login -> 200" in caplog.text and "crashed" not in caplog.text


def test_a_link_opened_many_times_at_once_logs_in_exactly_once(dash: Dash) -> None:
    link = dash.link(dash.alice)
    token = link.split("token=", 1)[1]

    def press() -> int:
        return dash.client().post("/dashboard/login", data={"token": token}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(lambda _: press(), range(8)))
    assert statuses == [303] + [403] * 7


def test_new_links_clear_the_users_dead_logins(dash: Dash) -> None:
    unused = dash.link(dash.alice)
    live = dash.logged_in(dash.alice)
    other = dash.link(dash.bob)
    leaving = dash.logged_in(dash.alice)
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', leaving.get("/dashboard/").text)
    assert (
        csrf is not None
        and leaving.post("/dashboard/logout", data={"csrf_token": csrf[1]}).status_code == 303
    )
    assert _login_rows(dash) == 4
    dash.clock.now = NOW + 15 * 60
    dash.link(dash.alice)  # clears alice's expired link and logged-out session, keeps her live session
    assert _login_rows(dash) == 3
    assert live.get("/dashboard/").status_code == 200
    assert dash.client().get(unused).status_code == 403
    assert dash.client().get(other).status_code == 403  # expired, though not cleared yet (bob's row)


def _login_rows(dash: Dash) -> int:
    from sqlalchemy import func, select

    from swgdb_bridge.server.dashboard.tables import dashboard_logins
    from swgdb_bridge.server.db.tables import users

    query = (
        select(func.count())
        .select_from(dashboard_logins.join(users))
        .where(users.c.user_hash.in_([dash.alice, dash.bob]))
    )
    with dash.storage.engine.connect() as connection:
        return int(connection.scalar(query))


def test_links_expire_after_15_minutes(dash: Dash) -> None:
    early, late, pressed_late = (dash.link(dash.alice) for _ in range(3))
    dash.clock.now = NOW + 15 * 60 - 1
    assert sign_in(dash.client(), early).status_code == 303
    shown = dash.client().get(pressed_late)
    assert shown.status_code == 200
    dash.clock.now = NOW + 15 * 60
    refused = sign_in(dash.client(), late)
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    token = pressed_late.split("token=", 1)[1]
    too_late = dash.client().post("/dashboard/login", data={"token": token})  # page opened in time
    assert too_late.status_code == 403 and "set-cookie" not in too_late.headers


def test_browser_sessions_end_after_12_hours(dash: Dash) -> None:
    client = dash.logged_in(dash.alice)
    dash.clock.now = NOW + 12 * 3600 - 1
    assert client.get("/dashboard/").status_code == 200
    dash.clock.now = NOW + 12 * 3600
    assert client.get("/dashboard/").status_code == 303


def test_unknown_and_malformed_tokens_are_refused(dash: Dash) -> None:
    client = dash.client()
    for token in ["", "x", "A" * 43, "%00", "t" * 500]:
        response = client.get("/dashboard/login", params={"token": token})
        assert response.status_code == 403, token
        assert COOKIE_NAME not in response.headers.get("set-cookie", "")


def test_sign_in_posts_are_budgeted_per_address_and_a_refused_one_spends_nothing(backend_url: str) -> None:
    """Each sign-in POST is an unauthenticated database write: past the address's budget it is a 429 page
    with ``Retry-After``, the link it carried stays usable, and other addresses keep their own budget."""
    settings = ServerSettings(clock=Clock(), dashboard_sign_ins_per_ip=3)
    with Storage(backend_url, server_secret=os.urandom(32)) as storage:
        user = storage.add_user("carol")[0]
        token = dashboard_link(storage, user, "http://x", now=NOW).split("token=", 1)[1]
        with start_server(storage=storage, settings=settings) as running:
            guesser, other = (from_address(running.url, address) for address in ("127.0.0.32", "127.0.0.33"))
            with guesser, other:
                guesses = [guesser.post("/dashboard/login", data={"token": f"guess-{i}"}) for i in range(5)]
                refused = guesser.post("/dashboard/login", data={"token": token})
                assert [g.status_code for g in guesses] == [403, 403, 403, 429, 429]
                assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
                assert "Too many sign-in attempts" in refused.text and "set-cookie" not in refused.headers
                assert sign_in(other, f"{running.url}/dashboard/login?token={token}").status_code == 303


def test_login_links_opened_cost_from_the_sign_in_budget_too(backend_url: str) -> None:
    """Was: only the POST was budgeted, and the GET's page says whether a token works ("Sign in" or "no
    longer works"), so links could be guessed by GET without limit. Now GETs and POSTs share the budget."""
    settings = ServerSettings(clock=Clock(), dashboard_sign_ins_per_ip=3)
    with Storage(backend_url, server_secret=os.urandom(32)) as storage:
        user = storage.add_user("dave")[0]
        link = dashboard_link(storage, user, "http://x", now=NOW)
        with start_server(storage=storage, settings=settings) as running:
            guesser, other = (from_address(running.url, address) for address in ("127.0.0.34", "127.0.0.35"))
            with guesser, other:
                guesses = [guesser.get("/dashboard/login", params={"token": f"guess-{i}"}) for i in range(2)]
                guesses.append(guesser.post("/dashboard/login", data={"token": "guess-post"}))
                refused = guesser.get(link.replace("http://x", ""))
                assert [g.status_code for g in guesses] == [403, 403, 403]
                assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
                assert "Too many sign-in attempts" in refused.text and 'method="post"' not in refused.text
                assert guesser.get("/dashboard/login").status_code == 200  # the help page costs nothing
                assert sign_in(other, link.replace("http://x", running.url)).status_code == 303


def test_codes_tried_on_the_pair_page_cost_from_the_addresss_guessing_budget(dash: Dash) -> None:
    """Was: a signed-in stranger could try device codes without end (each a database write); a hit
    approves someone else's computer into the stranger's account. Now 10 a window per address, shared
    with invite codes at ``/v1/pairing/redeem``."""
    client = dash.logged_in(dash.alice)
    page = client.get("/dashboard/pair")
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert csrf is not None
    guesser = {"X-Forwarded-For": "10.77.0.1"}  # the module's server trusts its local proxy
    tries = [
        client.post(
            "/dashboard/pair", data={"code": f"AAAA-AAA{i % 10}-0", "csrf_token": csrf[1]}, headers=guesser
        )
        for i in range(12)
    ]
    assert [t.status_code for t in tries] == [400] * 10 + [429, 429]
    assert "Too many pairing codes tried" in tries[-1].text and int(tries[-1].headers["Retry-After"]) >= 1
    other = client.post("/dashboard/pair", data={"code": "AAAA-AAAA-0", "csrf_token": csrf[1]})
    assert other.status_code == 400  # another address has its own budget


def from_address(url: str, address: str) -> httpx.Client:
    """A client of ``url`` connecting from ``address`` (the module's other tests sign in from 127.0.0.1)."""
    transport = httpx.HTTPTransport(local_address=address)
    return http_client(base_url=url, follow_redirects=False, timeout=30, transport=transport)


def test_session_cookie_flags(dash: Dash) -> None:
    plain = sign_in(dash.client(), dash.link(dash.alice))
    cookie = plain.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/dashboard"} <= flags
    assert "secure" not in flags
    # Behind a TLS-terminating proxy configured as trusted (its X-Forwarded-Proto counts), the cookie is Secure.
    secure = sign_in(dash.client(headers={"X-Forwarded-Proto": "https"}), dash.link(dash.alice))
    assert "secure" in {part.strip().lower() for part in secure.headers["set-cookie"].split(";")}


HTTPS = {"X-Forwarded-Proto": "https"}  # as the module's trusted proxy says of a TLS connection


def _cookie_of(response: httpx.Response) -> tuple[str, str, set[str]]:
    """Name, value and lower-cased attributes of the one cookie a response sets."""
    first, *attributes = response.headers["set-cookie"].split(";")
    name, _, value = first.partition("=")
    return name, value, {attribute.strip().lower() for attribute in attributes}


def test_over_https_a_login_cookie_planted_by_another_host_counts_for_nothing(dash: Dash) -> None:
    """Cookie tossing: a page on a sibling subdomain (or any plain-HTTP page of the domain) may set a
    cookie for the whole domain, and the dashboard took one by its name: a visitor then worked in the
    planter's account, where approving a pairing hands the visitor's computer the planter's key (their
    sessions go to the planter). Over HTTPS the cookie is ``__Host-`` prefixed, a name browsers accept
    only from this very host (Secure, Path=/, no Domain); the bare name no longer signs anyone in."""
    name, planted, flags = _cookie_of(sign_in(dash.client(headers=HTTPS), dash.link(dash.bob)))
    assert name == f"__Host-{COOKIE_NAME}"
    assert {"secure", "path=/", "httponly", "samesite=lax"} <= flags
    assert not any(flag.startswith("domain") for flag in flags)
    tossed = dash.client(headers=HTTPS, cookies={COOKIE_NAME: planted})
    assert tossed.get("/dashboard/").status_code == 303  # the login help, not bob's dashboard
    assert tossed.get("/dashboard/events").status_code == 401
    own = dash.client(headers=HTTPS, cookies={name: planted})
    assert own.get("/dashboard/").status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', own.get("/dashboard/").text)
    assert csrf is not None
    ended = own.post("/dashboard/logout", data={"csrf_token": csrf[1]})
    assert _cookie_of(ended)[0] == name and "path=/" in _cookie_of(ended)[2]  # the same cookie is deleted


def test_forged_or_tampered_cookies_are_refused(dash: Dash) -> None:
    client = dash.logged_in(dash.alice)
    good = client.cookies[COOKIE_NAME]
    value, _, signature = good.rpartition(".")
    # Flip the first character: the last one carries unused base64 bits, so changing it may decode the same.
    tampered = f"{value}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    for cookie in [tampered, "not-a-cookie", good[1:]]:
        assert dash.client(cookies={COOKIE_NAME: cookie}).get("/dashboard/").status_code == 303


def test_logout_needs_the_csrf_token_and_ends_the_session_server_side(dash: Dash) -> None:
    client = dash.logged_in(dash.alice)
    cookie = client.cookies[COOKIE_NAME]
    page = client.get("/dashboard/")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert token is not None
    assert client.post("/dashboard/logout", data={"csrf_token": "0" * 64}).status_code == 403
    assert client.post("/dashboard/logout").status_code == 403
    assert client.get("/dashboard/").status_code == 200  # still logged in after refused attempts

    done = client.post("/dashboard/logout", data={"csrf_token": token[1]})
    assert done.status_code == 303 and done.headers["location"] == "/dashboard/login"
    assert 'swgdb_dashboard=""' in done.headers["set-cookie"] or "Max-Age=0" in done.headers["set-cookie"]
    assert dash.client(cookies={COOKIE_NAME: cookie}).get("/dashboard/").status_code == 303


def test_users_never_see_each_others_sessions(dash: Dash) -> None:
    store(dash.storage, dash.alice, dashboard_document("shared-id", character="Alice-Main", xp=111))
    store(dash.storage, dash.bob, dashboard_document("shared-id", character="Bob-Main", xp=999_999))
    store(dash.storage, dash.bob, dashboard_document("bob-only", character="Bob-Alt"))
    alice = dash.logged_in(dash.alice)
    assert alice.get("/dashboard/sessions/bob-only").status_code == 404
    for bad in ["..%2Fbob-only", "bob-only%00", "x" * 51, "bob-only'--"]:
        assert alice.get(f"/dashboard/sessions/{bad}").status_code == 404
    mine = alice.get("/dashboard/sessions/shared-id")
    assert mine.status_code == 200 and "Alice-Main" in mine.text and "Bob-Main" not in mine.text
    for path in [
        "/dashboard/",
        "/dashboard/sessions",
        "/dashboard/sessions?character=Bob-Main",
        "/dashboard/sessions?q=Bob",
    ]:
        body = alice.get(path).text
        assert "Bob-Alt" not in body and "999,999" not in body and "Alice-Main" in body, path
    assert "No sessions in this range" in alice.get("/dashboard/charts/xp-rate.svg?character=Bob-Main").text
    assert "0 sessions found" in alice.get("/dashboard/sessions?character=Bob-Main").text
    assert "0 sessions found" in alice.get("/dashboard/sessions?q=Bob").text


def test_security_headers_on_every_kind_of_response(dash: Dash) -> None:
    store(dash.storage, dash.alice, dashboard_document("s-1"))
    client = dash.logged_in(dash.alice)
    for path in [
        "/dashboard/",
        "/dashboard/sessions",
        "/dashboard/sessions/s-1",
        "/dashboard/sessions/none",
        "/dashboard/login",
        "/dashboard/charts/planets.svg",
        "/dashboard/static/live.js",
        "/dashboard/no-such-page",
    ]:
        response = client.get(path)
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
        assert "script-src 'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        if headers["content-type"].startswith("text/html"):
            assert (
                csp.count("'unsafe-inline'") == 0 and "script-src 'self'" in csp and "style-src 'self'" in csp
            )
            assert headers["cache-control"] == "no-store"
            _assert_no_inline_code(response.text, path)
        elif "/static/" in path:
            assert headers["cache-control"] == "no-cache" and "etag" in headers, path


def _assert_no_inline_code(html: str, path: str) -> None:
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert all('src="/dashboard/static/' in attributes for attributes in scripts), path
    assert "<style" not in html and not re.search(r"\sstyle=", html), path
    assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


def test_pages_and_charts_name_no_other_host(dash: Dash) -> None:
    for i in range(3):
        store(
            dash.storage,
            dash.alice,
            dashboard_document(
                f"s-{i}", start=BASE_TIME + timedelta(days=i), planets={"naboo": 20.0, "corellia": 40.0}
            ),
        )
    client = dash.logged_in(dash.alice)
    paths = [
        "/dashboard/",
        "/dashboard/sessions",
        "/dashboard/sessions/s-1",
        "/dashboard/login",
        "/dashboard/static/dashboard.css",
        "/dashboard/static/live.js",
    ]
    paths += [f"/dashboard/charts/{name}.svg" for name in ("xp-rate", "credit-rate", "planets")]
    for path in paths:
        body = NAMESPACE_DECLARATION.sub("", client.get(path).text)
        assert not URL.findall(body), path
        if path.endswith(".svg"):
            assert "<script" not in body and "<!--" not in body, path


def test_overview_totals_filters_and_planets(dash: Dash) -> None:
    day = timedelta(days=1)
    sessions: dict[str, dict[str, Any]] = {
        "a1": {"character": "Alpha", "start": BASE_TIME, "xp": 1000, "credits": 100, "quests": 2,
               "minutes": 60, "planets": {"tatooine": 40.0, "naboo": 20.0}},
        "a2": {"character": "Alpha", "start": BASE_TIME + 3 * day, "xp": 3000, "credits": 300, "quests": 1,
               "minutes": 120, "planets": {"naboo": 120.0}},
        "b1": {"character": "Beta", "start": BASE_TIME + 10 * day, "xp": 500, "credits": 50, "quests": 0,
               "minutes": 30, "planets": {"dantooine": 30.0}},
    }  # fmt: skip
    for session_id, fields in sessions.items():
        store(dash.storage, dash.alice, dashboard_document(session_id, **fields))
    client = dash.logged_in(dash.alice)

    everything = _cards(client.get("/dashboard/").text)
    assert everything["Sessions"] == "3" and everything["XP gained"] == "4,500"
    assert everything["Credits gained"] == "450" and everything["Quests completed"] == "3"
    assert everything["Time played"] == "3 h 30 min"
    assert everything["XP per hour"] == f"{4500 / 3.5:,.0f}"

    alpha = client.get("/dashboard/", params={"character": "Alpha"}).text
    assert _cards(alpha)["XP gained"] == "4,000"
    assert _planets(alpha) == {"naboo": "2 h 20 min", "tatooine": "40 min"}

    ranged = client.get("/dashboard/", params={"from": "2026-11-04", "to": "2026-11-11"}).text
    assert _cards(ranged)["Sessions"] == "2" and _cards(ranged)["XP gained"] == "3,500"
    swapped = client.get("/dashboard/", params={"from": "2026-11-11", "to": "2026-11-04"}).text
    assert _cards(swapped)["Sessions"] == "2" and "swapped" in swapped
    bad = client.get("/dashboard/", params={"from": "yesterday"}).text
    assert "ignored" in bad and _cards(bad)["Sessions"] == "3"

    # An updated upload (same session id, new content) replaces its planet minutes: the trigger's job.
    updated = {**sessions["a2"], "planets": {"corellia": 120.0}}
    store(dash.storage, dash.alice, dashboard_document("a2", **updated))
    assert _planets(client.get("/dashboard/", params={"character": "Alpha"}).text) == {
        "corellia": "2 h 00 min",
        "tatooine": "40 min",
        "naboo": "20 min",
    }


HOSTILE_PARAMS = [
    {"from": "9999-12-31", "to": "9999-12-31"},
    {"from": "0001-01-01"},
    {"to": "1969-12-31"},
    {"page": "99999999999999999999999"},
    {"page": "-5"},
    {"page": "1e3"},
    {"sort": "xp;DROP TABLE sessions", "dir": "sideways"},
    {"q": "%_\\'\"<script>"},
    {"q": "2026-13"},
    {"q": "2026-02-30"},
    {"q": "0000"},
    {"character": "x" * 500, "mode": "nonsense"},
    {"character": "\u202e\u0000"},
]


def test_a_breakdown_shows_its_largest_rows_and_counts_the_rest(dash: Dash) -> None:
    """A session may name 10,000 planets (the payload's limit): the overview listed every one (715 KB for
    that one session). Each breakdown table now shows its first rows and says how many more there are."""
    from swgdb_bridge.server.dashboard.present import BREAKDOWN_ROWS

    planets = {f"planet{index:03d}": float(index + 1) for index in range(BREAKDOWN_ROWS + 70)}
    store(dash.storage, dash.alice, dashboard_document("s-wide", planets=planets))
    page = dash.logged_in(dash.alice).get("/dashboard/").text
    shown = _planets(page)
    assert len(shown) == BREAKDOWN_ROWS and f"planet{BREAKDOWN_ROWS + 69:03d}" in shown  # the largest
    assert "planet000" not in shown and "and 70 more" in page.split('id="planets-heading"', 1)[1]


def test_odd_query_strings_never_break_a_page(dash: Dash) -> None:
    store(dash.storage, dash.alice, dashboard_document("s-1"))
    client = dash.logged_in(dash.alice)
    for params in HOSTILE_PARAMS:
        for path in ["/dashboard/", "/dashboard/sessions", "/dashboard/charts/xp-rate.svg"]:
            response = client.get(path, params=params)
            assert response.status_code == 200, (path, params)
            assert "<script>" not in response.text


def test_trend_compares_the_window_with_the_one_before(dash: Dash) -> None:
    store(dash.storage, dash.alice, dashboard_document("old", start=BASE_TIME - timedelta(days=40), xp=1000))
    store(dash.storage, dash.alice, dashboard_document("new", start=BASE_TIME, xp=1500))
    text = dash.logged_in(dash.alice).get("/dashboard/").text
    assert re.search(
        r"XP gained</dt>\s*<dd class=\"value\">2,500</dd>\s*<dd class=\"trend trend-up\">up 50%", text
    )
    assert "the 30 days up to 2026-11-01 compared with the 30 days before" in text


def _cards(html: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd class=\"value\">([^<]+)</dd>", html))


def _planets(html: str) -> dict[str, str]:
    section = html.split('id="planets-heading"', 1)[1]
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', section))


def _table_rows(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.DOTALL)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        for row in rows
    ]


def test_sessions_table_sorts_searches_and_pages(dash: Dash) -> None:
    for i in range(30):
        store(
            dash.storage,
            dash.alice,
            dashboard_document(
                f"s-{i:02d}",
                character="Alpha" if i % 2 else "Beta",
                start=BASE_TIME + timedelta(hours=7 * i),
                xp=100 * (i + 1),
                planets={"naboo" if i % 3 else "kashyyyk": 60.0},
                mode="quest" if i < 5 else "combat",
            ),
        )
    client = dash.logged_in(dash.alice)

    first = client.get("/dashboard/sessions").text
    assert "30 sessions found, page 1 of 2" in first
    rows = _table_rows(first)
    assert len(rows) == 25 and rows[0][0] == "2026-11-09 23:00"  # newest first by default
    second = _table_rows(client.get("/dashboard/sessions", params={"page": 2}).text)
    assert len(second) == 5 and second[-1][0] == "2026-11-01 12:00"
    assert _table_rows(client.get("/dashboard/sessions", params={"page": 99}).text) == second

    by_xp = _table_rows(client.get("/dashboard/sessions", params={"sort": "xp", "dir": "asc"}).text)
    assert [row[5] for row in by_xp[:3]] == ["100", "200", "300"]
    page = client.get("/dashboard/sessions", params={"sort": "xp", "dir": "desc"}).text
    assert _table_rows(page)[0][5] == "3,000" and 'aria-sort="descending"' in page
    assert "sort=xp&amp;dir=asc" in page  # the header link flips the order
    assert (
        _table_rows(client.get("/dashboard/sessions", params={"sort": "nonsense"}).text)[0][0] == rows[0][0]
    )

    planet = client.get("/dashboard/sessions", params={"q": "KASHY"}).text
    assert "10 sessions found" in planet and all(r[3] == "kashyyyk" for r in _table_rows(planet))
    assert "15 sessions found" in client.get("/dashboard/sessions", params={"q": "alpha"}).text
    assert "5 sessions found" in client.get("/dashboard/sessions", params={"mode": "quest"}).text
    assert "4 sessions found" in client.get("/dashboard/sessions", params={"q": "2026-11-02"}).text
    assert "30 sessions found" in client.get("/dashboard/sessions", params={"q": "2026-11"}).text
    assert "0 sessions found" in client.get("/dashboard/sessions", params={"q": "%"}).text
    combined = client.get(
        "/dashboard/sessions", params={"q": "naboo", "character": "Beta", "mode": "combat"}
    ).text
    assert all(r[1] == "Beta" and r[2] == "combat" and r[3] == "naboo" for r in _table_rows(combined))
    assert 'href="/dashboard/sessions/s-29"' in first


def test_session_page_shows_the_whole_session(dash: Dash) -> None:
    document = dashboard_document(
        "s-1",
        character="Alpha",
        xp=4321,
        credits=765,
        quests=2,
        efficiency=83.4,
        planets={"tatooine": 30.0, "naboo": 30.0},
    )
    store(dash.storage, dash.alice, document, now=datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    store(
        dash.storage,
        dash.alice,
        {**document, "duration_minutes": 61.0},
        now=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    )
    page = dash.logged_in(dash.alice).get("/dashboard/sessions/s-1").text
    for expected in [
        "4,321",
        "765",
        "Quest 2",
        "pistol",
        "Marksman",
        "83.4",
        "tatooine (combat grinding)",
        "AFK: idle",
        "Stuck at canyon",
        "player names",
        "chat messages",
        "2026-11-02 08:00:00",
        "2026-11-02 09:00:00",
        "updated after the first upload",
        'class="timeline"',
        "span-afk",
        "span-stuck",
    ]:
        assert expected in page, expected
    assert "5 item(s) were removed or replaced" in page


def test_every_corpus_session_renders_after_the_real_serializer(dash: Dash, corpus_dir: Path) -> None:
    """Real payloads, as the bridge makes them from the shared corpus: every page renders, nothing leaks."""
    from swgdb_bridge.serialize import SessionLogSerializer

    serializer = SessionLogSerializer()
    files = sorted((corpus_dir / "tracker").glob("*.json")) + sorted(
        (corpus_dir / "morningstar").glob("*.json")
    )
    stored = []
    for path in files:
        try:
            document = serializer.serialize_file(path).to_document()
        except BridgeError:
            continue  # not a session file (the ingest-envelope schema): the serializer's tests cover it
        store(dash.storage, dash.alice, document)
        stored.append(document)
    assert len(stored) >= 20
    client = dash.logged_in(dash.alice)
    assert _cards(client.get("/dashboard/").text)["Sessions"] == str(len({d["session_id"] for d in stored}))
    for document in stored:
        page = client.get(f"/dashboard/sessions/{document['session_id']}")
        assert page.status_code == 200 and document["session_id"] in page.text
        assert 'class="timeline"' in page.text
    for name in ("xp-rate", "credit-rate", "planets"):
        assert client.get(f"/dashboard/charts/{name}.svg").status_code == 200


def test_live_version_changes_when_an_upload_lands(dash: Dash) -> None:
    from swgdb_bridge.server.dashboard.queries import DashboardQueries

    queries = DashboardQueries(dash.storage.engine)
    user_id = _user_id(dash, dash.alice)
    empty = queries.version(user_id)
    store(dash.storage, dash.alice, dashboard_document("s-1"))
    one = queries.version(user_id)
    store(dash.storage, dash.bob, dashboard_document("s-2"))
    assert queries.version(user_id) == one != empty
    store(
        dash.storage,
        dash.alice,
        dashboard_document("s-1", xp=5),
        now=datetime.now(UTC) + timedelta(seconds=1),
    )
    assert queries.version(user_id) != one


def test_event_stream_announces_each_new_upload(dash: Dash) -> None:
    client = dash.logged_in(dash.alice)
    with client.stream("GET", "/dashboard/events", timeout=httpx.Timeout(10.0)) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["cache-control"] == "no-store"
        events = _sse_events(stream.iter_lines())
        first = next(events)
        store(dash.storage, dash.alice, dashboard_document("s-1"))
        second = next(events)
        store(dash.storage, dash.alice, dashboard_document("s-2"))
        third = next(events)
    assert first["event"] == second["event"] == third["event"] == "version"
    assert len({first["data"], second["data"], third["data"]}) == 3


def test_event_stream_ends_when_its_login_does(dash: Dash) -> None:
    client = dash.logged_in(dash.alice)
    same_browser = dash.client(cookies={COOKIE_NAME: client.cookies[COOKIE_NAME]})
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/dashboard/").text)
    assert csrf is not None
    with client.stream("GET", "/dashboard/events", timeout=httpx.Timeout(10.0)) as stream:
        events = _sse_events(stream.iter_lines())
        assert next(events)["event"] == "version"
        assert same_browser.post("/dashboard/logout", data={"csrf_token": csrf[1]}).status_code == 303
        assert list(events) == []  # the server closed the stream (a read timeout would raise instead)
    assert client.get("/dashboard/events").status_code == 401


def test_a_stopping_server_ends_its_event_streams_instead_of_waiting_for_them(
    dash: Dash, caplog: pytest.LogCaptureFixture
) -> None:
    """A live-update stream never ends by itself: a restart that waited for it would wait out its whole
    grace period (and then cancel it) for every open dashboard tab."""
    running = start_server(storage=dash.storage, dashboard_options={"poll_seconds": 0.1})
    client = http_client(base_url=running.url, follow_redirects=False, timeout=30)
    link = dashboard_link(dash.storage, dash.alice, running.url)
    with client, caplog.at_level(logging.WARNING, logger="swgdb_bridge.server"):
        assert sign_in(client, link).status_code == 303
        with client.stream("GET", "/dashboard/events", timeout=httpx.Timeout(10.0)) as stream:
            events = _sse_events(stream.iter_lines())
            assert next(events)["event"] == "version"
            running.stop()
            with pytest.raises(httpx.RemoteProtocolError):  # cut mid-stream; a read timeout would differ
                list(events)
    assert [r.getMessage() for r in caplog.records if "still running" in r.getMessage()] == []


def _sse_events(lines: Iterator[str]) -> Iterator[dict[str, str]]:
    """Parse a text/event-stream into events (comments and ``retry`` lines skipped)."""
    event: dict[str, str] = {}
    for line in lines:
        if not line:
            if "event" in event:
                yield event
            event = {}
        elif not line.startswith((":", "retry:")):
            name, _, value = line.partition(": ")
            event[name] = value


def _user_id(dash: Dash, user_hash: str) -> int:
    from sqlalchemy import select

    from swgdb_bridge.server.db.tables import users

    with dash.storage.engine.connect() as conn:
        return int(conn.scalar(select(users.c.id).where(users.c.user_hash == user_hash)))


def test_revoked_users_lose_the_dashboard(dash: Dash) -> None:
    client = dash.logged_in(dash.alice)
    link = dash.link(dash.alice)
    dash.storage.revoke(dash.alice)
    assert client.get("/dashboard/").status_code == 303
    assert (
        sign_in(dash.client(), link).status_code == 303
    )  # the link redeems, but the session is refused at once
    with pytest.raises(Exception, match="no active user"):
        dash.link(dash.alice)


def test_dashboard_tables_match_their_migration(storage: Any) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from swgdb_bridge.server.dashboard import tables
    from swgdb_bridge.server.db.tables import metadata

    mine = (
        tables.dashboard_logins.name,
        tables.dashboard_planet_minutes.name,
        "ix_sessions_user_id_updated_at",
        "ix_sessions_dashboard_cover",
    )
    with storage.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), metadata)
    flat = [d for item in diffs for d in (item if isinstance(item, list) else [item])]
    assert [d for d in flat if any(name in repr(d) for name in mine)] == []


def test_upgrade_backfills_planet_minutes_of_existing_sessions(storage: Any) -> None:
    from swgdb_bridge.server.db import migrate

    user = storage.add_user("alice")[0]
    store(storage, user, dashboard_document("s-1", planets={"naboo": 12.5, "hoth": 7.0}))
    migrate.downgrade(storage.engine, "0001")
    migrate.upgrade(storage.engine)
    dash_rows = _planet_rows(storage)
    assert dash_rows == [("hoth", 7.0), ("naboo", 12.5)]


def _planet_rows(storage: Any) -> list[tuple[str, float]]:
    from sqlalchemy import select

    from swgdb_bridge.server.dashboard.tables import dashboard_planet_minutes as planets

    with storage.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(planets.c.planet, planets.c.minutes).order_by(planets.c.planet)
            )
        ]


def test_a_users_csrf_token_stays_out_of_its_repr() -> None:
    from swgdb_bridge.server.dashboard.auth import DashboardUser

    user = DashboardUser(user_id=1, user_hash="abc", login_id=2, name="alice", csrf_token="csrf-secret-value")
    assert "csrf-secret-value" not in repr(user) and "abc" in repr(user)


def test_a_browser_without_sec_fetch_site_signs_in_from_the_dashboards_own_page(dash: Dash) -> None:
    """Under ``Referrer-Policy: no-referrer`` a browser's same-origin POST says ``Origin: null``; one that
    sends no ``Sec-Fetch-Site`` (Safari before 16.4) must still sign in from the page's button."""
    token = dash.link(dash.alice).split("token=", 1)[1]
    pressed = dash.client().post("/dashboard/login", data={"token": token}, headers={"Origin": "null"})
    assert pressed.status_code == 303 and COOKIE_NAME in pressed.headers["set-cookie"]
