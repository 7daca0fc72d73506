"""The design's own test suite and demo, recovered from its origin, pass against this project.

They live in ``../shared/seed/origin-suite`` (its README says how to run them, and why 10 tests are left
out: those patch ``requests`` or pin the old wire format; ``tests/upload/test_design_interface.py`` checks
the same behaviours on the wire). Each run uses a temporary copy, since the demo writes session files into
its own folder, and a temporary app folder, so nothing of the user's state is read or written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.busy_proxy import BusyServerProxy

SUITE = "test_batch_118_session_upload.py"
DEMO = "demo_batch_118_session_upload.py"
DESELECTED = (
    "not test_push_session_data and not test_batch_upload_sessions_success and not test_validate_credentials "
    "and not test_prepare_headers and not test_generate_signature and not test_upload_all_sessions"
)
SELECTED = 30  # 40 tests, 10 deselected
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("origin")]  # one worker runs both, side by side


def copy_of(origin_suite_dir: Path, copy: Path) -> Path:
    shutil.copytree(origin_suite_dir, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for folder, _dirs, files in os.walk(copy):  # the seed is read-only; the demo writes into its copy
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return copy


@dataclass
class Run:
    """One of the design's scripts running in its own copy of the seed, its output going to files."""

    process: subprocess.Popen[bytes]
    folder: Path

    @classmethod
    def start(cls, args: list[str], origin_suite_dir: Path, folder: Path, proxy: BusyServerProxy) -> Run:
        # The demo builds a real client for https://api.swgdb.com/v1 (its mock patches a name it never
        # calls): through the proxy, "that server" answers every request at once, over TLS, with a 503 and
        # an hour's Retry-After, so the client gives up on the first answer, without leaving the machine.
        env = {
            **os.environ,
            **proxy.env,
            "SWGDB_BRIDGE_HOME": str(folder / "home"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        cwd = copy_of(origin_suite_dir, folder / "origin-suite")
        with (folder / "out").open("wb") as out, (folder / "err").open("wb") as err:
            process = subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, stdout=out, stderr=err)
        return cls(process, folder)

    def finish(self) -> tuple[int, str, str]:
        """Exit status, standard output and standard error, once the script has ended."""
        returncode = self.process.wait(timeout=240)
        out, err = ((self.folder / name).read_text(errors="replace") for name in ("out", "err"))
        return returncode, out, err


@pytest.fixture(scope="module")
def busy_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BusyServerProxy]:
    with BusyServerProxy(tmp_path_factory.mktemp("proxy"), "api.swgdb.com") as proxy:
        yield proxy


@pytest.fixture(scope="module")
def runs(
    origin_suite_dir: Path, tmp_path_factory: pytest.TempPathFactory, busy_proxy: BusyServerProxy
) -> Iterator[dict[str, Run]]:
    """The design's suite and demo, started together: two processes that overlap on this worker instead of
    running one after the other."""
    started = {
        "suite": Run.start(
            ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", SUITE, "-k", DESELECTED],
            origin_suite_dir,
            tmp_path_factory.mktemp("origin-suite"),
            busy_proxy,
        ),
        "demo": Run.start([DEMO], origin_suite_dir, tmp_path_factory.mktemp("origin-demo"), busy_proxy),
    }
    yield started
    for run in started.values():
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait()


def test_the_designs_suite_passes(runs: dict[str, Run]) -> None:
    returncode, stdout, stderr = runs["suite"].finish()
    summary = stdout.strip().splitlines()[-1] if stdout.strip() else stderr[-2000:]
    assert returncode == 0, f"the origin suite failed: {summary}\n{stdout[-6000:]}"
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) >= SELECTED, summary
    assert "failed" not in summary and "error" not in summary


def test_the_designs_demo_runs_to_the_end(runs: dict[str, Run], busy_proxy: BusyServerProxy) -> None:
    returncode, out, err = runs["demo"].finish()
    assert busy_proxy.answered >= 3, "the demo's requests never reached the stand-in server over TLS"
    assert returncode == 0, f"the demo failed:\n{out[-3000:]}\n{err[-3000:]}"
    assert "Batch 118 Demo Complete!" in out
    assert "XP gained: 25,000" in out and "[SENSITIVE_MESSAGE_REMOVED]" in out  # serialized and sanitized
    assert "Processed: 3" in out and "Successful: 3" in out  # the in-memory queue
    assert "Found 3 sessions containing 'quest'" in out and "Total XP gained: 90,000" in out  # the viewer
