"""Our JSON Lines format: the documented example, the schema, streaming, cut-off writes and round trips."""

from __future__ import annotations

import json
import re
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swgdb_bridge.demo.samples import write_jsonl_session
from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.model import (
    Action,
    AfkPeriod,
    ChatMessage,
    CreditChange,
    GuildAlert,
    LocationVisit,
    LootDrop,
    PlayerEncounter,
    QuestCompletion,
    Session,
    StuckEvent,
    XPGain,
)
from swgdb_bridge.sources import _jsonl, read_session, write_session_jsonl
from swgdb_bridge.sources._fields import parse_iso

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "session-format.md"
SCHEMA = REPO / "docs" / "schema" / "session-events.schema.json"
START = {
    "type": "session_start",
    "ts": "2026-11-02T19:00:00",
    "session_id": "s_1",
    "character_name": "Dex Orrin",
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def documented_example() -> list[str]:
    block = re.search(r"```jsonl\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert block, "docs/session-format.md lost its ```jsonl example"
    return block.group(1).splitlines()


def write_lines(path: Path, events: list[Any], tail: str = "\n") -> Path:
    path.write_text("\n".join(e if isinstance(e, str) else json.dumps(e) for e in events) + tail)
    return path


def test_documented_example_matches_schema_and_reads(
    validator: jsonschema.Draft202012Validator, tmp_path: Path
) -> None:
    lines = documented_example()
    for line in lines:
        validator.validate(json.loads(line))
    session = read_session(write_lines(tmp_path / "example.jsonl", lines))
    events = [json.loads(line) for line in lines]
    assert session.total_xp == sum(e["amount"] for e in events if e["type"] == "xp")
    assert session.total_credits == sum(e["amount"] for e in events if e["type"] == "credits")
    assert session.xp_end - session.xp_start == session.total_xp  # the example is consistent
    assert session.credits_end - session.credits_start == session.total_credits
    assert session.extra["complete"] is True and session.extra["warnings"] == []
    assert session.end_time - session.start_time == timedelta(minutes=90)
    tatooine, naboo = session.locations
    assert (tatooine.departure, naboo.departure) == (naboo.timestamp, session.end_time)
    assert tatooine.duration_minutes == pytest.approx(65 - 1 / 12)
    kinds = {e["type"] for e in events}
    assert kinds == {
        "session_start",
        "session_end",
        "xp",
        "credits",
        "quest",
        "location",
        "chat",
        "encounter",
        "guild_alert",
        "afk",
        "stuck",
        "action",
        "loot",
    }


@pytest.mark.parametrize(
    "event",
    [
        {"type": "xp", "ts": "2026-11-02T19:00:00Z", "amount": -1},
        {"type": "xp", "ts": "2026-11-02T19:00:00Z", "amount": "12"},
        {"type": "xp", "ts": "2026-11-02T19:00:00Z"},
        {"type": "credits", "ts": "2026-11-02T19:00:00Z", "amount": 1.5},
        {"type": "encounter", "ts": "2026-11-02T19:00:00Z"},
        {"type": "session_start", "ts": "2026-11-02T19:00:00Z", "session_id": "has space"},
        {"type": "action", "text": "no time"},
        {"type": "loot", "ts": "yesterday", "item": "x"},
    ],
)
def test_schema_and_reader_refuse_the_same_bad_lines(
    validator: jsonschema.Draft202012Validator, tmp_path: Path, event: dict[str, Any]
) -> None:
    assert not validator.is_valid(event)
    lines = [event] if event["type"] == "session_start" else [START, event]
    with pytest.raises(SessionFileError) as caught:
        read_session(write_lines(tmp_path / "bad.jsonl", lines))
    assert caught.value.reason.startswith(f"line {len(lines)}: ")


def test_cut_off_last_line_is_skipped_with_a_warning(tmp_path: Path) -> None:
    lines = [
        START,
        {"type": "xp", "ts": "2026-11-02T19:01:00", "amount": 100},
        '{"type": "xp", "ts": "2026-11-0',
    ]
    session = read_session(write_lines(tmp_path / "open.jsonl", lines, tail=""))
    assert session.total_xp == 100
    assert session.extra["complete"] is False
    assert any("line 3" in w and "incomplete" in w for w in session.extra["warnings"])
    assert session.end_time == datetime(
        2026, 11, 2, 19, 1, tzinfo=UTC
    )  # an open session ends at its last event


@pytest.mark.parametrize("latest_by", ["fast path", "general path"])
def test_an_open_session_ends_at_its_latest_event_not_its_last_line(tmp_path: Path, latest_by: str) -> None:
    """Lines out of time order: the end is the latest time, whichever reading path took that line (a Unix
    time sends a line to the general path)."""
    latest = 1_793_646_300 if latest_by == "general path" else "2026-11-02T19:05:00"  # 19:05 UTC
    lines = [
        START,
        {"type": "xp", "ts": "2026-11-02T19:01:00", "amount": 100},
        {"type": "action", "ts": latest, "text": "Killed a womp rat"},
        {"type": "action", "ts": "2026-11-02T19:03:00", "text": "Looted a bantha hide"},
        {"type": "xp", "ts": "2026-11-02T19:02:00", "amount": 50},
    ]
    session = read_session(write_lines(tmp_path / "open.jsonl", lines))
    assert session.extra["complete"] is False
    assert session.end_time == datetime(2026, 11, 2, 19, 5, tzinfo=UTC)


def test_a_bad_line_before_the_end_is_corruption(tmp_path: Path) -> None:
    lines = [
        START,
        '{"type": "xp", "ts"',
        {"type": "action", "ts": "2026-11-02T19:02:00", "text": "Healed self"},
    ]
    with pytest.raises(SessionFileError, match="line 2: not valid JSON"):
        read_session(write_lines(tmp_path / "corrupt.jsonl", lines))


@pytest.mark.parametrize(
    ("lines", "field", "reason"),
    [
        ([{"type": "xp", "ts": "2026-11-02T19:00:00", "amount": 5}], "type", "line 1: the first event"),
        ([START, START], "type", "line 2: a second session_start"),
        (
            [
                START,
                {"type": "session_end", "ts": "2026-11-02T20:00:00"},
                {"type": "action", "ts": "2026-11-02T20:01:00", "text": "late"},
            ],
            "type",
            "line 3: 'action' event after",
        ),
        ([START, {"type": "session_end", "ts": "2026-11-02T18:00:00"}], "ts", "ends"),
        ([START, {"type": "session_end", "ts": "2026-11-04T18:00:00"}], "ts", "24 h"),
        (
            [
                START,
                {"type": "xp", "ts": "2026-11-02T19:00:00", "amount": 6 * 10**8},
                {"type": "xp", "ts": "2026-11-02T19:01:00", "amount": 6 * 10**8},
            ],
            "amount",
            "add up to",
        ),
        (
            [START, {"type": "chat", "ts": "2026-11-02T19:00:00", "message": ["not", "text"]}],
            "message",
            "line 2",
        ),
        ([START, {"type": "action", "text": "no ts"}], "ts", "line 2: missing"),
        ([START, {"ts": "2026-11-02T19:00:00", "text": "no type"}], "type", "line 2: missing"),
        ([START, [1, 2]], None, "line 2: expected a JSON object"),
    ],
)
def test_jsonl_errors_name_line_and_field(
    tmp_path: Path, lines: list[Any], field: str | None, reason: str
) -> None:
    with pytest.raises(SessionFileError) as caught:
        read_session(write_lines(tmp_path / "bad.jsonl", lines))
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_a_line_over_the_limit_is_refused(tmp_path: Path) -> None:
    long = {"type": "action", "ts": "2026-11-02T19:00:00", "text": "x" * (1024 * 1024)}
    with pytest.raises(SessionFileError, match="line 2: longer than"):
        read_session(write_lines(tmp_path / "long.jsonl", [START, long]))


def test_unknown_types_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    lines = [
        START,
        "",
        {"type": "heartbeat", "ts": "2026-11-02T19:00:30"},
        "   ",
        {"type": "heartbeat", "ts": "2026-11-02T19:01:00", "extra": 1},
        {"type": "chat", "ts": "2026-11-02T19:02:00", "channel": "Guild", "message": "hi", "mood": "ok"},
    ]
    session = read_session(write_lines(tmp_path / "future.jsonl", lines))
    assert session.extra["unknown_event_types"] == {"heartbeat": 2}
    assert [(m.channel, m.message) for m in session.messages] == [("guild_chat", "hi")]


def test_reading_streams_in_constant_memory(tmp_path: Path) -> None:
    """10k lines (~7 MB) of events that add nothing to the Session: reading must not keep the text."""
    path = tmp_path / "big.jsonl"
    with path.open("w") as out:
        out.write(json.dumps(START) + "\n")
        for i in range(10_000):
            out.write(
                json.dumps({"type": "heartbeat", "ts": "2026-11-02T19:30:00", "pad": "x" * 640, "n": i})
                + "\n"
            )
    tracemalloc.start()
    try:
        session = read_session(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert session.extra["unknown_event_types"] == {"heartbeat": 10_000}
    assert path.stat().st_size > 6_000_000
    assert peak < 1_000_000


def test_repeated_texts_and_times_are_kept_once(tmp_path: Path) -> None:
    """A long session repeats its skills, zones and timestamps: one object per distinct value, not per line."""
    session = read_session(write_jsonl_session(tmp_path / "s.jsonl", Random(3), 3_000))
    skills = [g.skill for g in session.xp_gains if g.skill]
    times = [r.timestamp for r in (*session.actions, *session.xp_gains)]  # a kill's action and its XP
    assert len({id(s) for s in skills}) == len(set(skills)) < len(skills)
    assert len({id(t) for t in times}) == len(set(times)) < len(times)


# --- the fast path (msgspec) and the general path (Fields + builders) read every line alike --------------

_any_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 12.0, 12.5, -1, 2**31, 10**12, 10**13, 2**63, float("1e300")]),
    st.text(max_size=8),
    st.sampled_from(["marksman", "Combat", " quest ", "bank transfer", ""]),
)
_times = st.sampled_from(
    [
        "2026-11-02T19:00:00+00:00",
        "2026-11-02T19:00:00Z",
        "2026-11-02T21:00:00.5+02:00",
        "2026-11-02T19:00:00",
        "2026-11-02 19:00:01",
        "2026-11-02",
        "19:00",
        "not a time",
        "2026-11-02T18:00:00+00:00",
    ]
) | st.sampled_from([1793646000, 1793646000.5, None, True])
_END = {"type": "session_end", "ts": "2026-11-02T23:00:00"}
_fields = {
    "action": ("text",),
    "xp": ("amount", "profession", "skill", "source", "quest_name", "zone", "level_before", "level_after"),
    "credits": ("amount", "source", "balance_after"),
    "loot": ("item", "zone"),
    "quest": ("quest_name", "quest_type", "reward_type", "reward_amount", "zone"),
    "chat": ("channel", "sender", "message", "response_sent"),
    "encounter": ("player_name", "location", "distance", "interaction_type"),
    "location": ("planet", "city", "coordinates", "departure_time", "duration_minutes", "purpose"),
    "guild_alert": ("sender", "message", "alert_type", "priority", "auto_reply_sent", "reply_message"),
    "afk": ("end_time", "duration_minutes", "reason"),
    "stuck": ("location", "reason", "duration_seconds"),
}
_special_values = {  # keys whose values are not scalars (a time, a point), or that a line needs
    "planet": st.sampled_from(["Tatooine", "naboo "]) | _any_value,
    "departure_time": _times | _any_value,
    "end_time": _times | _any_value,
    "coordinates": st.lists(_any_value | st.floats(allow_nan=False), max_size=3) | _any_value,
    "duration_minutes": st.sampled_from([0, 90.5, 1440, 1440.0, 1441, -0.5]) | _any_value,
    "duration_seconds": st.sampled_from([0, 30, 86_400, 86_401, -1]) | _any_value,
}


@st.composite
def _lines(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(_fields)))
    line: dict[str, Any] = {"type": kind, "ts": draw(_times)}
    for key in draw(st.lists(st.sampled_from(_fields[kind]), unique=True)):
        line[key] = draw(_special_values.get(key, _any_value))
    return line


def _outcome(path: Path) -> Session | str:
    try:
        return read_session(path)
    except SessionFileError as exc:
        return str(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_lines(), min_size=1, max_size=6), ended=st.booleans())
def test_the_fast_path_reads_every_line_as_the_general_path_does(
    tmp_path: Path, lines: list[Any], ended: bool
) -> None:
    """Without ``session_end`` the session ends at its latest line, whichever path read it."""
    path = tmp_path / "s.jsonl"
    events = [START, *lines, *([_END] if ended else [])]
    path.write_text("\n".join(json.dumps(line) for line in events) + "\n")
    fast = _outcome(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_jsonl, "_FAST_RECORDS", {})  # every line by the general path
        general = _outcome(path)
    assert fast == general


def test_the_fast_path_reads_a_generated_session_as_the_general_path_does(tmp_path: Path) -> None:
    path = write_jsonl_session(tmp_path / "s.jsonl", Random(5), 3_000)
    fast = read_session(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_jsonl, "_FAST_RECORDS", {})  # every line by the general path
        assert read_session(path) == fast
    assert len(fast.actions) + len(fast.xp_gains) + len(fast.credit_changes) > 2_000


def test_a_bare_date_is_midnight_utc() -> None:
    assert parse_iso("2026-11-02") == datetime(2026, 11, 2, tzinfo=UTC)


# --- round trip: Session → JSON Lines (samples) → Session ---------------------------------------------------

BASE = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
times = st.integers(min_value=0, max_value=6 * 3600).map(
    lambda s: BASE + timedelta(seconds=s, microseconds=250)
)
names = st.text(min_size=1, max_size=20).filter(str.strip)
maybe = st.none() | names


def xp_gains() -> st.SearchStrategy[XPGain]:
    sources = st.sampled_from(["combat", "quest", "crafting", "exploration", "social", "other"])
    return st.builds(
        XPGain,
        timestamp=times,
        amount=st.integers(0, 10**5),
        profession=maybe,
        skill=maybe,
        source=st.none() | sources,
        zone=maybe,
    )


RECORDS = {
    "xp_gains": xp_gains(),
    "credit_changes": st.builds(
        CreditChange,
        timestamp=times,
        amount=st.integers(-(10**6), 10**6),
        source=st.none() | st.sampled_from(["quest", "vendor", "trade", "mission", "other"]),
    ),
    "quests": st.builds(
        QuestCompletion, timestamp=times, quest_name=names, reward_amount=st.none() | st.integers(0, 999)
    ),
    "messages": st.builds(
        ChatMessage,
        timestamp=times,
        channel=st.sampled_from(["whisper", "tell", "group_chat", "guild_chat", "other"]),
        sender=maybe,
        message=st.text(max_size=60),
        response_sent=st.none() | st.booleans(),
    ),
    "encounters": st.builds(
        PlayerEncounter,
        timestamp=times,
        player_name=names,
        distance=st.none() | st.floats(0, 500, allow_nan=False),
        interaction_type=st.none() | st.just("grouped"),
    ),
    "guild_alerts": st.builds(GuildAlert, timestamp=times, sender=maybe, message=st.text(max_size=40)),
    "afk_periods": st.builds(
        AfkPeriod, start_time=times, end_time=st.none(), duration_minutes=st.none() | st.floats(0, 60)
    ),
    "stuck_events": st.builds(
        StuckEvent, timestamp=times, location=maybe, duration_seconds=st.none() | st.floats(0, 600)
    ),
    "actions": st.builds(Action, timestamp=times, text=st.text(max_size=60)),
    "loot": st.builds(LootDrop, timestamp=times, item=names, zone=maybe),
}


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    session = Session(
        session_id=draw(st.from_regex(r"[A-Za-z0-9_-]{1,50}", fullmatch=True)),
        character_name=draw(maybe),
        start_time=BASE,
        end_time=BASE + timedelta(hours=6, minutes=draw(st.integers(0, 60))),
        source_format="jsonl",
        xp_start=draw(st.none() | st.integers(0, 10**7)),
        credits_end=draw(st.none() | st.integers(-(10**6), 10**7)),
    )
    for name, strategy in RECORDS.items():
        records = draw(st.lists(strategy, max_size=8))
        key = "start_time" if name == "afk_periods" else "timestamp"
        setattr(session, name, sorted(records, key=lambda r: getattr(r, key)))
    visits = draw(st.lists(st.builds(LocationVisit, timestamp=times, planet=names, city=maybe), max_size=4))
    session.locations = sorted(visits, key=lambda v: v.timestamp)
    return session


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(original=sessions())
def test_a_session_written_as_jsonl_reads_back_the_same(tmp_path: Path, original: Session) -> None:
    back = read_session(write_session_jsonl(tmp_path / "roundtrip.jsonl", original))
    assert (back.total_xp, back.total_credits) == (original.total_xp, original.total_credits)
    assert (back.session_id, back.character_name) == (original.session_id, original.character_name)
    assert (back.start_time, back.end_time) == (original.start_time, original.end_time)
    assert (back.xp_start, back.credits_end) == (original.xp_start, original.credits_end)
    for name in RECORDS:
        assert sorted(map(repr, getattr(back, name))) == sorted(map(repr, getattr(original, name))), name
    assert [(v.timestamp, v.planet, v.city) for v in back.locations] == [
        (v.timestamp, v.planet, v.city) for v in original.locations
    ]
    assert back.extra["complete"] is True


JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
EVENT_KEYS = [
    "amount",
    "ts",
    "text",
    "planet",
    "coordinates",
    "channel",
    "message",
    "end_time",
    "item",
    "quest_name",
]


@st.composite
def any_events(draw: st.DrawFn) -> dict[str, Any]:
    """A line of a plausible type whose fields hold anything JSON can."""
    kind = draw(st.sampled_from(["xp", "credits", "quest", "location", "chat", "afk", "action", "loot", "x"]))
    fields = draw(
        st.dictionaries(st.sampled_from(EVENT_KEYS), JSON_LEAVES | st.lists(JSON_LEAVES, max_size=3))
    )
    return {"type": kind, "ts": "2026-11-02T19:30:00", **fields}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(any_events(), max_size=6), tail=st.sampled_from(["\n", "", '\n{"type": "x", "t']))
def test_any_jsonl_content_reads_or_fails_cleanly(
    tmp_path: Path, events: list[dict[str, Any]], tail: str
) -> None:
    path = write_lines(tmp_path / "fuzz.jsonl", [START, *events], tail=tail)
    try:
        read_session(path)
    except SessionFileError as exc:
        assert exc.path == path
        assert exc.reason.startswith("line ")


@pytest.fixture(scope="module")
def growing_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = write_jsonl_session(tmp_path_factory.mktemp("grow") / "s.jsonl", Random(3), 80)
    return path.read_bytes()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fraction=st.floats(min_value=0.0, max_value=1.0))
def test_a_file_read_while_the_bot_writes_holds_every_complete_line(
    growing_file: bytes, tmp_path: Path, fraction: float
) -> None:
    """Cut anywhere after the first line (a read racing an append): complete lines count, the rest waits."""
    first = growing_file.index(b"\n") + 1
    cut = first + round(fraction * (len(growing_file) - first))
    path = tmp_path / "growing.jsonl"
    path.write_bytes(growing_file[:cut])
    whole = []
    for piece in growing_file[:cut].split(b"\n"):
        try:
            whole.append(json.loads(piece))
        except ValueError:
            continue
    session = read_session(path)
    assert session.total_xp == sum(e["amount"] for e in whole if e["type"] == "xp")
    assert len(session.actions) == sum(e["type"] == "action" for e in whole)
    assert session.extra["complete"] is (whole[-1]["type"] == "session_end")
