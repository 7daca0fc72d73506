"""Read one session file of any known format: sniff the content, parse, and turn bad input into errors.

The format is told by content, never by file name: a first line that is a whole JSON event means JSON
Lines (streamed); anything else is one JSON document, recognised by its keys. Documents are read whole,
so they are capped in size before a byte is read. Whatever Windows did to a file's text (UTF-16, the cp1252
code page, NUL bytes after a crash) is undone once, by :func:`json_text`, for every reader.
"""

from __future__ import annotations

import codecs
import io
import re
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
_BOM = codecs.BOM_UTF8
_UTF16 = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # no text holds these raw
_NOT_TEXT = "binary data, not text; session logs are JSON text"
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
    if starts_as_jsonl(head):
        stream.seek(len(_BOM) if head.startswith(_BOM) else 0)
        return _jsonl.parse(path, stream)
    if size > MAX_DOCUMENT_BYTES:
        raise SessionFileError(
            path,
            f"too large ({size / 2**20:,.0f} MiB, limit {MAX_DOCUMENT_BYTES // 2**20} MiB) to read as one "
            "JSON document; use the JSONL format (docs/session-format.md), which is read as a stream",
        )
    stream.seek(0)
    data = stream.read()
    text = json_text(path, data)
    if not text.strip():
        raise SessionFileError(path, why_empty(path, data))
    if starts_as_jsonl(text):  # JSON Lines re-saved as UTF-16
        return _jsonl.parse(path, io.BytesIO(text))
    return _parse_document(path, text)


def starts_as_jsonl(head: bytes) -> bool:
    """Whether a file's first bytes (UTF-8, BOM skipped) open with a whole JSON event: what tells JSON Lines
    from a document."""
    first_line = head[:_SNIFF_BYTES].removeprefix(_BOM).lstrip().split(b"\n", 1)[0]
    return _jsonl.looks_like_event(first_line)


def json_text(path: Path, data: bytes) -> bytes:
    """A file's bytes as the UTF-8 JSON text they hold: BOM dropped, UTF-16 transcoded, cut at the first NUL,
    and text in the Windows code page transcoded.

    Notepad's "Unicode" and PowerShell's ``>`` re-save a file as UTF-16 with a BOM. NTFS zero-fills what a
    crash or a power loss kept from reaching the disk, so a file can end in (or hold) NUL bytes; no JSON text
    holds a raw NUL, so what follows the first one is lost and the document reads as cut off there.
    """
    text = _decoded(path, data).split(b"\x00", 1)[0]
    return text if _is_utf8(text) else _from_ansi(text)


def _from_ansi(data: bytes) -> bytes:
    """Text that is not UTF-8, as the Windows code page (cp1252) read it, in UTF-8.

    Python on Windows writes a file in the locale's code page unless told UTF-8, so a name or quest with
    an accent ("Zoë") can reach us as one cp1252 byte. Bytes that are no text (control characters, which
    JSON never holds raw, or bytes cp1252 leaves undefined) are binary data and stay as they are.
    """
    if _CONTROL.search(data):
        return data
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        return data


def why_empty(path: Path, data: bytes) -> str:
    """Why a file holds no JSON text: nothing written, only NUL bytes where the content should be (the
    write never reached the disk), or binary data that starts with a NUL."""
    if not stops_at_nul(path, data):
        return "is empty; nothing to read (was the bot stopped before writing?)"
    if _decoded(path, data).strip(b"\x00 \t\r\n"):
        return _NOT_TEXT
    return "holds only NUL bytes; its content never reached the disk (a crash or power loss while writing)"


def stops_at_nul(path: Path, data: bytes) -> bool:
    """Whether :func:`json_text` cut the file at a NUL byte (what follows never reached the disk)."""
    return b"\x00" in _decoded(path, data)


def _decoded(path: Path, data: bytes) -> bytes:
    """The bytes as UTF-8 by their byte-order mark (none, UTF-8 or UTF-16), or as UTF-16 by the pattern of
    NUL bytes its first two characters leave; NUL bytes are left in."""
    bom = next((codec for mark, codec in _UTF16.items() if data.startswith(mark)), None)
    codec = bom or _utf16_without_bom(data)
    if codec is None:
        return data.removeprefix(_BOM)
    body = data[2 if bom else 0 : len(data) // 2 * 2]  # a write cut mid code unit leaves an odd byte
    try:
        return body.decode(codec).encode("utf-8")
    except UnicodeError:
        how = "by its byte-order mark" if bom else "by its NUL bytes, without a byte-order mark"
        raise SessionFileError(path, f"{codec.upper()} text ({how}) that does not decode") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 written without a byte-order mark (.NET's ``Encoding.Unicode.GetBytes``, some editors): JSON
    text starts with two ASCII characters (RFC 4627, section 3), so one byte of each pair is NUL, the other
    not. UTF-8 text holds no NUL (what a crash zero-filled is NUL on both sides)."""
    head = data[:4]
    if len(head) < 4:
        return None
    if head[1] == head[3] == 0 and _ascii_text(head[0], head[2]):
        return "utf-16-le"
    if head[0] == head[2] == 0 and _ascii_text(head[1], head[3]):
        return "utf-16-be"
    return None


def _ascii_text(*codes: int) -> bool:
    return all(code in b"\t\n\r" or 0x20 <= code < 0x7F for code in codes)


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
    text = json_text(path, data)
    if not text.strip():
        raise SessionFileError(path, why_empty(path, data))
    return _loads(path, text)


def _loads(path: Path, data: bytes) -> object:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SessionFileError(path, _why_not_json(data, exc)) from None


def _why_not_json(data: bytes, exc: orjson.JSONDecodeError, at_nul: bool = False) -> str:
    if not _is_utf8(data):
        return _NOT_TEXT
    where = f"line {exc.lineno}, column {exc.colno}"
    if exc.msg.startswith("unexpected end of data"):
        if at_nul:
            return f"truncated JSON: NUL bytes from {where} on; a crash or power loss kept the rest from the disk"
        return f"truncated JSON: the file ends mid-document ({where}); was it still being written?"
    return f"not valid JSON ({exc.msg} at {where})"


def _is_utf8(data: bytes) -> bool:
    """UTF-8, a character cut in two by a write cut short included (the file is UTF-8, only incomplete)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data"
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
