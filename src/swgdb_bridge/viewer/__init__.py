"""The session log viewer: ``SessionLogViewer`` (library), ``swgdb-bridge logs`` (CLI) and its TUI."""

from swgdb_bridge.viewer.errors import ExportFormatError, FilterError, SearchPatternError, UnknownSessionError
from swgdb_bridge.viewer.viewer import SessionLogViewer

__all__ = [
    "ExportFormatError",
    "FilterError",
    "SearchPatternError",
    "SessionLogViewer",
    "UnknownSessionError",
]
