"""Bad input to every MS11 reader: a clear error naming the file, the format assumed and the reason."""

from __future__ import annotations

import codecs
import json
import os
import shutil
from pathlib import Path

import pytest

from swgdb_bridge.assemble import assemble_paths, assemble_tree
from swgdb_bridge.sources import PartFileError, read_parts
from swgdb_bridge.sources._prefix import recover_prefix

LONG_AGO = 4e9

# format → (a valid document, the same with one value of the wrong type, the dotted field that is wrong)
CASES: dict[str, tuple[object, object, str]] = {
    "step_log": (
        {
            "start_time": "2025-01-01T10:00:00",
            "total_xp": 5,
            "steps": [{"time": "2025-01-01T10:01:00", "xp": 5}],
        },
        {
            "start_time": "2025-01-01T10:00:00",
            "total_xp": 5,
            "steps": [{"time": "2025-01-01T10:01:00", "xp": "5"}],
        },
        "steps[0].xp",
    ),
    "credit_log": (
        {"session_id": "20250101_100000", "start_credits": 1, "end_credits": 2, "credit_history": []},
        {
            "session_id": "20250101_100000",
            "start_credits": 1,
            "end_credits": 2,
            "credit_history": [{"credits": []}],
        },
        "credit_history[0].credits",
    ),
    "xp_tracking": (
        {"character": "A", "session_start": "2025-01-01T10:00:00", "xp_start": 1, "xp_end": 2, "actions": []},
        {"character": "A", "session_start": "2025-01-01T10:00:00", "xp_start": 1, "actions": [{"xp": None}]},
        "actions[0].xp",
    ),
    "combat_log": (
        {"session_id": "c_1", "start_time": "2025-01-01T10:00:00", "events": [], "abilities_used": {}},
        {"session_id": "c_1", "start_time": 17, "events": [{"timestamp": True}], "abilities_used": {}},
        "events[0].timestamp",
    ),
    "xp_actions": (
        [{"action": "Killed a rat", "start_xp": 1, "end_xp": 3, "xp_gain": 2}],
        [{"action": "Killed a rat", "start_xp": 1, "end_xp": 3, "xp_gain": -2}],
        "entries[0].xp_gain",
    ),
    "xp_history": (
        [{"timestamp": "2025-01-01T10:00:00", "action": "session", "xp": 2}],
        [{"timestamp": "yesterday", "action": "session", "xp": 2}],
        "entries[0].timestamp",
    ),
    "space_quest": (
        {"session": {"session_id": "space_session_1", "start_time": 1735725600.0, "session_stats": {}}},
        {"session": {"session_id": 12, "start_time": 1735725600.0, "session_stats": {}}},
        "session.session_id",
    ),
    "heroic_loot": (
        {"metadata": {}, "loot_entries": [{"timestamp": "2025-01-01T10:00:00", "item_name": "Spear"}]},
        {"metadata": {}, "loot_entries": [{"timestamp": "2025-01-01T10:00:00", "item_name": ["Spear"]}]},
        "loot_entries[0].item_name",
    ),
    "legacy_session": (
        {"session_id": "ab12cd34", "start_time": "2025-01-01T10:00:00", "end_time": "2025-01-01T11:00:00"}
        | {"start_xp": 1, "end_xp": 2, "xp_gained": 1, "start_credits": 0, "end_credits": 0, "actions": []},
        {"session_id": "ab12cd34", "start_time": "2025-01-01T10:00:00", "end_time": "2025-01-01T09:00:00"}
        | {"start_xp": 1, "end_xp": 2, "xp_gained": 1, "start_credits": 0, "end_credits": 0, "actions": []},
        "end_time",
    ),
    "ingest_store": (
        {"user_1": {"sessions": [{"session_id": "s1", "timestamp": "2025-01-01T10:00:00", "xp_gained": 3}]}},
        {
            "user_1": {
                "sessions": [{"session_id": "s1", "timestamp": "2025-01-01T10:00:00", "xp_gained": 3.5}]
            }
        },
        "sessions[0].xp_gained",
    ),
    "dual_session": (
        {"session_id": "dual_1735725600", "dual_mode_type": "quest_medic", "primary_session": {}},
        {"session_id": "dual_1735725600", "dual_mode_type": "quest_medic", "primary_session": "Kaelen"},
        "primary_session",
    ),
}


