"""More evenings written by the same bot code (tests/data/ms11/README.md), each compared with what its scenario
fed the bot: ``evening-b`` (three sessions, two characters), ``evening-c`` (a session across midnight, the same
character back after a short break, three planets in one session), ``evening-d`` (an accented and a
one-word character name, a six-and-a-half-hour session, contact details and a key in chat) and
``evening-e`` (a session in which nothing happens, and one of quests only) and ``evening-f`` (two characters
playing at once, one session inside the other's time), ``evening-g`` (one character's two runs starting 90 s
apart), ``evening-i`` (a repeatable quest done three times, a credits-only session, the same session a day
later at the same clock time), ``evening-j`` (a loot-only session, then the character renamed), ``evening-k``
(a night across the autumn clock change in Berlin, the next run 20 minutes after), ``evening-l`` (two bots in
two folders started in the same second), ``evening-m`` (a wallet starting at 0, grouped kills, a death and
bracketed chat in the old bot's action lines), ``evening-n`` (New Year's Eve on a machine in Kolkata),
``evening-o`` (a 26-hour run, refused whole; a run with an hour of no steps), ``evening-p`` (one step log
of three runs, three bosses whose loot lines the bot listed under each), ``evening-q`` (a crafting run, a
40-second run, French and German game text), ``evening-r`` (runs around the spring clock change in New
York), ``evening-s`` (runs about an hour apart in Berlin, whose Unix names fall inside the run before),
``evening-t`` (a run that loses credits: a docking fee and a repair), ``evening-w`` (one boss killed twice
far apart, the same drop each time; credits lost; the next run an hour later from the same town),
``evening-x`` (two characters alternating hourly runs on a machine in Kolkata, cities of two words),
``evening-y`` (eleven 4-minute runs a minute apart) and ``evening-z`` (XP of six skills from five sources, a
space-heavy run over two planets, a quest that costs credits)."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from helpers.scenarios import scenario_of
from swgdb_bridge.assemble import IDENTICAL_COPY, assemble_paths, assemble_tree
from swgdb_bridge.sources._part import planet_of_city, time_named_by
from swgdb_bridge.sources._sanity import MAX_SESSION

LONG_AGO = 4e9


def truth(evening: Path) -> dict[str, dict]:
    """Per play session: what the scenario fed the bot (from the scenario and the drivers' record)."""
    scenario = scenario_of(evening)
    fed: dict[str, dict] = {}
    for spec in scenario["sessions"]:
        events = spec["events"]
        blocks = [e for e in events if e["kind"] == "xp_block"]
        quests = sorted((e for e in events if e["kind"] == "quest"), key=lambda e: e["minute"])
        kills: dict[str, int] = defaultdict(int)
        by_skill: dict[str, int] = defaultdict(int)
        for block in blocks:
            by_skill[block["skill"]] += block["amount"] * block["count"]
            if block["source"] == "combat" and block["target"]:
                kills[block["target"]] += block["count"]
        for quest in quests:
            by_skill[quest["skill"]] += quest["amount"]
        fed[spec["key"]] = {
            "character": spec["character"],
            "start": datetime.fromisoformat(spec["start"]).replace(tzinfo=UTC),
            "end": datetime.fromisoformat(spec["end"]).replace(tzinfo=UTC),
            "xp": sum(b["amount"] * b["count"] for b in blocks) + sum(q["amount"] for q in quests),
            "credits": sum(b["credits"] * b["count"] for b in blocks) + sum(q["credits"] for q in quests),
            "quests": [q["name"] for q in quests],
            "planets": list(dict.fromkeys(loc[0] for loc in spec["locations"])),
            "cities": [loc[1] for loc in spec["locations"]],
            "kills": dict(kills),
            "xp_by_skill": dict(by_skill),
        }
    return fed


def test_the_drivers_record_agrees_with_the_scenario(evening: Path) -> None:
    fed = truth(evening)
    for line in (evening / "produced.jsonl").read_text().splitlines():
        record = json.loads(line)
        if "xp_total" in record["fed"]:
            assert record["fed"]["xp_total"] == fed[record["play_session"]]["xp"]


@pytest.mark.parametrize("tree", ["current", "legacy"])
def test_each_play_session_has_the_facts_fed(evening: Path, tree: str) -> None:
    fed = {key: want for key, want in truth(evening).items() if want["end"] - want["start"] <= MAX_SESSION}
    result = assemble_tree(evening / tree, now=LONG_AGO)
    refused = len(fed) < len(scenario_of(evening)["sessions"])  # evening-o: a 26-hour run, refused whole
    assert bool(result.problems) == refused
    assert all("over the 24 h" in p.reason for p in result.problems)
    windows = sorted((s.start_time, s.end_time) for s in result.sessions)
    assert windows == sorted((f["start"], f["end"]) for f in fed.values())  # evening-l: two start together
    by_window = {(s.start_time, s.end_time): s for s in result.sessions}
    for key, want in fed.items():
        session = by_window[want["start"], want["end"]]
        assert (session.total_xp, session.total_credits) == (want["xp"], want["credits"]), key
        assert session.kills == want["kills"], key
        if tree == "current":
            assert session.character_name == want["character"], key
            assert session.xp_by_skill == want["xp_by_skill"], key  # evening-z: six skills, five sources
            assert [q.quest_name for q in session.quests] == want["quests"], key
            assert list(dict.fromkeys(v.planet for v in session.locations)) == want["planets"], key
        else:
            # a legacy step log states its quest count; none is declared when there were none
            assert session.declared_metrics.get("quests_completed", 0) == len(want["quests"]), key
            # it names the cities it travels between, not their planets: placed when the city is known
            if len(want["cities"]) > 1 and all(map(planet_of_city, want["cities"])):
                assert list(dict.fromkeys(v.planet for v in session.locations)) == want["planets"], key


def test_copies_and_reused_loot_are_counted_once(evening_b: Path) -> None:
    result = assemble_tree(evening_b / "current", now=LONG_AGO)
    assert result.not_sessions == 1  # config/session_config.json
    second = next(s for s in result.sessions if s.start_time.hour == 21)
    assert sorted((i.item, i.quantity) for i in second.heroic_loot) == [
        ("Advanced Circuit Board", 3),
        ("IG-88 Binary Brain", 1),
    ]  # the later loot logs repeat these entries
    assert sum(1 for s in second.sources if s.taken == (IDENTICAL_COPY,)) == 2


def test_the_same_drop_twice_is_two_drops_and_stays_with_its_session(evening_b: Path) -> None:
    """evening-j: one boss killed twice, the same item each time; the bot lists both drops under each kill
    and again in the next session's loot log."""
    result = assemble_tree(evening_b.parent / "evening-j" / "current", now=LONG_AGO)
    loot = {s.character_name: [(i.item, i.quantity) for i in s.heroic_loot] for s in result.sessions}
    assert loot == {"Dorn Kessik": [("Krayt Dragon Pearl", 1)] * 2, "Dorn Vaal": []}


def test_a_run_after_the_autumn_clock_change_keeps_its_own_files(evening_b: Path) -> None:
    """evening-k (Berlin): the XP tracker's end is its Unix end on the start's offset, an hour late after
    the change, so it overlaps the next run; without the dual-mode files (a player who does not use that
    mode) nothing else told the two runs apart."""
    tree = evening_b.parent / "evening-k" / "current"
    files = [p for p in tree.rglob("*.json") if not p.parent.name.startswith("dual")]
    result = assemble_paths(files, now=LONG_AGO)
    assert [(s.start_time.hour, s.character_name, s.total_xp, s.total_credits) for s in result.sessions] == [
        (23, "Brann Oskarsson", 7000, 1880),
        (4, "Brann Oskarsson", 1600, 120),
    ]


def test_unix_named_files_east_of_utc_join_their_runs_with_no_file_holding_both_clocks(
    evening_b: Path,
) -> None:
    """evening-n (Kolkata, +5:30) without the files that hold both clocks (XP tracker, combat log, dual-mode
    log): the dual-session and space quest files, named by the Unix start, used to form three zero-length
    sessions 5:30 before their runs; the three runs' starts on the two clocks agree on the offset."""
    tree = evening_b.parent / "evening-n" / "current"
    both_clocks = ("xp_tracking", "combat", "dual_mode_sessions")
    files = [p for p in tree.rglob("*.json") if p.parent.name not in both_clocks]
    result = assemble_paths(files, now=LONG_AGO)
    assert [(s.start_time, s.total_xp, s.total_credits) for s in result.sessions] == [
        (datetime(2026, 12, 31, 22, 30, tzinfo=UTC), 3840, 1160),
        (datetime(2027, 1, 1, 14, 0, tzinfo=UTC), 0, 0),
        (datetime(2027, 1, 2, 6, 0, tzinfo=UTC), 1150, 290),
    ]
    placed = {Path(ref.path).name for s in result.sessions for ref in s.sources}
    assert {p.name for p in files if p.parent.name in ("dual_sessions", "space_quests")} <= placed


@pytest.mark.xfail(
    strict=True,
    reason="runs an hour apart: the offset an hour off is found by all runs but one, which the rule reads as "
    "runs at a fixed step (test_runs_at_a_fixed_step_are_left_as_written: the same starts with one run's "
    "files of each clock missing), so no offset is taken; with the files holding both clocks it is right",
)
def test_hourly_runs_east_of_utc_join_their_unix_named_files_with_no_file_holding_both_clocks(
    evening_b: Path,
) -> None:
    """evening-x (Kolkata, +5:30): four runs starting on the hour, 09:00 to 12:00, without the XP tracker,
    combat log and dual-mode log: the dual-session and space quest files form four zero-length sessions
    5:30 before their runs."""
    tree = evening_b.parent / "evening-x" / "current"
    both_clocks = ("xp_tracking", "combat", "dual_mode_sessions")
    files = [p for p in tree.rglob("*.json") if p.parent.name not in both_clocks]
    result = assemble_paths(files, now=LONG_AGO)
    assert [s.start_time.hour for s in result.sessions] == [9, 10, 11, 12]


def test_eleven_runs_a_minute_apart_each_keep_the_files_named_by_their_start(evening_b: Path) -> None:
    """evening-y: eleven 4-minute runs, each a minute after the last (one of them gains nothing): every file
    named by a run's start (local or Unix) goes to that run and no other, and no file is left over."""
    tree = evening_b.parent / "evening-y" / "current"
    result = assemble_tree(tree, now=LONG_AGO)
    assert len(result.sessions) == 11 and not result.problems and not result.unplaced
    for session in result.sessions:
        starts = [
            ref for ref in session.sources if not ref.path.stem.startswith("xp_data_")
        ]  # named at export
        named = [time_named_by(ref.path.stem) for ref in starts]
        assert {time for time in named if time is not None} == {session.start_time}, session.start_time
    used = {ref.path for s in result.sessions for ref in s.sources}
    assert used == set(tree.rglob("*.json"))


@pytest.mark.parametrize("kept", [0.3, 0.7])
def test_a_file_cut_off_mid_write_does_not_speak_for_a_whole_one(
    evening_b: Path, tmp_path: Path, kept: float
) -> None:
    """evening-x with every run's combat log cut off (the bot stopped while writing it): its kills are the
    ones before the cut, and they used to stand for the run (1 dune lizard of 5) though the XP tracker's
    whole file lists every kill."""
    root = tmp_path / "current"
    shutil.copytree(evening_b.parent / "evening-x" / "current", root)
    cut = sorted((root / "logs" / "combat").glob("*.json"))
    for path in cut:
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * kept)])
    result = assemble_tree(root, now=LONG_AGO)
    fed = truth(evening_b.parent / "evening-x")
    assert {s.start_time: s.kills for s in result.sessions} == {f["start"]: f["kills"] for f in fed.values()}
    assert all(ref.truncated for s in result.sessions for ref in s.sources if ref.path in cut)
    assert all(s.truncated for s in result.sessions)


