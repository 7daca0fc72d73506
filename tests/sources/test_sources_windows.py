"""The bot's files as they end up on a Windows player's machine: re-saved as UTF-16 (Notepad's "Unicode",
PowerShell's ``>``), left with NUL bytes where a crash or a power loss kept a write from the disk, or
written in the Windows code page (cp1252) by a Python that was not told UTF-8."""

from __future__ import annotations

import codecs
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from swgdb_bridge.assemble import assemble_tree
from swgdb_bridge.model import Session
from swgdb_bridge.sources import load_document, read_parts, read_session, write_session_jsonl

LONG_AGO = 4e9


def utf16_le(data: bytes) -> bytes:
    return codecs.BOM_UTF16_LE + data.decode("utf-8").encode("utf-16-le")


def utf16_be(data: bytes) -> bytes:
    return codecs.BOM_UTF16_BE + data.decode("utf-8").encode("utf-16-be")


def nul_tail(data: bytes) -> bytes:
    return data + b"\x00" * 4096


def cp1252(data: bytes) -> bytes:
    """Each escaped character cp1252 holds (``\\u00eb``) as its one raw byte, as ``ensure_ascii=False`` writes it."""

    def raw(match: re.Match[bytes]) -> bytes:
        character = chr(int(match.group(1), 16))
        try:
            return character.encode("cp1252")
        except UnicodeEncodeError:
            return match.group(0)

    return re.sub(rb"\\u([0-9a-fA-F]{4})", raw, data)


def facts(sessions: list[Session]) -> list[tuple[object, ...]]:
    return sorted(
        (s.start_time, s.end_time, s.character_name, s.total_xp, s.total_credits, sorted(s.kills.items()))
        for s in sessions
    )


def transformed(tree: Path, into: Path, change: Callable[[bytes], bytes]) -> Path:
    shutil.copytree(tree, into)
    for path in into.rglob("*.json"):
        path.write_bytes(change(path.read_bytes()))
    return into


@pytest.mark.parametrize("change", [utf16_le, utf16_be, nul_tail])
@pytest.mark.parametrize("tree", ["current", "legacy"])
def test_every_file_re_saved_on_windows_assembles_to_the_same_sessions(
    evening_b: Path, tmp_path: Path, tree: str, change: Callable[[bytes], bytes]
) -> None:
    want = assemble_tree(evening_b / tree, now=LONG_AGO)
    got = assemble_tree(transformed(evening_b / tree, tmp_path / tree, change), now=LONG_AGO)
    assert got.problems == []
    assert facts(got.sessions) == facts(want.sessions) != []


@pytest.mark.parametrize("tree", ["current", "legacy"])
@pytest.mark.parametrize("name", ["evening-d", "evening-f"])
def test_names_in_the_windows_code_page_read_as_written(
    evening_b: Path, tmp_path: Path, name: str, tree: str
) -> None:
    evening = evening_b.parent / name
    want = assemble_tree(evening / tree, now=LONG_AGO)
    got = assemble_tree(transformed(evening / tree, tmp_path / tree, cp1252), now=LONG_AGO)
    assert got.problems == []
    assert facts(got.sessions) == facts(want.sessions)
    assert any(s.character_name and not s.character_name.isascii() for s in got.sessions) == (
        tree == "current"
    )


def test_a_document_in_the_windows_code_page_loads_as_written(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    path.write_bytes('{"session_id": "café – Zoë", "xp": {}}'.encode("cp1252"))
    assert load_document(path) == {"session_id": "café – Zoë", "xp": {}}


def test_binary_data_is_still_a_problem_named_so(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "session_20250101_100000.json"
    path.parent.mkdir()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    outcome = read_parts(path, now=LONG_AGO)
    assert outcome.kind == "problem" and outcome.error is not None and "binary" in outcome.error.reason


def test_nul_bytes_mid_document_read_as_a_cut_off_document(evening_b: Path, tmp_path: Path) -> None:
    source = sorted((evening_b / "current" / "logs" / "xp_tracking").glob("*.json"))[0]
    data = source.read_bytes()
    path = tmp_path / "logs" / source.name
    path.parent.mkdir()
    cut = data.index(b"}", len(data) // 2) + 1
    path.write_bytes(data[:cut] + b"\x00" * 512 + data[cut + 512 :])
    outcome = read_parts(path, now=LONG_AGO)
    assert outcome.kind == "parts" and outcome.parts and all(p.truncated for p in outcome.parts)


def test_a_document_lost_to_nul_bytes_before_any_session_data_says_so(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "credits_20250101_100000.json"
    path.parent.mkdir()
    path.write_bytes(b'{"session_id": "20250101_1' + b"\x00" * 2048)
    outcome = read_parts(path, now=LONG_AGO)
    assert outcome.kind == "problem" and outcome.error is not None
    assert "NUL bytes from line 1" in outcome.error.reason and "power loss" in outcome.error.reason


def test_a_file_of_only_nul_bytes_is_a_problem_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "credits_20250101_100000.json"
    path.parent.mkdir()
    path.write_bytes(b"\x00" * 2048)
    outcome = read_parts(path, now=LONG_AGO)
    assert outcome.kind == "problem" and outcome.error is not None
    assert "NUL" in outcome.error.reason and outcome.error.path == path


def test_utf16_that_does_not_decode_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "credits_20250101_100000.json"
    path.parent.mkdir()
    path.write_bytes(codecs.BOM_UTF16_LE + "{}".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    outcome = read_parts(path, now=LONG_AGO)
    assert outcome.kind == "problem" and outcome.error is not None and "UTF-16" in outcome.error.reason


def test_whole_session_readers_take_utf16_and_nul_tails(corpus_dir: Path, tmp_path: Path) -> None:
    tracker = read_session(sorted((corpus_dir / "tracker").glob("*.json"))[0])
    jsonl = write_session_jsonl(tmp_path / "session.jsonl", tracker)
    want = read_session(jsonl)
    jsonl.write_bytes(utf16_le(jsonl.read_bytes()))
    assert read_session(jsonl).total_xp == want.total_xp
    assert read_parts(jsonl, now=LONG_AGO).parts[0].xp_total == want.total_xp
    document = tmp_path / "doc.json"
    document.write_bytes(nul_tail(utf16_be(b'{"a": 1}')))
    assert load_document(document) == {"a": 1}


def test_a_file_another_program_holds_while_writing_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "logs" / "credits_20250101_100000.json"
    path.parent.mkdir()
    path.write_bytes(b"{}")
    opener = Path.open

    def sharing_violation(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "The process cannot access the file because it is being used")
        return opener(self, *args, **kwargs)

    written = path.stat().st_mtime  # "just now", however long a loaded machine took to get here
    monkeypatch.setattr(Path, "open", sharing_violation)
    assert read_parts(path, now=written).kind == "retry"
    stale = read_parts(path, now=LONG_AGO)
    assert stale.kind == "problem" and stale.error is not None and "cannot be read" in stale.error.reason


def test_a_file_stamped_hours_ahead_is_not_forever_still_being_written(tmp_path: Path) -> None:
    """FAT and exFAT drives and zip archives keep local times: a copied file can be stamped in the future."""
    path = tmp_path / "logs" / "credits_20250101_100000.json"
    path.parent.mkdir()
    path.write_bytes(b"{}}")
    now = 1_900_000_000.0
    os.utime(path, (now + 3600, now + 3600))
    outcome = read_parts(path, now=now)
    assert (
        outcome.kind == "problem" and outcome.error is not None and "not valid JSON" in outcome.error.reason
    )
    os.utime(path, (now - 1, now - 1))
    assert read_parts(path, now=now).kind == "retry"
