"""Shared test set-up. Fixture modules live in ``tests/fixtures/`` and are loaded as plugins; small
utilities live in ``tests/helpers/`` (``from helpers.cli import run``). ``tests/`` is on ``sys.path``.

Hypothesis runs under one of two profiles: ``dev`` (random examples) or, when ``CI`` is set, ``ci``
(derandomized, so a CI run is repeatable). Neither has a deadline: on a shared 2-core machine one example
can take seconds for reasons that have nothing to do with the code under test.
"""

from __future__ import annotations

import gc
import itertools
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent

pytest.register_assert_rewrite("fixtures")  # before any import: fixture modules may import each other
FIXTURE_MODULES = sorted(
    f"fixtures.{path.stem}" for path in (TESTS / "fixtures").glob("*.py") if path.stem != "__init__"
)


def pytest_configure(config: pytest.Config) -> None:
    """Load the fixture modules as plugins, except in pytest-xdist's controller: it runs no test, and they
    import the whole server stack (~1 s of CPU before the controller starts its workers)."""
    if config.getoption("numprocesses", None) and not hasattr(config, "workerinput"):
        return
    for name in FIXTURE_MODULES:
        config.pluginmanager.import_plugin(name)


settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", settings.get_profile("dev"), derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

LONG_RUNNING = ("slow", "browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules made of long-running tests first; each module stays whole and in its own order.

    pytest-xdist hands out tests one at a time as workers free up, in collection order. The system tests
    (crash loops, soak, scale-out, the design's demo) are collected last, so they used to start at the end
    and leave the other worker idle while the last of them ran; started first, they overlap the short
    ones. Modules are moved whole (by their share of long tests) because module-scoped fixtures expect it.
    """
    long_share: dict[str, float] = {}
    for path, tests in itertools.groupby(items, key=lambda item: item.path):
        flags = [any(test.get_closest_marker(name) for name in LONG_RUNNING) for test in tests]
        long_share[str(path)] = sum(flags) / len(flags)
    items.sort(key=lambda item: -long_share[str(item.path)])


@pytest.hookimpl(trylast=True)  # after the module's fixtures are torn down
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After each test module, move every object still tracked to the collector's permanent generation.

    A worker's full collections traversed everything earlier modules left alive (imported libraries,
    caches, Hypothesis' state): about 5 s of CPU per worker per run, 7 % of its time (measured with
    ``gc.callbacks``). Frozen, they are skipped; later full collections see only newer objects. The price:
    cyclic garbage not yet collected at a module's end stays until the worker exits.
    """
    if nextitem is None or nextitem.path != item.path:
        gc.freeze()


def shared_dir() -> Path:
    """``../shared`` beside the repository; from a git worktree nested deeper, the nearest ancestor's."""
    for folder in REPO.parents:
        if (folder / "shared" / "corpus").is_dir():
            return folder / "shared"
    return REPO.parent / "shared"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared real-world corpus (``../shared/corpus`` beside the repository)."""
    path = shared_dir() / "corpus"
    if not path.is_dir():
        pytest.fail(f"shared corpus not found at {path}: tests need ../shared/corpus beside the repo")
    return path


@pytest.fixture(scope="session")
def origin_suite_dir() -> Path:
    """The design's own test suite and demo (``../shared/seed/origin-suite``; its README says how to run them)."""
    path = shared_dir() / "seed" / "origin-suite"
    if not path.is_dir():
        pytest.fail(f"the design's origin suite is not at {path}: tests need ../shared/seed/origin-suite")
    return path


@pytest.fixture(autouse=True)
def bridge_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own app folder, so no test reads or writes the user's real state."""
    home = tmp_path / "bridge-home"
    monkeypatch.setenv("SWGDB_BRIDGE_HOME", str(home))
    # Never the developer's real keyring: tests that need one install an in-memory backend themselves.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
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


@pytest.fixture(scope="session")
def ms11_real() -> Path:
    """What the MS11 bot's own code wrote for one evening (``../shared/corpus/ms11-real``); skipped if absent."""
    path = shared_dir() / "corpus" / "ms11-real"
    if not path.is_dir():
        pytest.skip(f"the MS11 corpus is not at {path} (it sits in ../shared beside the repository)")
    return path


MS11_EVENINGS = TESTS / "data" / "ms11"


@pytest.fixture(scope="session")
def evening_b() -> Path:
    """A second evening (3 sessions, 2 characters) written by the same bot code with the MS11 drivers."""
    return MS11_EVENINGS / "evening-b"


@pytest.fixture(params=sorted(p.name for p in MS11_EVENINGS.glob("evening-*")))
def evening(request: pytest.FixtureRequest) -> Path:
    """Each evening the MS11 drivers made the bot write (tests/data/ms11/README.md), with its scenario."""
    return MS11_EVENINGS / request.param
