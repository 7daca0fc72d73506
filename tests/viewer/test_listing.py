"""The session listing and comparison at any terminal width: ids, times and numbers whole, never cut."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from swgdb_bridge.viewer.listing import DROPPED_FIRST, sessions_listing


def _row(session_id: str, character: str, xp: int, credits: int, state: str = "not sent") -> dict:
    return {
        "session_id": session_id,
        "character": character,
        "start": "2025-11-20T08:00:00Z",
        "duration_minutes": 390.0,
        "xp": xp,
        "xp_per_hour": xp / 6.5,
        "credits": credits,
        "credits_per_hour": credits / 6.5,
        "planets": ["Dathomir", "Endor"],
        "problems": 3,
        "upload_state": state,
    }


ROWS = [
    _row("ms11_20251120_080000", "Zoë Varr", 1_265_000, 43_400_000),
    _row("session_20261001_200100_0000-long-name", "Orin Dask", 26_750, -8_100, "changed since upload"),
]


def shown(rows: list[dict], width: int) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(sessions_listing(rows))
    return console.export_text()


@given(st.integers(min_value=60, max_value=220))
def test_ids_times_and_numbers_are_never_cut_at_any_width(width: int) -> None:
    """On an 80-column terminal Rich used to print '1,265,…' for 1,265,000 XP: a wrong number."""
    text = shown(ROWS, width)
    assert "…" not in text
    for row in ROWS:
        assert row["session_id"] in text and "2025-11-20 08:00" in text
    assert "1,265,000" in text  # XP always shows


def test_a_wide_terminal_shows_every_column_and_no_caption() -> None:
    text = shown(ROWS, 220)
    assert "43,400,000" in text and "credits/h" in text and "hidden to fit" not in text


def test_a_narrower_terminal_drops_the_rates_first_and_says_so() -> None:
    rows = [_row("s1", "Zoë Varr", 1_265_000, 43_400_000)]
    text = shown(rows, 100)
    (caption,) = [line for line in text.splitlines() if "hidden to fit" in line]
    hidden = caption.split("hidden to fit: ")[1].split(" (")[0].split(", ")
    assert set(hidden) == set(DROPPED_FIRST[: len(hidden)]) and "credits/h" in hidden


def test_where_no_table_fits_each_session_is_a_block_with_every_value() -> None:
    text = shown(ROWS, 70)
    assert "┃" not in text  # no table
    for value in ("43,400,000", "-8,100", "Dathomir, Endor", "changed since upload", "problems 3"):
        assert value in " ".join(text.split()), value


def test_markup_in_a_name_is_printed_as_written() -> None:
    text = shown([_row("s1", "[bold]Kira[/bold]", 10, 10)], 160)
    assert "[bold]Kira[/bold]" in text


def test_a_comparison_names_both_sessions_whole_in_a_narrow_terminal() -> None:
    from swgdb_bridge.viewer.render import comparison_table

    metric = {"metric": "xp", "a": 580, "b": 1_265_000, "delta": 1_264_420, "ratio": 2180.0}
    result = {
        "a": {"session_id": "ms11_20260821_205500"},
        "b": {"session_id": "ms11_20260821_193000"},
        "metrics": [metric],
        "planets": {"both": [], "only_a": ["Talus"], "only_b": []},
    }
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(comparison_table(result))
    text = " ".join(console.export_text().split())
    assert "ms11_20260821_205500" in text and "ms11_20260821_193000" in text and "1,265,000" in text


def test_a_sections_events_show_every_value_whole_in_a_narrow_pane() -> None:
    """The TUI's detail pane is ~55 columns: a table of six event fields cut every cell to 'ti…', 'am…'."""
    from swgdb_bridge.viewer.listing import records_table

    events = [
        {"timestamp": "2026-08-21T20:10:00+00:00", "amount": 1_265_000, "skill": "combat_marksman_rifleman"},
        {"timestamp": "2026-08-21T20:40:00+00:00", "amount": 240, "skill": "outdoors_scout_novice"},
    ]
    for width in (55, 200):
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(records_table("events (2)", events))
        text = console.export_text()
        assert "…" not in text
        for value in (
            "2026-08-21T20:10:00+00:00",
            "1,265,000",
            "combat_marksman_rifleman",
            "outdoors_scout_novice",
        ):
            assert value in text, (width, text)


def test_a_block_leaves_out_the_names_its_record_has_no_value_for() -> None:
    """Where one event named a quest, every other event's block showed a bare "quest_name" beside "zone"."""
    from swgdb_bridge.viewer.listing import records_table

    events = [
        {"timestamp": "2025-08-09T19:03:00+00:00", "amount": 145, "quest_name": None, "zone": "tatooine"},
        {
            "timestamp": "2025-08-09T19:45:00+00:00",
            "amount": 1_200,
            "quest_name": "Clear the Camp",
            "zone": "x",
        },
    ]
    console = Console(width=40, record=True, file=io.StringIO())
    console.print(records_table("events (2)", events))
    first, second = console.export_text().split("2025-08-09T19:45:00+00:00")
    assert "quest_name" not in first and "zone tatooine" in first
    assert "quest_name Clear the Camp" in " ".join(second.split())


def test_a_long_value_in_a_summary_wraps_whole_so_the_file_name_shows() -> None:
    from swgdb_bridge.viewer.render import summary_panel

    path = "/home/player/bots/ms11/logs/dashboard/sessions/credits_20260821_205500.json"
    row = {**ROWS[0], "mode": "quest", "end": "2025-11-20T14:30:00Z", "quests": 1, "efficiency_score": 7.5}
    console = Console(width=50, record=True, file=io.StringIO())
    console.print(summary_panel({**row, "path": path}))
    assert "credits_20260821_205500.json" in "".join(console.export_text().replace("│", "").split())
