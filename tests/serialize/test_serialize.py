"""SessionLogSerializer on sessions built here: ids, options, refusals, sections, the fail-closed scan."""

from __future__ import annotations

import gc
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest

from swgdb_bridge.demo.samples import write_jsonl_session
from swgdb_bridge.errors import SanitizationError, SessionFileError
from swgdb_bridge.model import (
    AfkPeriod,
    ChatMessage,
    CreditChange,
    GuildAlert,
    LocationVisit,
    PlayerEncounter,
    QuestCompletion,
    Session,
    StuckEvent,
    XPGain,
)
from swgdb_bridge.sanitize import Sanitizer, scan_for_leaks
from swgdb_bridge.sanitize.channels import is_shared
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import SessionLogSerializer
from swgdb_bridge.serialize.classify import ALERT_TYPES
from swgdb_bridge.serialize.scan_view import scan_view
from swgdb_bridge.serialize.serializer import MAX_KEPT_EVENTS

KEY = bytes(range(32))
START = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
CLOCK = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def make_session(**fields: Any) -> Session:
    values: dict[str, Any] = {
        "session_id": "s-1",
        "character_name": "Dex Orrin",
        "start_time": START,
        "end_time": at(120),
        "source_format": "jsonl",
    }
    values.update(fields)
    return Session(**values)


def serialize(session: Session, **options: bool) -> dict[str, Any]:
    opts = SanitizeOptions(**options)
    return (
        SessionLogSerializer(opts, Sanitizer(opts, KEY), clock=lambda: CLOCK).serialize(session).to_document()
    )


# --- identity ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["session_20261001", "ms11-20261107-1915", "jsonl_20261001_200100_0003"])
def test_a_harmless_session_id_is_kept_whole(raw: str) -> None:
    assert serialize(make_session(session_id=raw))["session_id"] == raw


@pytest.mark.parametrize("raw", ["my session #1", "a/b\\c:d", "DESKTOP-JSMITH-20261107", "x" * 60 + "-one"])
def test_any_other_session_id_is_replaced_whole_by_a_keyed_digest(raw: str) -> None:
    uploaded = serialize(make_session(session_id=raw))["session_id"]
    assert re.fullmatch(r"sid-[0-9a-f]{32}", uploaded)


def test_long_session_ids_stay_distinct() -> None:
    first = serialize(make_session(session_id="x" * 60 + "-one"))["session_id"]
    second = serialize(make_session(session_id="x" * 60 + "-two"))["session_id"]
    assert first != second


def test_session_without_id_is_named_after_its_file() -> None:
    assert (
        serialize(make_session(session_id="", source_path=Path("/logs/rls_farming_2025.json")))["session_id"]
        == "rls_farming_2025"
    )


def test_character_name_falls_back_to_the_character_id_then_unknown() -> None:
    with_id = serialize(make_session(character_name=None, extra={"character_id": "char_001"}))
    assert with_id["character_name"] == "char_001"
    assert "character_name" not in with_id["metadata"]  # an id is not a name the log stated
    assert serialize(make_session(character_name=None))["character_name"] == "unknown"
    assert serialize(make_session(character_name="N" * 80))["character_name"] == "N" * 50


def test_timestamps_come_out_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    doc = serialize(make_session(start_time=datetime(2026, 11, 20, 20, 0, tzinfo=plus_two), end_time=at(60)))
    assert doc["start_time"] == "2026-11-20T18:00:00Z"
    assert doc["metadata"]["serialization_timestamp"] == "2026-11-24T09:00:00Z"


# --- refusals ---------------------------------------------------------------------------------------------


def test_a_session_over_24_hours_is_refused_not_clipped() -> None:
    with pytest.raises(SessionFileError) as caught:
        serialize(make_session(end_time=at(24 * 60 + 1)))
    assert caught.value.field == "end_time" and "24 h" in caught.value.reason


def test_a_session_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(SessionFileError, match="ends before it starts"):
        serialize(make_session(end_time=at(-5)))


def test_exactly_24_hours_is_accepted() -> None:
    assert serialize(make_session(end_time=at(24 * 60)))["duration_minutes"] == 1440


def test_a_value_the_schema_refuses_names_its_field() -> None:
    with pytest.raises(SessionFileError) as caught:
        serialize(make_session(xp_gains=[XPGain(at(1), 10), XPGain(at(2), -5)]))
    assert caught.value.field == "xp_data.xp_events.1.amount"


