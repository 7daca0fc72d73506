"""The filters every listing takes: character, planet, mode, a time window and a minimum XP.

Matching is done on summaries in Python: 10,000 of them filter in milliseconds, and the planet filter has
to look inside a list anyway. Text filters ignore case; ``since``/``until`` bound the session's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from swgdb_bridge.viewer.errors import FilterError
from swgdb_bridge.viewer.summary import SessionSummary


@dataclass(slots=True, frozen=True)
class SessionFilter:
    character: str | None = None
    planet: str | None = None
    mode: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    min_xp: int | None = None

    @classmethod
    def build(
        cls,
        character: str | None = None,
        planet: str | None = None,
        mode: str | None = None,
        since: str | date | datetime | None = None,
        until: str | date | datetime | None = None,
        min_xp: int | None = None,
    ) -> SessionFilter:
        """From loose user input: dates as ``YYYY-MM-DD`` or ISO datetimes (naive means UTC)."""
        return cls(
            character=character or None,
            planet=planet or None,
            mode=mode or None,
            since=parse_when("since", since, end_of_day=False),
            until=parse_when("until", until, end_of_day=True),
            min_xp=min_xp,
        )

    def matches(self, summary: SessionSummary) -> bool:
        if self.character and (summary.character or "").casefold() != self.character.casefold():
            return False
        if self.planet and self.planet.casefold() not in {p.casefold() for p in summary.planets}:
            return False
        if self.mode and (summary.mode or "").casefold() != self.mode.casefold():
            return False
        if self.since and summary.start < self.since:
            return False
        if self.until and summary.start > self.until:
            return False
        return self.min_xp is None or summary.xp >= self.min_xp

    def apply(self, summaries: list[SessionSummary]) -> list[SessionSummary]:
        return [s for s in summaries if self.matches(s)]


def parse_when(name: str, value: str | date | datetime | None, end_of_day: bool) -> datetime | None:
    """A bound as an aware UTC datetime; a bare date covers that whole day (``until`` 2026-10-05 includes it)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = (
                datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
            )
        except ValueError:
            raise FilterError(
                f"--{name} {value!r} is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
            ) from None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.max if end_of_day else time.min)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
