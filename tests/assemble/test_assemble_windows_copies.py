"""Copies Windows and its sync tools leave beside the bot's files ("x - Copy.json", "x (1).json"): when one
is an older snapshot of a file the bot kept writing, the session's figures still come from the bot's file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from swgdb_bridge.assemble import assemble_tree

LONG_AGO = 4e9


def earlier_snapshot(doc: dict) -> dict:
    """The combat log as it stood half-way through: half the events, the kills so far, no end yet."""
    events = doc["events"][: len(doc["events"]) // 2]
    return {**doc, "events": events, "kills": doc["kills"] // 2, "end_time": None, "session_state": "active"}


@pytest.mark.parametrize(
    "suffix", [" - Copy", " - Copy (2)", " (1)", " (conflicted copy 2025-09-13)", "-DESKTOP-4F2K9QH"]
)
def test_an_older_copy_beside_a_log_does_not_speak_for_the_session(
    evening_b: Path, tmp_path: Path, suffix: str
) -> None:
    want = assemble_tree(evening_b / "current", now=LONG_AGO)
    tree = shutil.copytree(evening_b / "current", tmp_path / "current")
    for log in sorted((tree / "logs" / "combat").glob("*.json")):
        older = earlier_snapshot(json.loads(log.read_bytes()))
        log.with_name(f"{log.stem}{suffix}.json").write_text(json.dumps(older, indent=2))
    got = assemble_tree(tree, now=LONG_AGO)
    assert got.problems == []
    assert [(s.start_time, s.kills, s.total_xp) for s in got.sessions] == [
        (s.start_time, s.kills, s.total_xp) for s in want.sessions
    ]


def test_an_older_copy_of_the_whole_folder_does_not_speak_for_the_session(
    evening_b: Path, tmp_path: Path
) -> None:
    want = assemble_tree(evening_b / "current", now=LONG_AGO)
    tree = shutil.copytree(evening_b / "current", tmp_path / "current")
    copy = shutil.copytree(tree / "logs", tree / "logs - Copy")
    for log in sorted((copy / "combat").glob("*.json")):
        log.write_text(json.dumps(earlier_snapshot(json.loads(log.read_bytes())), indent=2))
    got = assemble_tree(tree, now=LONG_AGO)
    assert got.problems == []
    assert [(s.start_time, s.kills) for s in got.sessions] == [(s.start_time, s.kills) for s in want.sessions]
