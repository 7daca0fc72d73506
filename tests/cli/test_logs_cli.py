"""``swgdb-bridge logs`` on the shared corpus: every action, JSON alone on stdout, readable errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from swgdb_bridge.cli import app

SCHEMA_FILE = "swgdb_api__schemas__session_v1.json"


@pytest.fixture
def logs(sessions_dir: Path):
    runner = CliRunner()
    dirs = ["--dir", str(sessions_dir / "tracker"), "--dir", str(sessions_dir / "morningstar")]

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, ["logs", *dirs, *args], env={"COLUMNS": "240"})
        assert result.exit_code == code, result.output + result.stderr
        return result

    return run


def test_list_json(logs, all_raw) -> None:
    data = json.loads(logs("--list", "--json").stdout)
    assert len(data["sessions"]) == len(all_raw)
    assert sum(s["xp"] for s in data["sessions"]) == sum(r.xp for r in all_raw)
    assert data["problems"] == [] and data["not_sessions"] == 1  # the JSON Schema: no session, no problem
    starts = [s["start"] for s in data["sessions"]]
    assert starts == sorted(starts, reverse=True)


def test_list_table_and_filters(logs, tracker_raw) -> None:
    out = logs("--character", "Dex Orrin", "--planet", "Talus").stdout
    expected = {
        r.doc["session_id"]
        for r in tracker_raw
        if r.doc["character_name"] == "Dex Orrin"
        and "Talus" in {v["planet"] for v in r.doc["locations_visited"]}
    }
    listed = {r.doc["session_id"] for r in tracker_raw if r.doc["session_id"] in out}
    assert listed == expected
    assert "not sent" in out and f"({len(expected)})" in out
    listing = logs("--list").stdout
    assert "1 other JSON file(s) are not session logs" in listing


def test_view(logs, tracker_raw) -> None:
    doc = tracker_raw[0].doc
    data = json.loads(logs("--view", doc["session_id"], "--json").stdout)
    assert data["sections"]["xp"]["total_xp_gained"] == doc["xp"]["gained"]
    text = logs("--view", doc["session_id"]).stdout
    assert "sanitization preview" in text and doc["quests_completed"][0] in text


def test_unknown_id_is_a_readable_error(logs, tracker_raw) -> None:
    real = tracker_raw[0].doc["session_id"]
    result = logs("--view", real.replace("0000", "000"), code=2)
    assert "did you mean" in result.stderr and real in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert result.stdout == ""


def test_search_analyze_compare(logs, all_raw, tracker_raw) -> None:
    hits = json.loads(logs("--search", "Krayt", "--json").stdout)
    expected = {r.doc["session_id"] for r in tracker_raw if "krayt" in json.dumps(r.doc).lower()}
    assert expected and {h["session_id"] for h in hits} == expected
    assert "Krayt dragon" in logs("--search", r"krayt\s+dragon", "--regex").stdout

    analysis = json.loads(logs("--analyze", "--json").stdout)
    assert analysis["total_xp_gained"] == sum(r.xp for r in all_raw)
    assert analysis["total_credits_gained"] == sum(r.credits for r in all_raw)
    assert analysis["total_sessions"] == analysis["sessions"]  # the design's names stay in --json
    printed = logs("--analyze").stdout
    assert "Per character" in printed and "total xp gained" in printed
    assert "total sessions" not in printed and "total_sessions" not in printed  # printed once, as "sessions"

    a, b = tracker_raw[4].doc, tracker_raw[5].doc
    compared = json.loads(logs("--compare", a["session_id"], b["session_id"], "--json").stdout)
    xp = next(m for m in compared["metrics"] if m["metric"] == "xp")
    assert xp["delta"] == b["xp"]["gained"] - a["xp"]["gained"]
    assert "ratio" in logs("--compare", a["session_id"], b["session_id"]).stdout


def test_export_to_file_and_stdout(logs, tmp_path: Path, tracker_raw) -> None:
    out = tmp_path / "dex.csv"
    logs("--export", "all", "--format", "csv", "--output", str(out), "--character", "Dex Orrin")
    rows = list(csv.DictReader(out.open()))
    dex = {r.doc["session_id"]: r.doc for r in tracker_raw if r.doc["character_name"] == "Dex Orrin"}
    assert {r["session_id"]: int(r["credits"]) for r in rows} == {
        i: d["credits"]["gained"] for i, d in dex.items()
    }
    doc = tracker_raw[1].doc
    exported = json.loads(logs("--export", doc["session_id"], "--format", "json").stdout)
    assert exported["session_id"] == doc["session_id"]
    bad = logs("--export", "all", "--format", "yaml", code=2)
    assert "use one of json, csv, xml" in bad.stderr
    unwritable = logs("--export", "all", "--output", str(tmp_path / "missing" / "all.json"), code=2)
    assert "cannot write the export to" in unwritable.stderr and unwritable.exception.__class__ is SystemExit


def test_bad_filter_and_regex_errors(logs) -> None:
    assert "is not a date" in logs("--since", "someday", code=2).stderr
    assert "not a valid regular expression" in logs("--search", "(", "--regex", code=2).stderr


def test_json_alone_on_stdout_in_a_real_process(sessions_dir: Path, tracker_raw) -> None:
    """The installed command, as a user runs it: stdout parses as JSON, nothing else on it."""
    env = {**os.environ, "COLUMNS": "200"}
    cmd = [sys.executable, "-m", "swgdb_bridge", "logs", "--dir", str(sessions_dir / "tracker")]
    done = subprocess.run([*cmd, "--analyze", "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sessions"] == len(tracker_raw)
    missing = subprocess.run([*cmd, "--view", "nope"], capture_output=True, text=True, env=env, timeout=120)
    assert missing.returncode == 2
    assert missing.stderr.startswith("error:") and "Traceback" not in missing.stderr


def test_first_scan_of_many_files_keeps_stdout_clean(tmp_path: Path, tracker_raw) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        doc = {**tracker_raw[i % len(tracker_raw)].doc, "session_id": f"bulk_{i:03d}"}
        (folder / f"bulk_{i:03d}.json").write_text(json.dumps(doc))
    result = CliRunner().invoke(app, ["logs", "--dir", str(folder), "--json"])
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["sessions"]) == 60


def test_scan_progress_bar_only_for_many_files() -> None:
    import io

    from rich.console import Console

    from swgdb_bridge.viewer.render import PROGRESS_MIN_FILES, ScanProgress

    few, many = io.StringIO(), io.StringIO()
    quiet = ScanProgress(Console(file=few, force_terminal=True))
    for done in range(1, PROGRESS_MIN_FILES):
        quiet(done, PROGRESS_MIN_FILES - 1)
    shown = ScanProgress(Console(file=many, force_terminal=True, width=120))
    for done in range(1, 201):
        shown(done, 200)
    assert few.getvalue() == ""
    assert "indexing session files" in many.getvalue()
