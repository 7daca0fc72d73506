"""The dashboard in a real browser: Debian's chromium driven by Playwright, against the real server.

One flow walks what a user does: open the login link, read the overview with its charts, sort and search
the sessions table, open a session, watch a new upload appear without reloading, log out. A second test
checks the pages without JavaScript and at phone width. Screenshots go to ``artifacts/screenshots/``.
The pages must raise no CSP violation and request nothing from any host but ours.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from fixtures.browser import BASE_TIME, dashboard_document, press_sign_in, store
from helpers import http
from swgdb_bridge import protocol
from swgdb_bridge.server import dashboard_link
from swgdb_bridge.server.db.storage import Storage
from swgdb_bridge.server.runner import RunningServer, start_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CHARACTERS = ("Kessa-Vos", "Darrik-Tal")
PLANETS = ("tatooine", "naboo", "corellia", "dantooine")
SESSIONS = 40


@dataclass
class Site:
    running: RunningServer
    storage: Storage
    user_hash: str
    api_key: str
    xp: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.running.url

    def login_link(self) -> str:
        return dashboard_link(self.storage, self.user_hash, self.url)

    def upload(self, document: dict[str, Any]) -> httpx.Response:
        """A real signed upload, as the bridge's client would send it (built on protocol.sign_request)."""
        body = httpx.Request("POST", "/", json=document).content
        headers = protocol.sign_request(self.api_key, self.user_hash, "POST", "/v1/sessions/upload", body)
        return http.post(
            f"{self.url}/v1/sessions/upload",
            content=body,
            headers={**headers, "Content-Type": "application/json"},
            timeout=30,
        )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("browser-server")
    storage = Storage(f"sqlite:///{folder / 'server.db'}", server_secret=os.urandom(32))
    user_hash, api_key = storage.add_user("player")
    other_hash, _ = storage.add_user("someone else")
    rng = random.Random(5)
    made = Site(
        start_server(storage=storage, dashboard_options={"poll_seconds": 0.3}), storage, user_hash, api_key
    )
    for i in range(SESSIONS):
        xp = rng.randrange(2_000, 40_000)
        made.xp.append(xp)
        planets = dict.fromkeys(rng.sample(PLANETS, rng.randint(1, 2)), float(rng.randint(20, 90)))
        store(
            storage,
            user_hash,
            dashboard_document(
                f"sess-{i:03d}",
                character=CHARACTERS[i % 2],
                start=BASE_TIME - timedelta(hours=31 * i),
                minutes=sum(planets.values()),
                xp=xp,
                credits=rng.randrange(500, 20_000),
                quests=rng.randint(0, 6),
                planets=planets,
                mode=rng.choice(["combat", "quest", "crafting"]),
                efficiency=round(rng.uniform(20, 95), 1),
            ),
        )
    store(storage, other_hash, dashboard_document("not-yours", character="Other-Player", xp=123_456))
    yield made
    made.running.stop()
    storage.close()


class Watch:
    """Collects what a page did wrong: CSP violations, console errors, requests to other hosts."""

    def __init__(self, page: Any, origin: str) -> None:
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on(
            "request", lambda r: r.url.startswith(origin) or self.problems.append(f"foreign request {r.url}")
        )


UNLABELLED = """() => [
    ...[...document.querySelectorAll('input:not([type=hidden]), select')].filter(e => e.labels.length === 0),
    ...[...document.querySelectorAll('img')].filter(i => !i.alt),
    ...[...document.querySelectorAll('button, a')].filter(e => !e.textContent.trim()),
].map(e => e.outerHTML.slice(0, 80))"""
"""Form controls without a label, images without alt text, buttons and links without words."""


def _charts_loaded(page: Any) -> bool:
    return page.evaluate(
        "() => { const charts = [...document.querySelectorAll('img[data-chart]')];"
        " return charts.length > 0 && charts.every(i => i.complete && i.naturalWidth > 0); }"
    )


def _shown_after_navigation(locator: Any) -> bool:
    """``is_visible()`` does not wait: right after a click the next page may still be loading (seen once)."""
    locator.wait_for()
    return bool(locator.is_visible())


def _first_column(page: Any, column: int) -> list[str]:
    return page.locator(f"table.sessions tbody tr td:nth-child({column})").all_inner_texts()


