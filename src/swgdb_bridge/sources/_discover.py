"""Where session logs live, and which files in there are session logs."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

from swgdb_bridge.paths import expand_user

log = logging.getLogger(__name__)

SUFFIXES = (".json", ".jsonl")
DEFAULT_SESSION_DIRS = ("logs/sessions", "data/session_logs", "session_logs", "data/character_sessions")
SESSION_DIRS_ENV = "SWGDB_SESSION_DIRS"


def parse_session_dirs(raw: str) -> list[Path]:
    """The folders of a ``SWGDB_SESSION_DIRS`` value (``os.pathsep``-separated; blanks ignored)."""
    return [expand_user(part.strip(), SESSION_DIRS_ENV) for part in raw.split(os.pathsep) if part.strip()]


# Where the MS11 bot writes session files, relative to its own folder (its working directory), besides
# DEFAULT_SESSION_DIRS: the step/credit/legacy logs and their subfolders, the space quests, the heroic loot
# logs under the bot's ``src/``, and the legacy lifetime state file.
BOT_SESSION_DIRS = (
    "logs",
    "data/session_logs",
    "data/space_quests",
    "data/character_sessions",
    "src/data/loot_logs",
    "session_state.json",
)


# Every folder the bot writes a session file to, as path parts: where one of these starts, the bot's own
# folder (its working directory) ends. ``dashboard/sessions`` holds its dashboard sync's copies.
_BOT_FOLDERS = tuple(
    tuple(Path(name).parts)
    for name in dict.fromkeys((*BOT_SESSION_DIRS, *DEFAULT_SESSION_DIRS, "dashboard/sessions"))
    if not name.endswith(".json")
)


@cache  # asked for every pair of parts the grouping weighs
def bot_tree(path: Path) -> Path | None:
    """The bot folder a session file lies in (``<tree>/logs/...``, ``<tree>/data/session_logs/...``), or
    ``None`` when its path shows none.

    The bot names files by the time a run started (``credits_20260704_140000``, ``dual_1783173600``), so two
    bots started in the same second, in two folders, write the same ids: an id says "same run" only inside
    one bot folder. Of nested bot folders (a backup inside the tree) the innermost counts; a known folder
    inside a longer one (``session_logs`` of ``data/session_logs``) is not a new tree. Judged on the absolute
    path, so a file named relative to the bot's folder and one named in full agree.
    """
    parts = Path(path).absolute().parts[:-1]
    starts = [
        (i, i + len(folder))
        for i in range(len(parts))
        for folder in _BOT_FOLDERS
        if parts[i : i + len(folder)] == folder
    ]
    outer = [(i, end) for i, end in starts if not any(j < i < e and end <= e for j, e in starts)]
    return Path(*parts[: max(outer)[0]]) if outer else None


def default_session_dirs(cwd: Path | None = None) -> list[Path]:
    """The MS11 bot's own folders, relative to the working directory (where the bot runs)."""
    base = Path.cwd() if cwd is None else cwd
    return [base / name for name in DEFAULT_SESSION_DIRS]


def bot_session_dirs(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> list[Path]:
    """The bot's own folders under ``cwd`` (``logs/`` holds xp_tracking, combat, dual_sessions, ...), the
    existing default folders, and ``SWGDB_SESSION_DIRS``; each once, in that order."""
    base = Path.cwd() if cwd is None else cwd
    from_env = parse_session_dirs((os.environ if env is None else env).get(SESSION_DIRS_ENV, ""))
    found = [base / name for name in BOT_SESSION_DIRS] + default_session_dirs(base) + list(from_env)
    return list(dict.fromkeys(found))


def session_dirs_from(
    cli_dirs: Sequence[Path | str] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> list[Path]:
    """``--dir`` flags win, then ``SWGDB_SESSION_DIRS`` (``os.pathsep``-separated), then the defaults."""
    if cli_dirs:
        return [expand_user(d, "--dir") for d in cli_dirs]
    from_env = parse_session_dirs((os.environ if env is None else env).get(SESSION_DIRS_ENV, ""))
    return from_env or default_session_dirs(cwd)


def discover_files(dirs: Iterable[Path]) -> list[Path]:
    """Every ``*.json``/``*.jsonl`` file under ``dirs``, recursively; sorted, each file once.

    Missing folders are skipped (most default folders do not exist on a given machine); a file given
    instead of a folder is taken as is. Symlinked folders are not followed, so a link loop cannot hang us.
    A file whose path is not UTF-8 text is left out with a warning: its name is stored in the upload state
    and the viewer's index, and printed as JSON, and none of them can hold the bytes.
    """
    found: dict[Path, Path] = {}
    for root in dirs:
        root = Path(root)
        candidates = [root] if root.is_file() else _walk(root)
        for path in candidates:
            if path.suffix.lower() in SUFFIXES and path.is_file() and _utf8_name(path):
                found.setdefault(path.resolve(), path.absolute())
    return sorted(found.values())


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8 came in as surrogates
        shown = str(path).encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        log.warning("skipped %s: its name is not UTF-8 text; rename the file to read it", shown)
        return False
    return True


def _walk(root: Path) -> Iterable[Path]:
    for folder, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in files:
            yield Path(folder, name)
