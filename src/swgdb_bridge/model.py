"""The one internal shape of a play session, whatever file format it came from.

Readers (``sources``) build a :class:`Session`; ``sanitize`` returns a cleaned copy (read-only: some of its
lists are views cleaned on read, and records cleaning left unchanged are shared with the input); ``serialize``
turns it into the upload payload. Records are msgspec Structs and the session a slotted dataclass, not
pydantic: a 1M-event session is built here, and validation belongs at the edges (file parsing, the payload),
not on every event.

All timestamps are timezone-aware UTC. Naive timestamps in bot logs are taken as UTC (documented in
``docs/session-format.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

import msgspec


class Record(msgspec.Struct, gc=False):
    """One event of a session (or one source file): a msgspec Struct, built in C and outside the cyclic GC.

    A record holds only text, numbers, times, tuples and paths, so it can never be part of a reference
    cycle and needs no tracking by the collector (16 bytes less per record, a million per big session).
    Fields are read, written and compared like a dataclass's; ``msgspec.structs`` lists and replaces them.
    """


class XPGain(Record):
    timestamp: datetime | None
    amount: int
    profession: str | None = None
    skill: str | None = None
    source: str | None = None  # combat, quest, crafting, exploration, social, other
    quest_name: str | None = None
    zone: str | None = None
    level_before: int | None = None
    level_after: int | None = None


class CreditChange(Record):
    timestamp: datetime | None
    amount: int  # negative for a loss
    source: str | None = None  # quest, vendor, trade, mission, other
    balance_after: int | None = None


class QuestCompletion(Record):
    timestamp: datetime | None
    quest_name: str
    quest_type: str | None = None
    reward_type: str | None = None
    reward_amount: int | None = None
    zone: str | None = None


class LocationVisit(Record):
    timestamp: datetime | None  # arrival
    planet: str
    city: str | None = None
    coordinates: tuple[float, float] | None = None
    departure: datetime | None = None
    duration_minutes: float | None = None
    purpose: str | None = None


class ChatMessage(Record):
    """A whisper, tell, group/guild chat line or other message the bot saw."""

    timestamp: datetime | None
    channel: str  # whisper, tell, group_chat, guild_chat, other
    sender: str | None
    message: str
    response_sent: bool | None = None


class PlayerEncounter(Record):
    timestamp: datetime | None
    player_name: str
    location: str | None = None
    distance: float | None = None
    interaction_type: str | None = None  # detected, whispered, grouped, other


class GuildAlert(Record):
    timestamp: datetime | None
    sender: str | None
    message: str
    alert_type: str | None = None
    priority: str | None = None
    auto_reply_sent: bool | None = None
    reply_message: str | None = None


class AfkPeriod(Record):
    start_time: datetime | None
    end_time: datetime | None
    duration_minutes: float | None = None
    reason: str | None = None


class StuckEvent(Record):
    timestamp: datetime | None
    location: str | None = None
    reason: str | None = None
    duration_seconds: float | None = None


class Action(Record):
    """One line of the bot's action log ("Killed womp rat (+145 XP)")."""

    timestamp: datetime | None
    text: str


class LootDrop(Record):
    timestamp: datetime | None
    item: str
    zone: str | None = None


class HeroicLoot(Record):
    """One item from a heroic instance's boss (the bot's heroic loot tracker)."""

    timestamp: datetime | None
    item: str
    quantity: int = 1
    instance: str | None = None
    boss: str | None = None
    rarity: str | None = None


class CreditBalance(Record):
    """One reading of the wallet (the credit tracker's OCR history): the credit curve."""

    timestamp: datetime | None
    balance: int


class SourceRef(Record):
    """One file an assembled session was built from, and which facts were taken from it."""

    path: Path
    format: str
    taken: tuple[str, ...] = ()
    digest: str | None = None
    truncated: bool = False


_AMOUNT = attrgetter("amount")  # summed over every XP gain or credit change of a session


@dataclass(slots=True)
class Session:
    """A normalized session. Fields a format lacks stay empty; totals a format states are kept as declared."""

    session_id: str
    character_name: str | None
    start_time: datetime
    end_time: datetime
    source_format: str  # tracker, character_sessions, loot_farming, xp_export, jsonl
    source_path: Path | None = None
    mode: str | None = None

    xp_start: int | None = None
    xp_end: int | None = None
    xp_gained: int | None = None  # declared total; None → sum of xp_gains
    credits_start: int | None = None
    credits_end: int | None = None
    credits_gained: int | None = None  # declared total; None → sum of credit_changes

    xp_gains: list[XPGain] = field(default_factory=list)
    credit_changes: list[CreditChange] = field(default_factory=list)
    quests: list[QuestCompletion] = field(default_factory=list)
    locations: list[LocationVisit] = field(default_factory=list)
    messages: list[ChatMessage] = field(default_factory=list)
    encounters: list[PlayerEncounter] = field(default_factory=list)
    guild_alerts: list[GuildAlert] = field(default_factory=list)
    afk_periods: list[AfkPeriod] = field(default_factory=list)
    stuck_events: list[StuckEvent] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    loot: list[LootDrop] = field(default_factory=list)

    # Breakdowns a summary states outright (xp_export) when there are no per-event records to sum.
    declared_breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)
    # Numbers a format reports about itself (performance_metrics, enemies_defeated, ...).
    declared_metrics: dict[str, float] = field(default_factory=dict)
    # Top-level keys of the original document, for the payload's ``original_session_keys``.
    original_keys: list[str] = field(default_factory=list)
    # Short free-text fields (notes, activities) that are uploaded only after sanitizing.
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    # Facts of the MS11 bot's own files, filled by ``assemble`` (empty for single-file formats).
    kills: dict[str, int] = field(default_factory=dict)  # creature → kills
    heroic_loot: list[HeroicLoot] = field(default_factory=list)
    credit_curve: list[CreditBalance] = field(default_factory=list)
    xp_by_skill: dict[str, int] = field(default_factory=dict)
    sources: list[SourceRef] = field(default_factory=list)  # every file this session was built from
    warnings: list[str] = field(default_factory=list)  # conflicts between files, bot bugs worked around
    truncated: bool = False  # some part was cut off mid-document and read only as far as it goes

    @property
    def duration_minutes(self) -> float:
        return max(0.0, (self.end_time - self.start_time).total_seconds() / 60.0)

    @property
    def total_xp(self) -> int:
        return self.xp_gained if self.xp_gained is not None else sum(map(_AMOUNT, self.xp_gains))

    @property
    def total_credits(self) -> int:
        if self.credits_gained is not None:
            return self.credits_gained
        return sum(map(_AMOUNT, self.credit_changes))