def test_two_bots_started_together_in_two_folders_keep_their_own_files(evening_b: Path) -> None:
    """evening-l: both bots name their files by the same start time (``credits_20260704_140000``,
    ``dual_1783173600``); the ids say "same run" only inside one bot folder."""
    tree = evening_b.parent / "evening-l" / "current"
    result = assemble_tree(tree, now=LONG_AGO)
    assert sorted((s.character_name, s.total_xp, s.total_credits) for s in result.sessions) == [
        ("Lio Vantt", 800, 100),
        ("Ren Adaeus", 5835, 1922),
    ]
    for session in result.sessions:
        read = [ref for ref in session.sources if ref.taken != (IDENTICAL_COPY,)]  # byte-identical: either's
        folders = {Path(ref.path).relative_to(tree).parts[0] for ref in read}
        assert folders == {"bot_" + session.character_name.split()[0].lower()}


def test_no_private_string_is_taken_into_facts_that_are_not_chat(evening: Path) -> None:
    result = assemble_tree(evening, now=LONG_AGO)
    scenario = scenario_of(evening)
    secrets = {e["sender"] for s in scenario["sessions"] for e in s["events"] if e["kind"] == "chat"}
    secrets |= {s["extras"]["ingest"]["discord_id"] for s in scenario["sessions"]}
    # Action lines are the log's own text ("Duel with Vex'ra Tal: lost"), cleaned by the sanitizer like chat:
    # the payload test holds them. The facts a reader structures must hold no private string.
    for session in result.sessions:
        outside_chat = repr((session.character_name, session.quests, session.locations, session.kills,
                             session.heroic_loot, session.notes, session.session_id))  # fmt: skip
        assert not any(secret in outside_chat for secret in secrets)


