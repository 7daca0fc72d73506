"""Finding session files: folders from flags, environment or defaults; recursive, both suffixes, each once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from swgdb_bridge.sources import (
    DEFAULT_SESSION_DIRS,
    SESSION_DIRS_ENV,
    bot_tree,
    default_session_dirs,
    discover_files,
    session_dirs_from,
)


def touch(path: Path, text: str = "{}") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_discovery_is_recursive_sorted_and_takes_both_suffixes(tmp_path: Path) -> None:
    wanted = [
        touch(tmp_path / "b.json"),
        touch(tmp_path / "a" / "deep" / "c.jsonl"),
        touch(tmp_path / "a" / "UPPER.JSON"),
    ]
    touch(tmp_path / "notes.txt")
    touch(tmp_path / "a" / "schema.yaml")
    touch(tmp_path / "a" / "session.json.tmp")
    (tmp_path / "folder.json").mkdir()  # a folder with a session-like name is not a file
    assert discover_files([tmp_path]) == sorted(p.absolute() for p in wanted)


def test_overlapping_folders_and_repeats_give_each_file_once(tmp_path: Path) -> None:
    inner = touch(tmp_path / "logs" / "sessions" / "s1.json")
    outer = touch(tmp_path / "logs" / "s2.jsonl")
    found = discover_files([tmp_path / "logs", tmp_path / "logs" / "sessions", tmp_path / "logs"])
    assert found == sorted([inner.absolute(), outer.absolute()])


def test_missing_folders_are_skipped_and_a_file_can_be_named_directly(tmp_path: Path) -> None:
    single = touch(tmp_path / "one.json")
    assert discover_files([tmp_path / "nowhere", single]) == [single.absolute()]
    assert discover_files([]) == []


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    real = touch(tmp_path / "sessions" / "s.json")
    (tmp_path / "sessions" / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert discover_files([tmp_path]) == [real.absolute()]


def test_cli_dirs_win_over_environment(tmp_path: Path) -> None:
    env = {SESSION_DIRS_ENV: str(tmp_path / "from-env")}
    assert session_dirs_from([tmp_path / "a", str(tmp_path / "b")], env) == [tmp_path / "a", tmp_path / "b"]


def test_environment_lists_folders_with_the_path_separator(tmp_path: Path) -> None:
    env = {SESSION_DIRS_ENV: os.pathsep.join([str(tmp_path / "x"), "", f" {tmp_path / 'y'} "])}
    assert session_dirs_from(None, env) == [tmp_path / "x", tmp_path / "y"]


def test_process_environment_is_read_when_none_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SESSION_DIRS_ENV, str(tmp_path / "bot-logs"))
    assert session_dirs_from() == [tmp_path / "bot-logs"]


def test_defaults_are_the_bot_folders_under_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    expected = [
        tmp_path / "logs/sessions",
        tmp_path / "data/session_logs",
        tmp_path / "session_logs",
        tmp_path / "data/character_sessions",
    ]
    assert default_session_dirs() == expected == [tmp_path / d for d in DEFAULT_SESSION_DIRS]
    assert session_dirs_from([], {SESSION_DIRS_ENV: "  "}) == expected
    touch(tmp_path / "logs" / "sessions" / "s1.json")
    touch(tmp_path / "data" / "character_sessions" / "char_001" / "session_a.json")
    assert [p.name for p in discover_files(session_dirs_from([], {}))] == ["session_a.json", "s1.json"]


@pytest.mark.parametrize(
    ("path", "tree"),
    [
        ("/d/bot/logs/credits_20260704_140000.json", "/d/bot"),
        ("/d/bot/logs/dual_sessions/shared_dual_1.json", "/d/bot"),
        ("/d/bot/data/session_logs/xp_data_1.json", "/d/bot"),  # not data/ as the tree of session_logs/
        ("/d/bot/dashboard/sessions/session_1.json", "/d/bot"),
        ("/data/games/bot/data/space_quests/s.json", "/data/games/bot"),  # the innermost bot folder
        ("/d/bot/backup_0612/logs/credits_1.json", "/d/bot/backup_0612"),
        ("/d/somewhere/session.json", None),
    ],
)
def test_the_bot_folder_of_a_file_is_where_the_bots_own_folders_start(path: str, tree: str | None) -> None:
    assert bot_tree(Path(path)) == (None if tree is None else Path(tree))


def test_a_file_named_relative_to_the_bot_folder_is_in_the_same_bot_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert bot_tree(Path("logs/credits_1.json")) == bot_tree(tmp_path / "data" / "session_logs" / "x.json")
