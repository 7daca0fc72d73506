"""Read one session file of any known format: sniff the content, parse, and turn bad input into errors.

The format is told by content, never by file name: a first line that is a whole JSON event means JSON
Lines (streamed); anything else is one JSON document, recognised by its keys. Documents are read whole,
so they are capped in size before a byte is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.model import Session
from swgdb_bridge.sources import _character_sessions, _jsonl, _loot_farming, _tracker, _xp_export
from swgdb_bridge.sources._fields import Fields, json_type

MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"
_DOCUMENT_FORMATS = (_xp_export, _loot_farming, _character_sessions, _tracker)  # most specific first


@dataclass(frozen=True, slots=True)
class ReadResult:
    """One file's outcome in a batch: a session, or the error that explains why the file was skipped."""

    path: Path
    session: Session | None
    error: SessionFileError | None

    @property
    def ok(self) -> bool:
        return self.error is None


def read_sessions(paths: Iterable[Path]) -> Iterator[ReadResult]:
    """Read each file in turn; a bad file is reported in its result and the batch goes on."""
    for path in paths:
        try:
            yield ReadResult(path, read_session(path), None)
        except SessionFileError as exc:
            yield ReadResult(path, None, exc)


def read_session(path: Path) -> Session:
    """Read one session file; raises :class:`SessionFileError` naming the file, field and reason."""
    path = Path(path)
    try:
        if not path.is_file():
            reason = "is not a regular file" if path.exists() else "does not exist"
            raise SessionFileError(path, f"{reason}; pass a session log file")
        with path.open("rb") as stream:
            return _read_stream(path, stream)
    except OSError as exc:
        raise SessionFileError(path, f"cannot be read ({exc.strerror or exc}); check permissions") from None


def _read_stream(path: Path, stream: BinaryIO) -> Session:
    size = path.stat().st_size
    head = stream.read(_SNIFF_BYTES)
    skip = len(_BOM) if head.startswith(_BOM) else 0
    if size <= len(head) and not head[skip:].strip():
        raise SessionFileError(path, "is empty; nothing to read (was the bot stopped before writing?)")
    first_line = head[skip:].lstrip().split(b"\n", 1)[0]
    if _jsonl.looks_like_event(first_line):
        stream.seek(skip)
        return _jsonl.parse(path, stream)
    if size > MAX_DOCUMENT_BYTES:
        raise SessionFileError(
            path,
            f"too large ({size / 2**20:,.0f} MiB, limit {MAX_DOCUMENT_BYTES // 2**20} MiB) to read as one "
            "JSON document; use the JSONL format (docs/session-format.md), which is read as a stream",
        )
    stream.seek(skip)
    return _parse_document(path, stream.read())


def _parse_document(path: Path, data: bytes) -> Session:
    return parse_document(_loads(path, data), path)


def parse_document(doc: object, where: Path | str) -> Session:
    """A session from a JSON document already in memory (format told by its keys); ``where`` names it in errors."""
    if isinstance(doc, dict):
        for fmt in _DOCUMENT_FORMATS:
            if fmt.matches(doc):
                return fmt.parse(Fields.root(Path(where), doc))
    raise SessionFileError(where, _unknown_shape(doc))


def load_document(path: Path) -> object:
    """One session file's JSON document as written (size-capped, errors name the file); JSON Lines are not one."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise SessionFileError(path, f"too large ({size / 2**20:,.0f} MiB) to load as one JSON document")
        data = path.read_bytes()
    except OSError as exc:
        raise SessionFileError(path, f"cannot be read ({exc.strerror or exc}); check permissions") from None
    return _loads(path, data.removeprefix(_BOM))


def _loads(path: Path, data: bytes) -> object:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SessionFileError(path, _why_not_json(data, exc)) from None


def _why_not_json(data: bytes, exc: orjson.JSONDecodeError) -> str:
    if b"\x00" in data or not _is_utf8(data):
        return "binary data or not UTF-8 text; session logs are UTF-8 JSON"
    where = f"line {exc.lineno}, column {exc.colno}"
    if exc.msg.startswith("unexpected end of data"):
        return f"truncated JSON: the file ends mid-document ({where}); was it still being written?"
    if not data.strip():
        return "is empty (only whitespace); nothing to read"
    return f"not valid JSON ({exc.msg} at {where})"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _unknown_shape(doc: object) -> str:
    known = ", ".join(fmt.FORMAT for fmt in _DOCUMENT_FORMATS)
    if isinstance(doc, dict):
        keys = ", ".join(sorted(map(str, doc))[:8]) or "none"
        found = f"a JSON object with keys {keys}"
    else:
        found = f"a JSON {json_type(doc)}"
    return (
        f"valid JSON but not a known session format ({found}); expected {known} or jsonl; "
        "see docs/session-format.md"
    )