def test_the_first_refused_field_is_named_even_when_a_section_after_it_is_refused_too() -> None:
    """The error named is the first in the payload's field order, wherever else the schema refuses."""
    early = datetime(1999, 12, 31, 23, 0, tzinfo=UTC)  # before the payload's era
    with pytest.raises(SessionFileError) as caught:
        serialize(
            make_session(start_time=early, end_time=early + timedelta(hours=2), xp_gains=[XPGain(early, -5)])
        )
    assert caught.value.field == "start_time"


def test_fail_closed_when_the_sanitizer_left_a_name_in() -> None:
    """A sanitizer set not to pseudonymize, under a serializer that promises it: nothing may be emitted."""
    session = make_session(encounters=[PlayerEncounter(at(5), "Zorvath", "Theed", 4.0, "detected")])
    lax = SanitizeOptions(sanitize_data=False, include_player_encounters=True)
    strict = SanitizeOptions(include_player_encounters=True)
    serializer = SessionLogSerializer(strict, Sanitizer(lax, KEY))
    with pytest.raises(SanitizationError) as caught:
        serializer.serialize(session)
    assert "player_names" in str(caught.value) and "Zorvath" not in str(caught.value)


# --- options ----------------------------------------------------------------------------------------------


def rich_session() -> Session:
    return make_session(
        credits_start=1000,
        credits_end=1500,
        xp_gains=[XPGain(at(10), 300, "marksman", "rifle", "combat", zone="naboo")],
        credit_changes=[CreditChange(at(11), 500, "loot")],
        quests=[QuestCompletion(at(20), "Escort the Jawa Trader", zone="naboo")],
        locations=[LocationVisit(at(0), "Naboo", "Theed", (12.6, -40.2), at(60), None, "quest")],
        messages=[ChatMessage(at(30), "tell", "Zorvath", "see you at Theed", True)],
        encounters=[PlayerEncounter(at(31), "Zorvath", "Naboo - Theed", 4.0, "whispered")],
        afk_periods=[AfkPeriod(at(40), at(46), None, "door")],
        stuck_events=[StuckEvent(at(50), "Naboo - Theed", "path_blocked", 30.0)],
    )


def test_without_events_the_lists_are_empty_and_the_counts_stay() -> None:
    full, bare = serialize(rich_session()), serialize(rich_session(), include_events=False)
    for section, key in [
        ("xp_data", "xp_events"),
        ("credit_data", "credit_events"),
        ("quest_data", "quest_events"),
        ("event_data", "communication_events"),
        ("event_data", "afk_periods"),
        ("event_data", "stuck_events"),
    ]:
        assert full[section][key] and bare[section][key] == [], key
    assert bare["event_data"]["event_types"] == full["event_data"]["event_types"]
    assert bare["quest_data"]["quest_types"] == full["quest_data"]["quest_types"] == {"delivery": 1}
    assert [p["balance"] for p in bare["credit_data"]["balance_history"]] == [1000, 1500]


def test_without_locations_no_place_or_coordinate_leaves() -> None:
    full, bare = serialize(rich_session()), serialize(rich_session(), include_locations=False)
    assert full["location_data"]["location_events"][0]["coordinates"] == [13, -40]
    text = orjson.dumps(bare).decode()
    assert "Naboo" not in text and "naboo" not in text and "Theed" not in text and "coordinates" not in text
    assert bare["location_data"]["total_locations_visited"] == 1
    assert bare["performance_metrics"]["unique_locations_visited"] == 1


def test_encounters_leave_only_as_pseudonyms_when_included() -> None:
    doc = serialize(rich_session(), include_player_encounters=True)
    encounter = doc["event_data"]["player_encounters"][0]
    assert encounter["player"].startswith("Player-") and encounter["_player_name_removed"] is True
    assert "Zorvath" not in orjson.dumps(doc).decode()
    assert serialize(rich_session())["event_data"]["player_encounters"] == []
    assert serialize(rich_session())["event_data"]["event_types"]["player_encounter"] == 1


# --- computed sections ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quest", "kind"),
    [
        ("Escort the Jawa Trader", "delivery"),
        ("Deliver Spice to Jabba's Palace", "delivery"),
        ("Clear the Tusken Camp", "hunt"),
        ("Hunt the Krayt Dragon", "hunt"),
        ("Kill 10 womp rats", "hunt"),
        ("Craft a Composite Armor", "craft"),
        ("Recover the Holocron Fragment", "mission"),
        ("Sit down", "other"),
    ],
)
def test_quest_names_are_classified_by_keyword(quest: str, kind: str) -> None:
    doc = serialize(make_session(quests=[QuestCompletion(at(5), quest)]))
    assert doc["quest_data"]["quest_events"][0]["quest_type"] == kind


