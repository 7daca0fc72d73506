"""SessionLogViewer on the shared corpus, checked against figures read straight from the raw JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from swgdb_bridge import BridgeError, SessionLogViewer
from swgdb_bridge.viewer import FilterError, SearchPatternError, UnknownSessionError
from swgdb_bridge.viewer.export import render

SCHEMA_FILE = "swgdb_api__schemas__session_v1.json"


@pytest.fixture
def viewer(sessions_dir: Path) -> SessionLogViewer:
    with SessionLogViewer([sessions_dir / "tracker", sessions_dir / "morningstar"]) as v:
        yield v


@pytest.fixture
def tracker_viewer(sessions_dir: Path) -> SessionLogViewer:
    with SessionLogViewer(sessions_dir / "tracker") as v:
        yield v


def test_seed_usage_runs_as_written(sessions_dir: Path, monkeypatch: pytest.MonkeyPatch, all_raw) -> None:
    monkeypatch.chdir(sessions_dir.parent)
    (sessions_dir.parent / "data").mkdir()
    sessions_dir.rename(sessions_dir.parent / "data" / "sessions")
    viewer = SessionLogViewer("data/sessions")
    assert len(viewer.list_sessions(limit=10)) == 10
    with pytest.raises(BridgeError):
        viewer.view_session("session_id_123")
    results = viewer.search_sessions("quest")
    assert results
    analysis = viewer.analyze_sessions()
    assert analysis["total_xp_gained"] == sum(r.xp for r in all_raw)
    print(f"Total XP gained: {analysis['total_xp_gained']:,}")


def test_list_is_newest_first_with_raw_figures(tracker_viewer: SessionLogViewer, tracker_raw) -> None:
    rows = tracker_viewer.list_sessions()
    raw = {r.doc["session_id"]: r.doc for r in tracker_raw}
    assert [row["session_id"] for row in rows] == sorted(
        raw, key=lambda i: raw[i]["start_time"], reverse=True
    )
    for row in rows:
        doc = raw[row["session_id"]]
        assert row["character"] == doc["character_name"]
        assert row["xp"] == doc["xp"]["gained"]
        assert row["credits"] == doc["credits"]["gained"]
        assert row["quests"] == len(doc["quests_completed"])
        assert sorted(row["planets"]) == sorted({v["planet"] for v in doc["locations_visited"]})
        assert row["duration_minutes"] == pytest.approx(doc["duration_minutes"])
        assert row["xp_per_hour"] == pytest.approx(
            doc["xp"]["gained"] * 60 / doc["duration_minutes"], rel=1e-3
        )
        assert row["problems"] == len(doc["stuck_events"])
        assert row["upload_state"] == "not sent"
    assert len(tracker_viewer.list_sessions(limit=3)) == 3


def test_unreadable_files_are_listed_as_problems(
    viewer: SessionLogViewer, sessions_dir: Path, all_raw
) -> None:
    broken = sessions_dir / "tracker" / "broken.json"
    broken.write_text('{"session_id": "x", "start_time": ')
    os.utime(broken, (1e9, 1e9))  # left so long ago: not a file still being written
    viewer.refresh()
    problems = {Path(p["path"]).name: p for p in viewer.problems()}
    assert set(problems) == {"broken.json"}  # the JSON Schema is no session file: skipped, counted
    assert viewer.not_sessions() == 1
    assert "truncated" in problems["broken.json"]["reason"] and problems["broken.json"]["format"] == "unknown"
    with pytest.raises(BridgeError, match=r"broken\.json: read as unknown: truncated"):
        viewer.view_session(str(sessions_dir / "tracker" / "broken.json"))
    assert len(viewer.list_sessions()) == len(all_raw)


def test_a_bad_field_in_a_bot_file_is_named_in_the_problem_list(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "data" / "ms11" / "evening-b" / "current" / "logs"
    document = orjson.loads((source / "credits_20250912_183000.json").read_bytes())
    broken = tmp_path / "logs" / "credits_20250912_183000.json"
    broken.parent.mkdir()
    broken.write_bytes(orjson.dumps({**document, "end_credits": "lots"}))
    os.utime(broken, (1e9, 1e9))  # not a file still being written
    with SessionLogViewer(tmp_path) as viewer:
        [problem] = viewer.problems()
    assert problem["format"] == "credit_log"
    assert problem["reason"].startswith("field 'end_credits': ") and "lots" in problem["reason"]


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        ({"character": "dex orrin"}, lambda d: d["character_name"] == "Dex Orrin"),
        ({"planet": "Rori"}, lambda d: "Rori" in {v["planet"] for v in d["locations_visited"]}),
        ({"mode": "medic"}, lambda d: d["mode"] == "medic"),
        ({"min_xp": 50000}, lambda d: d["xp"]["gained"] >= 50000),
        (
            {"since": "2026-10-05", "until": "2026-10-09"},
            lambda d: "2026-10-05" <= d["start_time"][:10] <= "2026-10-09",
        ),
        (
            {"character": "Tarkin Vos", "planet": "Rori"},
            lambda d: (
                d["character_name"] == "Tarkin Vos"
                and "Rori" in {v["planet"] for v in d["locations_visited"]}
            ),
        ),
    ],
)
def test_filters(tracker_viewer: SessionLogViewer, tracker_raw, filters, keep) -> None:
    expected = {r.doc["session_id"] for r in tracker_raw if keep(r.doc)}
    assert expected  # the corpus has sessions of each kind
    assert {row["session_id"] for row in tracker_viewer.list_sessions(**filters)} == expected


def test_bad_date_filter_is_a_readable_error(tracker_viewer: SessionLogViewer) -> None:
    with pytest.raises(FilterError, match="--since 'last tuesday' is not a date"):
        tracker_viewer.list_sessions(since="last tuesday")


def test_analyze_matches_raw_sums(
    viewer: SessionLogViewer, tracker_viewer: SessionLogViewer, all_raw, tracker_raw
):
    analysis = viewer.analyze_sessions()
    assert analysis["sessions"] == len(all_raw)
    assert analysis["total_xp_gained"] == sum(r.xp for r in all_raw)
    assert analysis["total_credits_gained"] == sum(r.credits for r in all_raw)

    tracker = tracker_viewer.analyze_sessions()
    docs = [r.doc for r in tracker_raw]
    minutes = sum(d["duration_minutes"] for d in docs)
    xp = sum(d["xp"]["gained"] for d in docs)
    assert tracker["time_played_minutes"] == pytest.approx(minutes)
    assert tracker["total_quests_completed"] == sum(len(d["quests_completed"]) for d in docs)
    assert tracker["xp_per_hour"] == pytest.approx(xp * 60 / minutes, rel=1e-4)
    assert tracker["average_xp_per_session"] == pytest.approx(xp / len(docs))
    for name in {d["character_name"] for d in docs}:
        mine = [d for d in docs if d["character_name"] == name]
        group = tracker["by_character"][name]
        assert group["sessions"] == len(mine)
        assert group["total_xp_gained"] == sum(d["xp"]["gained"] for d in mine)
        assert group["total_credits_gained"] == sum(d["credits"]["gained"] for d in mine)
    on_rori = [d for d in docs if "Rori" in {v["planet"] for v in d["locations_visited"]}]
    assert tracker["by_planet"]["Rori"]["total_xp_gained"] == sum(d["xp"]["gained"] for d in on_rori)
    rate = {d["session_id"]: d["xp"]["gained"] / d["duration_minutes"] for d in docs}
    assert tracker["best_session"]["session_id"] == max(rate, key=rate.get)
    assert tracker["worst_session"]["session_id"] == min(rate, key=rate.get)


def test_view_session_sections_and_sanitization_preview(
    tracker_viewer: SessionLogViewer, tracker_raw
) -> None:
    doc = tracker_raw[0].doc
    view = tracker_viewer.view_session(doc["session_id"])
    sections = view["sections"]
    assert set(sections) == {"xp", "credits", "quests", "locations", "events", "metrics"}
    assert [q["quest_name"] for q in sections["quests"]["quests"]] == doc["quests_completed"]
    assert sections["xp"]["total_xp_gained"] == doc["xp"]["gained"]
    assert [m["message"] for m in sections["events"]["messages"]] == [
        e["message"] for e in doc["communication_events"]
    ]
    assert len(sections["events"]["actions"]) == len(doc["actions"])
    assert view["summary"]["session_id"] == doc["session_id"]

    preview = view["sanitization"]
    assert sum(preview["counts"].values()) > 0
    others = {e["player_name"] for e in doc["player_encounters"]} | {
        e["sender"] for e in doc["communication_events"]
    }
    removed = "\n".join(
        line for line in preview["diff"] if line.startswith("-") and not line.startswith("---")
    )
    uploaded = "\n".join(
        line for line in preview["diff"] if line.startswith("+") and not line.startswith("+++")
    )
    assert all(name in removed for name in others)
    assert not any(name in uploaded for name in others)


def test_view_by_file_path(tracker_viewer: SessionLogViewer, sessions_dir: Path, tracker_raw) -> None:
    path = sessions_dir / "tracker" / tracker_raw[3].path.name
    assert tracker_viewer.view_session(str(path))["session_id"] == tracker_raw[3].doc["session_id"]


def test_unknown_id_offers_close_matches(tracker_viewer: SessionLogViewer, tracker_raw) -> None:
    real = tracker_raw[2].doc["session_id"]
    with pytest.raises(UnknownSessionError) as caught:
        tracker_viewer.view_session(real[:-1] + "9")
    assert real in caught.value.close_matches
    assert real in str(caught.value)
    with pytest.raises(UnknownSessionError, match="logs --list"):
        tracker_viewer.compare_sessions(real, "nothing-like-it")


@pytest.mark.parametrize("regex", [False, True])
def test_search_text_that_is_not_utf8_finds_nothing(tracker_viewer: SessionLogViewer, regex: bool) -> None:
    """Bytes typed on a command line that are not UTF-8 arrive as surrogates. Was: a UnicodeEncodeError
    traceback from SQLite; now, like any text found nowhere, no results."""
    assert tracker_viewer.search_sessions("holo\udcffcron", regex=regex) == []
    assert tracker_viewer.search_sessions("holocron", regex=regex)


def test_search_plain_and_regex(tracker_viewer: SessionLogViewer, tracker_raw) -> None:
    with_holocron = {
        r.doc["session_id"] for r in tracker_raw if any("Holocron" in q for q in r.doc["quests_completed"])
    }
    results = tracker_viewer.search_sessions("holocron")
    assert {r["session_id"] for r in results} == with_holocron
    assert all("holocron" in m["text"].lower() for r in results for m in r["matches"])
    assert all(any(m["field"] == "quest" for m in r["matches"]) for r in results)

    def whispered(doc):
        return any(
            e["event_type"] == "tell" and e["message"].startswith("Need") for e in doc["communication_events"]
        )

    regex_hits = tracker_viewer.search_sessions(r"^need\b", regex=True)
    assert {r["session_id"] for r in regex_hits} >= {
        r.doc["session_id"] for r in tracker_raw if whispered(r.doc)
    }
    assert {m["field"] for r in regex_hits for m in r["matches"]} <= {
        "message",
        "guild_alert",
        "action",
        "quest",
    }

    by_character = tracker_viewer.search_sessions("mira sol")
    mira = {r.doc["session_id"] for r in tracker_raw if r.doc["character_name"] == "Mira Sol"}
    assert {
        r["session_id"] for r in by_character if {"field": "character", "text": "Mira Sol"} in r["matches"]
    } == mira
    assert all("mira sol" in m["text"].lower() for r in by_character for m in r["matches"])
    with pytest.raises(SearchPatternError, match="not a valid regular expression"):
        tracker_viewer.search_sessions("([", regex=True)


def test_compare_deltas_and_ratios(tracker_viewer: SessionLogViewer, tracker_raw) -> None:
    a, b = tracker_raw[0].doc, tracker_raw[1].doc
    result = tracker_viewer.compare_sessions(a["session_id"], b["session_id"])
    metrics = {row["metric"]: row for row in result["metrics"]}
    assert metrics["xp"]["a"] == a["xp"]["gained"] and metrics["xp"]["b"] == b["xp"]["gained"]
    assert metrics["xp"]["delta"] == b["xp"]["gained"] - a["xp"]["gained"]
    assert metrics["xp"]["ratio"] == pytest.approx(b["xp"]["gained"] / a["xp"]["gained"], rel=1e-3)
    assert metrics["credits"]["delta"] == b["credits"]["gained"] - a["credits"]["gained"]
    planets_a = {v["planet"] for v in a["locations_visited"]}
    planets_b = {v["planet"] for v in b["locations_visited"]}
    assert result["planets"]["only_b"] == sorted(planets_b - planets_a)


def test_export_all_round_trips(tracker_viewer: SessionLogViewer, tmp_path: Path, tracker_raw) -> None:
    rows = tracker_viewer.list_sessions(mode="crafting")
    raw = {r.doc["session_id"]: r.doc for r in tracker_raw if r.doc["mode"] == "crafting"}

    out = tmp_path / "all.json"
    tracker_viewer.export_session("all", format="json", output=out, mode="crafting")
    assert json.loads(out.read_text()) == rows

    text = tracker_viewer.export_text("all", format="csv", mode="crafting")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert {p["session_id"]: int(p["xp"]) for p in parsed} == {i: d["xp"]["gained"] for i, d in raw.items()}
    assert [p["planets"].split(";") for p in parsed] == [r["planets"] for r in rows]

    root = ET.fromstring(tracker_viewer.export_text("all", format="xml", mode="crafting"))
    sessions = root.findall("session")
    assert {s.findtext("session_id"): int(s.findtext("credits")) for s in sessions} == {
        i: d["credits"]["gained"] for i, d in raw.items()
    }
    assert [[p.text for p in s.find("planets")] for s in sessions] == [r["planets"] for r in rows]


def test_export_one_session_round_trips(
    tracker_viewer: SessionLogViewer, tmp_path: Path, tracker_raw
) -> None:
    doc = tracker_raw[0].doc
    view = tracker_viewer.view_session(doc["session_id"])
    assert json.loads(tracker_viewer.export_text(doc["session_id"], format="json")) == view

    timeline = list(csv.DictReader(io.StringIO(tracker_viewer.export_text(doc["session_id"], format="csv"))))
    by_list = {}
    for row in timeline:
        by_list.setdefault(row["list"], []).append(row)
    assert len(by_list["actions"]) == len(doc["actions"])
    assert len(by_list["messages"]) == len(doc["communication_events"])
    assert [r["details"] for r in by_list["quests"]] == [f"quest_name={q}" for q in doc["quests_completed"]]

    out = tmp_path / "one.xml"
    assert tracker_viewer.export_session(doc["session_id"], out, format="xml") is True
    root = ET.parse(out).getroot()
    assert root.findtext("session_id") == doc["session_id"]
    assert int(root.find("sections/xp/total_xp_gained").text) == doc["xp"]["gained"]
    assert [q.findtext("quest_name") for q in root.findall("sections/quests/quests/item")] == doc[
        "quests_completed"
    ]
    with pytest.raises(BridgeError, match="cannot export as 'yaml'"):
        tracker_viewer.export_text(doc["session_id"], format="yaml")
    assert tracker_viewer.export_session(doc["session_id"], tmp_path / "one.yaml", format="yaml") is False
    assert not (tmp_path / "one.yaml").exists()


_JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_JSON = st.recursive(
    _JSON_LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4)
)


@given(document=st.dictionaries(st.text(), _JSON, max_size=6))
def test_any_document_exports_as_xml_that_parses(document: dict) -> None:
    """Was: a control character (``\\x01``), a lone surrogate or U+FFFF in a name or a key was written raw
    and no XML parser could read the file. Now each is shown as an escape, whatever the document holds."""
    root = ET.fromstring(render({"doc": document}, "xml"))
    texts = "".join(root.itertext()) + "".join(v for e in root.iter() for v in e.attrib.values())
    assert not [c for c in texts if c not in "\t\n\r" and (ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF)]


def test_a_character_name_with_controls_exports_as_readable_xml(sessions_dir: Path, tracker_raw) -> None:
    raw = tracker_raw[0]
    path = sessions_dir / "tracker" / raw.path.name
    path.write_text(json.dumps({**raw.doc, "character_name": "Kae\x01len\x1b[2J\ufffe"}))
    with SessionLogViewer(sessions_dir / "tracker") as viewer:
        listed = ET.fromstring(viewer.export_text("all", format="xml"))
        one = ET.fromstring(viewer.export_text(raw.doc["session_id"], format="xml"))
    names = {s.findtext("character") for s in listed.findall("session")}
    assert "Kae\\x01len\\x1b[2J\\ufffe" in names
    assert "Kae\\x01len" in ET.tostring(one, encoding="unicode")


def test_index_warm_path_reads_nothing_unless_bytes_changed(sessions_dir: Path, tracker_raw) -> None:
    """A touch costs a hash; a change (or a file gone) re-reads the folders, since parts may move between
    sessions; with nothing changed nothing is read."""
    folder = sessions_dir / "tracker"
    with SessionLogViewer(folder) as first:
        report = first.refresh()
    assert (report.read, report.unchanged) == (len(tracker_raw), 0)

    changed = folder / tracker_raw[0].path.name
    doc = json.loads(changed.read_text())
    doc["xp"]["gained"] += 1000
    changed.write_text(json.dumps(doc))
    touched = folder / tracker_raw[1].path.name
    stat = touched.stat()
    touched.touch()
    assert touched.stat().st_mtime_ns != stat.st_mtime_ns
    (folder / tracker_raw[2].path.name).unlink()

    with SessionLogViewer(folder) as second:
        report = second.refresh()
        assert (report.read, report.touched, report.dropped) == (len(tracker_raw) - 1, 1, 1)
        assert report.reused == len(tracker_raw) - 2  # every session but the changed and the deleted one
        rows = {r["session_id"]: r for r in second.list_sessions()}
        assert rows[doc["session_id"]]["xp"] == tracker_raw[0].doc["xp"]["gained"] + 1000
        assert tracker_raw[2].doc["session_id"] not in rows
        assert len(rows) == len(tracker_raw) - 1
        assert second.refresh().read == 0
        touched.touch()
        assert (second.refresh().read, second.last_scan.touched) == (0, 1)  # type: ignore[union-attr]


def test_index_is_shared_but_listing_stays_within_the_folders(
    sessions_dir: Path, tracker_raw, all_raw
) -> None:
    with SessionLogViewer([sessions_dir / "tracker", sessions_dir / "morningstar"]) as both:
        assert len(both.list_sessions()) == len(all_raw)
    with SessionLogViewer(sessions_dir / "tracker") as tracker:
        assert tracker.refresh().read == 0  # everything already indexed by the first viewer
        assert len(tracker.list_sessions()) == len(tracker_raw)
    with SessionLogViewer([sessions_dir / "tracker", sessions_dir / "morningstar"]) as again:
        assert again.refresh().dropped == 0  # the tracker-only scan dropped nothing of morningstar
        assert len(again.list_sessions()) == len(all_raw)


def test_corrupt_index_is_a_readable_error(sessions_dir: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    index.write_bytes(b"this is not a database" * 100)
    with pytest.raises(BridgeError, match="delete it and it is rebuilt"):
        SessionLogViewer(sessions_dir / "tracker", index_path=index)


def test_an_index_of_an_older_version_with_other_columns_is_rebuilt(
    sessions_dir: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index.sqlite"
    with sqlite3.connect(index) as old:  # what version 2 wrote: no column for a session's files
        old.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('version', '2/0.9.0');"
            "CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
            " digest TEXT NOT NULL, summary BLOB, problem TEXT);"
            "INSERT INTO files VALUES ('/gone.json', 1, 1, 'x', NULL, 'old');"
        )
    old.close()
    with SessionLogViewer(sessions_dir / "tracker", index_path=index) as viewer:
        assert viewer.refresh().read == len(list((sessions_dir / "tracker").glob("*.json")))
        assert viewer.list_sessions() and viewer.problems() == []


def test_analysis_dates_are_iso(tracker_viewer: SessionLogViewer, tracker_raw) -> None:
    analysis = tracker_viewer.analyze_sessions()
    starts = sorted(r.doc["start_time"] for r in tracker_raw)
    assert datetime.fromisoformat(analysis["first_start"]).replace(tzinfo=None).isoformat() == starts[0]


def test_new_files_and_folders_are_found_on_a_warm_index(sessions_dir: Path, tracker_raw) -> None:
    folder = sessions_dir / "tracker"
    with SessionLogViewer(folder) as first:
        first.refresh()
    template = json.loads((folder / tracker_raw[0].path.name).read_text())
    (folder / "2026" / "11").mkdir(parents=True)
    for name, where in (("session_1101", folder), ("session_1102", folder / "2026" / "11")):
        (where / f"{name}.json").write_text(json.dumps({**template, "session_id": name}))
    with SessionLogViewer(folder) as second:
        report = second.refresh()
        assert report.read == len(tracker_raw) + 2
        assert {"session_1101", "session_1102"} <= {r["session_id"] for r in second.list_sessions()}
        assert second.refresh().read == 0


def test_a_rescan_serializes_only_changed_sessions_and_lists_what_a_fresh_index_lists(
    sessions_dir: Path, ms11_real: Path, tmp_path: Path
) -> None:
    """After a change every file is assembled again, but a session of unchanged files keeps its summary;
    the listing, search and problems are then exactly those of an index built from nothing."""
    shutil.copytree(ms11_real / "current-1236842", sessions_dir / "bot")
    (sessions_dir / "broken.json").write_text('{"session_id": "half", "xp": {')

    def seen(viewer: SessionLogViewer) -> tuple[object, ...]:
        return (viewer.list_sessions(), viewer.search_sessions("a"), viewer.problems())

    with SessionLogViewer(sessions_dir, index_path=tmp_path / "kept.db") as kept:
        first = kept.refresh()
        sessions = len(kept.list_sessions())
        assert first.reused == 0 and sessions > 3
        credits = next((sessions_dir / "bot").rglob("credits_*.json"))  # a part of the bot's evening
        credits.write_text(credits.read_text() + "\n")
        tracker = sorted((sessions_dir / "tracker").glob("*.json"))[0]
        doc = json.loads(tracker.read_text())
        doc["xp"]["gained"] += 7
        tracker.write_text(json.dumps(doc))
        again = kept.refresh()
        assert again.read == first.read and again.reused == sessions - 2
        with SessionLogViewer(sessions_dir, index_path=tmp_path / "fresh.db") as fresh:
            assert fresh.refresh().reused == 0
            assert seen(kept) == seen(fresh)
            assert {r["session_id"]: r["xp"] for r in kept.list_sessions()}[doc["session_id"]] == doc["xp"][
                "gained"
            ]


def test_each_file_gets_one_entry_and_the_session_sits_on_its_head_file(ms11_real: Path) -> None:
    from swgdb_bridge.sanitize.options import SanitizeOptions
    from swgdb_bridge.viewer.build import build_entries

    paths = sorted(str(p) for p in (ms11_real / "legacy-be1136b").rglob("*.json"))
    entries = dict(build_entries(paths, SanitizeOptions(), lambda _head, _members: None))
    assert sorted(entries) == paths
    (head,) = [path for path, entry in entries.items() if entry.summary is not None]
    assert entries[head].summary.sources == tuple(  # type: ignore[union-attr]
        p for p in paths if not p.endswith("session_state.json")
    )
    lifetime = {Path(p).name: e.lifetime for p, e in entries.items() if e.lifetime is not None}
    assert lifetime["session_state.json"]["mob_counts"] == {"womp rat": 6, "Tusken Raider": 4, "kaadu": 5}
    assert not any(e.problem or e.not_session for e in entries.values())


def test_a_bot_sessions_view_shows_its_kills_and_heroic_loot(ms11_real: Path) -> None:
    """The events section listed the generic event types only: all zero for a bot's evening of 15 kills."""
    with SessionLogViewer(ms11_real / "current-1236842") as viewer:
        (row,) = viewer.list_sessions()
        events = viewer.view_session(row["session_id"])["sections"]["events"]
    assert events["kills_by_creature"] == {"womp rat": 10, "kaadu": 5}
    assert {item["item"] for item in events["heroic_loot"]} >= {"IG-88 Binary Brain", "Nightsister Spear"}


def test_jsonl_session_with_a_torn_last_line(tmp_path: Path) -> None:
    """Our streamed format: listed with its figures; a half-written last line is a warning, not a failure."""
    import random

    from swgdb_bridge.demo.samples import write_jsonl_session

    folder = tmp_path / "live"
    folder.mkdir()
    path = write_jsonl_session(folder / "live.jsonl", random.Random(7), 80)
    events = [json.loads(line) for line in path.read_text().splitlines()]
    with path.open("a") as out:
        out.write('{"type": "xp", "ts": "2026-10-01T23:59:00+00:00", "amo')
    with SessionLogViewer(folder) as viewer:
        (row,) = viewer.list_sessions()
    assert row["session_id"] == events[0]["session_id"]
    assert row["xp"] == sum(e["amount"] for e in events if e["type"] == "xp")
    assert row["warnings"] and "incomplete last line" in row["warnings"][0]
    assert row["problems"] == len(row["warnings"]) + sum(e["type"] == "stuck" for e in events)