def write(folder: Path, name: str, doc: object) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_valid_document_reads_as_its_format(tmp_path: Path, fmt: str) -> None:
    outcome = read_parts(write(tmp_path, f"logs/{fmt}.json", CASES[fmt][0]), now=LONG_AGO)
    assert (outcome.kind, outcome.format) == ("parts", fmt), outcome.error


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_wrong_type_names_file_format_field_and_reason(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, f"logs/{fmt}.json", CASES[fmt][1])
    outcome = read_parts(path, now=LONG_AGO)
    assert outcome.kind == "problem"
    error = outcome.error
    assert isinstance(error, PartFileError)
    assert error.path == path and error.format == fmt
    assert f"read as {fmt}" in error.reason
    assert error.field is not None and error.field.endswith(CASES[fmt][2])


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_cut_off_file_is_recovered_or_a_clear_problem(tmp_path: Path, fmt: str) -> None:
    text = json.dumps(CASES[fmt][0], indent=2)
    path = write(tmp_path, f"logs/{fmt}.json", None)
    path.write_text(text[: len(text) * 2 // 3])
    outcome = read_parts(path, now=LONG_AGO)
    if outcome.kind == "parts":
        assert all(p.truncated for p in outcome.parts)
    else:
        assert outcome.kind == "problem" and outcome.error is not None
        assert "truncated JSON" in outcome.error.reason


def test_a_file_still_being_written_is_retried_not_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "logs/session_20250101_100000.json", None)
    path.write_text('{"start_time": "2025-01-01T10:00:00", "steps": [')
    assert read_parts(path, now=os.stat(path).st_mtime + 1).kind == "retry"
    assert read_parts(path, now=os.stat(path).st_mtime + 3600).kind == "problem"


def test_configs_and_reports_are_not_sessions(tmp_path: Path) -> None:
    assert (
        read_parts(write(tmp_path, "config/session_config.json", {"mode": "x"}), now=LONG_AGO).kind
        == "not_session"
    )
    assert read_parts(write(tmp_path, "reports/r.json", [1, 2, 3]), now=LONG_AGO).kind == "not_session"
    broken = tmp_path / "config" / "mods_config.json"
    broken.write_text("{ // comments are not JSON\n}")
    assert read_parts(broken, now=LONG_AGO).kind == "not_session"  # unreadable, and no session folder


def test_empty_binary_and_missing_files_are_problems(tmp_path: Path) -> None:
    empty = tmp_path / "logs" / "empty.json"
    empty.parent.mkdir()
    empty.write_bytes(b"")
    binary = tmp_path / "logs" / "bin.json"
    binary.write_bytes(b"\x00\xff\x00garbage")
    for path, words in (
        (empty, "empty"),
        (binary, "binary"),
        (tmp_path / "logs" / "gone.json", "does not exist"),
    ):
        outcome = read_parts(path, now=LONG_AGO)
        assert outcome.kind == "problem" and outcome.error is not None and words in outcome.error.reason


def test_a_bad_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    good = write(tmp_path, "logs/step_log.json", CASES["step_log"][0])
    bad = write(tmp_path, "logs/credits_bad.json", CASES["credit_log"][1])
    result = assemble_paths([bad, good], now=LONG_AGO)
    assert len(result.sessions) == 1
    assert [(p.path, p.format) for p in result.problems] == [(bad, "credit_log")]


def test_prefix_recovery_keeps_only_complete_values() -> None:
    assert recover_prefix(b'{"id": "dual_1", "start_time": ') == {"id": "dual_1"}
    assert recover_prefix(b'{"a": [1, 2, {"b": "x,y"') == {"a": [1, 2]}  # an open entry is dropped whole
    assert recover_prefix(b'{"a": [{"t": 1, "xp": 2}, {"t": 3') == {"a": [{"t": 1, "xp": 2}]}
    assert recover_prefix(b'{"a": "unterminated, string') == {}
    assert recover_prefix(b"[") == []
    assert recover_prefix(b"garbage") is None


def _session_files(root: Path) -> list[Path]:
    """Every JSON document under ``root`` that reads as parts of a play session, whole."""
    return [p for p in sorted(root.rglob("*.json")) if read_parts(p, now=LONG_AGO).kind == "parts"]


def test_a_bot_file_cut_anywhere_is_read_as_far_as_it_goes_or_reported(tmp_path: Path) -> None:
    """The bot killed mid-write: each of the evening's session documents cut at 40 places (every byte of a
    small file) is either read as far as its complete part goes or a problem with a reason; never skipped
    as no session, never an exception."""
    evening = Path(__file__).parents[1] / "data" / "ms11" / "evening-b"
    for source in _session_files(evening / "current") + _session_files(evening / "legacy"):
        data = source.read_bytes()
        target = tmp_path / source.name
        for cut in sorted({len(data) * i // 40 for i in range(1, 40)}):
            target.write_bytes(data[:cut])
            outcome = read_parts(target, now=LONG_AGO)
            assert outcome.kind in ("parts", "problem"), (source.name, cut, outcome.kind)
            if outcome.kind == "problem":
                assert outcome.error is not None and outcome.error.reason, (source.name, cut)


def test_a_cut_inside_a_list_entry_keeps_the_complete_entries(tmp_path: Path) -> None:
    xp = tmp_path / "Backups" / "jan15" / "evening2.json"  # no session word in the path: content decides
    xp.parent.mkdir(parents=True)
    doc = {
        "character": "Tae-yang Ko",
        "session_start": "2026-01-01T10:00:00",
        "xp_start": 1767261600,
        "xp_end": None,
        "xp_gain": None,
        "actions": [{"timestamp": f"2026-01-01T10:0{i}:00", "type": "mob_kill", "xp": 200} for i in range(4)],
    }
    text = json.dumps(doc, indent=2)
    xp.write_text(text[: text.rindex('"xp": 200')])  # the last action is open: no "xp" yet
    outcome = read_parts(xp, now=LONG_AGO)
    assert outcome.kind == "parts" and outcome.format == "xp_tracking"
    assert outcome.parts[0].truncated and outcome.parts[0].xp_total == 600
    xp.write_text(text[:30])  # nothing complete but the start of an object: reported, not dropped
    assert read_parts(xp, now=LONG_AGO).kind == "problem"


EVENING_P = Path(__file__).parents[1] / "data" / "ms11" / "evening-p"


def _facts(path: Path) -> list[tuple[object, ...]]:
    outcome = read_parts(path, now=LONG_AGO)
    assert outcome.kind == "parts", (path, outcome.error)
    keys = ("format", "start", "end", "id_time", "character", "xp_total", "credits_total", "kills", "quests")
    keys += ("locations", "heroic_loot", "truncated")
    return [tuple(getattr(p, key) for key in keys) for p in outcome.parts]


def _padded(data: bytes) -> bytes:
    """The document on one line of over a mebibyte (blanks after its first bracket): still the same JSON."""
    text = json.dumps(json.loads(data), ensure_ascii=False).encode()
    return text[:1] + b" " * (2**20 + 7) + text[1:]


# what editors, Windows tools and sync clients do to a file without changing it: the same facts
SAME_FILE = {
    "UTF-8 BOM": lambda data: codecs.BOM_UTF8 + data,
    "CRLF": lambda data: data.replace(b"\n", b"\r\n"),
    "UTF-16 LE BOM": lambda data: codecs.BOM_UTF16_LE + data.decode().encode("utf-16-le"),
    "UTF-16 BE BOM": lambda data: codecs.BOM_UTF16_BE + data.decode().encode("utf-16-be"),
    "UTF-16 LE": lambda data: data.decode().encode("utf-16-le"),  # .NET's Encoding.Unicode: no BOM
    "UTF-16 BE": lambda data: data.decode().encode("utf-16-be"),
    "one huge line": _padded,
}
# what a crash, a bad disk or a wrong tool leaves: read as far as it goes, or reported
BROKEN_FILE = {
    "cut mid-line": lambda data: data[: data.index(b"\n", len(data) // 2) - 2],
    "junk bytes": lambda data: data[: len(data) // 2] + b"\xff\xfe\x81" + data[len(data) // 2 :],
    "NUL tail": lambda data: data[: len(data) // 2] + b"\x00" * (len(data) - len(data) // 2),
    "not JSON": lambda data: b"\xde\xad\xbe\xef not json at all\r\n",
}


def _bot_files(root: Path) -> list[Path]:
    """The bot's session files under ``root`` (an evening: both trees), less the dashboard's copies."""
    trees = [root / "current", root / "legacy"] if (root / "current").is_dir() else [root]
    return sorted(p for tree in trees for p in tree.rglob("*.json") if p.parent.name != "sessions")


@pytest.mark.parametrize("variant", sorted(SAME_FILE))
def test_a_re_encoded_bot_file_reads_the_same(tmp_path: Path, variant: str) -> None:
    for source in _bot_files(EVENING_P):
        data = source.read_bytes()
        if variant == "one huge line" and source.parent.name.startswith("dual"):
            continue  # cut off by the bot itself: no whole JSON to put on one line
        target = tmp_path / source.relative_to(EVENING_P)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(SAME_FILE[variant](data))
        assert _facts(target) == _facts(source), (variant, source.name)


@pytest.mark.parametrize("variant", sorted(BROKEN_FILE))
def test_a_damaged_bot_file_is_read_as_far_as_it_goes_or_reported(tmp_path: Path, variant: str) -> None:
    for source in _bot_files(EVENING_P):
        target = tmp_path / source.relative_to(EVENING_P)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(BROKEN_FILE[variant](source.read_bytes()))
        outcome = read_parts(target, now=LONG_AGO)
        if outcome.kind == "parts":
            assert all(p.truncated for p in outcome.parts), (variant, source.name)
        else:
            assert outcome.kind == "problem", (variant, source.name, outcome.kind)
            error = outcome.error
            assert isinstance(error, PartFileError) and error.path == target and error.format
            assert error.reason.startswith(f"read as {error.format}: ")


def test_a_file_that_is_not_json_is_reported_and_the_evening_goes_on(tmp_path: Path) -> None:
    """Each of evening-p's files in turn replaced by bytes that are no JSON: that file is the one problem
    (named, with the format assumed and why), and the three runs are still three sessions."""
    tree = tmp_path / "current"
    shutil.copytree(EVENING_P / "current", tree)
    for victim in _bot_files(tree):
        original = victim.read_bytes()
        victim.write_bytes(BROKEN_FILE["not JSON"](original))
        result = assemble_tree(tree, now=LONG_AGO)
        assert [(p.path, p.format) for p in result.problems] == [(victim, "unknown")], victim.name
        assert "not valid JSON" in str(result.problems[0])
        assert len(result.sessions) == 3, victim.name
        victim.write_bytes(original)
