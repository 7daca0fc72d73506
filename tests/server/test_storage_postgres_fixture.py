"""The PostgreSQL fixture finds the newest binaries, and skips (or in CI fails) clearly without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.postgres import REQUIRE_ENV, find_pg_bin, require_pg_bin


def fake_install(root: Path, version: str, tools: tuple[str, ...] = ("initdb", "pg_ctl")) -> Path:
    bin_dir = root / version / "bin"
    bin_dir.mkdir(parents=True)
    for tool in tools:
        (bin_dir / tool).touch()
    return bin_dir


def test_newest_complete_install_wins(tmp_path: Path) -> None:
    fake_install(tmp_path, "9")
    newest = fake_install(tmp_path, "15")
    fake_install(tmp_path, "16", tools=("initdb",))  # half-installed: no pg_ctl
    assert find_pg_bin(f"{tmp_path}/*/bin") == newest


def test_missing_binaries_skip_with_the_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)  # CI sets it for the real fixture
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        require_pg_bin(f"{tmp_path}/*/bin")


def test_missing_binaries_fail_when_postgres_is_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=REQUIRE_ENV):
        require_pg_bin(f"{tmp_path}/*/bin")
