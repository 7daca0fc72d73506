"""Bad input gives a SessionFileError naming the file, the field and the reason; a batch goes on past it."""

from __future__ import annotations

import copy
import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.sources import MAX_DOCUMENT_BYTES, read_session, read_sessions

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def tracker_doc(corpus_dir: Path) -> Doc:
    return json.loads((corpus_dir / "tracker/session_20261001_200100_0000.json").read_text())


@pytest.fixture(scope="module")
def xp_export_doc(corpus_dir: Path) -> Doc:
    raw = json.loads(
        (corpus_dir / "morningstar/data__session_logs__xp_data_20250802_161637.json").read_text()
    )
    raw["xp_events"] = raw["xp_events"][:5]
    return raw


def refused(path: Path) -> SessionFileError:
    with pytest.raises(SessionFileError) as caught:
        read_session(path)
    assert caught.value.path == path
    assert str(path) in str(caught.value)
    return caught.value


def mutated(doc: Doc, change: Callable[[Doc], None], tmp_path: Path) -> Path:
    bad = copy.deepcopy(doc)
    change(bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    return path


TRACKER_CASES: list[tuple[str, Callable[[Doc], None], str, str]] = [
    ("xp gained is text", lambda d: d["xp"].update(gained="85829"), "xp.gained", "whole number"),
    ("xp gained is a boolean", lambda d: d["xp"].update(gained=True), "xp.gained", "whole number"),
    ("xp gained absurd", lambda d: d["xp"].update(gained=2 * 10**9), "xp.gained", "absurd"),
    ("xp gained negative", lambda d: d["xp"].update(gained=-5), "xp.gained", "absurd"),
    ("credits is a list", lambda d: d.update(credits=[1, 2]), "credits", "object"),
    ("no session id", lambda d: d.pop("session_id"), "session_id", "missing"),
    ("blank session id", lambda d: d.update(session_id="  "), "session_id", "empty"),
    ("no start", lambda d: d.pop("start_time"), "start_time", "missing"),
    ("start not a time", lambda d: d.update(start_time="yesterday"), "start_time", "ISO 8601"),
    ("end before start", lambda d: d.update(end_time="2026-10-01T19:00:00"), "end_time", "before it starts"),
    ("over a day", lambda d: d.update(end_time="2026-10-03T20:00:00"), "end_time", "24 h"),
    ("negative duration", lambda d: d.update(duration_minutes=-3), "duration_minutes", "absurd"),
    (
        "sender is a number",
        lambda d: d["communication_events"][1].update(sender=7),
        "communication_events[1].sender",
        "text",
    ),
    ("action not an object", lambda d: d["actions"].__setitem__(4, "Healed self"), "actions[4]", "object"),
    (
        "afk ends before it starts",
        lambda d: d["afk_periods"][0].update(end_time="2026-10-01T20:00:00"),
        "afk_periods[0].end_time",
        "before it starts",
    ),
    ("quest name not text", lambda d: d["quests_completed"].append(3), "quests_completed[4]", "text"),
    (
        "encounter without a name",
        lambda d: d["player_encounters"][2].pop("player_name"),
        "player_encounters[2].player_name",
        "missing",
    ),
    (
        "coordinates are text",
        lambda d: d["locations_visited"][0].update(coordinates="x"),
        "locations_visited[0].coordinates",
        "[x, y]",
    ),
]


@pytest.mark.parametrize(
    ("change", "field", "reason"), [c[1:] for c in TRACKER_CASES], ids=[c[0] for c in TRACKER_CASES]
)
def test_bad_tracker_fields_are_named(
    tracker_doc: Doc, tmp_path: Path, change: Callable[[Doc], None], field: str, reason: str
) -> None:
    error = refused(mutated(tracker_doc, change, tmp_path))
    assert error.field == field
    assert reason in error.reason
    assert field in str(error)


XP_EXPORT_CASES: list[tuple[str, Callable[[Doc], None], str]] = [
    ("no session id", lambda d: d["session_summary"].pop("session_id"), "session_summary.session_id"),
    ("negative event", lambda d: d["xp_events"][3].update(amount=-1), "xp_events[3].amount"),
    (
        "breakdown value text",
        lambda d: d["session_summary"]["skill_breakdown"].update(x="1"),
        "session_summary.skill_breakdown.x",
    ),
    ("summary is a list", lambda d: d.update(session_summary=[]), "session_summary"),
]


@pytest.mark.parametrize(
    ("change", "field"), [c[1:] for c in XP_EXPORT_CASES], ids=[c[0] for c in XP_EXPORT_CASES]
)
def test_bad_xp_export_fields_are_named(
    xp_export_doc: Doc, tmp_path: Path, change: Callable[[Doc], None], field: str
) -> None:
    assert refused(mutated(xp_export_doc, change, tmp_path)).field == field


def test_xp_export_sources_fold_to_the_fixed_list(xp_export_doc: Doc, tmp_path: Path) -> None:
    """The declared XP per source is folded as each event's source is: a capitalised source is that source,
    and one the list does not have (an e-mail, a phone number) is "other", never a key of its own."""
    sources = {"Combat": 100, "combat": 5, "Quest ": 20, "alice.smith": 7, "07700900123": 3}
    path = mutated(xp_export_doc, lambda d: d["session_summary"].update(source_breakdown=sources), tmp_path)
    assert read_session(path).declared_breakdowns["source"] == {"combat": 105, "quest": 20, "other": 10}


def test_loot_file_without_session_info_times(tmp_path: Path) -> None:
    path = tmp_path / "loot.json"
    path.write_text(json.dumps({"session_info": {"end_time": "2025-08-04T10:58:00"}, "loot_log": []}))
    assert refused(path).field == "session_info.start_time"


RAW_CASES: list[tuple[str, bytes, str]] = [
    ("empty", b"", "empty"),
    ("only whitespace", b"  \n\t\n", "empty"),
    ("truncated", b'{"session_id": "s1", "start_time": "2026-10-01T20:01:00", "xp": {"gai', "truncated JSON"),
    ("binary", random.Random(7).randbytes(4096) + b"\x00", "binary"),
    ("not json", b"session_id = 12\n", "not valid JSON"),
    ("trailing garbage", b'{"xp": {}} }', "not valid JSON"),
    ("valid json, unknown shape", b'{"player": "Dex", "score": 12}', "not a known session format"),
    ("a list", b"[1, 2, 3]", "not a known session format"),
    ("a number", b"42", "not a known session format"),
    ("deeply nested", b"[" * 5000 + b"]" * 5000, "not valid JSON"),
]


@pytest.mark.parametrize(("data", "reason"), [c[1:] for c in RAW_CASES], ids=[c[0] for c in RAW_CASES])
def test_unreadable_content_is_refused_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "session.json"
    path.write_bytes(data)
    error = refused(path)
    assert reason in error.reason
    assert error.field is None


def test_a_byte_order_mark_is_fine(tracker_doc: Doc, tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(tracker_doc).encode())
    assert read_session(path).session_id == tracker_doc["session_id"]


def test_a_huge_document_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as out:  # sparse: 2 GiB on paper, a few bytes on disk
        out.write(b'{"session_id": "x", "actions": [')
        out.truncate(2 * 1024**3)
    assert path.stat().st_size > MAX_DOCUMENT_BYTES
    error = refused(path)
    assert "too large" in error.reason and "JSONL" in error.reason


def test_missing_paths_and_folders_are_refused(tmp_path: Path) -> None:
    assert "does not exist" in refused(tmp_path / "gone.json").reason
    folder = tmp_path / "folder.json"
    folder.mkdir()
    assert "not a regular file" in refused(folder).reason


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.json"
    path.write_text("{}")
    path.chmod(0)
    assert "cannot be read" in refused(path).reason


def test_read_sessions_reports_bad_files_and_goes_on(corpus_dir: Path, tmp_path: Path) -> None:
    good = sorted((corpus_dir / "tracker").glob("*.json"))[:2]
    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{"session_id": ')
    paths = [good[0], broken, tmp_path / "missing.json", good[1]]
    results = list(read_sessions(paths))
    assert [r.path for r in results] == paths
    assert [r.ok for r in results] == [True, False, False, True]
    assert results[1].error is not None and results[1].error.path == broken and results[1].session is None
    assert results[3].session is not None and results[3].session.source_path == good[1]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _leaf_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [prefix] + [p for k, v in node.items() for p in _leaf_paths(v, (*prefix, k))]
    if isinstance(node, list):
        return [prefix] + [p for i, v in enumerate(node) for p in _leaf_paths(v, (*prefix, i))]
    return [prefix]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), replacement=JSON_VALUES)
def test_any_value_anywhere_reads_or_fails_cleanly(
    tracker_doc: Doc, tmp_path: Path, data: st.DataObject, replacement: Any
) -> None:
    """Whatever a field is replaced with, the outcome is a Session or a SessionFileError, not a traceback."""
    doc = copy.deepcopy(tracker_doc)
    where = data.draw(st.sampled_from(_leaf_paths(doc)[1:]))
    parent = doc
    for step in where[:-1]:
        parent = parent[step]
    parent[where[-1]] = replacement
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(doc))
    try:
        read_session(path)
    except SessionFileError as exc:
        assert exc.path == path


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=1, max_value=8000))
def test_a_document_cut_anywhere_is_truncated_json(tracker_doc: Doc, tmp_path: Path, cut: int) -> None:
    whole = json.dumps(tracker_doc, indent=2).encode()
    path = tmp_path / "cut.json"
    path.write_bytes(whole[: min(cut, len(whole) - 1)])
    assert "truncated JSON" in refused(path).reason
