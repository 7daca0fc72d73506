"""Sources: find session logs and read any known format into one :class:`~swgdb_bridge.model.Session`.

Formats (told apart by content): the session tracker's document, ``character_sessions``, loot farming,
the XP tracker export, and our own streamed JSON Lines (docs/session-format.md). Bad input raises
:class:`~swgdb_bridge.errors.SessionFileError`; :func:`read_sessions` reports it and goes on.

The MS11 bot itself scatters one play session over many files, each holding part of it: :func:`read_parts`
reads any of them (and the formats above) into :class:`Part` records, which ``swgdb_bridge.assemble`` joins
into sessions. :func:`bot_session_dirs` lists the folders the bot writes them to.
"""

from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.sources._discover import (
    BOT_SESSION_DIRS,
    DEFAULT_SESSION_DIRS,
    SESSION_DIRS_ENV,
    bot_session_dirs,
    bot_tree,
    default_session_dirs,
    discover_files,
    parse_session_dirs,
    session_dirs_from,
)
from swgdb_bridge.sources._jsonl import (
    dump_event,
    record_event,
    session_events,
    start_event,
    write_session_jsonl,
)
from swgdb_bridge.sources._part import (
    CITY_NAMES,
    FACTS,
    LifetimeTotals,
    Part,
    PartFileError,
    names_unix_time,
    planet_name,
    time_named_by,
)
from swgdb_bridge.sources._parts import FileOutcome, file_digest, part_from_session, read_parts
from swgdb_bridge.sources._read import (
    MAX_DOCUMENT_BYTES,
    ReadResult,
    load_document,
    parse_document,
    read_session,
    read_sessions,
)
from swgdb_bridge.sources._sanity import MAX_SESSION
from swgdb_bridge.sources._step_log import FORMAT as STEP_LOG
from swgdb_bridge.sources._step_log import fuse as fuse_step_log
from swgdb_bridge.sources._step_log import runs as step_log_runs

__all__ = [
    "BOT_SESSION_DIRS",
    "CITY_NAMES",
    "DEFAULT_SESSION_DIRS",
    "FACTS",
    "MAX_DOCUMENT_BYTES",
    "MAX_SESSION",
    "SESSION_DIRS_ENV",
    "STEP_LOG",
    "FileOutcome",
    "LifetimeTotals",
    "Part",
    "PartFileError",
    "ReadResult",
    "SessionFileError",
    "bot_session_dirs",
    "bot_tree",
    "default_session_dirs",
    "discover_files",
    "dump_event",
    "file_digest",
    "fuse_step_log",
    "load_document",
    "names_unix_time",
    "parse_document",
    "parse_session_dirs",
    "part_from_session",
    "planet_name",
    "read_parts",
    "read_session",
    "read_sessions",
    "record_event",
    "session_dirs_from",
    "session_events",
    "start_event",
    "step_log_runs",
    "time_named_by",
    "write_session_jsonl",
]
