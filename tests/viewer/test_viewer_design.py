"""The design's viewer methods (session dicts by id, export to a path, comparison of any ids) on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swgdb_bridge import SessionLogViewer

XP = (1000, 2500, 4000)


def write_sessions(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for i, xp in enumerate(XP):
        session = {
            "session_id": f"session_{i}",
            "character_name": "Mira Sol",
            "start_time": f"2026-11-2{i}T10:00:00",
            "end_time": f"2026-11-2{i}T1{1 + i}:00:00",  # 60, 120 and 180 minutes
            "xp": {"gained": xp},
            "credits": {"gained": 10 * xp},
            "quests_completed": [f"Quest {i}", "Rescue the spy"],
            "locations_visited": [{"planet": f"Planet{i}", "city": "Theed"}],
        }
        path = folder / f"session_{i}.json"
        path.write_text(json.dumps(session))
        paths.append(path)
    (folder / "broken.json").write_text('{"session_id": ')
    return paths


@pytest.fixture
def viewer(tmp_path: Path) -> SessionLogViewer:
    write_sessions(tmp_path / "sessions")
    with SessionLogViewer(tmp_path / "sessions", index_path=tmp_path / "index.sqlite") as opened:
        yield opened


def test_session_files_and_dicts_by_id(viewer: SessionLogViewer, tmp_path: Path) -> None:
    files = viewer.find_session_files()
    folder = (tmp_path / "sessions").resolve()
    assert files == [
        folder / name for name in ("broken.json", "session_0.json", "session_1.json", "session_2.json")
    ]
    assert viewer.load_session(files[0]) is None  # unreadable: logged and skipped, as the design's was

    loaded = viewer.load_session(files[1])
    assert loaded["session_id"] == "session_0" and loaded["xp"] == {"gained": XP[0]}
    assert loaded["_file_name"] == "session_0.json" and loaded["_file_size"] == files[1].stat().st_size

    sessions = viewer.load_all_sessions()
    assert list(sessions) == ["session_0", "session_1", "session_2"]
    assert set(sessions) == {row["session_id"] for row in viewer.list_sessions()}
    for session_id in sessions:  # every key is an id the other methods take
        assert viewer.view_session(session_id)["session_id"] == session_id


def test_analysis_has_the_designs_totals_and_averages(viewer: SessionLogViewer) -> None:
    analysis = viewer.analyze_sessions()
    assert analysis["total_sessions"] == 3 and analysis["total_xp_gained"] == sum(XP)
    assert analysis["total_credits_gained"] == 10 * sum(XP) and analysis["total_quests_completed"] == 6
    assert analysis["total_duration_hours"] == 6.0 and analysis["average_session_duration"] == 120.0
    assert analysis["average_xp_per_session"] == 2500.0 and analysis["average_credits_per_session"] == 25000.0


def test_export_to_a_path_says_whether_it_worked(viewer: SessionLogViewer, tmp_path: Path) -> None:
    out = tmp_path / "exported.json"
    assert viewer.export_session("session_1", out) is True
    exported = json.loads(out.read_text())
    assert exported == viewer.view_session("session_1") and exported["session_id"] == "session_1"
    assert viewer.export_session("no_such_session", tmp_path / "x.json") is False
    assert viewer.export_session("session_1", tmp_path / "missing-folder" / "x.json") is False
    assert not (tmp_path / "x.json").exists()


def test_compare_any_ids_as_a_list_or_a_pair(viewer: SessionLogViewer) -> None:
    three = viewer.compare_sessions(["session_2", "session_0", "session_1"])
    assert three["sessions_compared"] == ["session_2", "session_0", "session_1"]
    assert "metrics" not in three  # deltas and ratios are for pairs
    assert {i: d["xp_gained"] for i, d in three["comparison_data"].items()} == {
        "session_0": XP[0],
        "session_1": XP[1],
        "session_2": XP[2],
    }
    first = three["comparison_data"]["session_0"]
    assert (first["duration_minutes"], first["credits_gained"], first["quests_completed"]) == (
        60.0,
        10_000,
        2,
    )

    pair = viewer.compare_sessions("session_0", "session_1")
    assert pair["sessions_compared"] == ["session_0", "session_1"]
    xp = next(row for row in pair["metrics"] if row["metric"] == "xp")
    assert (xp["a"], xp["b"], xp["delta"]) == (XP[0], XP[1], XP[1] - XP[0])
    assert viewer.compare_sessions(["session_0", "session_1"])["comparison_data"] == pair["comparison_data"]
