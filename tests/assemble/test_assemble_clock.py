"""Unix times onto the bot machine's local clock (``assemble/_clock.py``), before grouping.

The recorded evening ``evening-h`` (New York, five hours behind UTC) checks the whole trees; these check the
rule on parts made here, for offsets of any sign and size.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swgdb_bridge.assemble import assemble_parts
from swgdb_bridge.assemble._clock import clock_samples, offset_at, on_local_clock
from swgdb_bridge.model import XPGain
from swgdb_bridge.sources import Part

LOCAL_START = datetime(2026, 1, 15, 17, 0, tzinfo=UTC)  # the machine's wall clock, read as UTC
OFFSETS = st.integers(min_value=-12 * 4, max_value=14 * 4).map(
    lambda quarters: quarters * timedelta(minutes=15)
)


def combat_log(offset: timedelta, seconds_apart: float = 0.0) -> Part:
    """A combat log: a local ``start_time`` and an id holding the Unix time of the same moment."""
    unix = LOCAL_START - offset + timedelta(seconds=seconds_apart)
    ident = f"combat_session_{int(unix.timestamp())}"
    return Part(Path("/bot/combat.json"), "combat_log", ids=(ident,), id_time=unix, start=LOCAL_START,
                clock_offset=LOCAL_START - unix)  # fmt: skip


def space_quest(offset: timedelta) -> Part:
    unix = LOCAL_START - offset
    ident = f"space_session_{int(unix.timestamp())}"
    return Part(
        Path("/bot/space.json"), "space_quest", ids=(ident,), id_time=unix, start=unix, unix_clock=True
    )


@given(OFFSETS)
def test_unix_times_land_on_the_local_clock_the_other_files_keep(offset: timedelta) -> None:
    history = Part(Path("/bot/xp_history.json"), "xp_history", start=LOCAL_START - offset, unix_clock=True,
                   xp_events=[XPGain(LOCAL_START - offset, 10)])  # fmt: skip
    moved = on_local_clock([combat_log(offset), space_quest(offset), history])
    combat, space, history = moved
    assert combat.start == combat.id_time == LOCAL_START  # its id's Unix time moved, its local start kept
    assert space.start == space.id_time == LOCAL_START
    assert history.start == history.xp_events[0].timestamp == LOCAL_START


def offset_of(parts: list[Part]) -> timedelta:
    return offset_at(clock_samples(parts), LOCAL_START)


@given(OFFSETS, st.floats(min_value=-90, max_value=90))
def test_the_offset_is_a_whole_number_of_quarter_hours(offset: timedelta, seconds_apart: float) -> None:
    """The two stamps of one moment may be taken a second or a minute apart."""
    assert offset_of([combat_log(offset, seconds_apart)]) == offset


def test_two_stamps_far_from_a_quarter_hour_apart_are_not_two_clocks() -> None:
    assert offset_of([combat_log(timedelta(hours=-5), seconds_apart=400)]) == timedelta(0)


def test_each_part_takes_the_offset_nearest_its_time_and_no_sample_means_utc() -> None:
    """A tree spans summer time changes: a session in winter and one a month later, in summer time, each
    take their own offset."""
    winter, summer = timedelta(hours=-5), timedelta(hours=-4)
    later = timedelta(days=30)
    unix_later = LOCAL_START + later - summer
    combat_later = replace(combat_log(summer), start=LOCAL_START + later, id_time=unix_later)
    quests = [space_quest(winter), replace(space_quest(summer), start=unix_later, id_time=unix_later)]
    moved = on_local_clock([combat_log(winter), combat_later, *quests])
    assert [part.start for part in moved[2:]] == [LOCAL_START, LOCAL_START + later]
    assert offset_of([space_quest(winter)]) == timedelta(0)


def test_parts_on_a_utc_machine_are_left_as_they_are() -> None:
    parts = [combat_log(timedelta(0)), space_quest(timedelta(0))]
    assert on_local_clock(parts) == parts


@pytest.mark.parametrize("offset", [timedelta(hours=-5), timedelta(hours=5, minutes=30)])
def test_the_legacy_tree_pairs_the_xp_historys_session_entry_with_the_log_of_the_same_xp(
    offset: timedelta,
) -> None:
    """The legacy tree has no file with both clocks: the XP history logs each session's XP at its end in
    UTC, and the session log with that XP ends then on the local clock."""
    end = LOCAL_START + timedelta(hours=1)
    log = Part(
        Path("/bot/session_3a874afa.json"), "legacy_session", start=LOCAL_START, end=end, xp_total=2300
    )
    entry = Part(Path("/bot/xp_history.json"), "xp_history", end=end - offset, xp_total=2300, unix_clock=True,
                 extra={"keyed_by_end": True})  # fmt: skip
    other = Part(Path("/bot/session_a5812657.json"), "legacy_session", start=end, end=end + timedelta(hours=2),
                 xp_total=1600)  # fmt: skip
    assert offset_of([log, entry, other]) == offset
    assert on_local_clock([log, entry, other])[1].end == end


def test_sessions_of_equal_xp_on_two_days_pair_with_the_xp_history_in_time_order() -> None:
    """The same routine replayed a day later: two logs and two history entries of one XP, paired in order."""
    offset = timedelta(hours=5, minutes=30)
    ends = [LOCAL_START + timedelta(hours=1), LOCAL_START + timedelta(days=1, hours=1)]
    logs = [
        Part(
            Path(f"/bot/session_{n}.json"),
            "legacy_session",
            start=e - timedelta(hours=1),
            end=e,
            xp_total=3900,
        )
        for n, e in enumerate(ends)
    ]
    entries = [
        Part(
            Path("/bot/xp_history.json"),
            "xp_history",
            end=e - offset,
            xp_total=3900,
            unix_clock=True,
            index_in_file=n,
            extra={"keyed_by_end": True},
        )
        for n, e in enumerate(ends)
    ]
    assert [sample[1] for sample in clock_samples([*logs, *entries])] == [offset, offset]
    assert [p.end for p in on_local_clock([*logs, *entries])[2:]] == ends


@given(st.integers(min_value=0, max_value=14 * 4).map(lambda quarters: quarters * timedelta(minutes=15)))
def test_a_start_named_on_the_local_clock_beats_one_named_in_unix_time(offset: timedelta) -> None:
    """A credit log (named by its local start) and a dual-mode log (named ``dual_<Unix start>``, stamped with
    the local end) and no file holding both clocks: the session starts at the local name. East of UTC (a
    machine in Kolkata, 5:30 ahead) the Unix name falls hours before it and used to start the session."""
    end = LOCAL_START + timedelta(hours=2)
    credits = Part(Path("/bot/logs/credits_20260115_170000.json"), "credit_log", ids=("20260115_170000",),
                   id_time=LOCAL_START, end=end, credits_total=300)  # fmt: skip
    credits.carry("end", "credits_total")
    unix = LOCAL_START - offset
    dual = Part(Path("/bot/logs/dual_mode_sessions/d.json"), "dual_session",
                ids=(f"dual_{int(unix.timestamp())}",), id_time=unix, end=end)  # fmt: skip
    dual.carry("end")
    (session,), _ = assemble_parts([dual, credits])
    assert (session.start_time, session.end_time) == (LOCAL_START, end)
