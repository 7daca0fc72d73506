"""Tables for ``swgdb-bridge logs`` fitted to the terminal (or TUI pane) they are printed in.

Rich shares a narrow terminal out by cutting every cell: "1,265,…" for 1,265,000 XP reads as a number and is
a wrong one, and "ti…", "am…" over a session's events says nothing. Here ids, times and numbers are never
cut. Where they do not all fit, whole columns go, the least needed first, and a caption names them
(``--json`` and a wider terminal show everything); where even the columns that must stay do not fit, each
row becomes a block of "name value" pairs. Text with spaces (names, planets, states) may wrap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from swgdb_bridge.textsafe import visible

_PER_COLUMN = 3  # a cell's padding on both sides and the rule after it
_LONGEST_WORD_KEPT = 12  # a wrapping column is at least this wide, or as wide as its longest word


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    right: bool = False  # numbers: right-justified
    wraps: bool = False  # may break across lines at its spaces; the others stay whole


class FittedTable:
    """A Rich renderable: rows of :class:`~rich.text.Text` (never ``str``, which Rich would read as markup),
    laid out for the width it is given when printed."""

    def __init__(
        self,
        title: str,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Text]],
        *,
        dropped_first: Sequence[str] = (),
        caption: str | None = None,
    ) -> None:
        self.title, self.columns, self.rows = title, list(columns), rows
        self.dropped_first, self.caption = dropped_first, caption
        self.least = {
            column.header: _least_width(column, [row[i] for row in rows]) for i, column in enumerate(columns)
        }

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        shown = self.fitting(options.max_width)
        if self._width(shown) <= options.max_width:
            yield self.table(shown)
        else:
            yield from self.blocks()

    def fitting(self, width: int) -> list[Column]:
        """Every column, less the next of ``dropped_first`` while the rest cannot fit whole."""
        shown = list(self.columns)
        for header in self.dropped_first:
            if self._width(shown) <= width:
                break
            shown = [column for column in shown if column.header != header]
        return shown

    def table(self, shown: list[Column]) -> Table:
        hidden = [column.header for column in self.columns if column not in shown]
        notes = [self.caption] if self.caption else []
        if hidden:
            notes.append(f"hidden to fit: {', '.join(hidden)} (a wider terminal or --json shows them)")
        caption = Text("; ".join(notes)) if notes else None
        table = Table(title=Text(self.title), title_justify="left", caption=caption, caption_justify="left")
        kept = [self.columns.index(column) for column in shown]
        for column in shown:
            justify = "right" if column.right else "left"
            table.add_column(
                column.header, justify=justify, no_wrap=not column.wraps, min_width=self.least[column.header]
            )
        for row in self.rows:
            table.add_row(*(row[i] for i in kept))
        return table

    def blocks(self) -> Iterator[RenderableType]:
        """Each row as its first cell on a line, then the others as "name value" pairs, each kept whole and laid
        out in as many columns as the width holds (a name whose value this row lacks is left out)."""
        yield Text(self.title, style="italic")
        for row in self.rows:
            head = row[0].copy()
            head.stylize("bold")
            pairs = [
                Text.assemble((f"{c.header} ", "dim"), cell)
                for c, cell in zip(self.columns[1:], row[1:], strict=True)
                if cell.plain
            ]
            yield Group(head, Padding(Columns(pairs, padding=(0, 2)), (0, 0, 0, 2)))
        if self.caption:
            yield Text(self.caption, style="dim")

    def _width(self, shown: list[Column]) -> int:
        return sum(self.least[column.header] + _PER_COLUMN for column in shown) + 1


def _least_width(column: Column, cells: list[Text]) -> int:
    if not column.wraps:
        return max([cell_len(column.header), *(cell.cell_len for cell in cells)])
    words = [cell_len(word) for cell in cells for word in cell.plain.split()]
    return max(cell_len(column.header), min(max(words, default=1), _LONGEST_WORD_KEPT))


def records_table(title: str, records: list[dict[str, Any]], caption: str | None = None) -> FittedTable:
    """A list of flat records (a section's events, quests, visits): a column per key that has a value."""
    keys = [key for key in records[0] if any(r.get(key) is not None for r in records)] if records else []
    rows = [[Text(_shown(r.get(key))) for key in keys] for r in records]
    columns = [
        Column(visible(key), right=_numeric(records, key), wraps=any(" " in row[i].plain for row in rows))
        for i, key in enumerate(keys)
    ]
    return FittedTable(title, columns, rows, caption=caption)


def is_number(value: object) -> bool:
    """A figure to print with :func:`number` (JSON's true and false are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return number(value) if is_number(value) else visible(value)


def _numeric(records: list[dict[str, Any]], key: str) -> bool:
    values = [r.get(key) for r in records if r.get(key) is not None]
    return bool(values) and all(map(is_number, values))


# -- the session listing ------------------------------------------------------------------------------

STATE_STYLES = {"uploaded": "green", "queued": "yellow", "failed": "red", "changed since upload": "magenta"}
DROPPED_FIRST = ("credits/h", "XP/h", "problems", "planets", "credits")
"""The listing's columns a narrow terminal gives up, in this order; the others always show."""


def number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"


def when(iso: str | None) -> str:
    return iso[:16].replace("T", " ") if iso else "-"


def minutes(value: float) -> str:
    hours, rest = divmod(round(value), 60)
    return f"{hours}h{rest:02d}" if hours else f"{value:.0f}m" if value >= 1 else f"{value * 60:.0f}s"


def _state(row: dict[str, Any]) -> Text:
    state = row["upload_state"]
    return Text(visible(state), style=STATE_STYLES.get(state, "dim"))


def _problems(row: dict[str, Any]) -> Text:
    return Text(str(row["problems"]), style="red" if row["problems"] else "")


def _plain(cell: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], Text]:
    return lambda row: Text(visible(cell(row)))


LISTING: tuple[tuple[Column, Callable[[dict[str, Any]], Text]], ...] = (
    (Column("id"), _plain(lambda row: row["session_id"])),
    (Column("character", wraps=True), _plain(lambda row: row["character"] or "-")),
    (Column("start"), _plain(lambda row: when(row["start"]))),
    (Column("duration", right=True), _plain(lambda row: minutes(row["duration_minutes"]))),
    (Column("XP", right=True), _plain(lambda row: number(row["xp"]))),
    (Column("XP/h", right=True), _plain(lambda row: number(row["xp_per_hour"]))),
    (Column("credits", right=True), _plain(lambda row: number(row["credits"]))),
    (Column("credits/h", right=True), _plain(lambda row: number(row["credits_per_hour"]))),
    (Column("planets", wraps=True), _plain(lambda row: ", ".join(row["planets"]) or "-")),
    (Column("problems", right=True), _problems),
    (Column("upload", wraps=True), _state),
)


def sessions_listing(rows: list[dict[str, Any]], title: str = "Sessions") -> FittedTable:
    """The list of sessions: the id, when and how much always show; rates, problems and planets give way."""
    cells = [[cell(row) for _, cell in LISTING] for row in rows]
    columns = [column for column, _ in LISTING]
    return FittedTable(f"{title} ({len(rows)})", columns, cells, dropped_first=DROPPED_FIRST)
