"""Assembly rules one at a time: bug detection, conflicts as warnings, grouping edge cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from swgdb_bridge.assemble import assemble_parts, assemble_paths
from swgdb_bridge.model import HeroicLoot, QuestCompletion, XPGain
from swgdb_bridge.sources import Part

T0 = datetime(2025, 9, 1, 18, 0, tzinfo=UTC)


def part(fmt: str, name: str, start: datetime | None, end: datetime | None, **facts: object) -> Part:
    made = Part(Path(f"/bot/{name}.json"), fmt, digest=name, start=start, end=end)
    made.carry(*(f for f, v in (("start", start), ("end", end)) if v is not None))
    for key, value in facts.items():
        setattr(made, key, value)
        made.carry({"xp_total": "xp_total", "credits_total": "credits_total", "character": "character"}[key])
    return made


def test_xp_equal_to_the_span_in_seconds_is_set_aside_for_the_per_action_figure() -> None:
    span = part("xp_export", "export", T0, T0 + timedelta(minutes=90), xp_total=5400)
    actions = part("xp_tracking", "tracking", T0, T0 + timedelta(minutes=90), xp_total=2300)
    actions.xp_events = [XPGain(T0, 2300)]
    (session,), _ = assemble_parts([span, actions])
    assert session.total_xp == 2300
    assert any("5,400" in w and "length in seconds" in w for w in session.warnings)


def test_an_xp_rate_no_player_reaches_is_set_aside() -> None:
    absurd = part("xp_export", "export", T0, T0 + timedelta(hours=1), xp_total=9_000_000)
    fine = part("step_log", "steps", T0, T0 + timedelta(hours=1), xp_total=3_000)
    (session,), _ = assemble_parts([absurd, fine])
    assert session.total_xp == 3_000
    assert any("XP/h is more than the game gives" in w for w in session.warnings)


def test_a_session_of_a_few_seconds_is_flagged(corpus_dir: Path) -> None:
    one_second = min((corpus_dir / "morningstar").glob("data__character_sessions__char_00*"))
    result = assemble_paths([one_second], now=4e9)
    (session,) = result.sessions
    assert any("probably wrong" in w for w in session.warnings)


def test_disagreeing_files_keep_the_trusted_figure_and_warn() -> None:
    credits = part("credit_log", "credits", None, T0 + timedelta(hours=2), credits_total=4785)
    legacy = part("legacy_session", "legacy", T0, T0 + timedelta(hours=2), credits_total=4700)
    (session,), _ = assemble_parts([legacy, credits])
    assert session.total_credits == 4785
    assert any("4,785 from credit_log" in w and "4,700 from legacy_session" in w for w in session.warnings)


def test_two_characters_at_the_same_time_are_two_sessions() -> None:
    a = part("xp_tracking", "a", T0, T0 + timedelta(hours=1), character="Dax Telmar", xp_total=10)
    b = part("xp_tracking", "b", T0, T0 + timedelta(hours=1), character="Nyla Korr", xp_total=20)
    sessions, _ = assemble_parts([b, a])
    assert [(s.session_id, s.character_name) for s in sessions] == [
        ("ms11_20250901_180000", "Dax Telmar"),
        ("ms11_20250901_180000_2", "Nyla Korr"),
    ]


def test_a_nameless_file_between_two_characters_is_kept_apart_with_a_warning() -> None:
    a = part("xp_tracking", "a", T0, T0 + timedelta(hours=1), character="Dax Telmar")
    b = part("xp_tracking", "b", T0, T0 + timedelta(hours=1), character="Nyla Korr")
    nameless = part("step_log", "steps", T0, T0 + timedelta(hours=1), xp_total=50)
    sessions, _ = assemble_parts([a, b, nameless])
    assert len(sessions) == 3
    assert any("several characters" in w for s in sessions for w in s.warnings)


def test_back_to_back_sessions_stay_apart() -> None:
    first = part("step_log", "one", T0, T0 + timedelta(hours=1), xp_total=1)
    second = part("step_log", "two", T0 + timedelta(hours=1, minutes=5), T0 + timedelta(hours=2), xp_total=2)
    sessions, _ = assemble_parts([second, first])
    assert [s.total_xp for s in sessions] == [1, 2]


def test_a_part_with_no_time_and_no_match_is_unplaced_not_a_session() -> None:
    lonely = Part(Path("/bot/data/session_logs/abcd1234.json"), "xp_actions", digest="x", xp_total=99)
    lonely.carry("xp_total")
    sessions, unplaced = assemble_parts([lonely])
    assert sessions == [] and [u.part for u in unplaced] == [lonely]


def test_a_timeless_part_joins_the_session_with_the_same_id() -> None:
    legacy = part("legacy_session", "logs/session_082bc2ed", T0, T0 + timedelta(hours=1), xp_total=6450)
    legacy.ids = ("082bc2ed",)
    actions = Part(Path("/bot/data/session_logs/082bc2ed.json"), "xp_actions", digest="y", ids=("082bc2ed",))
    (session,), unplaced = assemble_parts([legacy, actions])
    assert unplaced == [] and len(session.sources) == 2


def test_back_to_back_sessions_of_one_character_keep_their_own_nameless_files() -> None:
    mid, end = T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    first = part("xp_tracking", "x1", T0, mid, character="Dax Telmar", xp_total=100)
    second = part("xp_tracking", "x2", mid, end, character="Dax Telmar", xp_total=200)
    credits1 = part("credit_log", "c1", None, mid, credits_total=10)
    credits1.id_time = T0
    credits2 = part("credit_log", "c2", None, end, credits_total=20)
    credits2.id_time = mid
    starts_second = Part(
        Path("/bot/logs/dual_sessions/shared_dual_2.json"), "dual_session", digest="d", id_time=mid
    )
    ends_first = part("xp_history", "h1", None, mid, xp_total=100)
    sessions, unplaced = assemble_parts([credits2, starts_second, first, ends_first, second, credits1])
    assert unplaced == []
    assert [(s.total_xp, s.total_credits, len(s.sources)) for s in sessions] == [(100, 10, 3), (200, 20, 3)]


def test_two_characters_playing_at_once_keep_their_own_nameless_files() -> None:
    """One session inside another's time (two game clients): the nameless files overlap both sessions, and
    each goes to the character whose files started with it, not to the one that overlaps it most."""
    long_end, short_start, short_end = (
        T0 + timedelta(hours=2),
        T0 + timedelta(minutes=30),
        T0 + timedelta(hours=1),
    )
    first = part("xp_tracking", "x1", T0, long_end, character="Ærin Þórsdóttir", xp_total=4240)
    second = part("xp_tracking", "x2", short_start, short_end, character="Синяя Птица", xp_total=1700)
    steps1 = part("step_log", "s1", T0, long_end, xp_total=4240)
    steps2 = part("step_log", "s2", short_start, short_end, xp_total=1700)
    credits1 = part("credit_log", "c1", None, long_end, credits_total=960)
    credits1.id_time = T0
    credits2 = part("credit_log", "c2", None, short_end, credits_total=950)
    credits2.id_time = short_start
    combat2 = part("combat_log", "k2", short_start, short_end)
    combat2.id_time, combat2.kills = short_start, {"gurrcat": 10}
    combat2.carry("kills")
    parts = [steps2, credits1, first, combat2, credits2, second, steps1]
    sessions, unplaced = assemble_parts(parts)
    assert unplaced == []
    assert [(s.character_name, s.total_xp, s.total_credits, s.kills) for s in sessions] == [
        ("Ærin Þórsdóttir", 4240, 960, {}),
        ("Синяя Птица", 1700, 950, {"gurrcat": 10}),
    ]
    assert [len(s.sources) for s in sessions] == [3, 4]
    assert not any(s.warnings for s in sessions)


def test_overlapping_runs_of_a_one_file_per_run_writer_stay_two_sessions() -> None:
    """No file names a character (the legacy logs): two session logs with their own ids that overlap are two
    sessions, and the lifetime log's end-of-session entry joins the session it ends with."""
    long_end, short_start, short_end = (
        T0 + timedelta(hours=2),
        T0 + timedelta(minutes=30),
        T0 + timedelta(hours=1),
    )
    first = part("legacy_session", "session_3d648f8f", T0, long_end, xp_total=4240)
    first.ids = ("3d648f8f",)
    second = part("legacy_session", "session_e8cab3bd", short_start, short_end, xp_total=1700)
    second.ids = ("e8cab3bd",)
    ends_second = part("xp_history", "h2", None, short_end, xp_total=1700)
    ends_first = part("xp_history", "h1", None, long_end, xp_total=4240)
    sessions, unplaced = assemble_parts([ends_second, second, ends_first, first])
    assert unplaced == []
    assert [(s.total_xp, len(s.sources)) for s in sessions] == [(4240, 2), (1700, 2)]
    assert not any(s.warnings for s in sessions)


