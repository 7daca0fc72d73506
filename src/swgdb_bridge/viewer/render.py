"""Rich renderings of the viewer's data for ``swgdb-bridge logs`` (the library returns data; this prints it).

Ids, names, places, chat, file names and reasons come from session files: every such string is passed
through :mod:`swgdb_bridge.textsafe` (``_m`` where Rich parses markup, ``visible`` inside ``Text``), so
a name can neither style the output nor send escape sequences to the terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from swgdb_bridge.textsafe import for_markup as _m
from swgdb_bridge.textsafe import visible
from swgdb_bridge.viewer.analyze import DESIGN_ALIASES
from swgdb_bridge.viewer.listing import FittedTable, is_number, records_table, sessions_listing
from swgdb_bridge.viewer.listing import minutes as _minutes
from swgdb_bridge.viewer.listing import number as _num
from swgdb_bridge.viewer.listing import when as _when

# A first scan of fewer files than this is quick enough not to need a bar.
PROGRESS_MIN_FILES = 50


def listing_view(data: dict[str, Any]) -> Iterator[RenderableType]:
    yield sessions_listing(data["sessions"])
    if data["problems"]:
        yield problems_table(data["problems"])
    for entry in data.get("lifetime", []):
        yield lifetime_table(entry)
    if data.get("not_sessions"):
        yield Text(f"{data['not_sessions']} other JSON file(s) are not session logs: skipped", style="dim")


def lifetime_table(entry: dict[str, Any]) -> Table:
    """The bot's cumulative totals: shown for the user's information, never a session, never uploaded."""
    table = Table(
        title=Text(f"Bot lifetime totals ({visible(entry['path'])}, not uploaded)"), title_justify="left"
    )
    table.add_column("counter")
    table.add_column("value", justify="right")
    for name, value in entry["totals"].items():
        if isinstance(value, dict):
            for key, number in value.items():
                table.add_row(_m(f"{name}: {key}"), _num(number))
        else:
            table.add_row(_m(name), _num(value))
    return table


def search_view(results: list[dict[str, Any]], text: str) -> Iterator[RenderableType]:
    yield search_table(results, text)


def comparison_view(result: dict[str, Any]) -> Iterator[RenderableType]:
    yield comparison_table(result)


def problems_table(problems: list[dict[str, str]]) -> Table:
    table = Table(
        title=f"Files that could not be read ({len(problems)})", title_justify="left", title_style="red"
    )
    table.add_column("file")
    table.add_column("read as")
    table.add_column("why")
    for problem in problems:
        table.add_row(_m(problem["path"]), _m(problem.get("format", "unknown")), _m(problem["reason"]))
    return table


def _pairs(title: str, values: dict[str, Any]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")  # a long value (a file's path) wraps whole, its end included
    for key, value in values.items():
        table.add_row(
            _m(key.replace("_", " ")),
            _num(value) if is_number(value) else _m(value),
        )
    return table


def _records(name: str, records: list[dict[str, Any]], limit: int = 20) -> FittedTable:
    more = f"first {limit} of {len(records)}; --json or --export for all" if len(records) > limit else None
    return records_table(f"{name} ({len(records)})", records[:limit], caption=more)


def _section(name: str, content: dict[str, Any]) -> Panel:
    scalars = {k: v for k, v in content.items() if not isinstance(v, list | dict)}
    parts: list[RenderableType] = [_pairs("", scalars)] if scalars else []
    for key, value in content.items():
        title = key.replace("_", " ")  # "profession breakdown" wraps at its space in a narrow pane
        if isinstance(value, dict) and value:
            parts.append(_pairs(title, value))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            parts.append(_records(title, value))
        elif isinstance(value, list) and value:
            parts.append(Text(visible(f"{key}: {', '.join(map(str, value))}")))
    return Panel(Group(*parts), title=name, title_align="left")


def summary_panel(row: dict[str, Any]) -> Panel:
    """One session's list row as labelled lines, for a pane too narrow for the table."""
    shown = {
        "character": row["character"] or "-",
        "mode": row["mode"] or "-",
        "start": _when(row["start"]),
        "end": _when(row["end"]),
        "duration": _minutes(row["duration_minutes"]),
        "XP": row["xp"],
        "XP/h": row["xp_per_hour"],
        "credits": row["credits"],
        "credits/h": row["credits_per_hour"],
        "quests": row["quests"],
        "planets": ", ".join(row["planets"]) or "-",
        "efficiency": row["efficiency_score"],
        "problems": row["problems"],
        "upload": row["upload_state"],
        "file": row["path"],
    }
    return Panel(_pairs("", shown), title=_m(row["session_id"]), title_align="left")