def test_a_user_logs_in_reads_sorts_searches_opens_sees_live_updates_and_logs_out(
    chromium: Any, site: Site, screenshots: Path
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = Watch(page, site.url)

    press_sign_in(page, site.login_link())
    assert page.url == f"{site.url}/dashboard/"
    assert page.get_by_role("heading", name="Overview").is_visible()
    assert page.locator(".card", has_text="Sessions").locator(".value").inner_text() == str(SESSIONS)
    assert page.locator(".card", has_text="XP gained").locator(".value").inner_text() == f"{sum(site.xp):,}"
    page.wait_for_function("() => [...document.querySelectorAll('img[data-chart]')].every(i => i.complete)")
    assert _charts_loaded(page) and page.locator("img[data-chart]").count() == 3
    assert "Other-Player" not in page.content()
    page.screenshot(path=str(screenshots / "overview.png"), full_page=True)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.get_by_role("link", name="Sessions", exact=True).click()
    assert _shown_after_navigation(page.get_by_text(f"{SESSIONS} sessions found, page 1 of 2"))
    page.locator("th a[data-sort=xp]").click()
    page.wait_for_url(re.compile(r"sort=xp&dir=desc"))
    assert _first_column(page, 6)[0] == f"{max(site.xp):,}"
    page.locator("th a[data-sort=xp]").click()
    page.wait_for_url(re.compile(r"sort=xp&dir=asc"))
    assert _first_column(page, 6)[0] == f"{min(site.xp):,}"

    page.get_by_label("Search").fill("dantooine")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"q=dantooine"))
    planets = _first_column(page, 4)
    assert planets and all("dantooine" in cell for cell in planets)
    page.screenshot(path=str(screenshots / "sessions.png"), full_page=True)

    page.locator("table.sessions tbody tr").first.get_by_role("link").click()
    assert _shown_after_navigation(page.get_by_role("heading", name="Timeline"))
    assert page.locator("svg.timeline rect.span-afk").count() == 1
    assert page.get_by_role("heading", name="Upload status").is_visible()
    page.screenshot(path=str(screenshots / "session.png"), full_page=True)

    page.get_by_role("link", name="Overview").click()
    # every signed-in page carries data-version, so wait for this page itself
    page.wait_for_url(f"{site.url}/dashboard/")
    assert _shown_after_navigation(page.get_by_role("heading", name="Overview"))
    before = page.locator("img[data-chart=xp-rate]").get_attribute("src")
    live = dashboard_document(
        "live-upload", character="Kessa-Vos", start=BASE_TIME + timedelta(hours=2), xp=54_321
    )
    assert site.upload(live).status_code == 201
    page.wait_for_function(
        "n => document.querySelector('.card .value')?.textContent === String(n)", arg=SESSIONS + 1
    )
    assert "Updated with new session data" in page.locator("#live-status").inner_text()
    assert (
        page.locator(".card", has_text="XP gained").locator(".value").inner_text()
        == f"{sum(site.xp) + 54_321:,}"
    )
    assert page.locator("img[data-chart=xp-rate]").get_attribute("src") != before
    page.wait_for_function("() => [...document.querySelectorAll('img[data-chart]')].every(i => i.complete)")
    assert _charts_loaded(page)
    page.screenshot(path=str(screenshots / "overview-after-live-update.png"), full_page=True)

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{site.url}/dashboard/login")
    page.goto(f"{site.url}/dashboard/sessions")
    assert page.url == f"{site.url}/dashboard/login"
    assert page.get_by_role("heading", name="Sign in to your SWGDB dashboard").is_visible()
    assert watch.problems == []
    context.close()


def test_tables_work_without_javascript_and_pages_fit_a_phone(
    chromium: Any, site: Site, screenshots: Path
) -> None:
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = Watch(page, site.url)
    press_sign_in(page, site.login_link())
    page.goto(f"{site.url}/dashboard/sessions")
    page.locator("th a[data-sort=character]").click()
    page.wait_for_url(re.compile(r"sort=character&dir=asc"))
    assert _first_column(page, 2)[0] == min(CHARACTERS)
    page.get_by_role("link", name="Next page").click()
    assert page.locator("#result-count").inner_text().endswith("page 2 of 2.")
    assert _first_column(page, 2)[-1] == max(CHARACTERS)
    page.get_by_label("Character", exact=True).select_option(CHARACTERS[1])
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"character="))
    assert set(_first_column(page, 2)) == {CHARACTERS[1]}
    for path in ["/dashboard/", "/dashboard/sessions", "/dashboard/sessions/sess-001"]:
        page.goto(f"{site.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
        assert page.evaluate(UNLABELLED) == [], path
    page.goto(f"{site.url}/dashboard/")
    page.screenshot(path=str(screenshots / "overview-phone.png"), full_page=True)
    assert watch.problems == []
    context.close()


def test_the_pairing_help_page_runs_its_own_script_under_its_policy_and_nothing_else(
    chromium: Any, site: Site
) -> None:
    """The API's ``/pair`` page shows the address it was opened with (its code is in the fragment). Its
    inline script and style are allowed by hash; an injected one would be refused by the same policy."""
    page = chromium.new_context().new_page()
    watch = Watch(page, site.url)
    address = f"{site.url}/pair#K7QF-M2XD-9"
    answer = page.goto(address)
    assert answer is not None and "sha256-" in answer.headers["content-security-policy"]
    assert page.locator("#url").inner_text() == address
    assert page.evaluate("getComputedStyle(document.body).fontFamily") == "sans-serif"
    assert watch.problems == []
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.append(s); }"
    )
    assert page.evaluate("window.injected === undefined")
    page.context.close()
