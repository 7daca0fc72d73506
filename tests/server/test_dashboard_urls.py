"""The dashboard's one URL builder: every link and redirect is built from a route's name, never written out.

Each route builds a path that routes back to itself; a parameter is quoted so it stays one path segment
whatever its text; names and parameters that do not exist fail loudly instead of making a dead link.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.routing import Match, Mount, NoMatchFound

from swgdb_bridge.server.dashboard.auth import LOGIN_PATH
from swgdb_bridge.server.dashboard.routes import create_dashboard, url_builder
from swgdb_bridge.server.db.storage import Storage
from swgdb_bridge.server.settings import ServerSettings

MOUNT = "/dashboard"
SAMPLES = {"session_id": "s-1", "name": "xp-rate", "path": "dashboard.css"}
ONE_SEGMENT = re.compile(r"[A-Za-z0-9_.~%-]+")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Starlette]:
    folder: Path = tmp_path_factory.mktemp("urls")
    storage = Storage(f"sqlite:///{folder / 'server.db'}", server_secret=os.urandom(32))
    yield create_dashboard(storage, ServerSettings())
    storage.close()


def _route_of(app: Starlette, method: str, path: str) -> tuple[str, dict[str, str]]:
    """The route the dashboard's router picks for ``path`` (as the server decodes it), and its parameters."""
    scope = {"type": "http", "method": method, "path": unquote(path), "root_path": ""}
    for route in app.routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return route.name, child["path_params"]  # type: ignore[attr-defined]
    raise AssertionError(f"no route for {path}")


def test_every_route_builds_a_path_that_routes_back_to_it(app: Starlette) -> None:
    url = url_builder(app, MOUNT)
    for route in app.routes:
        params = {key: SAMPLES[key] for key in route.param_convertors}  # type: ignore[attr-defined]
        path = url(route.name, **params)  # type: ignore[attr-defined]
        method = min(getattr(route, "methods", None) or {"GET"})  # GET before HEAD; logout is POST only
        assert path.startswith(MOUNT + "/")
        found = _route_of(app, method, path.removeprefix(MOUNT))
        routed = {} if isinstance(route, Mount) else params  # a mount hands the rest of the path on
        assert found == (route.name, routed)  # type: ignore[attr-defined]


def test_known_paths_under_the_mount(app: Starlette) -> None:
    url = url_builder(app, MOUNT)
    assert url("overview") == "/dashboard/"
    assert url("session", session_id="s-1") == "/dashboard/sessions/s-1"
    assert url("chart", name="planets") == "/dashboard/charts/planets.svg"
    assert url("static", path="icons/a b.svg") == "/dashboard/static/icons/a%20b.svg"


def test_the_login_link_path_is_the_login_routes(app: Starlette) -> None:
    """``dashboard_link`` runs outside any request (a CLI command), so it keeps the path as a constant."""
    assert url_builder(app, MOUNT)("login") == LOGIN_PATH


@given(st.text(min_size=1, max_size=60))
def test_a_parameter_stays_one_segment_whatever_its_text(app: Starlette, text: str) -> None:
    path = url_builder(app, MOUNT)("session", session_id=text)
    segment = path.removeprefix("/dashboard/sessions/")
    assert ONE_SEGMENT.fullmatch(segment), path
    assert unquote(segment) == text


def test_unknown_names_and_missing_parameters_fail_loudly(app: Starlette) -> None:
    url = url_builder(app, MOUNT)
    with pytest.raises(NoMatchFound):
        url("no-such-page")
    with pytest.raises(NoMatchFound):
        url("session")
    with pytest.raises(NoMatchFound):
        url("overview", session_id="s-1")
