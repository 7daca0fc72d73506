"""Assemble play sessions from the parts the MS11 bot scatters over many files.

Public API::

    assemble_tree(root=None, now=None) -> AssemblyResult    # a folder, recursively; None: the bot's folders
    assemble_paths(paths, now=None) -> AssemblyResult       # given files
    assemble_parts(parts) -> (sessions, unplaced)            # parts already read (sources.read_parts)

``AssemblyResult`` holds ``sessions`` (:class:`~swgdb_bridge.model.Session`, ``source_format ==
"assembled"``, with ``sources`` and ``warnings``), ``problems`` (file, format assumed, reason; also each
file of a play session over 24 h, refused whole: :func:`assemble_parts` gives its parts as ``unplaced``
with ``refused`` set),
``not_sessions`` (count of skipped non-session JSON), ``retry`` (files still being written), ``lifetime``
(the bot's cumulative totals) and ``unplaced`` parts. Rules: docs/session-format.md, "Assembly".
"""

from swgdb_bridge.assemble._assemble import (
    AssemblyResult,
    Problem,
    assemble_parts,
    assemble_paths,
    assemble_tree,
    session_files,
    session_id_for,
)
from swgdb_bridge.assemble._group import Unplaced
from swgdb_bridge.assemble._merge import IDENTICAL_COPY, MAX_XP_PER_HOUR, PRECEDENCE

__all__ = [
    "IDENTICAL_COPY",
    "MAX_XP_PER_HOUR",
    "PRECEDENCE",
    "AssemblyResult",
    "Problem",
    "Unplaced",
    "assemble_parts",
    "assemble_paths",
    "assemble_tree",
    "session_files",
    "session_id_for",
]