def test_quest_rewarding_xp_is_told_by_the_xp_events() -> None:
    session = make_session(
        quests=[QuestCompletion(at(5), "Healing the Sick"), QuestCompletion(at(6), "Sit down")],
        xp_gains=[XPGain(at(5), 400, "medic", source="quest", quest_name="Healing the Sick")],
    )
    assert serialize(session)["quest_data"]["reward_types"] == {"xp": 1, "other": 1}


def test_declared_xp_total_wins_and_the_rest_is_unattributed() -> None:
    session = make_session(xp_gained=1000, xp_gains=[XPGain(at(1), 300, "marksman", "rifle", "combat")])
    xp = serialize(session)["xp_data"]
    assert xp["total_xp_gained"] == 1000 and xp["xp_per_hour"] == 500.0
    assert xp["profession_breakdown"] == {"marksman": 300, "unattributed": 700}
    assert xp["source_breakdown"] == {"combat": 300}


def test_declared_breakdowns_are_used_without_per_event_records() -> None:
    session = make_session(xp_gained=90, declared_breakdowns={"skill": {"b": 40, "a": 40, "c": 10}})
    xp = serialize(session)["xp_data"]
    assert xp["skill_breakdown"] == {"b": 40, "a": 40, "c": 10}
    assert xp["fastest_skills"] == ["a", "b", "c"]


def test_long_gaps_between_gains_of_a_skill_are_slowdowns() -> None:
    gains = [XPGain(at(m), 10, "scout", "trapping") for m in (0, 5, 35, 40)] + [
        XPGain(at(90), 10, "scout", "x")
    ]
    assert serialize(make_session(xp_gains=gains))["xp_data"]["slowdowns_detected"] == [
        {"skill": "trapping", "reason": "no_xp_gain", "duration_minutes": 30.0}
    ]


def test_balance_history_runs_from_start_to_end() -> None:
    session = make_session(
        credits_start=100,
        credits_end=90,
        credit_changes=[
            CreditChange(at(1), 50, "quest"),
            CreditChange(at(2), -20, "vendor"),
            CreditChange(at(3), -40, "bank transfer", balance_after=90),
        ],
    )
    credits = serialize(session)["credit_data"]
    assert [p["balance"] for p in credits["balance_history"]] == [100, 150, 130, 90, 90]
    assert [e["transaction_type"] for e in credits["credit_events"]] == ["gain", "loss", "transfer"]
    assert credits["total_credits_gained"] == 0  # net −10, floored


def test_a_long_list_keeps_its_ends_and_counts_the_rest_while_totals_count_every_event() -> None:
    extra = 37
    n = MAX_KEPT_EVENTS + extra
    gains = [XPGain(at(i * 100 / n), 1 + i % 7, "marksman", "rifle", "combat") for i in range(n)]
    changes = [CreditChange(at(i * 100 / n), 2, "quest") for i in range(n)]
    doc = serialize(make_session(credits_start=0, credits_end=2 * n, xp_gains=gains, credit_changes=changes))
    xp, credits = doc["xp_data"], doc["credit_data"]
    half = MAX_KEPT_EVENTS // 2
    assert len(xp["xp_events"]) == len(credits["credit_events"]) == MAX_KEPT_EVENTS
    kept = [*gains[:half], *gains[-half:]]
    assert [e["amount"] for e in xp["xp_events"]] == [g.amount for g in kept]
    assert xp["total_xp_gained"] == sum(g.amount for g in gains)
    assert xp["profession_breakdown"] == {"marksman": sum(g.amount for g in gains)}
    assert credits["total_credits_gained"] == 2 * n
    history = credits["balance_history"]  # start, n running balances, end: the running sum spans the middle
    assert [p["balance"] for p in history[-2:]] == [2 * n, 2 * n]
    counts = doc["metadata"]["sanitization_report"]["counts"]
    assert {k: v for k, v in counts.items() if k.endswith("_omitted")} == {
        "xp_events_omitted": extra,
        "credit_events_omitted": extra,
        "balance_history_omitted": extra + 2,
    }


