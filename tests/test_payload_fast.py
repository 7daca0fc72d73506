"""The msgspec shortcut and the payload model agree: whatever the shortcut vouches for, the model accepts
and stores as the very same document (same values, same JSON types, same key order).

Documents are a complete payload (every optional field filled) broken in one to three places with values
chosen to sit on the model's edges: bounds and one past them, ints for floats and the reverse, strings for
numbers, ``null``, timestamps in every form the model reads, patterns with a trailing newline, aliases,
unknown and missing keys. The shortcut declining a document is always allowed (the model then decides);
vouching for one the model refuses, or storing anything but the model's document, is the bug looked for.
"""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from fixtures.payloads import make_document
from swgdb_bridge.payload import SessionPayload, content_digest
from swgdb_bridge.payload_fast import (
    SealedPayload,
    UnsupportedConstruct,
    canonical_document,
    checked_payload,
    payload_document,
    strict_mirror,
)

STAMP = "2026-11-20T18:05:00Z"


def full_document() -> dict[str, Any]:
    """A payload with every optional field of every section present, as the model dumps it."""
    event = {"timestamp": STAMP}
    document = make_document("full-1")
    document["xp_data"]["xp_events"][0].update(
        skill="Novice", quest_name="Q", zone="z", level_before=1, level_after=2
    )
    document["xp_data"].update(fastest_skills=["Novice"], slowdowns_detected=[{"skill": "a", "reason": "b"}])
    document["credit_data"]["credit_events"] = [
        {**event, "amount": -5, "source": "vendor", "balance_after": 10, "transaction_type": "loss"}
    ]
    document["credit_data"]["balance_history"] = [{**event, "balance": 10}]
    document["quest_data"]["quest_events"][0].update(event, reward_amount=3, zone="z")
    document["location_data"].update(
        location_events=[
            {**event, "planet": "naboo", "city": "theed", "coordinates": [1, -2], "duration_minutes": 2.5}
        ],
        time_per_planet_minutes={"naboo": 2.5},
        zone_efficiency={"theed": 1.5},
    )
    document["event_data"].update(
        communication_events=[
            {**event, "event_type": "tell", "sender": "p", "message": "m", "_sanitized": True}
        ],
        player_encounters=[{**event, "player": "p", "location": "l", "distance": 3.0}],
        guild_alerts=[{**event, "sender": "s", "message": "m", "priority": "high", "auto_reply_sent": False}],
        afk_periods=[{"start_time": STAMP, "end_time": STAMP, "duration_minutes": 0.0, "reason": "r"}],
        stuck_events=[{**event, "location": "l", "reason": "r", "duration_seconds": 4.0}],
        kills_by_creature={"kreetle": 3},
        heroic_loot=[{**event, "item": "gem", "quantity": 2, "instance": "i", "boss": "b", "rarity": "r"}],
    )
    document["performance_metrics"].update(
        unique_locations_visited=1, total_travel_time_minutes=1.0, unique_players_encountered=1,
        quests_completed=1, afk_periods=0, stuck_events=0,
    )  # fmt: skip
    document["metadata"].update(
        session_mode="combat",
        character_name="c",
        serialization_error=False,
        error_message="e",
        source_format="tracker",
        content_digest="0" * 64,
        sanitization_report={"enabled": True, "counts": {"names": 2}},
        sources=[{"file": "a.log", "format": "step_log", "taken": ["xp"], "truncated": True}],
        warnings=["w"],
        truncated=False,
    )
    return SessionPayload.model_validate(document).to_document()


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document: dictionary keys and list positions, outermost first."""
    found = [prefix] if prefix else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        found += paths(item, (*prefix, key))
    return found


EDGE_VALUES = [
    None, True, False, 0, 1, -1, 2**31 - 1, 2**31, -(2**31) + 1, -(2**31), 1440, 1441, 10080, 10081,
    0.0, -0.0, 0.5, 5.0, 1e12, 1.5e12, 1e300, "", "x", "5", "5.0", "true", "x\n", "abc\n", "a" * 50,
    "a" * 51, "a" * 255, "a" * 256, "a" * 2000, "a" * 2001, "1.0.0", "1.0.0\n", "١.٢.٣", "0" * 64,
    "0" * 64 + "\n", "other", "combat", "gain", "tell", "high", "ms11_bot", [], {}, [1, 2], [1, 2, 3],
    {"k": 1}, {"k": -1}, {"k": 1.5}, ["x"], [{"skill": "a", "reason": "b"}], STAMP,
    "2026-11-20T18:05:00+00:00", "2026-11-20T18:05:00-00:00", "2026-11-20T18:05:00+05:30",
    "2026-11-20T18:05:00.5Z", "2026-11-20T18:05:00.500000Z", "2026-11-20T18:05:00.1234567Z",
    "2026-11-20 18:05:00Z", "2026-11-20t18:05:00z", "2026-11-20T18:05:00", "2026-02-30T00:00:00Z",
    "2026-11-20T23:59:60Z", "1999-12-31T23:59:59Z", "2000-01-01T00:30:00+01:00", "2100-12-31T23:59:59-05:00",
    "2101-01-01T00:00:00Z", 1_700_000_000,
]  # fmt: skip
values = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=60),
)


@st.composite
def broken_documents(draw: st.DrawFn) -> dict[str, Any]:
    document = full_document()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(paths(document)))
        *parents, last = path
        holder = document
        for key in parents:
            holder = holder[key]
        action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "rename", "add"]))
        if action == "replace":
            holder[last] = draw(values)
        elif action == "delete" and isinstance(holder, dict):
            del holder[last]
        elif action == "rename" and isinstance(holder, dict):
            new_key = {"_sanitized": "sanitized", "_player_name_removed": "player_name_removed"}.get(
                last, draw(st.sampled_from(["extra", last.lstrip("_"), f"_{last}", last.upper()]))
            )
            holder[new_key] = holder.pop(last)
        elif isinstance(holder, dict):
            holder[draw(st.sampled_from(["extra", "_sanitized", "player_name_removed"]))] = draw(values)
    return document


def model_document(document: Any) -> dict[str, Any] | None:
    try:
        return SessionPayload.model_validate(document).to_document()
    except ValidationError:
        return None


def assert_agrees(document: Any) -> None:
    """If the shortcut vouches for ``document``, the model stores exactly what the shortcut returns."""
    sent = copy.deepcopy(document)
    fast = canonical_document(document)
    assert document == sent, "the shortcut must not change the document it was given"
    if fast is None:
        return
    expected = model_document(document)
    assert expected is not None, "the shortcut accepted a document that the payload model refuses"
    assert orjson.dumps(fast) == orjson.dumps(expected)


@given(broken_documents())
def test_the_shortcut_never_accepts_or_stores_what_the_model_would_not(document: dict[str, Any]) -> None:
    assert_agrees(document)


@pytest.mark.parametrize(
    "document", [full_document(), SessionPayload.model_validate(make_document()).to_document()]
)
def test_what_our_client_sends_takes_the_shortcut(document: dict[str, Any]) -> None:
    """The client sends ``to_document()`` as it is: the shortcut must vouch for it, or it saves nothing."""
    fast = canonical_document(orjson.loads(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)))
    assert fast is not None
    assert orjson.dumps(fast) == orjson.dumps(document)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("session_id",), "abc\n"),  # Python's "$" would let the newline through; the model's does not
        (("metadata", "serializer_version"), "1.0.0\n"),
        (("start_time",), "2026-11-20T18:05:00+00:00"),  # valid, but the model writes it "...Z"
        (("xp_data", "xp_events", 0, "amount"), "5"),  # valid for the model (lax), not canonical
        (("xp_data", "xp_events", 0, "amount"), True),
        (("xp_data", "xp_events", 0, "skill"), None),  # an explicit null the model drops
        (("duration_minutes",), 90),  # an int where the model stores a float: vouched, stored as 90.0
        (("xp_data", "xp_events", 0, "timestamp"), "2101-01-01T00:00:00Z"),
    ],
)
def test_edge_documents_agree(path: tuple[Any, ...], value: Any) -> None:
    document = full_document()
    holder = document
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    assert_agrees(document)


def test_an_int_for_a_float_is_stored_as_the_model_stores_it() -> None:
    document = {**full_document(), "duration_minutes": 90}
    fast = canonical_document(document)
    assert fast is not None and type(fast["duration_minutes"]) is float


class _Checked(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: Annotated[int, AfterValidator(lambda value: value)]


class _Open(BaseModel):
    count: int


class _Multiple(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: Annotated[int, Field(multiple_of=2)]


@pytest.mark.parametrize(
    "model", [_Checked, _Open, _Multiple], ids=["validator", "extra-allowed", "multiple_of"]
)
def test_a_model_rule_without_a_strict_mirror_stops_the_build(model: type[BaseModel]) -> None:
    """A new rule in the payload model fails loudly here instead of being skipped by the shortcut."""
    with pytest.raises(UnsupportedConstruct):
        strict_mirror(model)


class _Unbounded(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rate: Annotated[float, Field(ge=0, allow_inf_nan=False)]


def test_a_python_mirror_needs_both_bounds_on_a_float() -> None:
    """A Python document may hold nan or inf: only a float's two bounds make msgspec refuse them."""
    strict_mirror(_Unbounded)  # JSON holds neither
    with pytest.raises(UnsupportedConstruct):
        strict_mirror(_Unbounded, nullable=True)