def test_a_nameless_file_overlapping_only_another_nameless_file_still_joins_the_session() -> None:
    """The loot names the character at one moment; the credit log spans it; the step log overlaps only the
    credit log: all three are one session, as the credit log joins the character's first."""
    loot = part(
        "heroic_loot", "loot", T0 + timedelta(minutes=10), T0 + timedelta(minutes=10), character="Dax Telmar"
    )
    loot.extra["times_inside"] = True
    credits = part("credit_log", "credits", None, T0 + timedelta(hours=2), credits_total=50)
    credits.id_time = T0
    steps = part("step_log", "steps", T0 + timedelta(minutes=30), T0 + timedelta(hours=2), xp_total=900)
    sessions, unplaced = assemble_parts([steps, credits, loot])
    assert unplaced == []
    assert [(s.character_name, s.total_xp, s.total_credits) for s in sessions] == [("Dax Telmar", 900, 50)]


def test_nameless_files_go_to_the_run_they_start_nearest_not_to_the_bigger_group() -> None:
    """Two runs of one character 90 s apart: every start is "the same start" as both; the nearest decides,
    and a group holding another credit log's id is another session."""
    later = T0 + timedelta(seconds=90)
    one = part("xp_tracking", "xp1", T0, T0 + timedelta(minutes=1), character="Quell Marr")
    two = part("xp_tracking", "xp2", later, T0 + timedelta(minutes=7), character="Quell Marr")
    credits = []
    for name, begun, ended, gained in (("c1", T0, one.end, 0), ("c2", later, two.end, 200)):
        log = part("credit_log", name, None, ended, credits_total=gained)
        log.id_time, log.ids = begun, (name,)
        credits.append(log)
    steps = [part("step_log", f"s{i}", T0, T0 + timedelta(minutes=1), xp_total=0) for i in range(3)]
    quest = part("step_log", "quest", later, T0 + timedelta(minutes=7), xp_total=400)
    sessions, _ = assemble_parts([one, two, *credits, *steps, quest])
    assert [(s.start_time, s.total_xp, s.total_credits) for s in sessions] == [(T0, 0, 0), (later, 400, 200)]


