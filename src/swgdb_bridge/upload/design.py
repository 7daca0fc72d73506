"""The design's face of the uploader: session files as dicts, its config filter, and upload statistics.

The original design loaded each session file into a dict with file facts (``_file_path``, ``_file_name``,
``_file_size``, ``_modified_time``), dropped the sections its config excludes, and kept a list of upload
records to report statistics from. :class:`~swgdb_bridge.upload.uploader.SessionUploader` offers the same
methods through this module. Reading is the sources' (same size cap, same errors); the privacy guarantee is
still the sanitizer's, which runs on whatever is serialized: the config filter here only removes whole
sections before that, as the design did.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.sources import load_document

log = logging.getLogger(__name__)

# Which sections of a session dict each option keeps, in the design's key names.
SECTIONS_OF_OPTION = {
    "include_communications": ("communication_events",),
    "include_player_encounters": ("player_encounters",),
    "include_locations": ("locations_visited",),
    "include_events": (
        "communication_events",
        "player_encounters",
        "guild_alerts",
        "afk_periods",
        "stuck_events",
    ),
}


def load_session_data(path: Path) -> dict[str, Any] | None:
    """A session file's JSON object with the design's file facts, or None (logged) when it is not one."""
    path = Path(path)
    try:
        document = load_document(path)
        if not isinstance(document, dict):
            raise SessionFileError(path, "is not a JSON object, so it is not a session document")
        stat = path.stat()
    except (SessionFileError, OSError) as exc:
        log.warning("skipped %s", exc)
        return None
    return {
        **document,
        "_file_path": str(path),
        "_file_name": path.name,
        "_file_size": stat.st_size,
        "_modified_time": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(),
    }


def sanitize_session_data(session_data: dict[str, Any], options: SanitizeOptions) -> dict[str, Any]:
    """A copy without the sections ``options`` exclude, marked ``_sanitized`` with the time it was done."""
    dropped = {
        section
        for option, sections in SECTIONS_OF_OPTION.items()
        if not getattr(options, option)
        for section in sections
    }
    kept = {key: value for key, value in session_data.items() if key not in dropped}
    return {**kept, "_sanitized": True, "_sanitization_timestamp": datetime.now(UTC).isoformat()}


@dataclass(frozen=True, slots=True)
class UploadRecord:
    """One session's outcome in this process, as the design's statistics count it."""

    session_id: str
    source: str | None
    upload_status: str  # "success" or "failed"
    upload_timestamp: str
    server_status: str | None = None  # created, updated, unchanged, rejected, too_large
    error_message: str | None = None


class _Record(Protocol):
    upload_status: str
    upload_timestamp: str


def record(session_id: str, source: str | None, server_status: str, error: str | None = None) -> UploadRecord:
    stored = error is None
    return UploadRecord(
        session_id,
        source,
        "success" if stored else "failed",
        datetime.now(UTC).isoformat(),
        server_status,
        error,
    )


def upload_statistics(records: Sequence[_Record]) -> dict[str, Any]:
    """The design's statistics: totals, the success rate in percent (one decimal), the last upload time."""
    successful = sum(1 for r in records if r.upload_status == "success")
    failed = sum(1 for r in records if r.upload_status == "failed")
    return {
        "total_sessions": len(records),
        "successful": successful,
        "failed": failed,
        "success_rate": round(100.0 * successful / len(records), 1) if records else 0.0,
        "last_upload": _latest(r.upload_timestamp for r in records),
    }


def _latest(timestamps: Iterable[str | None]) -> str | None:
    known = [t for t in timestamps if t]
    return max(known) if known else None
