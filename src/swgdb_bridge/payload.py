"""The serialized session: the one payload model the client sends and the server validates.

It mirrors the upstream SWGDB schema (``data/session_schema.yaml`` of the MS11 project) field for field,
and is stricter where privacy needs it: unknown fields are refused (``extra="forbid"``), so nothing the
sanitizer did not see can ride along. ``payload_json_schema()`` exports it for docs and other clients.

It is also where every size and range is bounded, because the server validates with it before doing any
other work: lists and strings have maximum lengths (a list that is too long is refused before its items are
looked at, and a list stops at its first bad item, so a million bad items cost one error), counts stay below
2³¹ (a database sums four billion of them without overflowing 64 bits), floats are finite and bounded, and
timestamps lie in the years 2000–2100 (so converting any of them to UTC cannot overflow).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal, TypeGuard, TypeVar

import orjson
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
)

SCHEMA_VERSION = "1.0.0"

SESSION_ID_PATTERN = r"^[a-zA-Z0-9_-]+$"
SESSION_ID_MAX_LENGTH = 50
"""A session id is 1 to 50 ASCII letters, digits, ``_`` or ``-``: it travels unescaped in URL paths and file
names. The one rule, used by the model below and by every reader of an id (:func:`is_session_id`)."""
_SESSION_ID = re.compile(SESSION_ID_PATTERN)
SessionId = Annotated[str, Field(pattern=SESSION_ID_PATTERN, min_length=1, max_length=SESSION_ID_MAX_LENGTH)]


def is_session_id(value: object) -> TypeGuard[str]:
    """True when ``value`` is a well-formed session id, the same answer :data:`SessionId` validation gives."""
    return (
        isinstance(value, str)
        and len(value) <= SESSION_ID_MAX_LENGTH
        and _SESSION_ID.fullmatch(value) is not None
    )


MAX_TEXT_CHARS = 2000
"""Longest string anywhere in a payload (a chat line, a quest name, a dictionary key)."""
MAX_EVENTS = 1_000_000
"""Longest event list: the largest session the pipeline is benchmarked with (BENCHMARKS.md)."""
MAX_NAMES = 10_000
"""Longest list of names or points (planets, cities, skills, balance points) and largest breakdown."""
MAX_GAME_INT = 2**31 - 1
"""Largest count or amount: far above anything the game produces in one session, and low enough that a
database sums four billion sessions' worth without leaving a signed 64-bit integer."""
MAX_RATE = 1e12
"""Largest per-hour rate (MAX_GAME_INT in one minute is about 1.3e11)."""
MAX_EVENT_MINUTES = 7 * 24 * 60
"""Longest duration of one event or period, in minutes (a week: a session itself is at most a day)."""
MAX_DISTANCE = 1e6
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _in_era(moment: datetime) -> datetime:
    """Checked on the local fields, before any conversion: inside the era, shifting to UTC cannot overflow."""
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError(f"timestamp must lie in the years {EARLIEST_YEAR}-{LATEST_YEAR}")
    return moment


Timestamp = Annotated[AwareDatetime, AfterValidator(_in_era)]
Count = Annotated[int, Field(ge=0, le=MAX_GAME_INT)]
Amount = Annotated[int, Field(ge=-MAX_GAME_INT, le=MAX_GAME_INT)]
Rate = Annotated[float, Field(ge=0, le=MAX_RATE, allow_inf_nan=False)]
Minutes = Annotated[float, Field(ge=0, le=MAX_EVENT_MINUTES, allow_inf_nan=False)]
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]
MAX_VERSION_CHARS = 64
"""Longest version string a payload names (``1.0.0``): the server stores it as sent."""
Breakdown = Annotated[dict[Text, Count], Field(max_length=MAX_NAMES)]
Names = Annotated[list[Text], Field(max_length=MAX_NAMES, fail_fast=True)]
Item = TypeVar("Item")
Events = Annotated[list[Item], Field(max_length=MAX_EVENTS, fail_fast=True)]
"""A list of at most :data:`MAX_EVENTS` items that stops at its first invalid item: ``Events[XPEventOut]``."""

XPSource = Literal["combat", "quest", "crafting", "exploration", "social", "other"]
CreditSource = Literal["quest", "vendor", "trade", "mission", "other"]
TransactionType = Literal["gain", "loss", "transfer"]
QuestType = Literal["mission", "delivery", "hunt", "craft", "social", "other"]
RewardType = Literal["xp", "credits", "items", "faction", "other"]
LocationPurpose = Literal["quest_hub", "combat_grinding", "crafting_hub", "travel", "other"]
ChatType = Literal["whisper", "tell", "group_chat", "guild_chat", "other"]
InteractionType = Literal["detected", "whispered", "grouped", "other"]
AlertType = Literal["guild_whisper", "leader_message", "officer_message", "other"]
Priority = Literal["high", "medium", "low"]
SessionMode = Literal["quest", "combat", "crafting", "exploration", "social", "other"]
DataSource = Literal["ms11_bot", "manual_upload", "api_import"]


