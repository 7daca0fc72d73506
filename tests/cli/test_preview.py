"""``swgdb-bridge preview`` as a user runs it (in-process, :mod:`helpers.cli`): one corpus file per input
format here; every corpus file is serialized by test_upstream_schema.py."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import orjson
import pytest

from helpers.cli import run
from helpers.keyrings import memory_keyring
from swgdb_bridge.payload import SessionPayload
from swgdb_bridge.upload.config import KEYRING_SERVICE, UploadConfig

ONE_PER_FORMAT = (
    "tracker/session_20261001_200100_0000.json",
    "morningstar/data__character_sessions__char_001__session_b0a99dbe.json",
    "morningstar/data__rls_farming_sessions__rls_farming_session_20250804_105800.json",
    "morningstar/data__session_logs__xp_data_20250802_161637.json",
)


def preview(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run("preview", *map(str, args), env={"COLUMNS": "120", **(env or {})})


@pytest.mark.parametrize("name", ONE_PER_FORMAT)
def test_json_is_the_payload_alone(corpus_dir: Path, name: str) -> None:
    done = preview(corpus_dir / name, "--json")
    assert done.returncode == 0, done.stderr
    payload = SessionPayload.model_validate(orjson.loads(done.stdout))  # nothing else on stdout
    assert payload.metadata.content_digest is not None
    assert done.stderr == ""


def test_summary_shows_totals_places_events_and_the_report(corpus_dir: Path) -> None:
    done = preview(corpus_dir / ONE_PER_FORMAT[0])
    assert done.returncode == 0, done.stderr
    for expected in (
        "Dex Orrin",
        "85,829",
        "24,758",
        "225,943",
        "Dantooine",
        "communication_tell",
        "Sanitization report",
        "messages_removed",
        "48.7 / 100",
        "min travelling",  # the visits and travel under the planets, not a row posing as a planet
        "checked, none found: ",
    ):
        assert expected in done.stdout, expected
    for private in ("Zorvath", "Kelindra", "Nightsister stronghold"):  # a name and a message of the file
        assert private not in done.stdout


def test_flags_override_the_settings(corpus_dir: Path) -> None:
    file = corpus_dir / ONE_PER_FORMAT[0]
    talkative = orjson.loads(preview(file, "--json", "--include-communications").stdout)
    messages = [e.get("message") for e in talkative["event_data"]["communication_events"]]
    assert "LF group for Nightsister stronghold" in messages
    quiet = orjson.loads(
        preview(file, "--json", "--no-include-events", env={"INCLUDE_EVENTS": "true"}).stdout
    )
    assert quiet["event_data"]["communication_events"] == [] and quiet["xp_data"]["xp_events"] == []
    assert quiet["event_data"]["event_types"] == talkative["event_data"]["event_types"]


def test_environment_settings_apply(corpus_dir: Path) -> None:
    done = preview(corpus_dir / ONE_PER_FORMAT[0], "--json", env={"INCLUDE_LOCATIONS": "false"})
    assert orjson.loads(done.stdout)["location_data"]["unique_planets"] == []


@pytest.mark.parametrize(
    ("content", "field", "reason"),
    [
        (b'{"session_id": "s1", "start_time": "2026-10-01T20:01:00"', None, "truncated JSON"),
        (
            b'{"session_id": "s1", "start_time": "2026-10-01T20:01:00", "end_time": "2026-10-01T21:00:00", '
            b'"xp": {"gained": "lots"}}',
            "xp.gained",
            "",
        ),
        (b"\x00\x01garbage\xff", None, "binary"),
    ],
)
def test_a_bad_file_is_one_red_line_and_exit_1(
    tmp_path: Path, content: bytes, field: str | None, reason: str
) -> None:
    bad = tmp_path / "bad session.json"
    bad.write_bytes(content)
    done = preview(bad)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"error: {bad}: ")
    if field:
        assert f": {field}: " in lines[0]
    assert reason in lines[0]


def test_a_missing_file_is_reported_too(tmp_path: Path) -> None:
    done = preview(tmp_path / "nope.json", "--json")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith(f"error: {tmp_path / 'nope.json'}: ")


def test_names_from_the_log_are_shown_as_text_not_markup(corpus_dir: Path, tmp_path: Path) -> None:
    doc = orjson.loads((corpus_dir / ONE_PER_FORMAT[0]).read_bytes())
    doc["character_name"] = "[/red]Dex[bold]"  # not a name's shape: not uploaded at all (docs/privacy.md)
    doc["locations_visited"][0]["planet"] = "[/]Naboo"
    odd = tmp_path / "odd.json"
    odd.write_bytes(orjson.dumps(doc))
    done = preview(odd)
    assert done.returncode == 0, done.stderr
    assert "[/]Naboo" in done.stdout and "[/red]Dex[bold]" not in done.stdout


def test_preview_and_the_viewer_never_ask_the_os_keyring(corpus_dir: Path) -> None:
    """They send nothing, so they need no key: no backend probe, no unlock prompt on a locked desktop."""
    with memory_keyring() as memory:
        assert preview(corpus_dir / ONE_PER_FORMAT[0], "--json").returncode == 0
        assert run("logs", "--dir", str(corpus_dir / "tracker"), "--list", "--json").returncode == 0
        assert memory.asked == []
        UploadConfig.load()  # what upload and check do: the keyring does see that
        assert memory.asked == [(KEYRING_SERVICE, "api_key")]


@pytest.mark.skipif(os.name != "posix", reason="file names are bytes on POSIX only")
def test_a_file_whose_name_is_not_utf8_is_left_out_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Was: a traceback in every command that reads the folder: the upload state and the viewer's index
    (SQLite) and the JSON output cannot hold a name with bytes that are not UTF-8."""
    from swgdb_bridge.demo.run import write_sample_sessions

    folder = tmp_path / "logs"
    write_sample_sessions(folder, 2)
    (folder / "session_0001.json").rename(os.fsdecode(bytes(folder / "session_") + b"\xff\xfe.json"))
    listed = run("logs", "--list", "--json", "--dir", str(folder))
    assert listed.returncode == 0 and len(orjson.loads(listed.stdout)) >= 1, listed.stderr
    previewed = run("preview", "--dir", str(folder), "--json")
    assert previewed.returncode == 0 and orjson.loads(previewed.stdout)["sessions"], previewed.stderr
    env = {"SWGDB_API_KEY": "k" * 40, "SWGDB_USER_HASH": "u" * 32}
    dry_run = run("upload", "--dry-run", "--dir", str(folder), env=env)
    assert dry_run.returncode == 0, dry_run.stderr
    assert "session_\\udcff\\udcfe.json: its name is not UTF-8 text" in caplog.text
