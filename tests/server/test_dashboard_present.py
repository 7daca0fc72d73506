"""What the session page shows of a stored document: the parts a reader needs, in the order that matters."""

from __future__ import annotations

from swgdb_bridge.server.dashboard.present import place, sanitization_summary


def test_the_sanitization_report_lists_only_what_was_found_largest_first() -> None:
    document = {
        "metadata": {
            "sanitization_applied": True,
            "sanitization_report": {"counts": {"player_names": 17, "emails": 0, "messages_removed": 6}},
        }
    }
    rows, note = sanitization_summary(document)
    assert rows == [("player names", 17), ("messages removed", 6)]
    assert "23 item(s)" in note


def test_a_report_that_found_nothing_has_no_rows_and_says_sanitizing_ran() -> None:
    document = {"metadata": {"sanitization_applied": True, "sanitization_report": {"counts": {"emails": 0}}}}
    rows, note = sanitization_summary(document)
    assert rows == [] and "applied: 0 item(s)" in note


def test_a_zone_logged_in_lower_case_reads_as_the_planets_do() -> None:
    assert [place(z) for z in ("rori", "yavin4", "space_tatooine", "Mos Eisley", "", None)] == [
        "Rori",
        "Yavin4",
        "Space Tatooine",
        "Mos Eisley",
        "",
        "",
    ]