def test_one_step_log_of_three_runs_gives_each_run_its_own_steps(evening_b: Path) -> None:
    """evening-p: one bot process ran three times (its step log holds them all, from 17:00); the third run
    began 15 minutes after the second ended, too soon for a gap to show it, but its own files start then."""
    tree = evening_b.parent / "evening-p" / "current"
    result = assemble_tree(tree, now=LONG_AGO)
    step_log = tree / "logs" / "session_20260821_170000.json"
    got = [
        (
            s.character_name,
            f"{s.start_time:%H:%M}-{s.end_time:%H:%M}",
            [q.quest_name for q in s.quests],
            [v.city for v in s.locations],
        )
        for s in result.sessions
    ]
    assert got == [
        ("Orin Dask", "17:00-18:10", ["Narmle Militia Patrol"], ["Narmle", "Restuss"]),
        ("Orin Dask", "19:30-20:40", [], ["Aurilia", "Nightsister Stronghold"]),
        ("Vell Tamsin", "20:55-21:40", ["Dearic Courier"], ["Dearic"]),
    ]
    for session in result.sessions:
        taken = {ref.taken for ref in session.sources if ref.path == step_log}
        assert taken and all("places" in t for t in taken), session.session_id
        assert not any(w.startswith("end:") for w in session.warnings), session.warnings


