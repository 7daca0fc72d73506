"""The bot's free-text action lines: kills, quests, moves and XP notes, on ordinary and hostile text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swgdb_bridge.sources._action_text import killed, moved, quest_done, split_asides, xp_noted


@pytest.mark.parametrize(
    ("text", "creature", "xp"),
    [
        ("Killed womp rat (+145 XP)", "womp rat", 145),
        ("  killed An Ewok  ", "Ewok", None),
        ("Killed the krayt dragon (+1,200 XP)\n", "krayt dragon", 1200),
        ("Killed Tusken Raider (+350 XP) (group: Hunter Vale, Rose)", "Tusken Raider", 350),
        ("Killed by a rancor", None, None),
        ("Killed by", None, None),
        ("Killed a krayt dragon (+99999 XP) in my dreams", None, None),
        ("Killed x ( y", None, None),
        ("Killed (+5 XP)", None, 5),
        ("Killed bytes", "bytes", None),
    ],
)
def test_a_kill_names_its_creature_and_only_a_closing_tag_is_xp(
    text: str, creature: str | None, xp: int | None
) -> None:
    assert (killed(text), xp_noted(text)) == (creature, xp)


def test_quests_and_moves() -> None:
    assert quest_done("Completed quest: Clear the Tusken Camp  ") == "Clear the Tusken Camp"
    assert quest_done("Completed quest:   ") is None
    assert moved("Moving from Mos Eisley to Anchorhead") == ("Mos Eisley", "Anchorhead")
    assert moved("moving from Theed TO Keren to Moenia") == ("Theed", "Keren to Moenia")  # the first " to "
    assert moved("Moving from Theed to ") is None
    assert moved("Moving from Theed to Keren\nand on") is None


@given(st.text(alphabet=" \t()ab+XP,1\n", max_size=40))
def test_asides_and_what_they_close_make_up_the_line(text: str) -> None:
    head, asides = split_asides(text)
    assert text.startswith(head) and head == head.rstrip()
    assert all(
        a.startswith("(") and a.endswith(")") and "(" not in a[1:-1] and ")" not in a[1:-1] for a in asides
    )
    closing = r"\s*".join(map(re.escape, asides))
    assert re.fullmatch(rf"\s*{closing}\s*", text[len(head) :])


HOSTILE = [
    "Killed a" + " " * 50_000 + "(",
    "Killed x" + " \t" * 25_000 + ")(",
    "Killed " + "(a) " * 12_000,
    "Killed x" + "(+1 XP)" * 7_000 + "\nx",
    "Moving from " + "a to " * 10_000 + "\nx",
    "Moving from a to b" + " " * 50_000 + "x",
    "Completed quest: a" + " \t" * 25_000 + "\nx",
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:14]))
def test_long_hostile_lines_are_read_in_one_pass(text: str) -> None:
    """Each took seconds to minutes with the single-regex forms (a lazy group retried on every position of
    a long run); now each is a few milliseconds, and the timeout only guards against a hang."""
    for read in (killed, quest_done, moved, xp_noted):
        read(text)