def test_a_list_at_the_cap_is_whole_and_nothing_is_counted_as_omitted() -> None:
    gains = [XPGain(at(i / 100), 1, "marksman", "rifle", "combat") for i in range(MAX_KEPT_EVENTS)]
    doc = serialize(make_session(xp_gains=gains))
    assert len(doc["xp_data"]["xp_events"]) == MAX_KEPT_EVENTS
    assert not any(k.endswith("_omitted") for k in doc["metadata"]["sanitization_report"]["counts"])


def test_locations_time_travel_and_zone_efficiency() -> None:
    session = make_session(
        locations=[
            LocationVisit(at(0), "Naboo", "Theed", departure=at(30)),
            LocationVisit(at(35), "Naboo", "Keren", duration_minutes=10.0, purpose="travel"),
            LocationVisit(at(50), "Tatooine", "Mos Eisley"),
        ],
        xp_gains=[XPGain(at(5), 600, zone="naboo"), XPGain(at(60), 700, zone="Tatooine")],
    )
    places = serialize(session)["location_data"]
    assert places["unique_planets"] == ["Naboo", "Tatooine"]
    assert places["time_per_planet_minutes"] == {"Naboo": 40.0, "Tatooine": 70.0}
    assert places["travel_time_minutes"] == 15.0  # the travel visit + the 5 minutes from Theed to Keren
    assert places["zone_efficiency"] == {"naboo": 15.0, "Tatooine": 10.0}


def test_zone_efficiency_without_visits_uses_the_time_between_gains() -> None:
    gains = [XPGain(at(0), 100, zone="lok"), XPGain(at(10), 50, zone="rori"), XPGain(at(15), 30, zone="lok")]
    assert serialize(make_session(xp_gains=gains))["location_data"]["zone_efficiency"] == {
        "lok": 13.0,
        "rori": 10.0,
    }


def test_event_counts_add_up() -> None:
    events = serialize(rich_session())["event_data"]
    assert events["event_types"]["communication_tell"] == 1
    assert events["total_events"] == sum(events["event_types"].values()) == 4


def test_efficiency_score_by_hand() -> None:
    """rich_session: 120 min; 300 XP, 500 credits, 1 quest; AFK 6 min, stuck 30 s."""
    doc = serialize(rich_session())
    xp_h, cr_h, q_h = 150.0, 250.0, 0.5
    assert (doc["xp_data"]["xp_per_hour"], doc["credit_data"]["credits_per_hour"]) == (xp_h, cr_h)
    assert doc["quest_data"]["quests_per_hour"] == q_h
    productivity = 0.5 * xp_h / 50_000 + 0.3 * cr_h / 100_000 + 0.2 * q_h / 4
    active = 1 - (6 + 0.5) / 120
    assert doc["performance_metrics"]["efficiency_score"] == round(100 * productivity * active, 2) == 2.58


def test_the_documented_worked_example(corpus_dir: Path) -> None:
    """docs/payload.md works the score out for this file: 48.68."""
    options = SanitizeOptions()
    serializer = SessionLogSerializer(options, Sanitizer(options, KEY))
    payload = serializer.serialize_file(corpus_dir / "tracker" / "session_20261001_200100_0000.json")
    assert payload.performance_metrics.efficiency_score == 48.68


def test_efficiency_score_is_bounded() -> None:
    huge = make_session(xp_gained=10**7, credits_gained=10**8, quests=[QuestCompletion(at(1), "q")] * 50)
    assert serialize(huge)["performance_metrics"]["efficiency_score"] == 100.0
    idle = make_session(xp_gained=10**7, afk_periods=[AfkPeriod(at(0), at(120)), AfkPeriod(at(0), at(120))])
    assert serialize(idle)["performance_metrics"]["efficiency_score"] == 0.0
    assert (
        serialize(make_session(end_time=START, xp_gained=5))["performance_metrics"]["efficiency_score"] == 0.0
    )


# --- what the leak scan sees ------------------------------------------------------------------------------