def test_a_quiet_spell_inside_one_run_keeps_its_step_log_whole(evening_b: Path) -> None:
    """evening-o's second run: no step for 65 minutes (AFK), so the reader cuts its step log there; the
    run's other files span the spell, and the session takes both pieces' steps as one file's."""
    tree = evening_b.parent / "evening-o" / "current"
    (session,) = assemble_tree(tree, now=LONG_AGO).sessions
    refs = [ref for ref in session.sources if ref.path.name == "session_20260419_081500.json"]
    assert len(refs) == 2 and {ref.taken == (IDENTICAL_COPY,) for ref in refs} == {True, False}
    assert session.quests[0].quest_name == "Abandoned Rebel Base Sweep"  # after the spell
    assert (session.total_xp, sum(session.kills.values())) == (1800, 6)


@pytest.mark.parametrize("tree", ["current", "legacy"])
def test_a_run_of_26_hours_is_refused_whole_and_each_file_says_why(evening_b: Path, tree: str) -> None:
    """evening-o: Kestra Vel's marathon, 06:00 to 08:00 the next day. An upload holds at most 24 h (the
    bot's own ingest server refused it too), so no session is made of it, not even of some of its files
    (the XP history's entry alone made a 0-second session of 8,500 XP); the next run is untouched."""
    root = evening_b.parent / "evening-o" / tree
    result = assemble_tree(root, now=LONG_AGO)
    assert [(s.start_time.hour, s.total_xp, s.total_credits) for s in result.sessions] == [(8, 1800, 520)]
    reported = {p.path for p in result.problems}
    used = {ref.path for s in result.sessions for ref in s.sources}
    assert reported == {p for p in root.rglob("*.json") if p not in used}  # the marathon's files
    for problem in result.problems:
        assert problem.format != "unknown" and "26.0 h" in problem.reason, problem
    assert result.unplaced == []


def test_a_run_over_24_hours_only_in_the_ingest_store_is_still_reported(tmp_path: Path) -> None:
    """A refused run none of whose files is its own (one entry of a store that holds other runs) is reported
    on that file, never refused silently."""
    entry = {"session_id": "ms11_20260102_060000", "timestamp": "2026-01-02T06:00:00", "xp_gained": 100,
             "location": "Naboo - Theed", "ingested_at": "2026-01-05T10:00:00"}  # fmt: skip
    runs = [dict(entry, session_id="ms11_20260101_100000", timestamp="2026-01-01T10:00:00", duration_minutes=60),
            dict(entry, duration_minutes=1500)]  # fmt: skip
    store = tmp_path / "data/character_sessions/sessions.json"
    store.parent.mkdir(parents=True)
    store.write_text(json.dumps({"user_1": {"discord_id": "1", "sessions": runs}}))
    result = assemble_tree(tmp_path, now=LONG_AGO)
    assert [(s.start_time.day, s.duration_minutes) for s in result.sessions] == [(1, 60)]
    assert [(p.path, "25.0 h" in p.reason) for p in result.problems] == [(store, True)]