class _Strict(BaseModel):
    # defer_build: the validators are built on first use (~10 ms), not on import (~40 ms). A client process
    # checks its payloads with the msgspec mirror (payload_fast) and may never validate with the model.
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=MAX_TEXT_CHARS, defer_build=True)


class XPEventOut(_Strict):
    timestamp: Timestamp | None = None
    amount: Count
    profession: str | None = None
    skill: str | None = None
    source: XPSource = "other"
    quest_name: str | None = None
    zone: str | None = None
    level_before: Count | None = None
    level_after: Count | None = None


class Slowdown(_Strict):
    skill: str
    reason: str
    duration_minutes: Minutes | None = None


class XPData(_Strict):
    total_xp_gained: Count
    xp_per_hour: Rate
    xp_events: Events[XPEventOut]
    profession_breakdown: Breakdown
    skill_breakdown: Breakdown
    source_breakdown: Breakdown
    fastest_skills: Names = []
    slowdowns_detected: Annotated[list[Slowdown], Field(max_length=MAX_NAMES, fail_fast=True)] = []


class CreditEventOut(_Strict):
    timestamp: Timestamp | None = None
    amount: Amount
    source: CreditSource = "other"
    balance_after: Amount | None = None
    transaction_type: TransactionType


class BalancePoint(_Strict):
    timestamp: Timestamp | None = None
    balance: Amount


class CreditData(_Strict):
    total_credits_gained: Count
    credits_per_hour: Rate
    credit_events: Events[CreditEventOut]
    balance_history: Events[BalancePoint]


class QuestEventOut(_Strict):
    timestamp: Timestamp | None = None
    quest_name: Annotated[str, Field(min_length=1)]
    quest_type: QuestType = "other"
    reward_type: RewardType = "other"
    reward_amount: Count | None = None
    zone: str | None = None


class QuestData(_Strict):
    total_quests_completed: Count
    quests_per_hour: Rate
    quest_events: Events[QuestEventOut]
    quest_types: Breakdown
    reward_types: Breakdown


class LocationEventOut(_Strict):
    timestamp: Timestamp | None = None
    planet: Annotated[str, Field(min_length=1)]
    city: Annotated[str, Field(min_length=1)] | None = None
    coordinates: Annotated[list[Amount], Field(min_length=2, max_length=2)] | None = None
    duration_minutes: Minutes | None = None
    purpose: LocationPurpose = "other"


class LocationData(_Strict):
    total_locations_visited: Count
    unique_planets: Names
    unique_cities: Names
    location_events: Events[LocationEventOut]
    travel_time_minutes: Minutes
    zone_efficiency: Annotated[dict[Text, Rate], Field(max_length=MAX_NAMES)]
    time_per_planet_minutes: Annotated[dict[Text, Minutes], Field(max_length=MAX_NAMES)] = {}


class CommunicationEventOut(_Strict):
    timestamp: Timestamp | None = None
    event_type: ChatType
    sender: str | None = None
    message: str | None = None
    response_sent: bool | None = None
    sanitized: bool = Field(default=False, alias="_sanitized")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)


class PlayerEncounterOut(_Strict):
    timestamp: Timestamp | None = None
    player: str | None = None  # keyed pseudonym, never the real name
    location: str | None = None
    distance: Annotated[float, Field(ge=0, le=MAX_DISTANCE, allow_inf_nan=False)] | None = None
    interaction_type: InteractionType = "other"
    player_name_removed: bool = Field(default=True, alias="_player_name_removed")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)


class GuildAlertOut(_Strict):
    timestamp: Timestamp | None = None
    sender: str | None = None
    message: str | None = None
    alert_type: AlertType = "other"
    priority: Priority | None = None
    auto_reply_sent: bool | None = None
    reply_message: str | None = None
    sanitized: bool = Field(default=False, alias="_sanitized")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)


class AfkPeriodOut(_Strict):
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    duration_minutes: Minutes | None = None
    reason: str | None = None


class StuckEventOut(_Strict):
    timestamp: Timestamp | None = None
    location: str | None = None
    reason: str | None = None
    duration_seconds: Annotated[float, Field(ge=0, le=MAX_EVENT_MINUTES * 60, allow_inf_nan=False)] | None = (
        None
    )


MAX_WARNINGS = 1_000
"""Most assembly warnings a payload carries (conflicts between files, bot bugs worked around)."""
MAX_HEROIC_LOOT = 10_000
"""Longest heroic loot list (a heroic instance drops a handful of items per boss)."""


class HeroicLootOut(_Strict):
    """One item a heroic instance's boss dropped (the bot's heroic loot tracker); not in the upstream schema."""

    timestamp: Timestamp | None = None
    item: Annotated[str, Field(min_length=1)]
    quantity: Count = 1
    instance: str | None = None
    boss: str | None = None
    rarity: str | None = None


