"""Every corpus file serializes into a payload the UPSTREAM schema accepts, totals matching the raw file.

The schema is the MS11 project's own ``data/session_schema.yaml`` (key ``session_schema``), validated with
jsonschema Draft 7 and format checking. jsonschema checks ``date-time`` only when rfc3339-validator is
installed, so the check is registered here explicitly (and tested to reject a time without offset).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from jsonschema import Draft7Validator, FormatChecker

from swgdb_bridge.sanitize import Sanitizer
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import SessionLogSerializer

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", re.IGNORECASE)
KEY = bytes(range(32))


def corpus_files() -> list[Path]:
    return sorted([*CORPUS.glob("tracker/*.json"), *CORPUS.glob("morningstar/data__*.json")])


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if RFC3339.fullmatch(value) is None:
        return False
    datetime.fromisoformat(value.upper())  # raises on 2026-13-45
    return True


@pytest.fixture(scope="module")
def upstream() -> Draft7Validator:
    schema = yaml.safe_load((CORPUS / "morningstar" / "data__session_schema.yaml").read_text())[
        "session_schema"
    ]
    checker = FormatChecker()
    checker.checks("date-time", raises=ValueError)(_date_time)
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=checker)


@pytest.fixture(scope="module")
def serializer() -> SessionLogSerializer:
    options = SanitizeOptions()
    return SessionLogSerializer(options, Sanitizer(options, KEY))


def _errors(validator: Draft7Validator, document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_corpus_is_there() -> None:
    assert len(corpus_files()) >= 24, "expected the 12 tracker files and 12 MorningStar data files"


def test_date_time_check_rejects_times_without_offset(upstream: Draft7Validator, serializer) -> None:
    document = serializer.serialize_file(corpus_files()[0]).to_document()
    document["start_time"] = "2026-10-01T20:01:00"
    assert any("start_time" in error for error in _errors(upstream, document))


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_file_validates_upstream(path: Path, upstream: Draft7Validator, serializer) -> None:
    document = serializer.serialize_file(path).to_document()
    assert _errors(upstream, document) == []
    _check_upstream_rules(document)
    _check_totals(orjson.loads(path.read_bytes()), document)


def _check_upstream_rules(doc: dict[str, Any]) -> None:
    """The schema's ``validation_rules`` a JSON Schema cannot say."""
    start = datetime.fromisoformat(doc["start_time"])
    end = datetime.fromisoformat(doc["end_time"])
    assert end >= start
    assert doc["duration_minutes"] == pytest.approx((end - start).total_seconds() / 60, abs=1e-3)
    xp = doc["xp_data"]
    assert sum(xp["profession_breakdown"].values()) == xp["total_xp_gained"]
    quests = doc["quest_data"]
    assert quests["total_quests_completed"] == len(quests["quest_events"])
    places = doc["location_data"]
    assert places["total_locations_visited"] == len(places["location_events"])
    assert places["unique_planets"] == list(dict.fromkeys(e["planet"] for e in places["location_events"]))
    events = doc["event_data"]
    assert events["total_events"] == sum(events["event_types"].values())
    assert all(e["_sanitized"] for e in events["communication_events"] + events["guild_alerts"])
    assert 0 <= doc["performance_metrics"]["efficiency_score"] <= 100


def _check_totals(raw: dict[str, Any], doc: dict[str, Any]) -> None:
    """Totals recomputed from the raw JSON, by a different route than the serializer's."""
    if "session_summary" in raw:
        _check_xp_export(raw, doc)
    elif "loot_log" in raw:
        assert doc["event_data"]["event_types"]["loot_drop"] == len(raw["loot_log"])
        assert doc["xp_data"]["total_xp_gained"] == 0
    elif "character_id" in raw:
        assert doc["character_name"] == raw["character_id"]
        assert doc["xp_data"]["total_xp_gained"] == raw["xp_gained"]
        assert doc["credit_data"]["total_credits_gained"] == max(0, raw["credits_earned"])
        assert set(doc["location_data"]["unique_planets"]) == {raw["planet_start"], raw["planet_end"]}
    else:
        _check_tracker(raw, doc)


def _check_tracker(raw: dict[str, Any], doc: dict[str, Any]) -> None:
    assert doc["session_id"] == raw["session_id"]
    assert doc["character_name"] == raw["character_name"]
    assert doc["duration_minutes"] == raw["duration_minutes"]
    assert doc["xp_data"]["total_xp_gained"] == raw["xp"]["gained"]
    assert doc["credit_data"]["total_credits_gained"] == raw["credits"]["gained"]
    history = doc["credit_data"]["balance_history"]
    assert (history[0]["balance"], history[-1]["balance"]) == (raw["credits"]["start"], raw["credits"]["end"])
    assert doc["quest_data"]["total_quests_completed"] == len(raw["quests_completed"])
    places = doc["location_data"]
    assert places["total_locations_visited"] == len(raw["locations_visited"])
    assert set(places["unique_planets"]) == {v["planet"] for v in raw["locations_visited"]}
    types = doc["event_data"]["event_types"]
    channels = Counter(e["event_type"] for e in raw["communication_events"])
    assert {k: types[f"communication_{k}"] for k in channels} == dict(channels)
    assert types["player_encounter"] == len(raw["player_encounters"])
    assert types["guild_alert"] == len(raw["guild_alerts"])
    assert types["afk_period"] == len(raw["afk_periods"])
    assert types["stuck_event"] == len(raw["stuck_events"])
    assert types["action"] == len(raw["actions"]) == doc["performance_metrics"]["total_actions"]
    assert doc["performance_metrics"]["afk_periods"] == len(raw["afk_periods"])
    others = {e["player_name"] for e in raw["player_encounters"]} | {
        m["sender"] for m in raw["communication_events"]
    }
    text = orjson.dumps(doc).decode()
    assert [name for name in others if name in text] == []
    hours = raw["duration_minutes"] / 60
    assert doc["xp_data"]["xp_per_hour"] == pytest.approx(raw["xp"]["gained"] / hours, abs=0.01)


def _check_xp_export(raw: dict[str, Any], doc: dict[str, Any]) -> None:
    summary, events = raw["session_summary"], raw["xp_events"]
    xp = doc["xp_data"]
    assert doc["session_id"] == summary["session_id"]
    assert xp["total_xp_gained"] == summary["total_xp"] == sum(e["amount"] for e in events)
    assert len(xp["xp_events"]) == len(events)
    by_profession: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    for event in events:
        by_profession[event["profession"]] += event["amount"]
        by_source[event["source"]] += event["amount"]
    assert xp["profession_breakdown"] == dict(by_profession) == summary["profession_breakdown"]
    assert xp["source_breakdown"] == dict(by_source)
    assert xp["fastest_skills"] == summary["fastest_skills"]
    assert set(doc["location_data"]["zone_efficiency"]) == {e["zone"] for e in events}
