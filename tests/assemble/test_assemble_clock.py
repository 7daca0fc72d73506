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


def run_files(local_start: datetime, offset: timedelta, minutes: int = 60) -> list[Part]:
    """One bot run with no file holding both clocks: a credit log named by the local start, a shared
    dual-session log and a space quest named by the Unix start."""
    unix = local_start - offset
    stamp = f"{local_start:%Y%m%d_%H%M%S}"
    credits = Part(Path(f"/bot/logs/credits_{stamp}.json"), "credit_log", ids=(stamp,), id_time=local_start,
                   end=local_start + timedelta(minutes=minutes), credits_total=100)  # fmt: skip
    credits.carry("end", "credits_total")
    dual = Part(Path(f"/bot/logs/dual_sessions/shared_dual_{int(unix.timestamp())}.json"), "dual_session",
                ids=(f"dual_{int(unix.timestamp())}",), id_time=unix)  # fmt: skip
    ident = f"space_session_{int(unix.timestamp())}"
    space = Part(Path(f"/bot/data/space_quests/session_{ident}.json"), "space_quest", ids=(ident,),
                 id_time=unix, start=unix, unix_clock=True)  # fmt: skip
    space.carry("start")
    return [credits, dual, space]


# two runs at any times at least 5 minutes apart; more runs over 20 days, over a day apart (within a day,
# runs at a fixed step are refused: test_runs_at_a_fixed_step_...)
TWO_RUNS = st.integers(min_value=1, max_value=4 * 24 * 12).map(lambda fives: [0, 5 * fives])
DAYS_APART = st.lists(st.integers(min_value=27 * 60, max_value=5 * 24 * 60), min_size=1, max_size=4).map(
    lambda gaps: [sum(gaps[:n]) for n in range(len(gaps) + 1)]
)


@given(OFFSETS, st.one_of(TWO_RUNS, DAYS_APART))
def test_runs_named_on_both_clocks_agree_on_the_machines_offset(
    offset: timedelta, minutes: list[int]
) -> None:
    """Kolkata (+5:30), Kiritimati (+14), Baker Island (-12), ...: with no file holding both clocks, the
    Unix-named files of each run used to form zero-length sessions of their own or join another run. Every
    Unix-named start lies on a local-named start at the machine's offset, and no other offset is found by
    two runs."""
    starts = [LOCAL_START + timedelta(minutes=m) for m in minutes]
    parts = [part for start in starts for part in run_files(start, offset, minutes=3)]
    sessions, _ = assemble_parts(parts)
    assert [(s.start_time, s.end_time) for s in sessions] == [
        (start, start + timedelta(minutes=3)) for start in starts
    ]
    assert all(len(s.sources) == 3 for s in sessions)


@given(
    st.integers(min_value=-11 * 4, max_value=13 * 4).map(lambda quarters: quarters * timedelta(minutes=15)),
    st.sampled_from([timedelta(hours=1), timedelta(hours=-1)]),
    DAYS_APART.filter(lambda minutes: len(minutes) >= 4),
    st.data(),
)
def test_runs_on_either_side_of_a_clock_change_each_take_their_offset(
    offset: timedelta, change: timedelta, minutes: list[int], data: st.DataObject
) -> None:
    """A summer-time change with two runs or more on either side (evening-r: New York, -5 h, then -4 h): no
    one offset fits every run, so every Unix-named file used to stay where it was written, hours from its run,
    a session of its own or inside another run. Each side of the change takes its own offset."""
    first_after = data.draw(st.integers(min_value=2, max_value=len(minutes) - 2))
    starts = [LOCAL_START + timedelta(minutes=m) for m in minutes]
    offsets = [offset if n < first_after else offset + change for n in range(len(starts))]
    parts = [
        part for start, at in zip(starts, offsets, strict=True) for part in run_files(start, at, minutes=3)
    ]
    sessions, _ = assemble_parts(parts)
    assert [(s.start_time, s.end_time) for s in sessions] == [
        (start, start + timedelta(minutes=3)) for start in starts
    ]
    assert all(len(s.sources) == 3 for s in sessions)


@given(
    OFFSETS,
    st.integers(min_value=40, max_value=80).filter(lambda m: 2 < m % 15 < 13),
    st.sampled_from([(1, 2), (2,), (1,)]),
)
def test_a_run_an_hour_later_without_its_local_files_never_joins_the_first(
    offset: timedelta, minutes: int, kept: tuple[int, ...]
) -> None:
    """Two runs about an hour apart, the second without its credit log: no zone offset is agreed, so its
    Unix-named files stay where they were written, often inside the first run's span, and were taken into
    the first run (its places and figures with them). A Unix-named start that no zone offset puts on the
    first run's local start names another run."""
    first = run_files(LOCAL_START, offset, minutes=90)
    second = run_files(LOCAL_START + timedelta(minutes=minutes), offset)
    later = [second[n] for n in kept]
    sessions, _ = assemble_parts([*first, *later])
    for session in sessions:
        paths = {ref.path for ref in session.sources}
        assert not (paths & {p.path for p in first} and paths & {p.path for p in later}), session.sources


