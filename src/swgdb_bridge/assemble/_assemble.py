"""Find the bot's files, read them into parts, group and merge the parts into play sessions.

:func:`assemble_tree` walks folders; :func:`assemble_paths` takes files; :func:`assemble_parts` is the
pure step on parts already read (what the property tests drive). Every file ends up in exactly one place
of the :class:`AssemblyResult`: a source of a session, an unplaced part, a problem, a file to retry, a
skipped non-session, or the bot's lifetime totals; except a file of several sessions (the ingest store) that
is a source of some and holds a refused one, which is a problem too (:func:`_refused_files`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.model import Session
from swgdb_bridge.sources import (
    MAX_SESSION,
    LifetimeTotals,
    Part,
    bot_session_dirs,
    discover_files,
    read_parts,
)

from ._clock import on_local_clock
from ._group import Group, Unplaced, group_parts
from ._merge import Merger


@dataclass(frozen=True, slots=True)
class Problem:
    """A session file that could not be read: the file, the format it was taken for, the field (when one
    field is to blame) and why, so every report can name all four."""

    path: Path
    format: str
    reason: str
    field: str | None = None

    def __str__(self) -> str:
        """As a :class:`SessionFileError` reads: the file, the field if any, and why."""
        return str(SessionFileError(self.path, self.reason, self.field))


@dataclass(slots=True)
class AssemblyResult:
    sessions: list[Session] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    not_sessions: int = 0  # valid JSON of no session shape (configs, reports): skipped quietly
    retry: list[Path] = field(default_factory=list)  # still being written: read them on the next pass
    lifetime: list[LifetimeTotals] = field(default_factory=list)  # cumulative counters, never a session
    unplaced: list[Unplaced] = field(default_factory=list)  # parts that belong to no session we can place


def assemble_tree(root: Path | str | None = None, now: float | None = None) -> AssemblyResult:
    """Every session under ``root`` (recursively); with no root, the bot's folders under the cwd."""
    folders = [Path(root)] if root is not None else bot_session_dirs()
    return assemble_paths(discover_files(folders), now=now)


def assemble_paths(paths: Iterable[Path | str], now: float | None = None) -> AssemblyResult:
    """Read each file (a bad one is a problem, the batch goes on), then assemble the sessions."""
    result = AssemblyResult()
    parts: list[Part] = []
    moment = time.time() if now is None else now
    for path in sorted({Path(p) for p in paths}):
        outcome = read_parts(path, now=moment)
        if outcome.kind == "parts":
            parts.extend(outcome.parts)
        elif outcome.kind == "not_session":
            result.not_sessions += 1
        elif outcome.kind == "retry":
            result.retry.append(path)
        elif outcome.kind == "lifetime" and outcome.lifetime is not None:
            result.lifetime.append(outcome.lifetime)
        elif outcome.error is not None:
            error = outcome.error
            result.problems.append(Problem(path, outcome.format or "unknown", error.reason, error.field))
    sessions, unplaced = assemble_parts(parts)
    result.sessions = sessions
    result.unplaced = [item for item in unplaced if not item.refused]
    result.problems.extend(_refused_files(sessions, unplaced))
    return result


def _refused_files(sessions: list[Session], unplaced: list[Unplaced]) -> list[Problem]:
    """One problem per file of a refused session that no other session uses (a file shared with sessions
    that go up, such as the ingest store, is not a bad file). A refused session all of whose files are
    shared (one entry of the ingest store) is reported on its first file: never refused silently. The
    reason names the session's times, so it tells the refused sessions apart."""
    used = {path for session in sessions for path in session_files(session)}
    refused: dict[str, list[Unplaced]] = {}
    for item in unplaced:
        if item.refused:
            refused.setdefault(item.reason, []).append(item)
    problems: dict[Path, Problem] = {}
    for items in refused.values():
        own = [item for item in items if item.part.path not in used]
        for item in own or items[:1]:
            path = item.part.path
            problems.setdefault(path, Problem(path, item.part.format, item.reason, "end_time"))
    return list(problems.values())


def assemble_parts(parts: Iterable[Part]) -> tuple[list[Session], list[Unplaced]]:
    """Group parts into play sessions and merge each group; sessions sorted by start, ids stable."""
    groups, unplaced = group_parts(on_local_clock(list(parts)))
    merged: list[Session] = []
    whole: list[Session] = []
    for group in groups:
        built = Merger(group).build()
        if built.end_time - built.start_time > MAX_SESSION:
            unplaced.extend(_too_long(group, built))
            continue
        lone = _lone_session(group)
        if lone is None:
            merged.append(built)
        else:
            lone.warnings = built.warnings  # the sanity checks still speak (a session of one second)
            whole.append(lone)
    merged.sort(key=lambda s: (s.start_time, s.character_name or "", str(s.source_path)))
    _name(merged)
    sessions = whole + merged
    sessions.sort(key=lambda s: (s.start_time, s.character_name or "", str(s.source_path)))
    return sessions, unplaced


def _too_long(group: Group, built: Session) -> list[Unplaced]:
    """A play session over 24 h is refused whole, never clipped or split: an upload holds at most 24 h (as the
    bot's own ingest server: ``duration_minutes`` ≤ 1440), a clipped span would make every rate wrong, and no
    file tells where to split a run its other files describe as one. Each of its files says so."""
    hours = (built.end_time - built.start_time).total_seconds() / 3600
    reason = (
        f"belongs to a play session of {hours:.1f} h ({built.start_time:%Y-%m-%d %H:%M} to "
        f"{built.end_time:%Y-%m-%d %H:%M}), over the 24 h an upload holds; it is not uploaded"
    )
    return [Unplaced(part, reason, refused=True) for part in group.parts + group.copies]


def _lone_session(group: Group) -> Session | None:
    """A whole-session file (tracker, JSON Lines, ...) that nothing joins stays as read: its own id, format
    and figures, so ``preview FILE`` and an upload of its folder send the same payload (copies aside)."""
    if len(group.parts) != 1:
        return None
    whole = group.parts[0].extra.get("session")
    return whole if isinstance(whole, Session) else None


def session_files(session: Session) -> list[Path]:
    """The files a session was read from: an assembled session's sources, else its one file."""
    if session.sources:
        return [ref.path for ref in session.sources]
    return [session.source_path] if session.source_path is not None else []


def session_id_for(session: Session) -> str:
    """``ms11_<start, to the second>``: the same play session gets the same id whatever files are found."""
    return "ms11_" + session.start_time.strftime("%Y%m%d_%H%M%S")


def _name(sessions: list[Session]) -> None:
    seen: dict[str, int] = {}
    for session in sessions:
        base = session_id_for(session)
        seen[base] = seen.get(base, 0) + 1
        session.session_id = base if seen[base] == 1 else f"{base}_{seen[base]}"
