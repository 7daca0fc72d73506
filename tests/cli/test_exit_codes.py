"""One error → exit-code policy for every command group (``commands/_output.py``, ``--help``, README):
0 done, 1 the work failed, 2 usage, 3 configuration or credentials.

The policy's table is checked on the error kinds, then on real commands of each group (in-process), and
the true subprocess tests are here: ``--help`` through the installed entry point, ``python -m``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.cli import run
from helpers.ports import refused_port
from swgdb_bridge.commands._output import exit_code
from swgdb_bridge.errors import APIError, AuthError, ConfigError, SessionFileError, StateError, UsageError
from swgdb_bridge.server.db.storage import UnknownUserError
from swgdb_bridge.viewer.errors import ExportWriteError, UnknownSessionError

CREDENTIALS = {"SWGDB_API_KEY": "k" * 40, "SWGDB_USER_HASH": "u" * 32}


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (APIError("the server answered 500"), 1),
        (StateError("the outbox is locked"), 1),
        (SessionFileError("a.json", "truncated JSON"), 1),
        (UsageError("bad value"), 2),
        (UnknownSessionError("s-1", []), 2),
        (ExportWriteError("cannot write"), 2),
        (UnknownUserError("0" * 32), 2),
        (ConfigError("SWGDB_API_KEY is not set"), 3),
        (AuthError("the server refused the credentials"), 3),
    ],
)
def test_each_kind_of_error_has_one_code(error: Exception, code: int) -> None:
    assert exit_code(error) == code


def test_usage_errors_are_2_in_every_group(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'server.db'}"
    for args in (
        ["upload", "--no-such-option"],
        ["logs", "--dir", str(tmp_path), "--since", "someday"],
        ["logs", "--dir", str(tmp_path), "--view", "no-such-session"],
        ["queue", "retry", "no-such-id"],
        ["server", "rotate-key", "0" * 32, "--database-url", database],
        ["server", "run", "--log-format", "xml", "--database-url", database],
        ["server", "run", "--host", "", "--port", "0", "--database-url", database],  # was: every interface
        ["server", "run", "--host", " ", "--port", "0", "--database-url", database],
        ["preview"],
        ["watch", "--dir", str(tmp_path), "--settle", "inf"],  # was: files sent only on the interval
        ["watch", "--dir", str(tmp_path), "--poll", "1e300"],
    ):
        done = run(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr


def test_configuration_errors_are_3_in_every_group() -> None:
    assert run("upload").returncode == 3  # no credentials
    assert run("check", env={"SWGDB_API_URL": "ftp://x", **CREDENTIALS}).returncode == 3
    assert run("watch", env={"MAX_RETRIES": "many", **CREDENTIALS}).returncode == 3


def test_failed_work_is_1() -> None:
    with refused_port() as port:
        env = {"SWGDB_API_URL": f"http://127.0.0.1:{port}/v1", "MAX_RETRIES": "0", **CREDENTIALS}
        assert run("check", env=env).returncode == 1
        assert run("status", "s-1", env=env).returncode == 1


BAD_URLS = [
    "127.0.0.1:8765/v1",  # no scheme
    "http://127.0.0.1:abc/v1",  # were tracebacks: httpx's InvalidURL, urlsplit's ValueError
    "http://127.0.0.1:99999/v1",
    "http://[::1/v1",
    "http://127.0.0.1:8765/v1\x01",
    "http://127.0.0.1 /v1",  # was "127.0.0.1 , which is not this machine"
    "http://127.0.0.1:0/v1",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_url_is_one_error_line_in_every_command_that_takes_one(tmp_path: Path, url: str) -> None:
    """From the setting or an option: a usage or configuration error before anything is sent or stored."""
    database = f"sqlite:///{tmp_path / 'server.db'}"
    by_setting = (["check"], ["upload"], ["status", "s-1"], ["dashboard", "--print"], ["logout", "--revoke"])
    by_option = (
        ["login", "--server", url, "K7QF-M2XD-9"],
        ["login", f"{url}/pair#K7QF-M2XD-9"],
        ["server", "invite", "x", "--base-url", url, "--database-url", database],
        ["server", "dashboard-link", "0" * 32, "--base-url", url, "--database-url", database],
    )
    env = {**CREDENTIALS, "MAX_RETRIES": "0"}
    runs = [(args, run(*args, env={**env, "SWGDB_API_URL": url})) for args in by_setting]
    runs += [(args, run(*args, env=env)) for args in by_option]
    for args, done in runs:
        errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
        assert done.returncode in (2, 3) and len(errors) == 1, (args, done.returncode, done.stderr)


UNKNOWN_USER_PATH = "~no-such-user-swgdb/x"
"""``Path.expanduser`` raises RuntimeError for it: the user does not exist."""
TILDE_SOURCES = {  # where a path comes from → (environment, arguments)
    "SWGDB_BRIDGE_HOME": ({"SWGDB_BRIDGE_HOME": UNKNOWN_USER_PATH}, ["queue"]),
    "SWGDB_SESSION_DIRS": ({"SWGDB_SESSION_DIRS": UNKNOWN_USER_PATH}, ["upload", "--dry-run"]),
    "config.toml": ({}, ["upload", "--dry-run"]),
    "--database-url": (
        {},
        ["server", "add-user", "x", "--database-url", f"sqlite:///{UNKNOWN_USER_PATH}.db"],
    ),
}


@pytest.mark.parametrize("source", TILDE_SOURCES)
def test_a_tilde_of_an_unknown_user_is_a_configuration_error(
    bridge_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: str
) -> None:
    """Was: ``Path.expanduser``'s RuntimeError ("Could not determine home directory") as a traceback."""
    monkeypatch.chdir(tmp_path)
    (bridge_home / "config").mkdir(parents=True)
    if source == "config.toml":
        (bridge_home / "config" / "config.toml").write_text(f'session_dirs = ["{UNKNOWN_USER_PATH}"]\n')
    env, args = TILDE_SOURCES[source]
    done = run(*args, env={**CREDENTIALS, **env})
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert done.returncode == 3 and len(errors) == 1, done.stderr
    assert UNKNOWN_USER_PATH in errors[0] and "full path" in errors[0]