def test_a_single_run_after_a_clock_change_is_no_evidence_of_it() -> None:
    """Two runs at -5 h, one at -4 h: a run whose local file is missing may fit the next run's start an hour
    off just as well, so the runs' Unix times stay as written."""
    days = [LOCAL_START + timedelta(days=n) for n in range(3)]
    offsets = [timedelta(hours=-5), timedelta(hours=-5), timedelta(hours=-4)]
    parts = [part for day, offset in zip(days, offsets, strict=True) for part in run_files(day, offset)]
    assert on_local_clock(parts) == parts


def test_a_local_start_is_never_taken_by_two_runs() -> None:
    """Runs about an hour apart (found by fuzzing), the third without its local file, the last an hour later
    after a change: the third run's Unix start fits the second's local start an hour off, as the runs after a
    change would, but that start is the second run's own, so no change is read off them."""
    parts = []
    for minutes, hours, kept in [(0, 0, (0, 1)), (55, 0, (0, 1)), (113, 0, (2,)), (168, -1, (0, 1))]:
        files = run_files(LOCAL_START + timedelta(minutes=minutes, hours=hours), timedelta(hours=hours))
        parts += [files[n] for n in kept]  # 0 credit log, 1 dual log, 2 space quest
    assert on_local_clock(parts) == parts


def test_a_single_run_is_no_evidence_of_the_offset() -> None:
    """One Unix-named start and one local-named start a whole number of quarter hours apart prove nothing
    (two runs a few hours apart look the same): its Unix times stay as written."""
    parts = run_files(LOCAL_START, timedelta(hours=5, minutes=30))
    assert on_local_clock(parts) == parts


def test_runs_that_disagree_on_the_offset_are_left_as_written() -> None:
    """Adelaide's clock change between two runs (+9:30, then +10:30) and no file holding both clocks: the
    pairs disagree and neither offset is found by two runs, so none is guessed (two runs an hour apart in
    their offsets prove nothing; three runs do: test_runs_on_either_side_of_a_clock_change_...)."""
    later = LOCAL_START + timedelta(hours=4)
    parts = [
        *run_files(LOCAL_START, timedelta(hours=9, minutes=30)),
        *run_files(later, timedelta(hours=10, minutes=30)),
    ]
    assert on_local_clock(parts) == parts


def test_runs_at_a_fixed_step_are_left_as_written() -> None:
    """Runs every four hours, the first run's local file and the last run's Unix files missing: the Unix
    starts lie on local starts at the true offset (two runs) and at the offset 4 hours later (all three)."""
    offset, step = timedelta(hours=5, minutes=30), timedelta(hours=4)
    runs = [run_files(LOCAL_START + n * step, offset) for n in range(4)]
    parts = [*runs[0][1:], *runs[1], *runs[2], runs[3][0]]
    assert on_local_clock(parts) == parts


def test_a_folder_with_a_file_holding_both_clocks_keeps_its_samples() -> None:
    """The combat log says -5 h; the runs' names alone say the same, and a sample follows summer time."""
    offset = timedelta(hours=-5)
    parts = [*run_files(LOCAL_START, offset), *run_files(LOCAL_START + timedelta(days=1), offset)]
    combat = replace(combat_log(offset), path=Path("/bot/logs/combat/combat_stats.json"))
    assert [p.id_time for p in on_local_clock([combat, *parts]) if p.format == "space_quest"] == [
        LOCAL_START,
        LOCAL_START + timedelta(days=1),
    ]


def test_each_bot_folder_takes_its_own_offset() -> None:
    """Two bot folders, as from two machines (Kolkata and New York): each folder's runs agree on its own."""
    east, west = timedelta(hours=5, minutes=30), timedelta(hours=-5)
    later = LOCAL_START + timedelta(days=1)
    kolkata = [*run_files(LOCAL_START, east), *run_files(later, east)]
    new_york = [
        replace(p, path=Path("/ny") / p.path.relative_to("/bot"))
        for p in [*run_files(LOCAL_START, west), *run_files(later, west)]
    ]
    moved = on_local_clock([*kolkata, *new_york])
    assert [p.id_time for p in moved if p.format == "space_quest"] == [LOCAL_START, later] * 2
