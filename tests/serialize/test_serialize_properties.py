"""Properties over generated sessions (swgdb_bridge.demo.samples, any seed and size, JSON and JSON Lines)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swgdb_bridge.demo.samples import generate_tracker_session, write_jsonl_session
from swgdb_bridge.model import Session
from swgdb_bridge.payload import SessionPayload, sealed_json_bytes
from swgdb_bridge.payload_fast import checked_payload, payload_document
from swgdb_bridge.sanitize import Sanitizer
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import SessionLogSerializer, serializer
from swgdb_bridge.serialize.efficiency import Rates, efficiency_score
from swgdb_bridge.sources import read_session

KEY = bytes(range(32))
CLOCK = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

options_strategy = st.builds(
    SanitizeOptions,
    include_events=st.booleans(),
    include_locations=st.booleans(),
    include_communications=st.booleans(),
    include_player_encounters=st.booleans(),
)


def generated_session(folder: Path, seed: int, size: int, jsonl: bool) -> Session:
    """A generated session of about ``size`` events, written as JSON Lines or as a tracker file, read back."""
    path = folder / f"s-{seed}-{size}.{'jsonl' if jsonl else 'json'}"
    if jsonl:
        write_jsonl_session(path, random.Random(seed), size)
    else:
        path.write_bytes(orjson.dumps(generate_tracker_session(random.Random(seed), n_actions=size)))
    return read_session(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), size=st.integers(2, 120), jsonl=st.booleans(), options=options_strategy)
def test_generated_sessions_serialize_consistently(
    tmp_path: Path, seed: int, size: int, jsonl: bool, options: SanitizeOptions
) -> None:
    path = tmp_path / f"s-{seed}-{size}.{'jsonl' if jsonl else 'json'}"
    if jsonl:
        write_jsonl_session(path, random.Random(seed), size)
    else:
        path.write_bytes(orjson.dumps(generate_tracker_session(random.Random(seed), n_actions=size)))
    serializer = SessionLogSerializer(options, Sanitizer(options, KEY))
    payload = serializer.serialize_file(path)
    doc = payload.to_document()
    events = doc["event_data"]
    assert events["total_events"] == sum(events["event_types"].values())
    assert sum(doc["xp_data"]["profession_breakdown"].values()) == doc["xp_data"]["total_xp_gained"]
    assert 0 <= doc["performance_metrics"]["efficiency_score"] <= 100
    assert serializer.serialize(read_session(path)).metadata.content_digest == payload.metadata.content_digest
    if not options.include_locations:
        assert "coordinates" not in orjson.dumps(doc).decode()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), size=st.integers(2, 120), jsonl=st.booleans(), options=options_strategy)
def test_generated_sessions_take_the_mirror_and_give_the_models_bytes(
    tmp_path: Path, seed: int, size: int, jsonl: bool, options: SanitizeOptions
) -> None:
    """The serializer's document is one the model's msgspec mirror vouches for (else every payload would be
    validated by pydantic again), and the sealed bytes are those of the model's own validation and dump."""
    session = generated_session(tmp_path, seed, size, jsonl)
    serializer = SessionLogSerializer(options, Sanitizer(options, KEY), clock=lambda: CLOCK)
    document = serializer._sanitized_document(session, session.duration_minutes)
    checked = checked_payload(document)
    assert checked is not None
    model = SessionPayload.model_validate(document)
    assert orjson.dumps(payload_document(checked)) == orjson.dumps(model.to_document())
    assert serializer.serialize(session).to_json_bytes() == sealed_json_bytes(model.to_document())[1]


@given(
    xp=st.floats(0, 1e7),
    credits=st.floats(0, 1e7),
    quests=st.floats(0, 100),
    idle=st.floats(0, 3000),
    minutes=st.floats(0, 1440),
)
def test_efficiency_score_stays_within_0_and_100(
    xp: float, credits: float, quests: float, idle: float, minutes: float
) -> None:
    score = efficiency_score(Rates(xp, credits, quests), idle, minutes)
    assert 0.0 <= score <= 100.0
    more_idle = efficiency_score(Rates(xp, credits, quests), idle + 10, minutes)
    assert more_idle <= score


def _without_event_lists(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """``doc`` without its per-event lists, ``*_omitted`` counts and digest; and those lists by name."""
    lists = {}
    for section in ("xp_data", "credit_data", "quest_data", "location_data", "event_data"):
        for name in serializer.EVENT_LISTS.intersection(doc[section]):
            lists[name] = doc[section].pop(name)
    counts = doc["metadata"]["sanitization_report"]["counts"]
    for name in [k for k in counts if k.endswith("_omitted")]:
        del counts[name]
    del doc["metadata"]["content_digest"]
    return doc, lists


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10**6),
    size=st.integers(2, 400),
    jsonl=st.booleans(),
    options=options_strategy,
    sanitize=st.booleans(),
    half=st.integers(1, 12),
)
def test_a_cut_keeps_the_ends_of_the_whole_list_and_every_count_whatever_was_read(
    tmp_path: Path, seed: int, size: int, jsonl: bool, options: SanitizeOptions, sanitize: bool, half: int
) -> None:
    """The sanitized session cleans a record only when the serializer reads it (``sanitize.cleaned``):
    cutting lists to their ends must not change a kept entry, a total or a sanitization count."""
    options.sanitize_data = sanitize
    session = generated_session(tmp_path, seed, size, jsonl)
    serialize = SessionLogSerializer(options, Sanitizer(options, KEY), clock=lambda: CLOCK).serialize
    whole, whole_lists = _without_event_lists(serialize(session).to_document())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(serializer, "MAX_KEPT_EVENTS", 2 * half)
        cut, cut_lists = _without_event_lists(serialize(session).to_document())
    assert cut == whole
    for name, entries in whole_lists.items():
        kept = entries if len(entries) <= 2 * half else [*entries[:half], *entries[-half:]]
        assert cut_lists[name] == kept, name