# --- documents built in Python, as the serializer builds them ------------------------------------------

TIMESTAMP_KEYS = {"timestamp", "start_time", "end_time", "serialization_timestamp"}


def python_document(value: Any, key: object = None) -> Any:
    """``value`` as the serializer holds it: timestamps as aware datetimes, absent optional fields as None."""
    if isinstance(value, dict):
        built = {k: python_document(v, k) for k, v in value.items()}
        return {**built, "skill": None} if "amount" in built and "profession" in built else built
    if isinstance(value, list):
        return [python_document(item) for item in value]
    return datetime.fromisoformat(value) if key in TIMESTAMP_KEYS else value


PYTHON_EDGE_VALUES = [
    *EDGE_VALUES, datetime(2026, 11, 20, 18, 5, tzinfo=UTC), datetime(2026, 11, 20, 18, 5),
    datetime(2026, 11, 20, 18, 5, 0, 123456, tzinfo=UTC), datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
    datetime(2100, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2101, 1, 1, tzinfo=UTC), datetime(2026, 11, 20, 18, 5, tzinfo=timezone(timedelta(hours=5.5))),
    float("nan"), float("inf"), float("-inf"), (1, 2), (1, 2, 3), ("x",), 10**30, 1.0 + 2**-52,
]  # fmt: skip
python_values = st.one_of(
    st.sampled_from(PYTHON_EDGE_VALUES),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(),
    st.text(max_size=60),
)


