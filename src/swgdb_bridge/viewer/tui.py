"""``swgdb-bridge logs --interactive``: a full-screen shell over :class:`SessionLogViewer`.

Left: filter inputs, a search box and the session list; right: the detail pane. Keys act on the highlighted
session: Enter views it, ``p`` previews what would be uploaded, ``u`` queues it for upload, ``c`` picks a
second session to compare with, ``a`` analyzes the listed sessions, ``r`` rescans the folders. Everything
shown comes from the viewer's library calls; the same renderings as the CLI are reused.

Every library call runs in a Textual thread worker (:meth:`ViewerApp.in_worker`), never on the UI thread:
any of them may rescan the folders or open a session file, and the screen must keep answering keys
meanwhile. The worker hands its result back to the UI thread, which only draws. Names from the files are
drawn through :mod:`swgdb_bridge.textsafe`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from swgdb_bridge.errors import BridgeError
from swgdb_bridge.textsafe import visible
from swgdb_bridge.viewer import render
from swgdb_bridge.viewer.viewer import SessionLogViewer

FILTERS = ("character", "planet", "mode", "since", "until", "min_xp")
COLUMNS = ("id", "character", "start", "XP", "XP/h", "credits", "planets", "problems", "upload")


def plain_text(text: str) -> Text:
    """Text from a session file as a widget shows it: controls visible, never read as markup (Textual's
    markup takes more tag shapes than Rich's, so escaping for Rich is not enough here)."""
    return Text(visible(text))


class ComparePicker(ModalScreen[str | None]):
    """Pick the session to compare the highlighted one with."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, first: str, rows: list[dict[str, Any]]) -> None:
        super().__init__()
        self.first = first
        self.rows = [r for r in rows if r["session_id"] != first]

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Label(plain_text(f"Compare {self.first} with:"))
            options = [
                Option(
                    plain_text(f"{r['session_id']}  {r['character'] or '-'}  {r['start'][:16]}"),
                    id=r["session_id"],
                )
                for r in self.rows
            ]
            yield OptionList(*options, id="picker")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ViewerApp(App[None]):
    CSS_PATH = "tui.tcss"
    TITLE = "swgdb-bridge logs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search"),
        Binding("p", "preview", "Preview upload"),
        Binding("u", "queue", "Queue upload"),
        Binding("c", "compare", "Compare"),
        Binding("a", "analyze", "Analyze"),
        Binding("r", "rescan", "Rescan"),
        Binding("escape", "focus_list", "List", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, viewer: SessionLogViewer, filters: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.viewer = viewer
        self.initial = {k: v for k, v in (filters or {}).items() if v is not None}
        self.rows: list[dict[str, Any]] = []
        self.matches: dict[str, list[dict[str, str]]] = {}
        # What the detail pane shows, as data: ("summary" | "view" | "preview" | "compare" | "analysis", data).
        self.shown: tuple[str, Any] = ("none", None)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="left"):
                with Horizontal(id="filters"):
                    for name in FILTERS:
                        yield Input(
                            str(self.initial.get(name, "")),
                            placeholder=name.replace("_", " "),
                            id=f"filter-{name}",
                        )
                yield Input(placeholder="search ids, names, planets, quests, events (/)", id="search")
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
                yield Static(id="status")
            with VerticalScroll(id="detail-pane"):
                yield Static("Highlight a session; Enter shows it in full.", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sessions", DataTable).add_columns(*COLUMNS)
        self.reload()
        self.query_one("#sessions", DataTable).focus()

    # -- the list ----------------------------------------------------------------------------------

    def filter_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: self.query_one(f"#filter-{name}", Input).value.strip() for name in FILTERS
        }
        raw_xp = values.pop("min_xp")
        values["min_xp"] = int(raw_xp) if raw_xp.isdigit() else None
        return values

    def in_worker(self, call: Callable[[], Any], then: Callable[[Any], None], group: str) -> None:
        """Run ``call`` (a library call) in a thread worker, then ``then(result)`` on the UI thread.

        A newer call of the same group supersedes an older one (its result is dropped); a
        :class:`BridgeError` is shown on the status line instead.
        """

        def work() -> None:
            try:
                result = call()
            except BridgeError as exc:
                self.call_from_thread(self._status, str(exc), True)
                return
            if not get_current_worker().is_cancelled:
                self.call_from_thread(then, result)

        self.run_worker(work, thread=True, group=group, exclusive=True)

    def reload(self) -> None:
        """Refill the list from the filters and the search box; a bad filter value is shown, not raised."""
        text = self.query_one("#search", Input).value.strip()
        filters = self.filter_values()
        self.in_worker(lambda: self._query(filters, text), self._show_rows, "list")

    def _query(self, filters: dict[str, Any], text: str) -> tuple[list[dict[str, Any]], dict[str, Any], int]:
        """(rows, search matches by id, number of unreadable files): the list's data, read in a worker."""
        rows = self.viewer.list_sessions(**filters)
        matches = (
            {r["session_id"]: r["matches"] for r in self.viewer.search_sessions(text, **filters)}
            if text
            else {}
        )
        if text:
            rows = [r for r in rows if r["session_id"] in matches]
        return rows, matches, len(self.viewer.problems())

    def _show_rows(self, answer: tuple[list[dict[str, Any]], dict[str, Any], int]) -> None:
        self.rows, self.matches, problems = answer
        self._fill_table()
        suffix = (
            f"; {problems} file(s) could not be read (swgdb-bridge logs --list shows which)"
            if problems
            else ""
        )
        self._status(f"{len(self.rows)} session(s){suffix}")

    def _fill_table(self) -> None:
        """Refill the table, keeping the cursor on the same session when it is still listed."""
        table = self.query_one("#sessions", DataTable)
        keep = (self.current() or {}).get("session_id")
        table.clear()
        for row in self.rows:
            table.add_row(
                plain_text(row["session_id"]),
                plain_text(row["character"] or "-"),
                plain_text(row["start"][:16].replace("T", " ")),
                f"{row['xp']:,}",
                f"{row['xp_per_hour']:,.0f}",
                f"{row['credits']:,}",
                plain_text(", ".join(row["planets"])),
                str(row["problems"]),
                plain_text(row["upload_state"]),
                key=row["session_id"],
            )
        ids = [row["session_id"] for row in self.rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))

    def _status(self, message: str, error: bool = False) -> None:
        self.query_one("#status", Static).update(Text(visible(message), style="red" if error else "dim"))

    def current(self) -> dict[str, Any] | None:
        table = self.query_one("#sessions", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#sessions", DataTable).focus()

    # -- the detail pane ---------------------------------------------------------------------------

    def _show(self, kind: str, data: Any, renderables: list[RenderableType]) -> None:
        self.shown = (kind, data)
        self.query_one("#detail", Static).update(Group(*renderables))
        self.query_one("#detail-pane", VerticalScroll).scroll_home(animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.current()
        if row is None:
            return
        parts: list[RenderableType] = [render.summary_panel(row)]
        if row["session_id"] in self.matches:
            parts.append(render.search_table([{**row, "matches": self.matches[row["session_id"]]}], "search"))
        self._show("summary", row, parts)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._with_view("view", lambda view: list(render.session_view(view)))

    def _with_view(self, kind: str, draw: Any) -> None:
        row = self.current()
        if row is None:
            return
        session_id = row["session_id"]
        self.in_worker(
            lambda: self.viewer.view_session(session_id),
            lambda view: self._show(kind, view, draw(view)),
            "detail",
        )

    # -- actions -----------------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_list(self) -> None:
        self.query_one("#sessions", DataTable).focus()

    def action_preview(self) -> None:
        self._with_view("preview", lambda view: [render.sanitization_panel(view["sanitization"])])

    def action_analyze(self) -> None:
        filters = self.filter_values()
        self.in_worker(
            lambda: self.viewer.analyze_sessions(**filters),
            lambda analysis: self._show("analysis", analysis, list(render.analysis_view(analysis))),
            "detail",
        )

    def action_rescan(self) -> None:
        def rescanned(report: Any) -> None:
            self.reload()
            self.notify(
                f"rescanned: {report.read} read, {report.dropped} dropped, {report.unchanged} unchanged"
            )

        self.in_worker(self.viewer.refresh, rescanned, "scan")

    def action_compare(self) -> None:
        row = self.current()
        if row is None:
            return
        first = row["session_id"]

        def compared(second: str | None) -> None:
            if second:
                self.in_worker(
                    lambda: self.viewer.compare_sessions(first, second),
                    lambda result: self._show("compare", result, [render.comparison_table(result)]),
                    "detail",
                )

        self.push_screen(ComparePicker(first, self.rows), compared)

    def action_queue(self) -> None:
        row = self.current()
        if row is None:
            return
        session_id = row["session_id"]

        def queued(_state: str) -> None:
            self.reload()
            self.notify(
                f"{visible(session_id)} queued; `swgdb-bridge upload` or `watch` sends it", markup=False
            )

        self.in_worker(lambda: self.viewer.queue_session(session_id), queued, "queue")