def test_a_run_an_hour_later_with_only_its_unix_named_files_stays_apart(evening_b: Path) -> None:
    """evening-s (Berlin, +1 h): the first run's own files without those that hold both clocks, and of the
    run 67 minutes later only its Unix-named files (the shared dual log and the space quest, 10:07 as
    written, inside the first run's 10:00-10:50). One run proves no offset, so they stay as written, and
    they used to join the first run; a Unix start no zone offset puts on 10:00 names another run."""
    root = evening_b.parent / "evening-s"
    files: dict[str, set[str]] = defaultdict(set)
    for line in (root / "produced.jsonl").read_text().splitlines():
        record = json.loads(line)
        files[record["play_session"]] |= {f for f in record["files"] if f.startswith("current/")}
    both_clocks = ("/xp_tracking/", "/combat/", "/dual_mode_sessions/", "/dashboard/")
    first = {f for f in files["S1"] - files["S2"] - files["S3"] if not any(d in f for d in both_clocks)}
    later = {f for f in files["S2"] if "/dual_sessions/" in f or "/space_quests/" in f}
    assert first and len(later) == 2
    result = assemble_paths([root / f for f in first | later], now=LONG_AGO)
    (session,) = [s for s in result.sessions if s.start_time.hour == 10 and s.start_time.minute == 0]
    used = {str(ref.path.relative_to(root)) for ref in session.sources}
    assert used <= first and not used & later  # its own Unix-named files stay at 09:00 too
    assert "current/logs/credits_20270116_100000.json" in used
    assert (session.total_xp, [v.planet for v in session.locations]) == (1500, ["Naboo", "Naboo"])


@pytest.mark.parametrize("tree", ["current", "legacy"])
def test_a_run_that_loses_credits_keeps_the_loss_and_its_balances(evening_b: Path, tree: str) -> None:
    """evening-t: a docking fee and an armor repair (-3,000 and -1,250 credits) after six womp rats (+90):
    the run's credits are -4,160, from 9,000 down to 4,840, never read as a gain or as nothing."""
    result = assemble_tree(evening_b.parent / "evening-t" / tree, now=LONG_AGO)
    lost, after = result.sessions
    assert (lost.total_credits, lost.credits_start, lost.credits_end) == (-4160, 9000, 4840)
    assert (after.total_credits, after.credits_start) == (240, 4840)
    assert lost.credit_curve[-1].balance == 4840 and min(c.balance for c in lost.credit_curve) == 4840


def test_an_ingest_entry_of_over_24_hours_joins_its_run_and_the_store_s_other_sessions_stay(
    evening_b: Path, tmp_path: Path
) -> None:
    """evening-o with the marathon also in the ingest store (the bot's own server refuses it, another may
    not): the entry joins the refused run (its reason, 26.0 h), and the next run keeps the store's entry. It
    used to refuse the whole store ("1560 is above 1,440.0 ... the file is probably corrupt")."""
    root = tmp_path / "current"
    shutil.copytree(evening_b.parent / "evening-o" / "current", root)
    store = root / "data" / "character_sessions" / "sessions.json"
    doc = json.loads(store.read_text())
    (user,) = doc.values()
    marathon = dict(user["sessions"][0], session_id="ms11_20260418_060000", timestamp="2026-04-18T06:00:00")
    user["sessions"].insert(0, dict(marathon, duration_minutes=26 * 60, ingested_at="2026-04-19T08:01:00"))
    store.write_text(json.dumps(doc))
    result = assemble_tree(root, now=LONG_AGO)
    (session,) = result.sessions
    assert store in {ref.path for ref in session.sources}
    assert all("26.0 h" in p.reason for p in result.problems)
    store.write_text(json.dumps({"user_1": dict(user, sessions=user["sessions"][:1])}))  # the marathon alone
    alone = assemble_tree(store.parent, now=LONG_AGO)
    assert alone.sessions == [] and [(p.path, p.format) for p in alone.problems] == [(store, "ingest_store")]
    assert "26.0 h" in alone.problems[0].reason


