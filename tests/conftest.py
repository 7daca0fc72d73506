"""Shared test set-up. Fixture modules live in ``tests/fixtures/`` and are loaded as plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent

pytest_plugins = sorted(
    f"fixtures.{path.stem}" for path in (TESTS / "fixtures").glob("*.py") if path.stem != "__init__"
)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared real-world corpus (``../shared/corpus`` beside the repository)."""
    path = REPO.parent / "shared" / "corpus"
    if not path.is_dir():
        pytest.fail(f"shared corpus not found at {path}: tests need ../shared/corpus beside the repo")
    return path


@pytest.fixture(autouse=True)
def bridge_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own app folder, so no test reads or writes the user's real state."""
    home = tmp_path / "bridge-home"
    monkeypatch.setenv("SWGDB_BRIDGE_HOME", str(home))
    for var in (
        "SWGDB_API_URL",
        "SWGDB_API_KEY",
        "SWGDB_USER_HASH",
        "SWGDB_SESSION_DIRS",
        "SWGDB_DATABASE_URL",
        "SWGDB_ALLOW_INSECURE_HTTP",
    ):
        monkeypatch.delenv(var, raising=False)
    return home
