"""The viewer's own errors: all :class:`~swgdb_bridge.errors.UsageError` (the value asked for cannot be used),
so callers report them the usual way."""

from __future__ import annotations

import difflib

from swgdb_bridge.errors import UsageError


class UnknownSessionError(UsageError):
    """No session with that id in the folders looked at; the message offers the closest ids."""

    def __init__(self, session_id: str, known: list[str]) -> None:
        self.session_id = session_id
        self.close_matches = difflib.get_close_matches(session_id, known, n=5, cutoff=0.6)
        hint = (
            f"did you mean {', '.join(self.close_matches)}?"
            if self.close_matches
            else "run `swgdb-bridge logs --list` to see the ids"
        )
        super().__init__(f"no session {session_id!r} in the session folders; {hint}")


class SearchPatternError(UsageError):
    """A ``--regex`` search pattern that does not compile."""


class FilterError(UsageError):
    """A filter value the viewer cannot use (a date it cannot read)."""


class ExportFormatError(UsageError):
    """An export format the viewer does not write."""


class ExportWriteError(UsageError):
    """An export file that cannot be written (missing folder, no permission, full disk)."""
