"""``logs --dir`` and ``preview --dir`` on what the MS11 bot really wrote: one play session per tree, with the
facts fed to the bot (``WRITERS.json``), and no other player's name or chat line in any preview."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from swgdb_bridge.cli import app

TREES = ("current-1236842", "legacy-be1136b")
QUESTS = ["Clear the Tusken Camp", "Deliver Vaporator Parts"]
CHAT_WORDS = ("watching u farm", "tip 500cr", "guild meeting")


def run(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def private_strings(ms11_real: Path, chat_text: bool) -> list[str]:
    """Other players' names and the Discord id from the truth file; their chat lines too if ``chat_text``."""
    found: list[str] = []
    for entry in json.loads((ms11_real / "WRITERS.json").read_text()):
        fed = entry["fed"]
        chat = fed.get("chat")
        if isinstance(chat, list):
            found += [line[1] for line in chat] + ([line[2] for line in chat] if chat_text else [])
        if fed.get("discord_id"):
            found.append(fed["discord_id"])
    return sorted(set(found))


@pytest.mark.parametrize("tree", TREES)
def test_logs_lists_the_one_play_session_with_the_facts_fed(ms11_real: Path, tree: str) -> None:
    data = run("logs", "--dir", str(ms11_real / tree), "--list", "--json")
    assert data["problems"] == [] and data["not_sessions"] == 0
    (row,) = data["sessions"]
    assert (row["start"], row["end"]) == ("2025-08-09T19:00:00+00:00", "2025-08-09T21:15:00+00:00")
    assert (row["duration_minutes"], row["xp"], row["credits"]) == (135, 6450, 4785)
    assert row["planets"] == ["Tatooine", "Naboo"]
    assert set(row["sources"]) == {str(p) for p in (ms11_real / tree).rglob("*.json")} - {
        str(ms11_real / tree / "session_state.json")
    }
    if tree == "current-1236842":
        assert row["character"] == "Kaelen Vorr" and row["quests"] == 2
        assert data["lifetime"] == []
    else:  # the legacy writers know no character, and session_state.json is lifetime totals, not a session
        assert row["character"] is None
        (lifetime,) = data["lifetime"]
        assert lifetime["totals"]["mob_counts"]["womp rat"] == 6


@pytest.mark.parametrize("tree", TREES)
def test_preview_dir_shows_each_payload_with_the_bots_facts(ms11_real: Path, tree: str) -> None:
    data = run("preview", "--dir", str(ms11_real / tree), "--json")
    assert data["problems"] == []
    (doc,) = data["sessions"]
    assert doc["session_id"] == "ms11_20250809_190000" and doc["duration_minutes"] == 135
    assert doc["xp_data"]["total_xp_gained"] == 6450
    assert doc["credit_data"]["total_credits_gained"] == 4785
    assert doc["location_data"]["unique_planets"] == ["Tatooine", "Naboo"]
    assert sum(doc["event_data"]["kills_by_creature"].values()) == 15
    balances = doc["credit_data"]["balance_history"]
    assert (balances[0]["balance"], balances[-1]["balance"]) == (125000, 129785)
    files = [s["file"] for s in doc["metadata"]["sources"]]
    assert files and all("/" not in f and "\\" not in f for f in files)  # names only, never a folder
    if tree == "current-1236842":
        assert doc["character_name"] == "Kaelen Vorr"
        assert [q["quest_name"] for q in doc["quest_data"]["quest_events"]] == QUESTS
        assert sum(doc["xp_data"]["skill_breakdown"].values()) == 6450
        assert {i["item"] for i in doc["event_data"]["heroic_loot"]} == {
            "IG-88 Binary Brain",
            "Advanced Circuit Board",
            "Nightsister Spear",
        }
        assert doc["metadata"]["warnings"]  # free text: reduced to its category before it leaves


def test_the_summary_names_the_bots_kills_and_heroic_loot(ms11_real: Path) -> None:
    """A heroic run's summary said "Events: none": its kills and loot are the bot's own lists."""
    result = CliRunner().invoke(app, ["preview", "--dir", str(ms11_real / "current-1236842")])
    assert result.exit_code == 0, result.output
    assert "Kills (15)" in result.stdout and "IG-88 Binary Brain" in result.stdout


