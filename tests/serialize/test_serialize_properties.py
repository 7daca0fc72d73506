"""Properties over generated sessions (swgdb_bridge.demo.samples, any seed and size, JSON and JSON Lines)."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swgdb_bridge.demo.samples import generate_tracker_session, write_jsonl_session
from swgdb_bridge.sanitize import Sanitizer
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import SessionLogSerializer
from swgdb_bridge.serialize.efficiency import Rates, efficiency_score
from swgdb_bridge.sources import read_session

KEY = bytes(range(32))

options_strategy = st.builds(
    SanitizeOptions,
    include_events=st.booleans(),
    include_locations=st.booleans(),
    include_communications=st.booleans(),
    include_player_encounters=st.booleans(),
)


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
