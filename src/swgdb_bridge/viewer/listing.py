"""The session listing of ``swgdb-bridge logs``, fitted to the terminal it is printed on.

Rich shares a narrow terminal out by cutting every cell: "1,265,…" for 1,265,000 XP reads as a number and is
a wrong one. Here ids, times and numbers are never cut. Where they do not all fit, whole columns go, the least
needed first (rates, then the problem count, planets and credits), and a caption names them; ``--json`` and a
wider terminal show everything. Names, planets and upload states may wrap onto a second line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from swgdb_bridge.textsafe import visible

STATE_STYLES = {"uploaded": "green", "queued": "yellow", "failed": "red", "changed since upload": "magenta"}
DROPPED_FIRST = ("credits/h", "XP/h", "problems", "planets", "credits")
"""The columns a narrow terminal gives up, in this order; the others always show."""
_PER_COLUMN = 3  # a cell's padding on both sides and the rule after it
_LONGEST_WORD_KEPT = 12  # a wrapping column is at least this wide, or as wide as its longest word


def number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"


def when(iso: str | None) -> str:
    return iso[:16].replace("T", " ") if iso else "-"


def minutes(value: float) -> str:
    hours, rest = divmod(round(value), 60)
    return f"{hours}h{rest:02d}" if hours else f"{value:.0f}m" if value >= 1 else f"{value * 60:.0f}s"


def _text(value: str | Text) -> Text:
    return value if isinstance(value, Text) else Text(value)


def _state(row: dict[str, Any]) -> Text:
    state = row["upload_state"]
    return Text(visible(state), style=STATE_STYLES.get(state, "dim"))


def _problems(row: dict[str, Any]) -> Text:
    return Text(str(row["problems"]), style="red" if row["problems"] else "")


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    cell: Callable[[dict[str, Any]], str | Text]
    right: bool = False  # numbers: right-justified
    wraps: bool = False  # names, places, states may break across lines; the others stay whole


COLUMNS = (
    Column("id", lambda row: visible(row["session_id"])),
    Column("character", lambda row: visible(row["character"] or "-"), wraps=True),
    Column("start", lambda row: visible(when(row["start"]))),
    Column("duration", lambda row: minutes(row["duration_minutes"]), right=True),
    Column("XP", lambda row: number(row["xp"]), right=True),
    Column("XP/h", lambda row: number(row["xp_per_hour"]), right=True),
    Column("credits", lambda row: number(row["credits"]), right=True),
    Column("credits/h", lambda row: number(row["credits_per_hour"]), right=True),
    Column("planets", lambda row: visible(", ".join(row["planets"]) or "-"), wraps=True),
    Column("problems", _problems, right=True),
    Column("upload", _state, wraps=True),
)


class SessionsListing:
    """A Rich renderable: the table is built for the width it is given when printed; where not even the
    columns that always show fit (long ids on a narrow terminal), each session is a short block instead."""

    def __init__(self, rows: list[dict[str, Any]], title: str = "Sessions") -> None:
        self.title = f"{title} ({len(rows)})"
        # Text, never str: Rich would read a name's "[bold]" as markup
        self.rows = [{column.header: _text(column.cell(row)) for column in COLUMNS} for row in rows]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        shown = self.fitting(options.max_width)
        if self._width(shown) <= options.max_width:
            yield self.table(shown)
        else:
            yield from self.blocks()

    def fitting(self, width: int) -> list[Column]:
        """Every column, less the first of :data:`DROPPED_FIRST` while the rest cannot fit whole."""
        shown = list(COLUMNS)
        for header in DROPPED_FIRST:
            if self._width(shown) <= width:
                break
            shown = [column for column in shown if column.header != header]
        return shown

    def table(self, shown: list[Column]) -> Table:
        hidden = [column.header for column in COLUMNS if column not in shown]
        caption = (
            f"hidden to fit: {', '.join(hidden)} (a wider terminal or --json shows them)" if hidden else None
        )
        table = Table(title=self.title, title_justify="left", caption=caption, caption_justify="left")
        for column in shown:
            table.add_column(
                column.header,
                justify="right" if column.right else "left",
                no_wrap=not column.wraps,
                min_width=self._least_width(column),
            )
        for row in self.rows:
            table.add_row(*(row[column.header] for column in shown))
        return table

    def blocks(self) -> Iterator[RenderableType]:
        """Each session as its id on a line, then every other column as "name value" pairs, each kept whole
        and laid out in as many columns as the width holds."""
        yield Text(self.title, style="italic")
        for row in self.rows:
            head = row["id"].copy()
            head.stylize("bold")
            pairs = [
                Text.assemble((f"{column.header} ", "dim"), row[column.header]) for column in COLUMNS[1:]
            ]
            yield Group(head, Padding(Columns(pairs, padding=(0, 2)), (0, 0, 0, 2)))

    def _width(self, shown: list[Column]) -> int:
        return sum(self._least_width(column) + _PER_COLUMN for column in shown) + 1

    def _least_width(self, column: Column) -> int:
        texts = [row[column.header].plain for row in self.rows]
        if not column.wraps:
            return max([cell_len(column.header), *map(cell_len, texts)])
        words = [cell_len(word) for text in texts for word in text.split()]
        return max(cell_len(column.header), min(max(words, default=1), _LONGEST_WORD_KEPT))
