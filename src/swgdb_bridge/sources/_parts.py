"""Read any file the MS11 bot writes into parts of play sessions, telling the shape from the content.

One entry point, :func:`read_parts`, with five outcomes per file (:class:`FileOutcome.kind`):

- ``parts``: the file holds facts about one or more play sessions;
- ``not_session``: valid JSON of no session shape (the bot's configs and reports): skipped quietly, counted;
- ``lifetime``: cumulative counters with no times (``session_state.json``): never a session;
- ``retry``: the JSON does not parse (or Windows will not open it) and the file changed seconds ago: still
  being written, look again later;
- ``problem``: a session file we cannot read; the error names the file, the format assumed and the reason.

A file cut off mid-document and left so (the dual logs, a killed bot) is read as far as its complete part
goes (an open list entry dropped whole) and its parts are flagged ``truncated``. Shapes are tried most
specific first; the folder decides only where a cut-off file's content is ambiguous (:mod:`._dual_session`). The whole-session formats of
:func:`~swgdb_bridge.sources.read_session` (tracker, character_sessions, loot_farming, xp_export, jsonl) are
read by their own readers and turned into parts, so every file goes through this one dispatch.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.model import LocationVisit, Session
from swgdb_bridge.sources import (
    _character_sessions,
    _combat_log,
    _credit_log,
    _dual_session,
    _heroic_loot,
    _ingest_store,
    _jsonl,
    _legacy_session,
    _lifetime_state,
    _loot_farming,
    _space_quest,
    _step_log,
    _tracker,
    _xp_actions,
    _xp_export,
    _xp_history,
    _xp_tracking,
)
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import LifetimeTotals, Part, PartFileError, planet_name
from swgdb_bridge.sources._read import (
    _BOM,
    _SNIFF_BYTES,
    MAX_DOCUMENT_BYTES,
    _why_not_json,
    json_text,
    starts_as_jsonl,
    stops_at_nul,
    why_empty,
)

Kind = Literal["parts", "not_session", "lifetime", "retry", "problem"]
STILL_WRITING_SECONDS = 5.0  # a file that does not parse and changed this recently is being written
MAX_RECOVER_BYTES = 16 * 1024 * 1024  # cut-off documents bigger than this are not worth a prefix search

# (format name, matches(doc, path), parse(Fields) -> list[Part]); most specific first
_NEW_SHAPES: tuple[tuple[str, Callable[[Any, Path], bool], Callable[[Fields], list[Part]]], ...] = (
    *tuple(
        (module.FORMAT, lambda doc, path, m=module: m.matches(doc), module.parse)
        for module in (
            _heroic_loot,
            _space_quest,
            _credit_log,
            _xp_tracking,
            _combat_log,
            _step_log,
            _legacy_session,
        )
    ),
    (_dual_session.FORMAT, _dual_session.matches, _dual_session.parse),
)
_OLD_SHAPES = (_xp_export, _loot_farming, _character_sessions, _tracker)
_LIST_SHAPES = (_xp_actions, _xp_history)


@dataclass(slots=True)
class FileOutcome:
    """What one file turned out to be."""

    path: Path
    kind: Kind
    format: str | None = None
    parts: list[Part] = field(default_factory=list)
    lifetime: LifetimeTotals | None = None
    error: SessionFileError | None = None
    digest: str | None = None


def read_parts(path: Path, now: float | None = None) -> FileOutcome:
    """Read one file into parts (or classify it); never raises for a bad file, the outcome says why."""
    path = Path(path)
    try:
        return _read(path, time.time() if now is None else now)
    except PartFileError as exc:
        return FileOutcome(path, "problem", exc.format, error=exc)
    except SessionFileError as exc:
        return FileOutcome(path, "problem", "unknown", error=PartFileError.wrap(exc, "unknown"))
    except OSError as exc:
        reason = f"cannot be read ({exc.strerror or exc}); check permissions"
        return FileOutcome(path, "problem", "unknown", error=PartFileError(path, reason))


def _read(path: Path, now: float) -> FileOutcome:
    if not path.is_file():
        raise PartFileError(path, "is not a regular file" if path.exists() else "does not exist")
    stat = path.stat()
    recent = _changed_just_now(stat.st_mtime, now)
    try:
        opened = path.open("rb")
    except PermissionError:
        if recent:  # Windows refuses a file another program (the bot, OneDrive, an antivirus) holds open
            return FileOutcome(path, "retry")
        raise
    with opened as stream:
        head = stream.read(_SNIFF_BYTES)
        if starts_as_jsonl(head):
            stream.seek(len(_BOM) if head.startswith(_BOM) else 0)
            return _from_jsonl(path, stream)
        if stat.st_size > MAX_DOCUMENT_BYTES:
            limit = MAX_DOCUMENT_BYTES // 2**20
            raise PartFileError(path, f"too large ({stat.st_size / 2**20:,.0f} MiB, limit {limit} MiB)", None)
        stream.seek(0)
        data = stream.read()
    digest = hashlib.sha256(data).hexdigest()
    text = json_text(path, data)
    if not text.strip():
        if recent:
            return FileOutcome(path, "retry", digest=digest)
        raise PartFileError(path, why_empty(path, data))
    if starts_as_jsonl(text):  # JSON Lines re-saved as UTF-16
        return _from_jsonl(path, io.BytesIO(text))
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if recent:
            return FileOutcome(path, "retry", digest=digest)
        return _cut_off(path, text, exc, digest, stops_at_nul(path, data))
    outcome = _classify(path, doc)
    outcome.digest = digest
    for part in outcome.parts:
        part.digest = digest
    return outcome


def _changed_just_now(mtime: float, now: float) -> bool:
    """Changed in the last seconds, by this machine's clock. A time in the future is not "just now": FAT and
    exFAT drives and zip archives store local times, so a copied file can be stamped hours ahead, and it
    must not wait for a write that never comes."""
    return abs(now - mtime) < STILL_WRITING_SECONDS


def _classify(path: Path, doc: Any, truncated: bool = False) -> FileOutcome:
    if _lifetime_state.matches(doc):
        totals = _lifetime_state.parse(Fields.root(path, doc))
        return FileOutcome(path, "lifetime", _lifetime_state.FORMAT, lifetime=totals)
    name, parse = _shape(path, doc)
    if parse is None:
        return FileOutcome(path, "not_session")
    root = {"entries": doc} if isinstance(doc, list) else doc
    try:
        parts = parse(Fields.root(path, root))
    except SessionFileError as exc:
        raise PartFileError.wrap(exc, name) from None
    for index, part in enumerate(parts):
        part.truncated, part.index_in_file = truncated, index
    return FileOutcome(path, "parts", name, parts=parts)


def _shape(path: Path, doc: Any) -> tuple[str, Callable[[Fields], list[Part]] | None]:
    if isinstance(doc, list):
        for module in _LIST_SHAPES:
            if module.matches(doc):
                return module.FORMAT, module.parse
        return "", None
    if not isinstance(doc, dict):
        return "", None
    for name, matches, parse in _NEW_SHAPES:
        if matches(doc, path):
            return name, parse
    for module in _OLD_SHAPES:
        if module.matches(doc) and _has_times(module, doc):
            return module.FORMAT, lambda f, m=module: [part_from_session(m.parse(f))]
    if _ingest_store.matches(doc):
        return _ingest_store.FORMAT, _ingest_store.parse
    return "", None


def _has_times(module: Any, doc: dict[str, Any]) -> bool:
    """The whole-session formats match on loose key sets; a document with none of their times is a config."""
    if module in (_tracker, _character_sessions):
        return "start_time" in doc and "session_id" in doc
    return True


# Keys some session writer puts first (or early) in its document. A cut-off document whose complete part
# holds none of them, at any depth of its first entries, is some other file the bot left half-written (the
# rare-loot mode always leaves ``src/config/rls_locations.json`` so): skipped quietly, like a whole config.
_SESSION_KEYS = frozenset(
    {
        "session_id", "session_start", "start_time", "end_time", "character", "character_name",
        "character_id", "session", "session_info", "session_summary", "metadata", "loot_entries", "steps",
        "actions", "events", "xp_start", "xp_gain", "start_credits", "credit_history", "dual_mode_type",
        "primary_session", "shared_activities", "window_title", "sessions", "discord_id", "timestamp", "action",
        "xp",
    }
)  # fmt: skip


# Folder and file-name words of the places the bot writes sessions to: a malformed (not cut-off) JSON file
# elsewhere (a config with comments) is not a session file, not a problem. A cut-off one is judged by content.
_SESSION_WORDS = ("session", "log", "credit", "xp", "combat", "loot", "quest", "dual")


def _looks_like_session_file(path: Path) -> bool:
    where = "/".join(part.lower() for part in path.parts[-3:])
    return any(word in where for word in _SESSION_WORDS)


def _says_session(doc: Any, depth: int = 0) -> bool:
    if isinstance(doc, list):
        return depth < 3 and any(_says_session(item, depth + 1) for item in doc[:5])
    if not isinstance(doc, dict):
        return False
    if doc.keys() & _SESSION_KEYS:
        return True
    return depth < 3 and any(_says_session(value, depth + 1) for value in list(doc.values())[:5])


def _holds_value(doc: Any) -> bool:
    """Anything but empty containers: a cut that leaves only ``{"user_1": {}}`` left nothing to judge by."""
    if isinstance(doc, dict):
        return any(_holds_value(value) for value in doc.values())
    if isinstance(doc, list):
        return any(_holds_value(value) for value in doc)
    return doc is not None


def _cut_off(path: Path, data: bytes, exc: orjson.JSONDecodeError, digest: str, at_nul: bool) -> FileOutcome:
    """A document that stops mid-way and is not being written: read what is complete, or say why not.

    The content decides, never the file's name: what is complete is read if it has a session shape; a
    complete part with no key any session writer uses is another file left half-written (not a session);
    anything else, a cut before any complete value included, is reported with the reason.
    """
    from swgdb_bridge.sources._prefix import recover_prefix

    reason = _why_not_json(data, exc, at_nul)
    if not exc.msg.startswith("unexpected end of data"):
        if not _looks_like_session_file(path):  # not cut off but malformed (a config with comments)
            return FileOutcome(path, "not_session", digest=digest)
        raise PartFileError(path, reason)
    if len(data) > MAX_RECOVER_BYTES:
        raise PartFileError(path, reason)
    doc = recover_prefix(data)
    try:
        outcome = _classify(path, doc, truncated=True) if doc is not None else None
    except PartFileError as error:
        why = error.reason.split(": ", 1)[-1]
        raise PartFileError(
            path, f"{reason}; what is complete does not read: {why}", error.field, error.format
        ) from None
    if outcome is not None and outcome.kind == "not_session" and _holds_value(doc) and not _says_session(doc):
        return FileOutcome(path, "not_session", digest=digest)
    if outcome is None or outcome.kind != "parts":
        raise PartFileError(path, f"{reason}; no complete session data before the cut (format unknown)")
    outcome.digest = digest
    for part in outcome.parts:
        part.digest = digest
        part.warnings.append(f"{path.name}: cut off mid-document; read as far as the complete part goes")
    return outcome


def _from_jsonl(path: Path, stream: Any) -> FileOutcome:
    try:
        session = _jsonl.parse(path, stream)
    except SessionFileError as exc:
        raise PartFileError.wrap(exc, _jsonl.FORMAT) from None
    digest = file_digest(path)
    part = part_from_session(session)
    part.digest = digest
    return FileOutcome(path, "parts", _jsonl.FORMAT, parts=[part], digest=digest)


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in chunks so a huge log never sits in memory: the one file digest
    (byte-identical copies, the uploader's "changed since sent", the viewer's index)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def part_from_session(session: Session) -> Part:
    """A whole-session format's :class:`Session` as a part, so it can be assembled with the bot's files."""
    part = Part(
        session.source_path or Path(session.session_id),
        session.source_format,
        start=session.start_time,
        end=session.end_time,
        ids=(session.session_id,),
        character=session.character_name,
        mode=session.mode,
        xp_start=session.xp_start,
        xp_end=session.xp_end,
        xp_events=list(session.xp_gains),
        credits_start=session.credits_start,
        credits_end=session.credits_end,
        quests=list(session.quests),
        locations=list(session.locations),
        messages=list(session.messages),
        actions=list(session.actions),
        notes=list(session.notes),
        metrics=dict(session.declared_metrics),
        extra={"session": session},
    )
    part.carry("start", "end")
    if session.character_name:
        part.carry("character")
    if session.xp_gained is not None or session.xp_gains:
        part.xp_total = session.total_xp
        part.carry("xp_total")
    if session.credits_gained is not None or session.credit_changes:
        part.credits_total = session.total_credits
        part.carry("credits_total")
    _fill_from_session(part, session)
    return part


def _fill_from_session(part: Part, session: Session) -> None:
    if part.xp_start is not None and part.xp_end is not None:
        part.carry("xp_counter")
    if part.credits_start is not None and part.credits_end is not None:
        part.carry("credit_counter")
    for fact, values in (("xp_events", part.xp_events), ("quests", part.quests), ("places", part.locations)):
        if values:
            part.carry(fact)
    for fact, values in (("messages", part.messages), ("actions", part.actions), ("notes", part.notes)):
        if values:
            part.carry(fact)
    skills = session.declared_breakdowns.get("skill")
    if skills:
        part.xp_by_skill = dict(skills)
        part.carry("xp_by_skill")
    if not part.locations:
        zones = [planet_name(e.zone) for e in session.xp_gains]
        for planet in dict.fromkeys(z for z in zones if z):
            first = next(e.timestamp for e in session.xp_gains if planet_name(e.zone) == planet)
            part.locations.append(LocationVisit(first, planet))
        part.carry_present("places")
    if part.quests:
        part.quest_count = len(part.quests)
        part.carry("quest_count")
