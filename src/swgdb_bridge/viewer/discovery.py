"""Which session files are in the folders, without walking them again when nothing was added or removed.

Discovery itself is the sources' :func:`~swgdb_bridge.sources.discover_files`. It checks and resolves
every file, which for 10,000 files takes most of the warm path's one-second budget. Adding, removing or
renaming a file changes its folder's mtime, so the viewer remembers the mtime of every folder it walked
and the files found: while no folder changed, the remembered list is still right, and a warm run stats
only the folders and the files. Folder mtimes are taken *before* discovery, so a file that appears
during it is either found now or causes a fresh discovery next time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

Stamps = list[tuple[str, int]]


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1  # missing: a folder that appears later has a different stamp


def folder_stamps(roots: Iterable[str]) -> Stamps:
    """Every folder under ``roots`` (and the roots themselves) with its mtime, walked like discovery does."""
    stamps: Stamps = []
    for root in roots:
        stamps.append((root, _mtime(root)))
        for folder, subdirs, _files in os.walk(root):
            stamps += [(path, _mtime(path)) for path in (os.path.join(folder, name) for name in subdirs)]
    return stamps


def unchanged(stamps: Stamps) -> bool:
    return all(_mtime(path) == mtime for path, mtime in stamps)


def discover(roots: list[str]) -> tuple[list[str], Stamps]:
    """Absolute paths of the session files under ``roots``, and the folder stamps taken just before."""
    from swgdb_bridge.sources import discover_files

    stamps = folder_stamps(roots)
    return [os.path.abspath(p) for p in discover_files([Path(r) for r in roots])], stamps