def test_scan_view_keeps_every_log_string_once_and_drops_generated_fields() -> None:
    document = {
        "session_id": "s-1",
        "event_data": {
            "communication_events": [
                {
                    "timestamp": "2026-11-20T18:00:00Z",
                    "event_type": "tell",
                    "sender": "Player-1",
                    "message": "hi",
                },
                {
                    "timestamp": "2026-11-20T18:01:00Z",
                    "event_type": "tell",
                    "sender": "Player-1",
                    "message": "mail me at dex@example.com",
                },
            ],
            "event_types": {"communication_tell": 2},
        },
        "location_data": {"unique_planets": ["Naboo", "Naboo"], "location_events": [{"coordinates": [1, 2]}]},
        "metadata": {"serialization_timestamp": "x", "sanitization_report": {"counts": {"passwords": 0}}},
    }
    view = scan_view(document)
    assert view["event_data"]["communication_events"] == {
        "event_type": ["tell"],  # an enum word: scanned for its class, like every field that is not typed
        "sender": ["Player-1"],
        "message": ["hi", "mail me at dex@example.com"],
    }
    assert view["location_data"]["unique_planets"] == ["Naboo"]
    assert view["metadata"] == {"sanitization_report": {"counts": {"passwords": 0}}}
    assert any(
        finding.startswith("emails at $.event_data.communication_events.message")
        for finding in scan_for_leaks(view)
    )


def test_the_garbage_collector_is_back_on_after_success_and_failure() -> None:
    serialize(make_session())
    assert gc.isenabled()
    with pytest.raises(SessionFileError):
        serialize(make_session(xp_gains=[XPGain(at(1), -5)]))
    assert gc.isenabled()


def test_a_chatty_generated_session_uploads_none_of_its_planted_secrets(tmp_path: Path) -> None:
    """Everything included: the text goes, the names, passwords, addresses, tokens and paths do not."""
    path = write_jsonl_session(tmp_path / "chatty.jsonl", random.Random(7), 3000)
    everything = SanitizeOptions(include_communications=True, include_player_encounters=True)
    payload = SessionLogSerializer(everything, Sanitizer(everything, KEY)).serialize_file(path)
    text = payload.to_json_bytes().decode()
    assert payload.event_data.communication_events and payload.event_data.player_encounters
    assert any(e.message for e in payload.event_data.communication_events)  # text was kept, cleaned
    planted = {
        "passwords": ("hunter2", "Tr0ub4dor&3", "swordfish77"),
        "emails": ("@example.com",),
        "addresses": ("203.0.113.",),
        "phones": ("555-01",),
        "tokens": ("ghp_", "discord.com/api/webhooks"),
        "OS users": ("dexter", "mira.s", "tv_admin"),
        "players": ("Zorvath", "Kelindra", "Drayko", "Vexa Thorn"),
    }
    raw = path.read_text()
    assert [kind for kind, values in planted.items() if not any(v in raw for v in values)] == []  # all there
    leaked = [value for values in planted.values() for value in values if value in text]
    assert leaked == []


@pytest.mark.parametrize("cleaned", [True, False])
def test_a_chat_line_longer_than_the_payload_allows_is_cut_not_the_session_refused(cleaned: bool) -> None:
    """A pasted wall of text in group chat or a guild alert: cut after the last word that fits the limit
    once cleaned (the sanitizer's one rule for every text), and the session sent."""
    wall = "wts krayt dragon pearl, pst " * 200
    everything = SanitizeOptions(include_communications=True, sanitize_data=cleaned)
    alert = GuildAlert(at(31), None, wall, "guild_chat", "normal", True, wall)
    session = make_session(messages=[ChatMessage(at(30), "group", None, wall)], guild_alerts=[alert])
    payload = SessionLogSerializer(everything, Sanitizer(everything, KEY)).serialize(session)
    (message,) = payload.event_data.communication_events
    (posted,) = payload.event_data.guild_alerts
    for text in (message.message, posted.message, posted.reply_message):
        assert text is not None and 1900 < len(text) <= 2000
        assert text.startswith("wts krayt dragon pearl") and wall.startswith(text)


@pytest.mark.parametrize(
    ("label", "alert_type"),
    [
        ("guild", "other"),
        ("guild_chat", "other"),
        ("Guild", "other"),
        ("guild_whisper", "guild_whisper"),
        ("whisper", "guild_whisper"),
        ("guild_tell", "guild_whisper"),
        ("officer", "officer_message"),
        ("leader", "leader_message"),
    ],
)
def test_an_alert_type_reads_as_private_only_when_its_channel_is(label: str, alert_type: str) -> None:
    """A shared guild alert ("guild") is not a whisper: uploaded as one it would read as private text."""
    assert ALERT_TYPES(label) == alert_type
    assert is_shared(label) is (alert_type in ("other", "leader_message"))