def test_a_quest_done_three_times_is_three_completions_not_three_copies() -> None:
    """A repeatable quest: the step log times each run, the XP-per-action list names them untimed; the
    files repeat each other, so three completions in all, each with its time."""
    name = "Bounty: Womp Rat Cull"
    times = [T0 + timedelta(minutes=m) for m in (20, 50, 75)]
    steps = part("step_log", "steps", T0, T0 + timedelta(hours=1, minutes=20), xp_total=2400)
    steps.quests = [QuestCompletion(t, name, reward_amount=800) for t in times]
    actions = part("xp_actions", "actions", T0, steps.end)
    actions.quests = [QuestCompletion(None, name.upper()) for _ in times]
    for made in (steps, actions):
        made.carry("quests")
    (session,), _ = assemble_parts([actions, steps])
    assert [(q.timestamp, q.quest_name) for q in session.quests] == [(t, name) for t in times]


def test_a_drop_listed_twice_by_one_loot_log_is_two_drops_however_often_logs_repeat_it() -> None:
    """The bot lists both drops of one item under the first of two kills, and the next store repeats them."""
    kill = T0 + timedelta(minutes=40)
    logs = []
    for name in ("first", "second"):
        log = part("heroic_loot", name, kill, kill)
        log.heroic_loot = [
            HeroicLoot(kill, "Krayt Dragon Pearl", 1, "krayt_dragon", "Ancient Krayt Dragon")
        ] * 2
        log.carry("heroic_loot")
        logs.append(log)
    steps = part("step_log", "steps", T0, T0 + timedelta(hours=1), xp_total=0)
    (session,), _ = assemble_parts([steps, *logs])
    assert [(i.item, i.quantity) for i in session.heroic_loot] == [("Krayt Dragon Pearl", 1)] * 2