@pytest.mark.parametrize("tree", TREES)
@pytest.mark.parametrize("communications", ["--no-include-communications", "--include-communications"])
def test_no_private_string_in_any_preview(ms11_real: Path, tree: str, communications: str) -> None:
    result = CliRunner().invoke(app, ["preview", "--dir", str(ms11_real / tree), "--json", communications])
    assert result.exit_code == 0, result.output
    default = communications == "--no-include-communications"  # with it, chat text is the user's choice
    secrets = private_strings(ms11_real, chat_text=default)
    assert {"Zorvath", "Kelindra", "Tirra Dane", "284917563021457408"} <= set(secrets)
    leaked = [s for s in secrets if s in result.stdout]
    leaked += [w for w in CHAT_WORDS if default and w in result.stdout]
    assert leaked == []


def test_preview_wants_a_file_or_a_folder() -> None:
    result = CliRunner().invoke(app, ["preview"])
    assert result.exit_code == 2 and "give a session FILE or --dir ROOT" in result.output


def test_preview_of_one_bot_file_shows_that_part_alone_and_points_at_dir(evening_b: Path) -> None:
    step_log = next((evening_b / "current" / "logs").glob("session_*.json"))
    result = CliRunner().invoke(app, ["preview", "--json", str(step_log)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output + result.stderr
    payload = json.loads(result.stdout)  # stdout holds the payload alone; the note is on stderr
    assert payload["metadata"]["source_format"] == "assembled"
    assert payload["xp_data"]["total_xp_gained"] > 0
    assert "one part of an MS11 play session (step_log)" in result.stderr and "--dir" in result.stderr


def test_preview_of_a_bot_file_that_says_nothing_alone_names_dir(evening_b: Path) -> None:
    store = evening_b / "current" / "data" / "character_sessions" / "sessions.json"
    result = CliRunner().invoke(app, ["preview", str(store)], env={"COLUMNS": "400"})
    assert result.exit_code == 1
    assert "holds parts of 3 MS11 play sessions (ingest_store)" in result.stderr
    assert "preview --dir FOLDER" in result.stderr


def test_preview_dir_names_a_file_still_being_written(ms11_real: Path, tmp_path: Path) -> None:
    """A file cut short and changed a moment ago is being written: left out, and said, never silently."""
    tree = tmp_path / "bot"
    shutil.copytree(ms11_real / "current-1236842", tree)
    writing = tree / "logs" / "credits_20250809_190000.json"
    writing.write_text(writing.read_text()[:40])  # the bot is half-way through rewriting it, right now
    data = run("preview", "--dir", str(tree), "--json")
    assert data["still_being_written"] == [str(writing)] and data["problems"] == []
    result = CliRunner().invoke(app, ["preview", "--dir", str(tree)], env={"COLUMNS": "400"})
    assert result.exit_code == 0 and "still being written" in result.output and writing.name in result.output


def test_a_bad_field_in_a_bot_file_is_named_by_preview_dir_and_preview_file(tmp_path: Path) -> None:
    """The credit tracker's file with text where a balance goes: the problem names the file, the format
    assumed, the field and why, in ``--dir`` output and for the file alone (not "no known format")."""
    logs = tmp_path / "bot" / "logs"
    logs.mkdir(parents=True)
    bad = logs / "credits_20260115_230000.json"
    bad.write_text(
        '{"session_id": "20260115_230000", "start_credits": 100, "end_credits": "lots", "credit_history": []}'
    )
    data = run("preview", "--dir", str(tmp_path / "bot"), "--json")
    (problem,) = data["problems"]
    assert (problem["path"], problem["format"], problem["field"]) == (str(bad), "credit_log", "end_credits")
    result = CliRunner().invoke(app, ["preview", str(bad)], env={"COLUMNS": "400"})
    assert result.exit_code == 1
    assert "read as credit_log" in result.stderr and "end_credits" in result.stderr
    assert "not a known session format" not in result.stderr
