"""The interactive viewer, driven headless with Textual's Pilot on a copy of the tracker corpus.

The app does every library call in a thread worker; :func:`settle` waits for them and for the UI thread
to draw their answers, so each step asserts on a finished screen.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from swgdb_bridge import SessionLogViewer
from swgdb_bridge.textsafe import visible
from swgdb_bridge.upload.outbox import Outbox
from swgdb_bridge.viewer.tui import ComparePicker, ViewerApp, plain_text


def drive(
    viewer: SessionLogViewer, script: Callable[[ViewerApp, Pilot], Awaitable[None]], **filters
) -> ViewerApp:
    app = ViewerApp(viewer, filters)

    async def main() -> None:
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(app, pilot)
            await script(app, pilot)

    asyncio.run(main())
    return app


async def settle(app: ViewerApp, pilot: Pilot, *keys: str) -> None:
    """Press ``keys``, then wait until every worker is done and its answer is on the screen."""
    await pilot.press(*keys)
    await pilot.pause()
    while any(not worker.is_finished for worker in app.workers):  # an answer may start another worker
        await pilot.pause(0.01)
    await pilot.pause()


def listed(app: ViewerApp) -> list[str]:
    table = app.query_one("#sessions", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def shown_text(app: ViewerApp, widget_id: str) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(app.query_one(widget_id, Static).content)
    return console.export_text()


def status(app: ViewerApp) -> str:
    return shown_text(app, "#status")


@pytest.fixture
def viewer(sessions_dir: Path):
    with SessionLogViewer(sessions_dir / "tracker") as v:
        yield v


def test_list_filters_and_search_by_keys(viewer: SessionLogViewer, tracker_raw) -> None:
    newest_first = [
        r.doc["session_id"] for r in sorted(tracker_raw, key=lambda r: r.doc["start_time"], reverse=True)
    ]
    on_talus = [i for i in newest_first if "Talus" in _planets(tracker_raw, i)]
    holocron_on_talus = [
        i for i in on_talus if any("Holocron" in q for q in _doc(tracker_raw, i)["quests_completed"])
    ]

    async def script(app: ViewerApp, pilot: Pilot) -> None:
        assert listed(app) == newest_first
        assert f"{len(newest_first)} session(s)" in status(app)
        app.query_one("#filter-planet", Input).focus()
        await settle(app, pilot, *"talus")
        assert listed(app) == on_talus
        await settle(app, pilot, "escape", "slash", *"holocron")
        assert listed(app) == holocron_on_talus
        app.query_one("#filter-since", Input).focus()
        await settle(app, pilot, *"oct")
        assert "is not a date" in status(app)
        assert listed(app) == holocron_on_talus  # a bad filter leaves the list as it was

    drive(viewer, script)


def test_view_preview_compare_analyze(viewer: SessionLogViewer, tracker_raw) -> None:
    dex = [r.doc for r in tracker_raw if r.doc["character_name"] == "Dex Orrin"]
    dex.sort(key=lambda d: d["start_time"], reverse=True)

    async def script(app: ViewerApp, pilot: Pilot) -> None:
        assert listed(app) == [d["session_id"] for d in dex]
        await pilot.press("down")
        assert app.shown[0] == "summary" and app.shown[1]["session_id"] == dex[1]["session_id"]
        await settle(app, pilot, "enter")
        kind, view = app.shown
        assert kind == "view" and view["session_id"] == dex[1]["session_id"]
        assert [q["quest_name"] for q in view["sections"]["quests"]["quests"]] == dex[1]["quests_completed"]

        await settle(app, pilot, "p")
        kind, view = app.shown
        assert kind == "preview" and sum(view["sanitization"]["counts"].values()) > 0
        assert "sanitization preview" in shown_text(app, "#detail")

        await settle(app, pilot, "c")
        assert isinstance(app.screen, ComparePicker)
        await settle(app, pilot, "down", "enter")
        kind, result = app.shown
        assert kind == "compare"
        assert result["a"]["session_id"] == dex[1]["session_id"]
        assert result["b"]["session_id"] in {d["session_id"] for d in dex} - {dex[1]["session_id"]}
        xp = next(m for m in result["metrics"] if m["metric"] == "xp")
        b_doc = next(d for d in dex if d["session_id"] == result["b"]["session_id"])
        assert xp["delta"] == b_doc["xp"]["gained"] - dex[1]["xp"]["gained"]

        await settle(app, pilot, "a")
        kind, analysis = app.shown
        assert kind == "analysis"
        assert analysis["total_xp_gained"] == sum(d["xp"]["gained"] for d in dex)

    drive(viewer, script, character="Dex Orrin")


def test_queue_key_puts_the_sanitized_payload_in_the_outbox(viewer: SessionLogViewer, tracker_raw) -> None:
    first = max(tracker_raw, key=lambda r: r.doc["start_time"]).doc

    async def script(app: ViewerApp, pilot: Pilot) -> None:
        assert app.rows[0]["upload_state"] == "not sent"
        await settle(app, pilot, "u")
        assert app.rows[0]["session_id"] == first["session_id"]
        assert app.rows[0]["upload_state"] == "queued"
        table = app.query_one("#sessions", DataTable)
        assert str(table.get_row_at(0)[-1]) == "queued"

    drive(viewer, script)
    with Outbox() as box:
        pending = box.pending()
    assert [item.session_id for item in pending] == [first["session_id"]]
    body = pending[0].body.decode()
    assert first["character_name"] in body  # the user's own name stays
    for encounter in first["player_encounters"]:
        assert encounter["player_name"] not in body  # other players' never leave the machine


def _doc(raw, session_id: str) -> dict:
    return next(r.doc for r in raw if r.doc["session_id"] == session_id)


def _planets(raw, session_id: str) -> set[str]:
    return {v["planet"] for v in _doc(raw, session_id)["locations_visited"]}


def test_rescan_key_picks_up_new_and_broken_files(
    viewer: SessionLogViewer, sessions_dir: Path, tracker_raw
) -> None:
    folder = sessions_dir / "tracker"
    (folder / "broken.json").write_text("{not json")
    os.utime(folder / "broken.json", (1e9, 1e9))  # left so long ago: not a file still being written

    async def script(app: ViewerApp, pilot: Pilot) -> None:
        assert "1 file(s) could not be read" in status(app)
        (folder / "broken.json").unlink()
        (folder / "extra.json").write_text(
            json.dumps({**tracker_raw[0].doc, "session_id": "session_20261101_0042"})
        )
        await settle(app, pilot, "r")
        assert "session_20261101_0042" in listed(app)
        assert f"{len(tracker_raw) + 1} session(s)" in status(app)
        assert "could not be read" not in status(app)

    drive(viewer, script)


def test_scans_run_in_workers_never_on_the_ui_thread(
    viewer: SessionLogViewer, sessions_dir: Path, tracker_raw
) -> None:
    """Every query may rescan (max_age 0 makes each one do so); none of those scans runs on the UI thread."""
    scanned_on: list[threading.Thread] = []
    scan = viewer.refresh

    def recorded_scan():  # a spy: the real scan, and the thread it ran on
        scanned_on.append(threading.current_thread())
        return scan()

    viewer.refresh = recorded_scan  # type: ignore[method-assign]
    viewer.max_age = 0

    async def script(app: ViewerApp, pilot: Pilot) -> None:
        app.query_one("#filter-planet", Input).focus()
        await settle(app, pilot, *"talus")
        await settle(app, pilot, "escape", "enter")
        await settle(app, pilot, "a")
        assert app.shown[0] == "analysis"
        await settle(app, pilot, "r")
        assert listed(app)

    drive(viewer, script)
    assert len(scanned_on) > 5
    assert threading.main_thread() not in scanned_on


@given(
    st.one_of(
        st.text(), st.sampled_from(["[ @click=app.quit]x", "[ link='https://evil']x", "[$accent]x", "\\[b]"])
    )
)
def test_session_text_in_widgets_is_never_read_as_textual_markup(text: str) -> None:
    """Textual's markup takes tag shapes Rich's does not (``[ @click=…]``, ``[$accent]``): the TUI hands
    widgets plain Text, so a click action or link hidden in a log stays literal text."""
    assert Content.from_rich_text(plain_text(text)).plain == visible(text)
    assert not Content.from_rich_text(plain_text(text)).spans