def test_two_xp_tracker_files_of_one_character_are_two_runs_however_they_overlap() -> None:
    """One file per bot run, named by its start: an end an hour late (a clock change) does not join them."""
    later = T0 + timedelta(hours=4, minutes=40)
    first = part("xp_tracking", "xp1", T0, T0 + timedelta(hours=5, minutes=20), character="Brann", xp_total=7)
    second = part("xp_tracking", "xp2", later, later + timedelta(minutes=50), character="Brann", xp_total=1)
    steps = part("step_log", "steps", later, later + timedelta(minutes=50), xp_total=1)
    sessions, _ = assemble_parts([first, second, steps])
    assert [(s.start_time, s.total_xp) for s in sessions] == [(T0, 7), (later, 1)]


def test_a_wallet_that_starts_at_zero_takes_the_total_another_file_states(tmp_path: Path) -> None:
    """A new character's credit log starts at 0 and first reads 25 after a kill, as a log whose start the
    bot never set would: its last-minus-first guess (75) gives way to the server's stated 100."""
    readings = [{"timestamp": f"2026-02-14T10:{m:02d}:00", "credits": c, "source": "ocr"}
                for m, c in ((5, 25), (13, 50), (21, 75), (29, 100))]  # fmt: skip
    credit_log = {"session_id": "20260214_100000", "start_credits": 0, "end_credits": 100,
                  "credits_earned": 100, "credit_history": readings, "session_duration": None,
                  "created_at": "2026-02-14T10:40:00"}  # fmt: skip
    ingest = {"session_id": "ms11_20260214_100000", "timestamp": "2026-02-14T10:00:00", "duration_minutes": 40,
              "xp_gained": 500, "credits_earned": 100, "location": "Corellia - Coronet",
              "activity_type": "crafting", "notes": "", "ingested_at": "2026-02-14T10:43:00+00:00"}  # fmt: skip
    (tmp_path / "credits_20260214_100000.json").write_text(json.dumps(credit_log))
    (tmp_path / "sessions.json").write_text(json.dumps({"user_1": {"sessions": [ingest]}}))
    (session,) = assemble_paths(sorted(tmp_path.iterdir()), now=4e9).sessions
    assert (session.credits_start, session.credits_end, session.total_credits) == (0, 100, 100)
    assert any("100 from ingest_store" in w and "75 from credit_log" in w for w in session.warnings)


def test_a_unix_named_start_off_by_the_machine_offset_does_not_cut_a_step_log(tmp_path: Path) -> None:
    """New York (UTC-5): one bot process's step log of two runs (18:00-18:40, 20:00-21:00, their credit logs
    named on the local clock) and a dual log of an earlier run named by Unix time, 14:30 local read as 19:30.
    No file tells the offset; the Unix-named start is no restart, so the second run still starts at 20:00."""
    logs = tmp_path / "logs"
    (logs / "dual_sessions").mkdir(parents=True)

    def step(at: str, **fields: object) -> dict[str, object]:
        return {"time": f"2026-01-15T{at}:00", **fields}

    steps = [step("18:00", type="move", to={"planet": "Naboo", "city": "Theed"}),
             step("18:40", type="quest", id="Theed Patrol", action="complete", xp=100),
             step("20:00", type="move", to={"planet": "Naboo", "city": "Keren"}),
             step("20:25", type="quest", id="Keren Courier", action="complete", xp=50),
             step("21:00", type="combat", target="kaadu", xp=20)]  # fmt: skip
    log = {"start_time": "2026-01-15T18:00:00", "total_xp": 170, "time_spent": 10800.0, "steps": steps}
    (logs / "session_20260115_180000.json").write_text(json.dumps(log | {"activity_breakdown": {}}))
    for start, end in (("180000", "18:40"), ("200000", "21:00")):
        credit = {
            "session_id": f"20260115_{start}",
            "start_credits": 5,
            "end_credits": 9,
            "credit_history": [],
        }
        credit["created_at"] = f"2026-01-15T{end}:00"
        (logs / f"credits_20260115_{start}.json").write_text(json.dumps(credit))
    unix = int(datetime(2026, 1, 15, 19, 30, tzinfo=UTC).timestamp())  # 14:30 in New York
    dual = {"session_id": f"dual_{unix}", "dual_mode_type": "quest_medic", "primary_session": {}}
    (logs / "dual_sessions" / f"shared_dual_{unix}.json").write_text(json.dumps(dual))
    sessions = assemble_paths(sorted(tmp_path.rglob("*.json")), now=4e9).sessions
    runs = {(s.start_time.strftime("%H:%M"), tuple(q.quest_name for q in s.quests)) for s in sessions}
    assert {("18:00", ("Theed Patrol",)), ("20:00", ("Keren Courier",))} <= runs