def session_view(view: dict[str, Any]) -> Iterator[RenderableType]:
    yield summary_panel(view["summary"])
    for name, content in view["sections"].items():
        yield _section(name, content)
    yield sanitization_panel(view["sanitization"])
    if view["problems"]:
        yield Panel(Text("\n".join(map(visible, view["problems"]))), title="problems", border_style="red")


def diff_text(diff: list[str]) -> Text:
    text = Text()
    for line in diff:
        style = "red" if line.startswith("-") else "green" if line.startswith("+") else "dim"
        text.append(visible(line) + "\n", style=style)
    return text


def sanitization_panel(preview: dict[str, Any]) -> Panel:
    counts = {name: count for name, count in preview["counts"].items() if count}
    body: list[RenderableType] = [
        _pairs("removed or replaced", counts) if counts else Text("nothing to remove", style="green"),
        diff_text(preview["diff"])
        if preview["diff"]
        else Text("the text is uploaded unchanged", style="dim"),
    ]
    return Panel(Group(*body), title="sanitization preview (what leaves the machine)", title_align="left")


def search_table(results: list[dict[str, Any]], text: str) -> Table:
    table = Table(title=f"Sessions matching {_m(repr(text))} ({len(results)})", title_justify="left")
    for name in ("id", "character", "start", "field", "text"):
        table.add_column(name)
    for result in results:
        for i, match in enumerate(result["matches"]):
            first = i == 0
            table.add_row(
                _m(result["session_id"]) if first else "",
                _m(result["character"] or "-") if first else "",
                _m(_when(result["start"])) if first else "",
                _m(match["field"]),
                _m(match["text"]),
            )
    return table


def _group_table(title: str, groups: dict[str, dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("name")
    for name in ("sessions", "XP", "credits", "quests", "played", "XP/h", "credits/h"):
        table.add_column(name, justify="right")
    for key, g in groups.items():
        table.add_row(
            _m(key),
            str(g["sessions"]),
            _num(g["total_xp_gained"]),
            _num(g["total_credits_gained"]),
            str(g["total_quests_completed"]),
            _minutes(g["time_played_minutes"]),
            _num(g["xp_per_hour"]),
            _num(g["credits_per_hour"]),
        )
    return table


def analysis_view(analysis: dict[str, Any]) -> Iterator[RenderableType]:
    totals = {
        k: v for k, v in analysis.items() if not isinstance(v, dict | type(None)) and k not in DESIGN_ALIASES
    }
    yield _pairs("Across all sessions", totals)
    yield _group_table("Per character", analysis["by_character"])
    yield _group_table("Per planet (a session on two planets counts under both)", analysis["by_planet"])
    for label in ("best_session", "worst_session"):
        if analysis[label]:
            yield _pairs(label.replace("_", " ").capitalize() + " (by XP/h)", analysis[label])


def comparison_table(result: dict[str, Any]) -> Table:
    a, b = result["a"], result["b"]
    # The ids go in the title, whole: as column headers a narrow terminal cut them to "ms11_20260821_205…"
    title = (
        f"Comparison of A {_m(a['session_id'])} and B {_m(b['session_id'])} (delta = B - A, ratio = B / A)"
    )
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    for name in ("A", "B", "delta", "ratio"):
        table.add_column(name, justify="right", no_wrap=True)
    for row in result["metrics"]:
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}×"
        style = "green" if row["delta"] > 0 else "red" if row["delta"] < 0 else ""
        table.add_row(
            _m(row["metric"]), _num(row["a"]), _num(row["b"]), Text(f"{row['delta']:+,.2f}", style), ratio
        )
    planets = result["planets"]
    table.caption = _m(
        f"planets in both: {', '.join(planets['both']) or '-'}; only A: {', '.join(planets['only_a']) or '-'}; "
        f"only B: {', '.join(planets['only_b']) or '-'}"
    )
    return table


class ScanProgress:
    """A progress callback for the viewer that shows a bar (on stderr) only when many files must be read."""

    def __init__(self, console: Any) -> None:
        self._console = console
        self._progress: Progress | None = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._progress is None:
            if total < PROGRESS_MIN_FILES:
                return
            self._progress = Progress(
                TextColumn("indexing session files"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=self._console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("index", total=total)
        self._progress.update(self._task, completed=done)
        if done >= total:
            self.stop()

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
