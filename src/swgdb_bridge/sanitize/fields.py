"""Every payload field and its privacy class: the one table the sanitizer, the re-scan, the docs and the tests
read.

A path names a field of the payload document: dots between names, ``[]`` for the items of a list, ``<key>``
for the keys of a mapping and ``*`` for its values. The sanitizer cleans each field by its class, the
fail-closed re-scan (``leaks.scan_payload``) checks each string against its class, and a string at a path
this table does not list is refused: a new field leaves only once someone has classified it here.
``docs/privacy.md`` shows the table as :func:`markdown_table` renders it (a test compares them).
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum


class Privacy(StrEnum):
    NUMBER = "number"
    TIME = "time"
    FLAG = "flag"
    ENUM = "enum"
    DIGEST = "digest"
    IDENTIFIER = "identifier"
    FILE_NAME = "file name"
    OWN_CHARACTER = "own character"
    PLAYER = "player"
    GAME = "game"
    FREE_TEXT = "free text"
    CHAT = "chat"
    SCHEMA_KEY = "schema key"


RULES: dict[Privacy, str] = {
    Privacy.NUMBER: "passes (numbers, counts, rates, coordinates)",
    Privacy.TIME: "passes (a timestamp written from a datetime)",
    Privacy.FLAG: "passes (true/false)",
    Privacy.ENUM: "passes when it is one of a fixed list of lower-case words",
    Privacy.DIGEST: "passes (a SHA-256 we compute)",
    Privacy.IDENTIFIER: "kept whole when every piece is harmless, else replaced whole by a keyed digest",
    Privacy.FILE_NAME: "a session file's name: its stem judged like an identifier, its .json/.jsonl kept",
    Privacy.OWN_CHARACTER: "your character's name; kept when it has a name's shape, else `unknown`",
    Privacy.PLAYER: "a keyed pseudonym (names kept only with `SANITIZE_DATA=false`); your own character stays",
    Privacy.GAME: "known game entity or template; unknown words become pseudonyms",
    Privacy.FREE_TEXT: "never verbatim: a category and the known game entities, coordinates, pseudonyms",
    Privacy.CHAT: "only shared channels, only with `INCLUDE_COMMUNICATIONS=true`, after the full sanitizer",
    Privacy.SCHEMA_KEY: "a key name the input formats define; any other key name is dropped (counted)",
}

# Classes whose values the serializer writes from typed data: the re-scan never needs to read them.
TYPED = frozenset({Privacy.NUMBER, Privacy.TIME, Privacy.FLAG, Privacy.DIGEST})

_N, _T, _F, _E = Privacy.NUMBER, Privacy.TIME, Privacy.FLAG, Privacy.ENUM
_G, _X, _P, _C = Privacy.GAME, Privacy.FREE_TEXT, Privacy.PLAYER, Privacy.CHAT


def _map(path: str, key: Privacy, value: Privacy) -> dict[str, Privacy]:
    return {f"{path}.<key>": key, f"{path}.*": value}


def _record(path: str, **fields: Privacy) -> dict[str, Privacy]:
    return {f"{path}.{name}": privacy for name, privacy in fields.items()}


FIELDS: dict[str, Privacy] = {
    "session_id": Privacy.IDENTIFIER,
    "character_name": Privacy.OWN_CHARACTER,
    "start_time": _T,
    "end_time": _T,
    "duration_minutes": _N,
    **_record("xp_data", total_xp_gained=_N, xp_per_hour=_N),
    **_record(
        "xp_data.xp_events[]", timestamp=_T, amount=_N, profession=_G, skill=_G, source=_E, quest_name=_G,
        zone=_G, level_before=_N, level_after=_N,
    ),
    **_map("xp_data.profession_breakdown", _G, _N),
    **_map("xp_data.skill_breakdown", _G, _N),
    **_map("xp_data.source_breakdown", _E, _N),
    "xp_data.fastest_skills[]": _G,
    **_record("xp_data.slowdowns_detected[]", skill=_G, reason=_E, duration_minutes=_N),
    **_record("credit_data", total_credits_gained=_N, credits_per_hour=_N),
    **_record(
        "credit_data.credit_events[]", timestamp=_T, amount=_N, source=_E, balance_after=_N,
        transaction_type=_E,
    ),
    **_record("credit_data.balance_history[]", timestamp=_T, balance=_N),
    **_record("quest_data", total_quests_completed=_N, quests_per_hour=_N),
    **_record(
        "quest_data.quest_events[]", timestamp=_T, quest_name=_G, quest_type=_E, reward_type=_E,
        reward_amount=_N, zone=_G,
    ),
    **_map("quest_data.quest_types", _E, _N),
    **_map("quest_data.reward_types", _E, _N),
    **_record("location_data", total_locations_visited=_N, travel_time_minutes=_N),
    "location_data.unique_planets[]": _G,
    "location_data.unique_cities[]": _G,
    **_record(
        "location_data.location_events[]", timestamp=_T, planet=_G, city=_G, coordinates=_N,
        duration_minutes=_N, purpose=_E,
    ),
    **_map("location_data.zone_efficiency", _G, _N),
    **_map("location_data.time_per_planet_minutes", _G, _N),
    "event_data.total_events": _N,
    **_map("event_data.event_types", _E, _N),
    **_record(
        "event_data.communication_events[]", timestamp=_T, event_type=_E, sender=_P, message=_C,
        response_sent=_F, _sanitized=_F,
    ),
    **_record(
        "event_data.player_encounters[]", timestamp=_T, player=_P, location=_G, distance=_N,
        interaction_type=_E, _player_name_removed=_F,
    ),
    **_record(
        "event_data.guild_alerts[]", timestamp=_T, sender=_P, message=_C, alert_type=_E, priority=_E,
        auto_reply_sent=_F, reply_message=_C, _sanitized=_F,
    ),
    **_record("event_data.afk_periods[]", start_time=_T, end_time=_T, duration_minutes=_N, reason=_X),
    **_record("event_data.stuck_events[]", timestamp=_T, location=_G, reason=_X, duration_seconds=_N),
    **_map("event_data.kills_by_creature", _G, _N),
    **_record(
        "event_data.heroic_loot[]", timestamp=_T, item=_G, quantity=_N, instance=_G, boss=_G, rarity=_G
    ),
    **_record(
        "performance_metrics", session_duration_minutes=_N, total_actions=_N, actions_per_hour=_N,
        efficiency_score=_N, unique_locations_visited=_N, total_travel_time_minutes=_N,
        unique_players_encountered=_N, quests_completed=_N, afk_periods=_N, stuck_events=_N,
    ),
    **_record(
        "metadata", serialization_timestamp=_T, serializer_version=_E, data_source=_E, sanitization_applied=_F,
        session_mode=_E, character_name=Privacy.OWN_CHARACTER, serialization_error=_F, error_message=_X,
        source_format=_E, schema_version=_E, content_digest=Privacy.DIGEST,
    ),
    "metadata.original_session_keys[]": Privacy.SCHEMA_KEY,
    **_record("metadata.sources[]", file=Privacy.FILE_NAME, format=_E, truncated=_F),
    "metadata.sources[].taken[]": _E,
    "metadata.warnings[]": _X,
    "metadata.truncated": _F,
    "metadata.sanitization_report.enabled": _F,
    **_map("metadata.sanitization_report.counts", _E, _N),
}  # fmt: skip

_INDEX = re.compile(r"\[\d*\]")


def canonical(path: str) -> str:
    """A table path or a concrete one ("$.xp_data.xp_events[3].zone") in the form lookups use."""
    path = _INDEX.sub("", path.removeprefix("$").removeprefix("."))
    return path


_BY_PATH = {canonical(path): privacy for path, privacy in FIELDS.items()}
MAPS = frozenset(path.removesuffix(".<key>") for path in _BY_PATH if path.endswith(".<key>"))
# Slowdown reasons: the one enum field the payload model types as a plain string, so its words are listed
# here ("no_xp_gain" is what the serializer writes, "unspecified" what the reader gives a reason-less one).
SLOWDOWN_REASONS = frozenset({"no_xp_gain", "unspecified", "other"})
# The key names the input formats define (docs/session-format.md): top-level keys of the tracker,
# character_sessions, loot_farming and xp_export files and the JSON Lines event types. A key the user or
# another tool added can be anything ("pw_hunter2", "discord_bobsmith"), so no other name leaves as written.
INPUT_KEYS = frozenset(
    {"session_id", "character_name", "character_id", "start_time", "end_time", "duration_minutes", "mode",
     # tracker
     "xp", "credits", "quests_completed", "locations_visited", "communication_events", "player_encounters",
     "guild_alerts", "afk_periods", "stuck_events", "performance_metrics", "actions",
     # character_sessions
     "xp_gained", "credits_earned", "activities", "notes", "planet_start", "planet_end", "location_start",
     "location_end", "coordinates_start", "coordinates_end", "start_credits", "end_credits", "start_xp",
     "end_xp",
     # loot_farming
     "session_info", "loot_log", "combat_log", "total_loot", "enemies_defeated", "target_items_found",
     "zones_visited",
     # xp_export
     "export_timestamp", "session_summary", "xp_events", "skill_progress", "hourly_rates", "daily_totals",
     "summary", "zone_efficiency",
     # JSON Lines event types
     "session_start", "session_end", "quest", "location", "chat", "encounter", "guild_alert", "afk", "stuck",
     "action", "loot"}
)  # fmt: skip
# The readers' format names (``FORMAT`` of each ``sources`` module, and "assembled"): ``source_format`` and
# ``metadata.sources[].format`` hold one of them.
SOURCE_FORMATS = frozenset(
    {"jsonl", "tracker", "character_sessions", "loot_farming", "xp_export", "assembled", "lifetime_state",
     "space_quest", "combat_log", "credit_log", "xp_history", "ingest_store", "xp_tracking", "step_log",
     "xp_actions", "legacy_session", "dual_session", "heroic_loot"}
)  # fmt: skip
_FIXED_WORDS = {
    canonical("xp_data.slowdowns_detected[].reason"): SLOWDOWN_REASONS,
    canonical("metadata.original_session_keys[]"): INPUT_KEYS,
}


@functools.lru_cache(maxsize=1024)  # the re-scan asks for the same few hundred paths again and again
def privacy_of(path: str) -> Privacy | None:
    """The class of a field, given its table path or a concrete document path; None when unclassified."""
    return _BY_PATH.get(canonical(path))


@functools.lru_cache(maxsize=1024)
def fixed_words(path: str) -> frozenset[str] | None:
    """The only words a field may hold where the payload model does not fix them (an enum typed as a plain
    string, the input's key names), else None."""
    return _FIXED_WORDS.get(canonical(path))


def typed_names() -> frozenset[str]:
    """Field names whose every occurrence in the table is typed: a scan may skip them by name."""
    typed: set[str] = set()
    text: set[str] = set()
    for path, privacy in _BY_PATH.items():
        *parents, name = path.split(".")
        text.update(parents)  # "afk_periods" is a count in one place and a list of reasons in another
        (typed if privacy in TYPED else text).add(name)
    return frozenset(typed - text - {"*", "<key>"})


def markdown_table() -> str:
    """The table as docs/privacy.md shows it: one row per field, with its class and rule."""
    rows = ["| field | class | rule |", "| --- | --- | --- |"]
    rows += [f"| `{path}` | {privacy.value} | {RULES[privacy]} |" for path, privacy in FIELDS.items()]
    return "\n".join(rows) + "\n"
