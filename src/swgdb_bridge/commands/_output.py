"""How every command prints and ends: answers on stdout, errors on stderr, ``--json`` alone on stdout,
untrusted text escaped, and one policy from the kind of error to the exit code.

Exit codes (the same for every command; shown in ``swgdb-bridge --help`` and the README):

- 0: done; nothing failed and nothing is left to do;
- 1: the work failed: a session failed or stays queued, the server could not be reached or answered an
  error, a file or the local state could not be read; running again later may succeed;
- 2: usage: an unknown option, or a value the command cannot use (a date, format, id, folder, output
  path); fix the command line;
- 3: configuration or credentials: a missing or invalid setting, a refused API key, a clock too far off;
  fix the configuration (``swgdb-bridge config`` shows it).

Strings that came from a server or a session file are printed through :mod:`swgdb_bridge.textsafe`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer

from swgdb_bridge.textsafe import for_markup

OK, FAILED, USAGE, CONFIG = 0, 1, 2, 3
EXIT_CODES_HELP = (
    "Exit codes: 0 done, nothing left to do; 1 the work failed (a session failed or stays queued, the server "
    "could not be reached or answered an error, a file could not be read); 2 usage (an option or value the command "
    "cannot use); 3 configuration or credentials (a missing or invalid setting, a refused key, a clock too "
    "far off)."
)


def exit_code(error: BaseException) -> int:
    """The exit code for an error, by its kind (see the module docstring)."""
    from swgdb_bridge.errors import AuthError, ConfigError, UsageError

    if isinstance(error, ConfigError | AuthError):
        return CONFIG
    if isinstance(error, UsageError):
        return USAGE
    return FAILED


def first_of(items: list[str], most: int) -> str:
    """The first ``most`` of ``items`` joined by commas, then how many more there are ("a, b and 3 more")."""
    more = f" and {len(items) - most:,} more" if len(items) > most else ""
    return ", ".join(items[:most]) + more


def out() -> Any:
    """The console for answers (stdout)."""
    from rich.console import Console

    return Console()


def err() -> Any:
    """The console for errors, warnings and progress (stderr), so stdout stays parseable."""
    from rich.console import Console

    return Console(stderr=True)


def fail(message: str, code: int = FAILED) -> NoReturn:
    """One red ``error:`` line on stderr (on one line, so it can be grepped), then exit with ``code``."""
    err().print(f"[red]error:[/red] {for_markup(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def reported() -> Iterator[None]:
    """A :class:`BridgeError` inside becomes one red line and its exit code, never a traceback."""
    from swgdb_bridge.errors import BridgeError

    try:
        yield
    except BridgeError as error:
        fail(str(error), exit_code(error))


def emit_json(data: Any) -> None:
    """``data`` as indented JSON, alone on stdout (scripts parse it; tables and progress go elsewhere)."""
    import orjson

    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr; yields the ``progress(phase, done, total)`` callback (None if off)."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err(),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        bar.update(tasks[phase], completed=done, total=total)

    with bar:
        yield update
