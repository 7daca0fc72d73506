"""Sample sessions: deterministic, of the size asked for, readable, and full of what must be sanitized."""

from __future__ import annotations

import json
import random
import re
from itertools import islice
from pathlib import Path

import jsonschema
import orjson
import pytest

from swgdb_bridge.demo.samples import PLAYERS, generate_tracker_session, write_jsonl_session
from swgdb_bridge.sources import read_session

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schema" / "session-events.schema.json"


def test_tracker_samples_are_deterministic_per_seed() -> None:
    first = generate_tracker_session(random.Random(42), index=3)
    assert first == generate_tracker_session(random.Random(42), index=3)
    assert first != generate_tracker_session(random.Random(43), index=3)


def test_tracker_sample_has_the_requested_actions_and_consistent_totals(tmp_path: Path) -> None:
    doc = generate_tracker_session(random.Random(1), n_actions=500, character_name="Mira Sol")
    assert len(doc["actions"]) == 500 == doc["performance_metrics"]["total_actions"]
    assert (
        doc["actions"][0]["action"] == "Session started" and doc["actions"][-1]["action"] == "Session ended"
    )
    assert doc["xp"]["end"] - doc["xp"]["start"] == doc["xp"]["gained"]
    assert doc["credits"]["end"] - doc["credits"]["start"] == doc["credits"]["gained"]
    path = tmp_path / "sample.json"
    path.write_bytes(orjson.dumps(doc))
    session = read_session(path)
    assert (session.character_name, session.total_xp) == ("Mira Sol", doc["xp"]["gained"])
    kills = sum(int(n) for a in doc["actions"] for n in re.findall(r"\(\+(\d+) XP\)", a["action"]))
    assert sum(g.amount for g in session.xp_gains) == kills <= doc["xp"]["gained"]
    times = [a["time"] for a in doc["actions"]]
    assert times == sorted(times)


def test_samples_carry_private_things_for_the_sanitizer() -> None:
    docs = [generate_tracker_session(random.Random(seed), index=seed, n_actions=200) for seed in range(6)]
    chat = [m for d in docs for m in d["communication_events"]] + [g for d in docs for g in d["guild_alerts"]]
    text = "\n".join(m["message"] for m in chat)
    assert {m["sender"] for m in chat} <= set(PLAYERS)
    assert {"whisper", "tell", "group_chat", "guild_chat"} <= {m.get("event_type") for m in chat}
    assert any(name in text for name in PLAYERS)  # other players' names inside free text too
    assert re.search(r"password is \S+", text)
    assert re.search(r"[\w.]+@example\.com", text)
    assert {e["player_name"] for d in docs for e in d["player_encounters"]} <= set(PLAYERS)


def test_jsonl_sample_has_exactly_n_lines_valid_against_the_schema(tmp_path: Path) -> None:
    path = write_jsonl_session(tmp_path / "s.jsonl", random.Random(5), 2_000)
    lines = path.read_bytes().splitlines()
    assert len(lines) == 2_000
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    for line in islice(lines, 400):
        validator.validate(json.loads(line))
    events = [json.loads(line) for line in lines]
    assert (events[0]["type"], events[-1]["type"]) == ("session_start", "session_end")
    session = read_session(path)
    assert session.total_xp == sum(e["amount"] for e in events if e["type"] == "xp")
    assert session.total_credits == sum(e["amount"] for e in events if e["type"] == "credits")
    assert len(session.messages) == sum(e["type"] == "chat" for e in events) > 0
    assert session.extra["complete"] is True and session.duration_minutes < 24 * 60


def test_jsonl_samples_are_byte_identical_per_seed(tmp_path: Path) -> None:
    one = write_jsonl_session(tmp_path / "a.jsonl", random.Random(9), 300, index=2).read_bytes()
    two = write_jsonl_session(tmp_path / "b.jsonl", random.Random(9), 300, index=2).read_bytes()
    assert one == two


@pytest.mark.slow
def test_a_large_jsonl_sample_stays_one_plausible_session(tmp_path: Path) -> None:
    session = read_session(write_jsonl_session(tmp_path / "big.jsonl", random.Random(11), 50_000))
    assert len(session.xp_gains) > 5_000
    assert 30 < session.duration_minutes < 24 * 60