@st.composite
def broken_python_documents(draw: st.DrawFn) -> dict[str, Any]:
    document = python_document(full_document())
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        *parents, last = draw(st.sampled_from(paths(document)))
        holder = document
        for key in parents:
            holder = holder[key]
        if draw(st.booleans()) or not isinstance(holder, dict):
            holder[last] = draw(python_values)
        else:
            del holder[last]
    return document


def assert_python_agrees(document: dict[str, Any]) -> None:
    """If the Python mirror takes ``document``, the model takes it too and dumps what the mirror gives."""
    sent = copy.deepcopy(document)
    checked = checked_payload(document)
    assert document == sent or document != document, "the mirror must not change the document"  # nan != nan
    if checked is None:
        return
    expected = model_document(document)
    assert expected is not None, "the Python mirror accepted a document that the payload model refuses"
    assert orjson.dumps(payload_document(checked)) == orjson.dumps(expected)  # key order included


@given(broken_python_documents())
def test_the_python_mirror_never_accepts_or_gives_what_the_model_would_not(document: dict[str, Any]) -> None:
    assert_python_agrees(document)


def test_a_python_document_takes_the_mirror_with_its_nulls_dropped() -> None:
    document = python_document(full_document())
    checked = checked_payload(document)
    assert checked is not None
    assert "skill" not in payload_document(checked)["xp_data"]["xp_events"][0]
    assert_python_agrees(document)


def test_a_timestamp_as_text_is_left_to_the_model() -> None:
    """msgspec and the model read some texts differently (7 fraction digits): only datetimes are vouched
    for."""
    document = python_document(full_document())
    document["start_time"] = "2026-11-20T18:05:00Z"
    assert checked_payload(document) is None
    assert model_document(document) is not None


# --- the sealed payload -------------------------------------------------------------------------------


def test_a_sealed_payload_reads_like_its_model() -> None:
    document = full_document()
    sealed = SealedPayload(document)
    model = SessionPayload.model_validate(document)
    assert sealed._model is None
    assert sealed.session_id == model.session_id
    assert sealed.content_digest == content_digest(document)
    assert orjson.dumps(sealed.to_document()) == orjson.dumps(sealed.model.to_document())  # order too
    assert sealed.to_document() is not sealed.to_document()  # a new copy each time, as the model's
    assert sealed.model.metadata.content_digest == sealed.content_digest
    assert sealed.model.to_json_bytes() == sealed.to_json_bytes()
    assert sealed.xp_data == model.xp_data and sealed.metadata.content_digest == sealed.content_digest
    assert dict(sealed) == dict(sealed.model)
    assert sealed == SealedPayload(document) and sealed == sealed.model and sealed.model == sealed
    assert sealed != SealedPayload({**document, "session_id": "other"})
    renamed = sealed.model_copy(update={"character_name": "Mira Sol"})
    assert isinstance(renamed, SessionPayload) and renamed.character_name == "Mira Sol"


def test_a_sealed_payload_copies_and_pickles() -> None:
    sealed = SealedPayload(full_document())
    for twin in (copy.copy(sealed), copy.deepcopy(sealed), pickle.loads(pickle.dumps(sealed))):
        assert twin == sealed and twin.to_json_bytes() == sealed.to_json_bytes()
