#!/usr/bin/env python3
"""Set-up and the everyday jobs, with nothing but Python 3.11+ installed.

    python3 tasks.py demo            # embedded server + sample sessions + upload, prints the dashboard link
    python3 tasks.py test            # the whole test suite (what CI runs); extra pytest arguments pass through
    python3 tasks.py test --quick    # everything but the tests marked slow (crash, soak, scale-out)
    python3 tasks.py lint            # ruff format --check and ruff check (CI runs it before the tests)

Each first makes ``.venv`` from ``requirements.lock`` (hash-checked) and installs the project into it;
that is redone only when the lock file or ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"


def _inputs_digest() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    """Create or refresh ``.venv`` so it matches the lock file exactly."""
    wanted = _inputs_digest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    print("Installing locked dependencies (requirements.lock) ...", flush=True)
    subprocess.run([*pip, "install", "--require-hashes", "-r", str(ROOT / "requirements.lock")], check=True)
    subprocess.run([*pip, "install", "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(wanted)


def run(argv: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.call(argv, cwd=ROOT, env=env)


def demo(args: list[str]) -> int:
    return run([str(PYTHON), "-m", "swgdb_bridge", "demo", *args])


def test(args: list[str]) -> int:
    """The suite on two workers.

    Bytecode caching is switched back on if the environment turned it off (PYTHONDONTWRITEBYTECODE, set on
    some CI images): the suite starts about a hundred server and CLI subprocesses, and without the cache each
    compiles the whole package again, as each worker recompiles every test module's assertion rewrite.
    """
    quick = ["-m", "not slow"] if "--quick" in args else []
    rest = [arg for arg in args if arg != "--quick"]
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return run([str(PYTHON), "-m", "pytest", "-n", "2", "--dist", "loadgroup", *quick, *rest], env)


LINTED = ["src", "tests", "benchmarks", "scripts", "tasks.py"]


def lint(args: list[str]) -> int:
    """Both checks always run, so one report shows every finding; the worse exit status wins."""
    ruff = str(BIN / "ruff")
    formatted = run([ruff, "format", "--check", *LINTED, *args])
    return max(formatted, run([ruff, "check", *LINTED, *args]))


JOBS = {"demo": demo, "test": test, "lint": lint}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:
        print(__doc__)
        return 2
    ensure_venv()
    return JOBS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
