"""Run ``swgdb-bridge`` in the test process: the same app, parser and exit codes, without a new interpreter.

A subprocess costs about a second of imports per call on this machine; the in-process runner costs
milliseconds. The answer is a :class:`subprocess.CompletedProcess`, so a test reads the same either way.
Keep a few true subprocess tests (``--help``, ``python -m swgdb_bridge``, the entry point, signals).
"""

from __future__ import annotations

import subprocess

from typer.testing import CliRunner

from swgdb_bridge.cli import app

WIDE = {"COLUMNS": "200"}  # rich wraps at the terminal width; wide enough that lines stay whole


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``swgdb-bridge ARGS`` with ``env`` added to the environment for the call; exceptions propagate."""
    result = CliRunner().invoke(app, list(args), env={**WIDE, **(env or {})}, catch_exceptions=False)
    return subprocess.CompletedProcess(
        ["swgdb-bridge", *args], result.exit_code, result.stdout, result.stderr
    )
