"""Every real file in the corpus reads, and its figures match values computed here from the raw JSON."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from swgdb_bridge.sources import discover_files, read_session, read_sessions

TESTS = Path(__file__).resolve().parents[1]
NOT_SESSIONS = {"swgdb_api__schemas__session_v1.json"}  # a JSON Schema that lives in the corpus


def utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def corpus_files(corpus_dir: Path, pattern: str) -> list[Path]:
    files = sorted(corpus_dir.glob(pattern))
    assert files, f"no corpus files match {pattern}"
    return files


def test_every_corpus_session_reads_and_the_schema_file_is_refused(corpus_dir: Path) -> None:
    # ms11-real/ holds parts of sessions, read by read_parts and assembled (tests/assemble/)
    whole = [p for p in discover_files([corpus_dir]) if "ms11-real" not in p.relative_to(corpus_dir).parts]
    results = list(read_sessions(whole))
    failed = {r.path.name: r.error for r in results if not r.ok}
    assert set(failed) == NOT_SESSIONS
    assert "not a known session format" in str(failed["swgdb_api__schemas__session_v1.json"])
    formats = Counter(r.session.source_format for r in results if r.session is not None)
    assert formats == {"tracker": 12, "character_sessions": 9, "loot_farming": 2, "xp_export": 1}


def test_tracker_files_keep_every_list_and_declared_total(corpus_dir: Path) -> None:
    for path in corpus_files(corpus_dir, "tracker/*.json"):
        raw = json.loads(path.read_text())
        session = read_session(path)
        assert (session.session_id, session.character_name, session.mode) == (
            raw["session_id"],
            raw["character_name"],
            raw["mode"],
        )
        assert session.start_time == utc(raw["start_time"]) and session.end_time == utc(raw["end_time"])
        assert session.duration_minutes == pytest.approx(raw["duration_minutes"])
        assert session.total_xp == raw["xp"]["gained"] and session.xp_start == raw["xp"]["start"]
        assert (
            session.total_credits == raw["credits"]["gained"] and session.credits_end == raw["credits"]["end"]
        )
        assert [q.quest_name for q in session.quests] == raw["quests_completed"]
        assert [(m.channel, m.sender, m.message) for m in session.messages] == [
            (c["event_type"], c["sender"], c["message"]) for c in raw["communication_events"]
        ]
        assert [e.player_name for e in session.encounters] == [
            e["player_name"] for e in raw["player_encounters"]
        ]
        assert [g.message for g in session.guild_alerts] == [g["message"] for g in raw["guild_alerts"]]
        assert [a.duration_minutes for a in session.afk_periods] == [
            a["duration_minutes"] for a in raw["afk_periods"]
        ]
        assert [s.reason for s in session.stuck_events] == [s["reason"] for s in raw["stuck_events"]]
        assert [v.planet for v in session.locations] == [v["planet"] for v in raw["locations_visited"]]
        assert [a.text for a in session.actions] == [a["action"] for a in raw["actions"]]
        assert session.declared_metrics == {k: float(v) for k, v in raw["performance_metrics"].items()}
        assert session.original_keys == list(raw)


def test_tracker_action_lines_yield_xp_credits_and_quest_times(corpus_dir: Path) -> None:
    for path in corpus_files(corpus_dir, "tracker/*.json"):
        raw = json.loads(path.read_text())
        texts = [a["action"] for a in raw["actions"]]
        kills = [int(n) for t in texts for n in re.findall(r"^Killed .* \(\+(\d+) XP\)$", t)]
        looted = [int(n) for t in texts for n in re.findall(r"^Looted (\d+) credits from", t)]
        session = read_session(path)
        assert [g.amount for g in session.xp_gains] == kills
        assert {g.source for g in session.xp_gains} <= {"combat"}
        assert [c.amount for c in session.credit_changes] == looted
        assert session.total_xp == raw["xp"]["gained"]  # derived events never replace the declared total
        first_done = {}
        for act in raw["actions"]:
            if act["action"].startswith("Completed quest: "):
                first_done.setdefault(act["action"].removeprefix("Completed quest: "), utc(act["time"]))
        assert [q.timestamp for q in session.quests] == [first_done.get(q) for q in raw["quests_completed"]]


def test_character_sessions_map_totals_places_and_notes(corpus_dir: Path) -> None:
    for path in corpus_files(corpus_dir, "morningstar/data__character_sessions__*.json"):
        raw = json.loads(path.read_text())
        session = read_session(path)
        assert session.source_format == "character_sessions"
        assert session.session_id == raw["session_id"] and session.character_name is None
        assert session.extra["character_id"] == raw["character_id"]
        assert (session.total_xp, session.total_credits) == (raw["xp_gained"], raw["credits_earned"])
        assert session.notes == raw["activities"]  # notes are "" in the corpus: nothing added
        visit = session.locations[0]
        assert (visit.planet, visit.city, visit.coordinates) == (
            raw["planet_start"],
            raw["location_start"],
            tuple(raw["coordinates_start"]),
        )
        assert session.duration_minutes == pytest.approx(raw["duration_minutes"])


def test_loot_farming_gets_a_stable_derived_id_and_every_drop(corpus_dir: Path) -> None:
    paths = corpus_files(corpus_dir, "morningstar/data__rls_farming_sessions__*.json")
    ids = set()
    for path in paths:
        raw = json.loads(path.read_text())
        session = read_session(path)
        assert re.fullmatch(r"[a-zA-Z0-9_-]{1,50}", session.session_id)
        assert session.session_id == read_session(path).session_id
        ids.add(session.session_id)
        assert [drop.item for drop in session.loot] == [entry["item"] for entry in raw["loot_log"]]
        assert (
            session.declared_metrics["total_loot"] == raw["session_info"]["total_loot"] == len(session.loot)
        )
        assert session.extra["target_items_found"] == raw["session_info"]["target_items_found"]
    assert len(ids) == len(paths)


def test_xp_export_events_sum_to_the_summary_and_its_breakdowns(corpus_dir: Path) -> None:
    (path,) = corpus_files(corpus_dir, "morningstar/data__session_logs__xp_data_*.json")
    raw = json.loads(path.read_text())
    session = read_session(path)
    amounts = [event["amount"] for event in raw["xp_events"]]
    assert len(session.xp_gains) == len(amounts) == 1188
    assert [g.amount for g in session.xp_gains] == amounts
    assert session.total_xp == raw["session_summary"]["total_xp"] == sum(amounts)
    by_profession: defaultdict[str, int] = defaultdict(int)
    by_source: defaultdict[str, int] = defaultdict(int)
    for gain in session.xp_gains:
        by_profession[gain.profession or "?"] += gain.amount
        by_source[gain.source or "?"] += gain.amount
    assert dict(by_profession) == session.declared_breakdowns["profession"]
    assert dict(by_source) == session.declared_breakdowns["source"]
    assert session.declared_breakdowns["zone"] == raw["summary"]["xp_by_zone"]
    assert session.extra["fastest_skills"] == raw["session_summary"]["fastest_skills"]
    levelled = [e for e in raw["xp_events"] if e["level_after"] is not None]
    assert sum(g.level_after is not None for g in session.xp_gains) == len(levelled)


def test_files_are_told_apart_by_content_not_by_name() -> None:
    open_session = read_session(TESTS / "data/sessions/open_session.json")
    assert open_session.source_format == "jsonl"
    minified = read_session(TESTS / "data/sessions/nested/minified_tracker.jsonl")
    assert minified.source_format == "tracker"
    assert minified.start_time == datetime(2026, 11, 4, 9, 0, tzinfo=UTC)  # +01:00 converted to UTC
    assert [g.amount for g in minified.xp_gains] == [1250]
    assert minified.quests[0].timestamp == datetime(2026, 11, 4, 9, 20, tzinfo=UTC)
    assert minified.total_credits == -100
