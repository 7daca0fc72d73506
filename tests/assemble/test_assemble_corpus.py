"""``assemble_tree`` on what the bot really wrote: one play session per evening, with the facts fed to it."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from swgdb_bridge.assemble import IDENTICAL_COPY, assemble_paths, assemble_tree
from swgdb_bridge.model import Session

LONG_AGO = 4e9
START, END = datetime(2025, 8, 9, 19, 0, tzinfo=UTC), datetime(2025, 8, 9, 21, 15, tzinfo=UTC)
QUESTS = ["Clear the Tusken Camp", "Deliver Vaporator Parts"]


def only_session(root: Path) -> Session:
    result = assemble_tree(root, now=LONG_AGO)
    assert result.problems == [] and result.retry == []
    assert len(result.sessions) == 1, [s.session_id for s in result.sessions]
    return result.sessions[0]


def test_current_tree_is_one_play_session_with_the_facts_fed(ms11_real: Path) -> None:
    session = only_session(ms11_real / "current-1236842")
    assert session.character_name == "Kaelen Vorr"
    assert (session.start_time, session.end_time, session.duration_minutes) == (START, END, 135)
    assert (session.total_xp, session.total_credits) == (6450, 4785)
    assert [q.quest_name for q in session.quests] == QUESTS
    assert [p for p in dict.fromkeys(v.planet for v in session.locations)] == ["Tatooine", "Naboo"]
    assert sum(session.kills.values()) == 15 and session.kills == {"womp rat": 10, "kaadu": 5}
    assert {i.item for i in session.heroic_loot} == {
        "IG-88 Binary Brain",
        "Advanced Circuit Board",
        "Nightsister Spear",
    }
    assert sum(session.xp_by_skill.values()) == 6450
    assert session.credit_curve[-1].balance == 129785
    assert session.truncated  # the dual logs were cut off


def test_current_tree_lists_every_file_and_what_was_taken(ms11_real: Path) -> None:
    session = only_session(ms11_real / "current-1236842")
    root = ms11_real / "current-1236842"
    assert {s.path for s in session.sources} == {p for p in root.rglob("*.json")}
    taken = {s.format: s.taken for s in session.sources}
    assert "credits_total" in taken["credit_log"] and "kills" in taken["combat_log"]
    assert "character" in taken["xp_tracking"]
    assert sum(1 for s in session.sources if "xp_total" in s.taken) == 1  # the same XP, taken once


def test_current_tree_warns_about_the_bot_bugs_it_worked_around(ms11_real: Path) -> None:
    session = only_session(ms11_real / "current-1236842")
    text = "\n".join(session.warnings)
    assert "xp_gain 8100 is seconds" in text
    assert "cut off mid-document" in text


def test_legacy_tree_is_one_play_session_with_what_its_files_hold(ms11_real: Path) -> None:
    result = assemble_tree(ms11_real / "legacy-be1136b", now=LONG_AGO)
    assert len(result.sessions) == 1 and result.problems == []
    session = result.sessions[0]
    # the legacy writers know no character and no quest names (WRITERS.json: "character": null)
    assert session.character_name is None
    assert (session.start_time, session.end_time, session.duration_minutes) == (START, END, 135)
    assert (session.total_xp, session.total_credits) == (6450, 4785)
    assert session.declared_metrics["quests_completed"] == 2
    assert [p for p in dict.fromkeys(v.planet for v in session.locations)] == ["Tatooine", "Naboo"]
    assert sum(session.kills.values()) == 15
    # session_state.json: lifetime totals, never added in
    assert [t.path.name for t in result.lifetime] == ["session_state.json"]
    assert "Tusken Raider" not in session.kills


def test_both_trees_together_are_still_one_play_session(ms11_real: Path) -> None:
    result = assemble_tree(ms11_real, now=LONG_AGO)
    assert len(result.sessions) == 1 and result.not_sessions == 1  # WRITERS.json
    session = result.sessions[0]
    assert (session.total_xp, session.total_credits, session.character_name) == (6450, 4785, "Kaelen Vorr")
    assert sum(session.kills.values()) == 15


def test_a_dashboard_copy_changes_nothing(ms11_real: Path, tmp_path: Path) -> None:
    tree = tmp_path / "bot"
    shutil.copytree(ms11_real / "current-1236842", tree)
    before = only_session(tree)
    (tree / "dashboard" / "sessions").mkdir(parents=True)
    for name in ("session_20250809_190000.json", "credits_20250809_190000.json"):
        shutil.copy(tree / "logs" / name, tree / "dashboard" / "sessions" / name)
    after = only_session(tree)
    assert (after.session_id, after.total_xp, after.total_credits, after.kills) == (
        before.session_id,
        before.total_xp,
        before.total_credits,
        before.kills,
    )
    copies = [s for s in after.sources if s.taken == (IDENTICAL_COPY,)]
    assert len(copies) == 2


def test_session_id_is_stable_whatever_files_are_found(ms11_real: Path) -> None:
    files = sorted((ms11_real / "current-1236842").rglob("*.json"))
    ids = {
        assemble_paths(subset, now=LONG_AGO).sessions[0].session_id
        for subset in (files, files[::-1], files[2:])
    }
    assert ids == {"ms11_20250809_190000"}


def test_the_bot_folders_are_found_from_the_working_directory(
    ms11_real: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ms11_real / "current-1236842", tmp_path / "bot")
    shutil.copy(ms11_real / "legacy-be1136b" / "session_state.json", tmp_path / "bot" / "session_state.json")
    (tmp_path / "bot" / "config").mkdir()
    (tmp_path / "bot" / "config" / "x.json").write_text(json.dumps({"not": "a session"}))
    monkeypatch.chdir(tmp_path / "bot")
    result = assemble_tree(now=LONG_AGO)
    assert len(result.sessions) == 1 and result.sessions[0].total_xp == 6450
    assert len(result.lifetime) == 1  # config/ is not a bot session folder: never even read