class EventData(_Strict):
    total_events: Count
    event_types: Breakdown
    communication_events: Events[CommunicationEventOut]
    player_encounters: Events[PlayerEncounterOut]
    guild_alerts: Events[GuildAlertOut]
    afk_periods: Events[AfkPeriodOut]
    stuck_events: Events[StuckEventOut]
    # Facts of the MS11 bot's own files (assembled sessions only; absent otherwise). The upstream schema
    # allows extra properties here; docs/payload.md, "Assembled sessions".
    kills_by_creature: Breakdown | None = None
    heroic_loot: Annotated[list[HeroicLootOut], Field(max_length=MAX_HEROIC_LOOT, fail_fast=True)] | None = (
        None
    )


class PerformanceMetrics(_Strict):
    session_duration_minutes: Minutes
    total_actions: Count
    actions_per_hour: Rate
    efficiency_score: Rate
    unique_locations_visited: Count | None = None
    total_travel_time_minutes: Minutes | None = None
    unique_players_encountered: Count | None = None
    quests_completed: Count | None = None
    afk_periods: Count | None = None
    stuck_events: Count | None = None


class SanitizationReport(_Strict):
    """Counts per category of what was removed or replaced, never the values themselves."""

    enabled: bool
    counts: Breakdown = {}


class SourceOut(_Strict):
    """One file an assembled session was built from: its name only (a full path holds the OS user name)."""

    file: Annotated[str, Field(min_length=1, max_length=255)]
    format: str
    taken: Names = []
    truncated: bool = False


class Metadata(_Strict):
    serialization_timestamp: Timestamp
    serializer_version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$", max_length=MAX_VERSION_CHARS)]
    data_source: DataSource = "ms11_bot"
    original_session_keys: Names
    sanitization_applied: bool
    session_mode: SessionMode | None = None
    character_name: str | None = None
    serialization_error: bool | None = None
    error_message: str | None = None
    source_format: str | None = None
    schema_version: Annotated[str, Field(max_length=MAX_VERSION_CHARS)] = SCHEMA_VERSION
    content_digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    sanitization_report: SanitizationReport | None = None
    # assembled sessions only: the files read and what the reader doubted or worked around
    sources: Annotated[list[SourceOut], Field(max_length=MAX_NAMES, fail_fast=True)] | None = None
    warnings: Annotated[list[Text], Field(max_length=MAX_WARNINGS, fail_fast=True)] | None = None
    truncated: bool | None = None


class SessionPayload(_Strict):
    """One serialized session, exactly what leaves the machine."""

    session_id: SessionId
    character_name: Annotated[str, Field(min_length=1, max_length=50)]
    start_time: Timestamp
    end_time: Timestamp
    duration_minutes: Annotated[float, Field(ge=0, le=1440)]
    xp_data: XPData
    credit_data: CreditData
    quest_data: QuestData
    location_data: LocationData
    event_data: EventData
    performance_metrics: PerformanceMetrics
    metadata: Metadata

    # to_json_bytes() memo: the payload is immutable, and a 1M-event dump costs a second or more.
    _json_bytes: bytes | None = PrivateAttr(default=None)

    def to_document(self) -> dict[str, Any]:
        """The JSON document, without null fields (the upstream schema types them as non-null)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_json_bytes(self) -> bytes:
        """Canonical bytes: the same payload always dumps to the same bytes (sorted keys, no nulls)."""
        if self._json_bytes is None:
            self._json_bytes = _canonical(self.to_document())
        return self._json_bytes

    def __eq__(self, other: object) -> bool:
        """Equal fields, equal payloads: the bytes memo is not part of the value."""
        if not isinstance(other, SessionPayload):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # lists inside: never hashable anyway

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> SessionPayload:
        copy = super().model_copy(update=update, deep=deep)
        copy._json_bytes = None  # a copy with changes must not answer with the original's bytes
        return copy


def sealed_json_bytes(document: dict[str, Any]) -> tuple[str, bytes]:
    """The content digest of a payload's ``to_document()``, and the payload's canonical bytes with it set."""
    digest = content_digest(document)
    return digest, _canonical({**document, "metadata": {**document["metadata"], "content_digest": digest}})


def _canonical(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)


VOLATILE_METADATA_KEYS = ("serialization_timestamp", "content_digest")


def content_digest(document: dict[str, Any]) -> str:
    """SHA-256 of a payload document with the volatile metadata left out.

    Two serializations of the same session differ only in when they were made; the digest ignores that,
    so the server can answer "unchanged" to a re-sent session and "updated" to one that grew.
    """
    metadata = {k: v for k, v in document.get("metadata", {}).items() if k not in VOLATILE_METADATA_KEYS}
    stable = {**document, "metadata": metadata}
    return hashlib.sha256(_canonical(stable)).hexdigest()


def payload_json_schema() -> dict[str, Any]:
    """The payload's JSON Schema (draft 2020-12), as shipped in ``docs/schema/session-payload.json``."""
    return SessionPayload.model_json_schema(by_alias=True)


def payload_json_schema_bytes() -> bytes:
    """The exported schema file's exact bytes; ``python -m swgdb_bridge.payload`` prints them."""
    return orjson.dumps(payload_json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


if __name__ == "__main__":
    import sys

    sys.stdout.buffer.write(payload_json_schema_bytes())