def _fifo(path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("FIFOs are POSIX")
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _file(path: Path, content: bytes = b"") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


UPLOADER = (["upload"], ["watch", "--dir", "."])
SERVER = (["server", "add-user", "x"], ["server", "run", "--port", "0"])
BROKEN_STATE = {  # what is broken → the commands that need it
    "a file where the data folder goes": (
        lambda data: _file(data),
        (*UPLOADER, ["queue"], ["logs", "--list"], ["preview", "--dir", "."], *SERVER),
    ),
    "a folder where the lock file goes": (
        lambda data: (data / "uploader.lock").mkdir(parents=True),
        UPLOADER,
    ),
    "a folder where the server secret goes": (
        lambda data: (data / "server-secret").mkdir(parents=True),
        SERVER,
    ),
    "a server secret that is not text": (lambda data: _file(data / "server-secret", b"\xbf" * 64), SERVER),
    # FIFOs: reading one waits for a writer that never comes (was: a hang), locking one fails oddly
    "a FIFO where the lock file goes": (lambda data: _fifo(data / "uploader.lock"), UPLOADER),
    "a FIFO where the server secret goes": (lambda data: _fifo(data / "server-secret"), SERVER),
    "a FIFO where the pseudonym key goes": (
        lambda data: _fifo(data / "pseudonym.key"),
        (["preview", "--dir", "."],),
    ),
}


@pytest.mark.timeout(60)  # a FIFO read blocked for good before
@pytest.mark.parametrize("broken", BROKEN_STATE)
def test_a_broken_state_folder_is_one_error_line_not_a_traceback(
    bridge_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, broken: str
) -> None:
    """Was: a file in place of the data folder or a folder in place of the lock file or the server secret
    was a FileExistsError or IsADirectoryError traceback (and ``preview --dir`` said ``error: None: ...``)."""
    monkeypatch.chdir(tmp_path)
    setup, commands = BROKEN_STATE[broken]
    setup(bridge_home / "data")
    for args in commands:
        done = run(*args, env=CREDENTIALS)  # in-process: an exception would propagate, not be printed
        errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert len(errors) == 1 and "None" not in errors[0] and "Traceback" not in done.stderr, args
        assert str(bridge_home / "data") in errors[0], (args, errors)


def test_help_through_the_installed_entry_point_states_the_policy() -> None:
    script = Path(sys.executable).with_name("swgdb-bridge")
    done = subprocess.run(
        [script, "--help"], capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "300"}
    )
    assert done.returncode == 0, done.stderr
    assert "Exit codes: 0 done" in done.stdout and "3 configuration or credentials" in done.stdout


def test_python_dash_m_runs_the_same_app() -> None:
    done = subprocess.run([sys.executable, "-m", "swgdb_bridge", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("swgdb-bridge ")
