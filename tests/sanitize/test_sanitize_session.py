"""Whole sessions: what is dropped, what is pseudonymized, what the report says, the properties that hold."""

from __future__ import annotations

import copy
import dataclasses
import random
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swgdb_bridge.demo.samples import PLAYERS, generate_tracker_session
from swgdb_bridge.model import (
    Action,
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
from swgdb_bridge.sanitize import CATEGORIES, Sanitizer, player_names, scan_for_leaks
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.sources import read_session

KEY = bytes(range(32))
T0 = datetime(2026, 10, 1, 20, 0, tzinfo=UTC)
OWN = "Dex Orrin"


def plain(value: Any) -> Any:
    """A session as dicts, lists and values — records (dataclasses, msgspec Structs) and a sanitized
    session's views (``sanitize.cleaned.Cleaned``) included, every record read — for walks and scans."""
    if isinstance(value, msgspec.Struct):
        return {name: plain(getattr(value, name)) for name in value.__struct_fields__}
    if dataclasses.is_dataclass(value):
        return {spec.name: plain(getattr(value, spec.name)) for spec in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {name: plain(item) for name, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(item) for item in value]
    return value


def strings_in(value: Any) -> Iterator[str]:
    """Every string anywhere in a Session (fields, nested events, dict keys, paths)."""
    value = plain(value)
    if isinstance(value, str):
        yield value
    elif isinstance(value, Path):
        yield str(value)
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from strings_in(name)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def make_session(**changes: Any) -> Session:
    session = Session(
        session_id="session_test",
        character_name=OWN,
        start_time=T0,
        end_time=T0 + timedelta(hours=2),
        source_format="tracker",
        source_path=Path("/home/alice/ms11/logs/session_test.json"),
        xp_gained=1200,
        credits_gained=500,
        quests=[QuestCompletion(T0, "Escort the Jawa Trader")],
        locations=[LocationVisit(T0, "Tatooine", "Mos Eisley", purpose="travel")],
        messages=[
            ChatMessage(T0, "tell", "Zorvath", "my email is z@example.com, call 555-123-4567"),
            ChatMessage(T0, "group_chat", "Kelindra", "LF group, Zorvath's buying"),
            ChatMessage(T0, "guild_chat", OWN, "brb"),
        ],
        encounters=[PlayerEncounter(T0, "Drayko", "Tatooine - Mos Eisley", 12.0, "detected")],
        guild_alerts=[
            GuildAlert(T0, "Zorvath", "Meeting at 8", "guild_whisper", "high", True, "Will be there!")
        ],
        stuck_events=[StuckEvent(T0, "Near Kelindra's house", "path_blocked", 30.0)],
        actions=[
            Action(T0, "Grouped with Zorvath"),
            Action(T0, "Killed womp rat (+145 XP)"),
            Action(T0, "Traded with Mira Sol"),
            Action(T0, "Spoke with Lord Nyax"),
            Action(T0, "Saved log to C:\\Users\\alice\\ms11"),
        ],
        xp_gains=[XPGain(T0, 700, "Marksman"), XPGain(T0, 500, "Medic")],
        credit_changes=[CreditChange(T0, 500, "quest")],
        notes=["drayko helped", "api token: abcdef123456"],
        extra={"discord": {"webhook_url": "https://discord.com/api/webhooks/1/x", "channel": "general"}},
    )
    return dataclasses.replace(session, **changes)


def test_default_options_drop_messages_and_encounters_and_pseudonymize_the_rest() -> None:
    cleaned, report = Sanitizer(SanitizeOptions(), KEY).sanitize_session(make_session())
    sanitizer = Sanitizer(SanitizeOptions(), KEY)
    assert [m.message for m in cleaned.messages] == ["", "", ""]
    assert [m.channel for m in cleaned.messages] == ["tell", "group_chat", "guild_chat"]
    senders = [sanitizer.pseudonym("Zorvath"), sanitizer.pseudonym("Kelindra"), OWN]
    assert [m.sender for m in cleaned.messages] == senders
    assert cleaned.encounters == []
    assert (cleaned.guild_alerts[0].message, cleaned.guild_alerts[0].reply_message) == ("", None)
    assert cleaned.actions[0].text == f"Grouped with {sanitizer.pseudonym('Zorvath')}"
    assert cleaned.actions[1].text == "Killed womp rat (+145 XP)"
    assert cleaned.actions[2].text == f"Traded with {sanitizer.pseudonym('Mira Sol')}"
    assert cleaned.actions[3].text == "Spoke with Lord Nyax"
    assert cleaned.actions[4].text == "Saved log to C:\\Users\\[user]\\ms11"
    assert cleaned.stuck_events[0].location == f"Near {sanitizer.pseudonym('Kelindra')}'s house"
    assert cleaned.notes == [f"{sanitizer.pseudonym('Drayko')} helped", "api token: [password]"]
    assert cleaned.extra == {"discord": {"webhook_url": "[redacted]", "channel": "general"}}
    assert str(cleaned.source_path) == "/home/[user]/ms11/logs/session_test.json"
    assert cleaned.character_name == OWN
    assert report.enabled is True
    assert report.counts == {
        **dict.fromkeys(CATEGORIES, 0),
        "messages_removed": 3,
        "guild_alerts_removed": 1,
        "encounters_removed": 1,
        "player_names": 7,  # 2 senders, 1 alert sender, 2 actions, the stuck location, a note
        "path_users": 2,
        "passwords": 1,
        "sensitive_keys": 1,
        "free_text_reduced": 1,  # the stuck reason
    }


def test_included_communications_keep_shared_channels_cleaned_and_never_private_ones() -> None:
    options = SanitizeOptions(include_communications=True, include_player_encounters=True)
    sanitizer = Sanitizer(options, KEY)
    shared = ChatMessage(T0, "guild_chat", "Kelindra", "my email is z@example.com, call 555-123-4567")
    session = make_session()
    cleaned, report = sanitizer.sanitize_session(
        dataclasses.replace(session, messages=[*session.messages, shared])
    )
    assert cleaned.messages[0].message == ""  # a tell: private whatever the settings
    assert cleaned.messages[1].message == f"LF group, {sanitizer.pseudonym('Zorvath')}'s buying"
    assert cleaned.messages[3].message == "my email is [email], call [phone]"
    assert cleaned.guild_alerts[0].reply_message is None  # a guild whisper is private too
    assert [e.player_name for e in cleaned.encounters] == [sanitizer.pseudonym("Drayko")]
    assert (report.counts["messages_removed"], report.counts["guild_alerts_removed"]) == (1, 1)
    assert report.counts["encounters_removed"] == 0
    assert (report.counts["emails"], report.counts["phones"]) == (1, 1)


def test_sanitize_data_off_keeps_names_but_obeys_the_include_flags_and_removes_secrets() -> None:
    options = SanitizeOptions(sanitize_data=False, include_player_encounters=True)
    cleaned, report = Sanitizer(options, KEY).sanitize_session(make_session())
    assert report.enabled is False
    assert cleaned.messages[1].sender == "Kelindra"  # a shared channel's sender, as the user chose
    assert cleaned.messages[0].sender == Sanitizer(options, KEY).pseudonym("Zorvath")  # a tell's: always
    assert cleaned.messages[0].message == ""
    assert cleaned.encounters[0].player_name == "Drayko"
    assert cleaned.actions[0].text == "Grouped with Zorvath"
    assert cleaned.notes[1] == "api token: [password]"
    assert report.counts["player_names"] == 2  # the senders of the tell and of the guild whisper


def test_the_input_session_is_not_changed() -> None:
    session = make_session()
    before = copy.deepcopy(session)
    cleaned, _ = Sanitizer(SanitizeOptions(include_communications=True), KEY).sanitize_session(session)
    assert session == before
    assert cleaned is not session and cleaned.actions is not session.actions


def test_a_player_named_only_at_the_end_is_replaced_in_the_first_records_read_in_any_order() -> None:
    """The sanitized lists clean a record when it is read, under the names the whole session gave."""
    early = [
        Action(T0, "Velkar waves"),
        *[Action(T0, f"Killed womp rat (+{n} XP)") for n in range(50)],
        Action(T0, "Traded with Velkar"),  # the only line that names Velkar a player, last
    ]
    session = make_session(
        actions=early, stuck_events=[StuckEvent(T0, "Near Velkar's house", "path_blocked", 30.0)]
    )
    sanitizer = Sanitizer(SanitizeOptions(), KEY)
    cleaned, report = sanitizer.sanitize_session(session)
    counts = dict(report.counts)
    backwards = [cleaned.actions[i] for i in reversed(range(len(cleaned.actions)))]
    assert backwards[::-1] == list(cleaned.actions) == cleaned.actions[:] == cleaned.actions
    assert cleaned.actions[0].text == f"{sanitizer.pseudonym('Velkar')} waves"
    assert cleaned.stuck_events[0].location == f"Near {sanitizer.pseudonym('Velkar')}'s house"
    assert report.counts == counts  # reading records counts nothing: every record was counted up front


def test_each_repeated_record_is_counted_as_often_as_it_occurs() -> None:
    """Counts are what cleaning every record one by one would count, though only the records read are."""
    session = make_session()
    _, once = Sanitizer(SanitizeOptions(), KEY).sanitize_session(session)
    thrice = dataclasses.replace(
        session,
        actions=session.actions * 3,
        messages=session.messages * 3,
        guild_alerts=session.guild_alerts * 3,
        stuck_events=session.stuck_events * 3,
    )
    _, report = Sanitizer(SanitizeOptions(), KEY).sanitize_session(thrice)
    assert once.counts["player_names"] == 7  # 2 senders, 1 alert sender, 2 actions, 1 stuck location, 1 note
    assert report.counts["player_names"] == 3 * 6 + 1  # all but the note, three times
    assert report.counts["messages_removed"] == 3 * once.counts["messages_removed"]
    assert report.counts["guild_alerts_removed"] == 3 * once.counts["guild_alerts_removed"]
    assert (once.counts["path_users"], report.counts["path_users"]) == (2, 4)  # the file's path + 1 per copy


def test_the_report_never_holds_a_removed_value() -> None:
    session = make_session()
    _, report = Sanitizer(SanitizeOptions(), KEY).sanitize_session(session)
    text = repr(report.to_dict()) + repr(report)
    removed = ["Zorvath", "Kelindra", "Drayko", "Mira", "alice", "z@example.com", "abcdef123456", "discord"]
    assert not [value for value in removed if value.lower() in text.lower()]
    assert set(report.counts) == set(CATEGORIES)


def test_player_names_come_from_every_place_a_player_is_named() -> None:
    assert player_names(make_session()) == {"Zorvath", "Kelindra", "Drayko", "Mira Sol"}


# ---- properties ----------------------------------------------------------------------------------------

NAMES = ["Zorvath", "Kelindra Vos", "Rat", "Healed", "Drayko", "Mira"]
PIECES = [
    "Grouped with",
    "Traded with",
    "Killed womp rat",
    "Healed self",
    "Spoke with Lord Nyax",
    "z@example.com",
    "203.0.113.9",
    "password hunter2",
    "/home/bob/x",
    "Looted 355 credits",
    "'s",
    ":",
    "says",
    "the",
    *NAMES,
]
texts = st.lists(st.sampled_from(PIECES), max_size=6).map(" ".join)
names = st.sampled_from(NAMES)
stamps = st.none() | st.just(T0)
amounts = st.integers(-(10**6), 10**6)
quest_names = st.sampled_from(["Escort the Jawa Trader", "Hunt"])
channels = st.sampled_from(["tell", "whisper", "guild_chat"])


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    return make_session(
        xp_gained=draw(st.none() | st.integers(0, 10**9)),
        credits_gained=draw(st.none() | st.integers(-(10**9), 10**9)),
        xp_gains=draw(st.lists(st.builds(XPGain, stamps, st.integers(0, 10**6), texts, texts), max_size=5)),
        credit_changes=draw(st.lists(st.builds(CreditChange, stamps, amounts, texts), max_size=5)),
        quests=draw(st.lists(st.builds(QuestCompletion, stamps, quest_names), max_size=4)),
        messages=draw(st.lists(st.builds(ChatMessage, stamps, channels, names, texts), max_size=5)),
        encounters=draw(st.lists(st.builds(PlayerEncounter, stamps, names, texts), max_size=4)),
        guild_alerts=draw(st.lists(st.builds(GuildAlert, stamps, names, texts), max_size=3)),
        actions=draw(st.lists(st.builds(Action, stamps, texts), max_size=8)),
        notes=draw(st.lists(texts, max_size=3)),
        declared_breakdowns={"skill": draw(st.dictionaries(texts, st.integers(0, 1000), max_size=4))},
    )


options = st.builds(SanitizeOptions, *[st.booleans()] * 5)
_settings = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(sessions(), options)
def test_sanitizing_twice_changes_nothing(session: Session, chosen: SanitizeOptions) -> None:
    sanitizer = Sanitizer(chosen, KEY)
    once, _ = sanitizer.sanitize_session(session)
    twice, _ = sanitizer.sanitize_session(once)
    assert twice == once


@_settings
@given(sessions(), options)
def test_totals_are_unchanged(session: Session, chosen: SanitizeOptions) -> None:
    cleaned, _ = Sanitizer(chosen, KEY).sanitize_session(session)
    assert (cleaned.total_xp, cleaned.total_credits) == (session.total_xp, session.total_credits)
    assert [g.amount for g in cleaned.xp_gains] == [g.amount for g in session.xp_gains]
    assert [c.amount for c in cleaned.credit_changes] == [c.amount for c in session.credit_changes]
    assert len(cleaned.quests) == len(session.quests) and len(cleaned.messages) == len(session.messages)
    skill_total = sum(session.declared_breakdowns["skill"].values())
    assert sum(cleaned.declared_breakdowns["skill"].values()) == skill_total
    assert (cleaned.start_time, cleaned.end_time) == (session.start_time, session.end_time)


@_settings
@given(sessions())
def test_no_player_name_survives_default_options_and_the_scan_agrees(session: Session) -> None:
    cleaned, _ = Sanitizer(SanitizeOptions(), KEY).sanitize_session(session)
    document = plain(cleaned)
    assert scan_for_leaks(document, known_names=player_names(session)) == []
    known = " ".join(player_names(session))
    distinctive = [n for n in ("Zorvath", "Kelindra", "Vos", "Drayko", "Mira") if mentions(known, n)]
    for text in strings_in(cleaned):
        for name in distinctive:  # gone in every case, everywhere
            assert not mentions(text, name), (name, text)


# ---- the real corpus -----------------------------------------------------------------------------------


def tracker_files(corpus_dir: Path) -> list[Path]:
    files = sorted((corpus_dir / "tracker").glob("*.json"))
    assert files, "no tracker files in the corpus"
    return files


@pytest.mark.parametrize(
    "chosen",
    [SanitizeOptions(), SanitizeOptions(include_communications=True, include_player_encounters=True)],
)
def test_no_corpus_tracker_session_keeps_a_player_name(corpus_dir: Path, chosen: SanitizeOptions) -> None:
    sanitizer = Sanitizer(chosen, KEY)
    for path in tracker_files(corpus_dir):
        session = read_session(path)
        found = {m.sender for m in session.messages} | {e.player_name for e in session.encounters}
        found |= {a.sender for a in session.guild_alerts}
        found.discard(None)
        assert found, f"{path.name}: expected senders and encounters in the corpus"
        cleaned, report = sanitizer.sanitize_session(session)
        leaks = [(name, text) for text in strings_in(cleaned) for name in found if mentions(text, name)]
        assert leaks == [], path.name
        assert report.counts["player_names"] >= len(session.messages)
        assert scan_for_leaks(plain(cleaned), known_names=found) == []


def test_name_fields_are_pseudonymized_even_when_the_name_is_also_a_place_but_never_the_users_own() -> None:
    session = make_session(
        messages=[ChatMessage(T0, "tell", "Theed", "hi"), ChatMessage(T0, "tell", "dex orrin", "self")],
        encounters=[PlayerEncounter(T0, "Jabba")],
    )
    sanitizer = Sanitizer(SanitizeOptions(include_player_encounters=True), KEY)
    cleaned, _ = sanitizer.sanitize_session(session)
    assert [m.sender for m in cleaned.messages] == [sanitizer.pseudonym("Theed"), "dex orrin"]
    assert [e.player_name for e in cleaned.encounters] == [sanitizer.pseudonym("Jabba")]
    assert cleaned.locations[0].city == "Mos Eisley"


def test_extra_data_is_cleaned_at_every_depth_and_keys_that_clean_alike_are_merged() -> None:
    session = make_session(
        extra={"bot": [{"Password": 1234, "log": "/home/bob/x"}, {"z@example.com": "owner"}], "ok": True},
        declared_breakdowns={"skill": {"a@example.com": 3, "b@example.com": 4, "rifle": 5}},
    )
    cleaned, report = Sanitizer(SanitizeOptions(), KEY).sanitize_session(session)
    assert cleaned.extra == {
        "bot": [{"Password": "[redacted]", "log": "/home/[user]/x"}, {"[email]": "owner"}],
        "ok": True,
    }
    assert cleaned.declared_breakdowns == {"skill": {"[email]": 7, "rifle": 5}}
    assert report.counts["sensitive_keys"] == 1 and report.counts["emails"] == 3


@pytest.mark.parametrize("seed", range(4))
def test_generated_samples_keep_no_player_name_even_with_chat_included(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "session.json"
    path.write_bytes(orjson.dumps(generate_tracker_session(random.Random(seed), n_actions=600)))
    session = read_session(path)
    everything = SanitizeOptions(include_communications=True, include_player_encounters=True)
    cleaned, report = Sanitizer(everything, KEY).sanitize_session(session)
    assert scan_for_leaks(plain(cleaned), known_names=PLAYERS) == []
    distinctive = ("Zorvath", "Kelindra", "Drayko", "Vexa", "Thorn")
    assert [t for t in strings_in(cleaned) for n in distinctive if mentions(t, n)] == []
    assert [t for t in strings_in(cleaned) if re.search(r"[\w.]+@example\.com|203\.0\.113\.|ghp_", t)] == []
    assert report.counts["player_names"] > 0


def test_a_player_gets_the_same_pseudonym_in_every_session_and_role() -> None:
    first = make_session(messages=[ChatMessage(T0, "tell", "Zorvath", "hi")], encounters=[], actions=[])
    second = make_session(
        session_id="other",
        character_name="Mira Sol",
        messages=[],
        encounters=[PlayerEncounter(T0, "ZORVATH")],
        actions=[Action(T0, "Traded with zorvath")],
    )
    sanitizer = Sanitizer(SanitizeOptions(include_player_encounters=True), KEY)
    one, _ = sanitizer.sanitize_session(first)
    two, _ = Sanitizer(SanitizeOptions(include_player_encounters=True), KEY).sanitize_session(second)
    pseudonym = one.messages[0].sender
    assert two.encounters[0].player_name == pseudonym
    assert two.actions[0].text == f"Traded with {pseudonym}"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(st.sampled_from(["Zorvath", "Kelindra", "12", "Naboo", "at", "Zorvath's"]), min_size=1),
    cap_share=st.integers(min_value=50, max_value=100),
)
def test_a_text_that_cleaning_makes_longer_than_the_cap_is_cut_and_the_session_still_goes(
    words: list[str], cap_share: int
) -> None:
    """A pseudonym is longer than the name it replaces, so a quest name, a reason or a note the log held
    within the payload's 2,000 characters could outgrow them once cleaned (before: the whole session was
    refused with "fix that value in the log"). Each field keeps its class's shape: the re-scan passes."""
    from swgdb_bridge.payload import MAX_TEXT_CHARS
    from swgdb_bridge.serialize import SessionLogSerializer

    line = " ".join(words * (MAX_TEXT_CHARS // len(" ".join(words)) + 1))[: MAX_TEXT_CHARS * cap_share // 100]
    session = make_session(
        quests=[QuestCompletion(T0, line)],
        stuck_events=[StuckEvent(T0, line, "path_blocked", 30.0)],
        notes=[line],
        actions=[Action(T0, line)],
    )
    sanitizer = Sanitizer(SanitizeOptions(), KEY)
    document = SessionLogSerializer(SanitizeOptions(), sanitizer).serialize(session).to_document()
    texts = list(strings_in(document))
    assert max(map(len, texts)) <= MAX_TEXT_CHARS
    assert not any(mentions(text, name) for text in texts for name in ("Zorvath", "Kelindra"))
    quest = document["quest_data"]["quest_events"][0]["quest_name"]
    assert quest.strip()  # cut where it outgrew the cap, not emptied


@pytest.mark.parametrize("chosen", [SanitizeOptions(), SanitizeOptions(include_communications=True)])
def test_the_users_own_character_as_a_sender_is_kept_and_the_re_scan_agrees(chosen: SanitizeOptions) -> None:
    """The sanitizer keeps the user's own character in a player field; the re-scan refused it there (a
    session where the user spoke in guild chat was never emitted)."""
    from swgdb_bridge.serialize import SessionLogSerializer

    session = make_session(messages=[ChatMessage(T0, "guild_chat", OWN.lower(), "brb")])
    document = SessionLogSerializer(chosen, Sanitizer(chosen, KEY)).serialize(session).to_document()
    assert [e["sender"] for e in document["event_data"]["communication_events"]] == [OWN.lower()]
