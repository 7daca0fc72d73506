"""The pseudonym key: made once per install, owner-only, reused; a damaged one is reported, not replaced."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from swgdb_bridge import paths
from swgdb_bridge.errors import StateError
from swgdb_bridge.sanitize import Sanitizer, load_pseudonym_key
from swgdb_bridge.sanitize.options import SanitizeOptions


def test_key_is_created_once_owner_only_and_reused(bridge_home: Path) -> None:
    key = load_pseudonym_key()
    path = paths.data_dir() / "pseudonym.key"
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.stat().st_mtime_ns
    assert load_pseudonym_key() == key
    assert path.stat().st_mtime_ns == before
    assert [p.name for p in path.parent.iterdir()] == ["pseudonym.key"]  # no temp file left behind


def test_sanitizer_without_a_key_uses_the_install_key(bridge_home: Path) -> None:
    first = Sanitizer(SanitizeOptions()).pseudonym("Zorvath")
    assert Sanitizer(SanitizeOptions()).pseudonym("Zorvath") == first
    assert Sanitizer(SanitizeOptions(), load_pseudonym_key()).pseudonym("Zorvath") == first


def test_loose_permissions_are_tightened(bridge_home: Path) -> None:
    load_pseudonym_key()
    path = paths.data_dir() / "pseudonym.key"
    path.chmod(0o644)
    load_pseudonym_key()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("content", [b"", b"not hex at all", b"abcd\n", bytes(range(256))])
def test_a_damaged_key_names_the_file_and_the_fix(bridge_home: Path, content: bytes) -> None:
    path = paths.ensure_dir(paths.data_dir()) / "pseudonym.key"
    path.write_bytes(content)
    with pytest.raises(StateError) as caught:
        load_pseudonym_key()
    assert str(path) in str(caught.value) and "delete it" in str(caught.value)
    assert path.read_bytes() == content  # never silently replaced: that would change every pseudonym


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError):
        Sanitizer(SanitizeOptions(), b"short")


def test_an_unwritable_data_folder_is_reported_with_what_to_do(bridge_home: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StateError) as caught:
        load_pseudonym_key(blocker / "data" / "pseudonym.key")
    assert "SWGDB_BRIDGE_HOME" in str(caught.value) and "pseudonym.key" in str(caught.value)


def test_another_run_of_the_program_gives_the_same_pseudonym(bridge_home: Path) -> None:
    here = Sanitizer(SanitizeOptions()).pseudonym("Zorvath")
    code = "from swgdb_bridge.sanitize import Sanitizer; print(Sanitizer().pseudonym('zorvath'))"
    env = {**os.environ, "SWGDB_BRIDGE_HOME": str(bridge_home)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == here
