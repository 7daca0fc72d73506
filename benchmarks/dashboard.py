#!/usr/bin/env python3
"""Dashboard benchmark: page times with 10,000 sessions for one user, through the real server over HTTP.

    .venv/bin/python benchmarks/dashboard.py                      # SQLite in a temp folder
    .venv/bin/python benchmarks/dashboard.py --database-url postgresql+psycopg://USER@HOST/DB
    .venv/bin/python benchmarks/dashboard.py --sessions 2000 --runs 10

The sessions are generated and stored through ``Storage.upsert_session`` (as uploads land), spread over
three years, four characters and six planets, each a valid payload document with events. Every page is
fetched ``--runs`` times by a logged-in client after one warm-up; the table reports median and 95th
percentile wall time per request (client to server and back, on loopback). The target: overview and
sessions table each < 300 ms. Not a test: figures go to BENCHMARKS.md ("## dashboard").
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from swgdb_bridge.payload import SessionPayload, content_digest
from swgdb_bridge.server import dashboard_link
from swgdb_bridge.server.db.storage import Storage
from swgdb_bridge.server.runner import start_server

CHARACTERS = ("Kessa-Vos", "Darrik-Tal", "Mira-Ondo", "Tev-Rask")
PLANETS = ("tatooine", "naboo", "corellia", "dantooine", "lok", "rori")
MODES = ("combat", "quest", "crafting", "exploration")
START = datetime(2023, 12, 1, tzinfo=UTC)


def template() -> dict[str, Any]:
    """One valid document with a realistic number of events (about 8 KB of JSON)."""
    at = START.isoformat()
    document = {
        "session_id": "template",
        "character_name": CHARACTERS[0],
        "start_time": at,
        "end_time": (START + timedelta(minutes=90)).isoformat(),
        "duration_minutes": 90.0,
        "xp_data": {
            "total_xp_gained": 0,
            "xp_per_hour": 0.0,
            "profession_breakdown": {"Marksman": 1},
            "skill_breakdown": {"pistol": 1, "carbine": 1},
            "source_breakdown": {"combat": 1},
            "xp_events": [{"timestamp": at, "amount": 150, "skill": "pistol", "source": "combat"}] * 30,
        },
        "credit_data": {
            "total_credits_gained": 0,
            "credits_per_hour": 0.0,
            "balance_history": [],
            "credit_events": [
                {"timestamp": at, "amount": 75, "source": "mission", "transaction_type": "gain"}
            ]
            * 10,
        },
        "quest_data": {
            "total_quests_completed": 0,
            "quests_per_hour": 0.0,
            "quest_types": {},
            "reward_types": {},
            "quest_events": [{"timestamp": at, "quest_name": "Clear the nest", "quest_type": "hunt"}] * 3,
        },
        "location_data": {
            "total_locations_visited": 0,
            "unique_planets": [],
            "unique_cities": [],
            "location_events": [],
            "travel_time_minutes": 5.0,
            "zone_efficiency": {},
        },
        "event_data": {
            "total_events": 2,
            "event_types": {"afk": 1, "stuck": 1},
            "communication_events": [],
            "player_encounters": [],
            "guild_alerts": [],
            "afk_periods": [{"start_time": at, "end_time": at, "reason": "idle"}],
            "stuck_events": [{"timestamp": at, "location": "canyon", "duration_seconds": 40.0}],
        },
        "performance_metrics": {
            "session_duration_minutes": 90.0,
            "total_actions": 200,
            "actions_per_hour": 133.3,
            "efficiency_score": 50.0,
        },
        "metadata": {
            "serialization_timestamp": at,
            "serializer_version": "1.0.0",
            "original_session_keys": ["session_id"],
            "sanitization_applied": True,
            "sanitization_report": {"enabled": True, "counts": {"player_names": 4}},
        },
    }
    return SessionPayload.model_validate(document).to_document()


def session_document(base: dict[str, Any], index: int, rng: random.Random) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    start = START + timedelta(hours=2.6 * index + rng.random())
    minutes = float(rng.randint(20, 240))
    planets = rng.sample(PLANETS, rng.randint(1, 3))
    split = {planet: round(minutes / len(planets), 1) for planet in planets}
    xp, credits, quests = rng.randrange(500, 60_000), rng.randrange(100, 30_000), rng.randint(0, 8)
    character = CHARACTERS[index % len(CHARACTERS)]
    doc.update(
        session_id=f"bench-{index:05d}",
        character_name=character,
        start_time=start.isoformat(),
        end_time=(start + timedelta(minutes=minutes)).isoformat(),
        duration_minutes=minutes,
    )
    doc["xp_data"].update(total_xp_gained=xp, xp_per_hour=xp * 60 / minutes)
    doc["credit_data"].update(total_credits_gained=credits, credits_per_hour=credits * 60 / minutes)
    doc["quest_data"].update(total_quests_completed=quests, quests_per_hour=quests * 60 / minutes)
    doc["location_data"].update(
        unique_planets=planets,
        time_per_planet_minutes=split,
        location_events=[
            {"timestamp": start.isoformat(), "planet": p, "duration_minutes": m, "purpose": "combat_grinding"}
            for p, m in split.items()
        ],
    )
    doc["performance_metrics"].update(
        session_duration_minutes=minutes, efficiency_score=round(rng.uniform(5, 95), 1)
    )
    doc["metadata"].update(session_mode=rng.choice(MODES), character_name=character)
    return doc


def fill(storage: Storage, user_hash: str, count: int) -> float:
    rng, base = random.Random(10_000), template()
    started = time.perf_counter()
    for index in range(count):
        doc = session_document(base, index, rng)
        storage.upsert_session(user_hash, doc["session_id"], content_digest(doc), doc, datetime.now(UTC))
    return time.perf_counter() - started


def measure(client: httpx.Client, path: str, runs: int) -> tuple[float, float]:
    client.get(path).raise_for_status()  # warm-up: template compile, connection, caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def pages(count: int) -> list[tuple[str, str]]:
    last = (START + timedelta(hours=2.6 * count)).date()
    return [
        ("floor: GET /v1/info (no dashboard work)", "/v1/info"),
        ("overview, all sessions", "/dashboard/"),
        (
            "overview, one character, 90 days",
            f"/dashboard/?character={CHARACTERS[1]}&from={last - timedelta(days=90)}&to={last}",
        ),
        ("table, page 1 (newest first)", "/dashboard/sessions"),
        ("table, sorted by XP/h, page 200", "/dashboard/sessions?sort=xp_rate&dir=desc&page=200"),
        ("table, search 'naboo'", "/dashboard/sessions?q=naboo"),
        ("table, search month + mode", f"/dashboard/sessions?q={last:%Y-%m}&mode=combat"),
        ("session page", f"/dashboard/sessions/bench-{count // 2:05d}"),
        ("chart: XP/hour (SVG)", "/dashboard/charts/xp-rate.svg"),
        ("chart: time per planet (SVG)", "/dashboard/charts/planets.svg"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in a temp folder")
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        with Storage(url, server_secret=os.urandom(32)) as storage:
            user_hash, _ = storage.add_user("benchmark")
            print(
                f"storing {args.sessions} sessions ({storage.engine.dialect.name}) ...",
                file=sys.stderr,
                flush=True,
            )
            took = fill(storage, user_hash, args.sessions)
            print(f"stored in {took:.1f} s", file=sys.stderr)
            with (
                start_server(storage=storage) as running,
                httpx.Client(base_url=running.url, timeout=60, follow_redirects=True) as client,
            ):
                assert client.get(dashboard_link(storage, user_hash, running.url)).url.path == "/dashboard/"
                load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
                print(f"load average before: {load}", file=sys.stderr)
                print(
                    f"| page ({args.sessions:,} sessions, {storage.engine.dialect.name}) "
                    "| median ms | p95 ms |"
                )
                print("|---|---:|---:|")
                for label, path in pages(args.sessions):
                    median, p95 = measure(client, path, args.runs)
                    print(f"| {label} | {median:.1f} | {p95:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