def test_each_drop_fed_is_one_drop_under_its_boss(evening: Path) -> None:
    """The evenings whose scenario says which boss dropped what (``drops``). evening-p: three bosses within a
    few log lines, so the bot listed every loot line under each of the three (and the next run's loot log
    repeats them all): each drop once, the two separate drops of 2 shards two. evening-w: the same boss
    killed twice 50 minutes and 36 log lines apart, a pearl each time: two pearls (one, before)."""
    fed = {
        spec["key"]: spec["extras"]["heroics"].get("drops")
        for spec in scenario_of(evening)["sessions"]
        if "heroics" in spec["extras"]
    }
    if not any(fed.values()):
        pytest.skip("the scenario does not say which boss dropped what")
    truths = truth(evening)
    result = assemble_tree(evening / "current", now=LONG_AGO)
    by_start = {s.start_time: s.heroic_loot for s in result.sessions}
    for key, drops in fed.items():
        got = by_start[truths[key]["start"]]
        assert sorted((i.item, i.quantity) for i in got) == sorted((item, n) for _, item, n in drops or []), (
            key
        )
        assert {i.boss for i in got} <= {boss for boss, _, _ in drops or []}, key


def test_a_timeless_file_is_matched_with_a_run_s_whole_step_log_not_a_piece(evening_b: Path) -> None:
    """evening-r: the step log of the run across the spring change has no step in the missing hour, so the
    reader cut it in two; its first piece holds 2,400 XP, the next run's total, which made that run's
    XP-per-action list (no time in it) match two sessions equally and stay unplaced."""
    result = assemble_tree(evening_b.parent / "evening-r" / "current", now=LONG_AGO)
    assert result.unplaced == []
    lists = {
        s.start_time.hour: [ref.path.name for ref in s.sources if ref.format == "xp_actions"]
        for s in result.sessions
    }
    assert all(len(names) == 1 for names in lists.values()), lists


def test_a_crafting_run_kills_nothing_without_a_combat_log(evening_b: Path) -> None:
    """evening-q: the XP-per-action list logs each crafted item as "Killed craft"; the combat log said no kill,
    but a player who does not run the combat logger has only the step log, whose XP steps are all crafts."""
    tree = evening_b.parent / "evening-q" / "current"
    files = [p for p in tree.rglob("*.json") if p.parent.name != "combat"]
    result = assemble_paths(files, now=LONG_AGO)
    kills = {(s.character_name, s.start_time.hour): s.kills for s in result.sessions}
    assert kills == {
        ("Élodie Marchand", 13): {},
        ("Élodie Marchand", 14): {},
        ("Jörg Weißbach", 19): {"Wompratte": 8, "Tusken-Räuber": 4},
    }


def test_runs_across_a_spring_clock_change_keep_their_unix_named_files(evening_b: Path) -> None:
    """evening-r (New York) without the files that hold both clocks: the first two runs' Unix-named files
    name their starts five hours after the local ones, the last two runs' four. No one offset fit all four, so
    the first run's dual-session and space quest files joined the second run and the others made zero-length
    sessions; each side of the change now takes its own offset."""
    tree = evening_b.parent / "evening-r" / "current"
    both_clocks = ("xp_tracking", "combat", "dual_mode_sessions")
    files = [p for p in tree.rglob("*.json") if p.parent.name not in both_clocks]
    result = assemble_paths(files, now=LONG_AGO)
    fed = truth(evening_b.parent / "evening-r")
    assert [(s.start_time, s.end_time, s.total_xp) for s in result.sessions] == [
        (want["start"], want["end"], want["xp"]) for want in fed.values()
    ]
    assert not any(w.startswith("start:") for s in result.sessions for w in s.warnings)
    new_york = ZoneInfo("America/New_York")
    for session in result.sessions:
        unix = int(session.start_time.replace(tzinfo=new_york).timestamp())
        unix_named = {
            ref.path.name
            for ref in session.sources
            if ref.path.parent.name in ("dual_sessions", "space_quests")
        }
        assert unix_named == {f"shared_dual_{unix}.json", f"session_space_session_{unix}.json"}


def test_a_run_stopped_within_a_minute_is_not_flagged_when_its_writers_agree(evening_b: Path) -> None:
    """evening-q: Élodie's 40-second run, whose step log, XP tracker and combat log all state 14:45:00 to
    14:45:40; the "times are probably wrong" flag is for a lone file of a second, not a run stopped at once."""
    result = assemble_tree(evening_b.parent / "evening-q" / "current", now=LONG_AGO)
    (short,) = [s for s in result.sessions if s.end_time - s.start_time < timedelta(minutes=1)]
    assert short.end_time - short.start_time == timedelta(seconds=40)
    assert not any("probably wrong" in w for w in short.warnings), short.warnings
