#!/usr/bin/env python3
"""Upload benchmark: sessions/s end to end (files → sanitize → serialize → outbox → signed HTTP → server SQLite).

    .venv/bin/python benchmarks/upload.py                   # 1,000 small sessions per case
    .venv/bin/python benchmarks/upload.py --sessions 200    # quicker

Cases: one request per session vs batches of 100, each uncompressed and gzip-compressed, next to two floors
on the same server: a raw loop of *unsigned* POSTs of the same bytes (the server refuses them at the
signature check: pure HTTP round trips) and a loop of signed uploads of pre-serialized bodies (what storing
costs, without reading files or the outbox). Every case gets a fresh server database and a fresh bridge
folder, so every session is really created. The server runs in-process (uvicorn on a thread), as in the
demo. Not a test: figures go to BENCHMARKS.md ("## upload").
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from swgdb_bridge import SessionUploader, UploadConfig
from swgdb_bridge.paths import HOME_ENV


def write_sessions(folder: Path, count: int) -> list[Path]:
    """``count`` small tracker-shape sessions (20 action lines each, with chat and encounters)."""
    from swgdb_bridge.samples import generate_tracker_session

    folder.mkdir(parents=True)
    rng = random.Random(1000)
    paths = []
    for index in range(count):
        path = folder / f"session_{index:05d}.json"
        path.write_bytes(orjson.dumps(generate_tracker_session(rng, index=index, n_actions=20)))
        paths.append(path)
    return paths


@contextmanager
def fresh_server(workdir: Path, name: str) -> Iterator[tuple[object, str, str, str]]:
    """A server on its own database, a user, and a bridge home of its own; yields (server, api_url, hash, key)."""
    from swgdb_bridge.server.runner import start_server
    from swgdb_bridge.server.settings import ServerSettings

    case = workdir / name
    case.mkdir()
    os.environ[HOME_ENV] = str(case / "home")
    settings = ServerSettings(rate_limit_requests=10**9, max_batch_sessions=100)
    running = start_server(f"sqlite:///{case / 'server.db'}", settings=settings)
    try:
        user_hash, api_key = running.storage.add_user("bench")
        yield running, f"{running.url}/v1", user_hash, api_key
    finally:
        running.stop()


def timed(action: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    count = action()
    return time.perf_counter() - started, count


def end_to_end(workdir: Path, folder: Path, name: str, *, batch: bool, compress: bool) -> tuple[float, int]:
    with fresh_server(workdir, name) as (_, api_url, user_hash, api_key):
        config = UploadConfig(swgdb_api_url=api_url, api_key=api_key, user_hash=user_hash, session_dirs=[folder])
        uploader = SessionUploader(config, batch=batch, compress_threshold=0 if compress else None)

        def run() -> int:
            report = uploader.run()
            assert report.ok and report.uploaded > 0, report.as_dict()
            return report.uploaded

        try:
            return timed(run)
        finally:
            uploader.close()


def serialized_bodies(folder: Path) -> list[bytes]:
    from swgdb_bridge.serialize import SessionLogSerializer
    from swgdb_bridge.sources import read_session

    serializer = SessionLogSerializer()
    return [serializer.serialize(read_session(p)).to_json_bytes() for p in sorted(folder.iterdir())]


def raw_unsigned(workdir: Path, bodies: list[bytes]) -> tuple[float, int]:
    import httpx

    with fresh_server(workdir, "raw-unsigned") as (_, api_url, _hash, _key), httpx.Client() as http:
        url = f"{api_url}/sessions/upload"
        headers = {"Content-Type": "application/json"}

        def run() -> int:
            for body in bodies:
                assert http.post(url, content=body, headers=headers).status_code == 401
            return len(bodies)

        return timed(run)


def signed_loop(workdir: Path, bodies: list[bytes]) -> tuple[float, int]:
    from swgdb_bridge.client import SWGDBAPIClient

    with fresh_server(workdir, "signed-loop") as (_, api_url, user_hash, api_key):
        with SWGDBAPIClient(api_url, api_key, user_hash, compress_threshold=None) as client:

            def run() -> int:
                for body in bodies:
                    assert client.send_session(body).status == "created"
                return len(bodies)

            return timed(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="swgdb-bench-") as tmp:
        workdir = Path(tmp)
        folder = workdir / "sessions"
        write_sessions(folder, args.sessions)
        os.environ[HOME_ENV] = str(workdir / "serializer-home")
        bodies = serialized_bodies(folder)
        size = sum(map(len, bodies)) / len(bodies)
        rows = [
            ("raw unsigned POST loop (HTTP floor, nothing stored)", *raw_unsigned(workdir, bodies)),
            ("signed upload loop, pre-serialized (no files, no outbox)", *signed_loop(workdir, bodies)),
        ]
        for batch in (False, True):
            for compress in (False, True):
                label = f"end to end, {'batches of 100' if batch else 'one request per session'}, " + (
                    "gzip" if compress else "uncompressed")
                name = f"e2e-{'batch' if batch else 'single'}-{'gzip' if compress else 'plain'}"
                rows.append((label, *end_to_end(workdir, folder, name, batch=batch, compress=compress)))
    floor = rows[0][2] / rows[0][1]
    print(f"{args.sessions} sessions, {size / 1024:.1f} KiB average payload, Python {sys.version.split()[0]}\n")
    print("| case | seconds | sessions/s | vs raw loop |")
    print("|---|---:|---:|---:|")
    for label, seconds, count in rows:
        rate = count / seconds
        print(f"| {label} | {seconds:.2f} | {rate:,.0f} | {rate / floor:.0%} |")


if __name__ == "__main__":
    main()
