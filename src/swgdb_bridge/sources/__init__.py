"""Sources: find session logs and read any known format into one :class:`~swgdb_bridge.model.Session`.

Formats (told apart by content): the session tracker's document, ``character_sessions``, loot farming,
the XP tracker export, and our own streamed JSON Lines (docs/session-format.md). Bad input raises
:class:`~swgdb_bridge.errors.SessionFileError`; :func:`read_sessions` reports it and goes on.
"""

from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.sources._discover import (
    DEFAULT_SESSION_DIRS,
    SESSION_DIRS_ENV,
    default_session_dirs,
    discover_files,
    parse_session_dirs,
    session_dirs_from,
)
from swgdb_bridge.sources._read import MAX_DOCUMENT_BYTES, ReadResult, read_session, read_sessions

__all__ = [
    "DEFAULT_SESSION_DIRS",
    "SESSION_DIRS_ENV",
    "MAX_DOCUMENT_BYTES",
    "ReadResult",
    "SessionFileError",
    "default_session_dirs",
    "discover_files",
    "parse_session_dirs",
    "read_session",
    "read_sessions",
    "session_dirs_from",
]
