#!/usr/bin/env python3
"""Upload benchmark: sessions/s end to end (files → sanitize → serialize → outbox → signed HTTP → server SQLite).

    .venv/bin/python benchmarks/upload.py                   # 1,000 small sessions per case
    .venv/bin/python benchmarks/upload.py --sessions 200    # quicker
    .venv/bin/python benchmarks/upload.py --latency-ms 50   # as if the server were 50 ms away

Cases: one request per session vs batches of 100, each uncompressed and gzip-compressed, next to two floors
on the same server: a raw loop of *unsigned* POSTs of the same bytes (the server refuses them at the
signature check: pure HTTP round trips) and a loop of signed uploads of pre-serialized bodies (what storing
costs, without reading files or the outbox). Every case gets a fresh server database and a fresh bridge
folder, so every session is really created. The server runs under uvicorn in a child process of its own
(as ``swgdb-bridge server run`` would), with the rate limit lifted so that it measures speed, not policy.
Not a test: figures go to BENCHMARKS.md ("## upload").
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # a script: the imports below need it first

from swgdb_bridge import SessionUploader, UploadConfig  # noqa: E402
from swgdb_bridge.paths import HOME_ENV  # noqa: E402


def write_sessions(folder: Path, count: int) -> list[Path]:
    """``count`` small tracker-shape sessions (20 action lines each, with chat and encounters)."""
    from swgdb_bridge.demo.samples import generate_tracker_session

    folder.mkdir(parents=True)
    rng = random.Random(1000)
    paths = []
    for index in range(count):
        path = folder / f"session_{index:05d}.json"
        path.write_bytes(orjson.dumps(generate_tracker_session(rng, index=index, n_actions=20)))
        paths.append(path)
    return paths


def serve(database_url: str, port: int, latency: float) -> None:
    """Child process: the reference app on ``port``, rate limit lifted, until terminated; each request is
    answered ``latency`` seconds late (a network round trip, without a network)."""
    import asyncio

    import uvicorn

    from swgdb_bridge.server.app import create_app
    from swgdb_bridge.server.db.storage import Storage
    from swgdb_bridge.server.settings import ServerSettings

    settings = ServerSettings(rate_limit_requests=10**9, max_batch_sessions=100)
    app = create_app(Storage(database_url), settings, dashboard=False)

    async def late(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(latency)
        await app(scope, receive, send)

    uvicorn.run(late if latency else app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def fresh_server(workdir: Path, name: str, latency: float) -> Iterator[tuple[str, str, str]]:
    """A server process on its own database, a user, and a bridge home of its own; yields (api_url, hash, key)."""
    import httpx

    from swgdb_bridge.server.db.storage import Storage

    case = workdir / name
    case.mkdir()
    os.environ[HOME_ENV] = str(case / "home")  # the server secret and the bridge state, shared with the child
    database_url = f"sqlite:///{case / 'server.db'}"
    with Storage(database_url) as storage:
        user_hash, api_key = storage.add_user("bench")
    port = free_port()
    child = subprocess.Popen([sys.executable, __file__, "--serve", database_url, str(port), str(latency)])
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/info").raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or child.poll() is not None:
                    raise RuntimeError("the benchmark server did not start") from None
                time.sleep(0.1)
        yield url, user_hash, api_key
    finally:
        child.terminate()
        child.wait(timeout=30)


def timed(action: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    count = action()
    return time.perf_counter() - started, count


def end_to_end(
    workdir: Path, folder: Path, name: str, *, batch: bool, compress: bool, latency: float
) -> tuple[float, int, float]:
    """Seconds and sessions for the whole run, and the seconds left after the last session was read (whole
    batches travel while later files are still being read: what is left is the last of the sending)."""
    with fresh_server(workdir, name, latency) as (api_url, user_hash, api_key):
        config = UploadConfig(
            swgdb_api_url=api_url, api_key=api_key, user_hash=user_hash, session_dirs=[folder]
        )
        uploader = SessionUploader(
            config, batch=batch, workers=None, compress_threshold=0 if compress else None
        )
        read_at: list[float] = []

        def progress(phase: str, done: int, total: int) -> None:
            if phase == "reading" and done == total:
                read_at.append(time.perf_counter())

        def run() -> int:
            report = uploader.run(progress=progress)
            assert report.ok and report.uploaded > 0, report.as_dict()
            return report.uploaded

        try:
            seconds, count = timed(run)
        finally:
            uploader.close()
        return seconds, count, time.perf_counter() - read_at[-1]


def serialized_bodies(folder: Path) -> list[bytes]:
    from swgdb_bridge.serialize import SessionLogSerializer
    from swgdb_bridge.sources import read_session

    serializer = SessionLogSerializer()
    return [serializer.serialize(read_session(p)).to_json_bytes() for p in sorted(folder.iterdir())]


def raw_unsigned(workdir: Path, bodies: list[bytes], latency: float) -> tuple[float, int]:
    import httpx

    with fresh_server(workdir, "raw-unsigned", latency) as (api_url, _hash, _key), httpx.Client() as http:
        url = f"{api_url}/sessions/upload"
        headers = {"Content-Type": "application/json"}

        def run() -> int:
            for body in bodies:
                assert http.post(url, content=body, headers=headers).status_code == 401
            return len(bodies)

        return timed(run)


def signed_loop(workdir: Path, bodies: list[bytes], latency: float) -> tuple[float, int]:
    from swgdb_bridge.upload.client import SWGDBAPIClient

    with (
        fresh_server(workdir, "signed-loop", latency) as (api_url, user_hash, api_key),
        SWGDBAPIClient(api_url, api_key, user_hash, compress_threshold=None) as client,
    ):

        def run() -> int:
            for body in bodies:
                assert client.send_session(body).status == "created"
            return len(bodies)

        return timed(run)


Row = tuple[str, float, int, float | None]  # case, seconds, sessions, seconds after the last file was read


def measure(sessions: int, latency: float, batches_only: bool) -> tuple[float, list[Row]]:
    """The average payload size, and one row per case."""
    with tempfile.TemporaryDirectory(prefix="swgdb-bench-") as tmp:
        workdir = Path(tmp)
        folder = workdir / "sessions"
        write_sessions(folder, sessions)
        os.environ[HOME_ENV] = str(workdir / "serializer-home")
        bodies = serialized_bodies(folder)
        rows: list[Row] = []
        if not batches_only:
            rows.append(
                (
                    "raw unsigned POST loop (HTTP floor, nothing stored)",
                    *raw_unsigned(workdir, bodies, latency),
                    None,
                )
            )
            rows.append(
                (
                    "signed upload loop, pre-serialized (no files, no outbox)",
                    *signed_loop(workdir, bodies, latency),
                    None,
                )
            )
        for batch in (True,) if batches_only else (False, True):
            for compress in (False, True):
                label = f"end to end, {'batches of 100' if batch else 'one request per session'}, " + (
                    "gzip" if compress else "uncompressed"
                )
                name = f"e2e-{'batch' if batch else 'single'}-{'gzip' if compress else 'plain'}"
                run = end_to_end(workdir, folder, name, batch=batch, compress=compress, latency=latency)
                rows.append((label, *run))
        return sum(map(len, bodies)) / len(bodies), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="answer each request this late (a distant server)"
    )
    parser.add_argument(
        "--batches-only", action="store_true", help="only the batched cases (no floors: no ratio column)"
    )
    parser.add_argument(
        "--serve", nargs=3, metavar=("DATABASE_URL", "PORT", "LATENCY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), float(args.serve[2]))
        return
    size, rows = measure(args.sessions, args.latency_ms / 1000, args.batches_only)
    floor = None if args.batches_only else rows[0][2] / rows[0][1]
    print(
        f"{args.sessions} sessions, {size / 1024:.1f} KiB average payload, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, {args.latency_ms:g} ms added to each request\n"
    )
    print("| case | seconds | sessions/s | vs raw loop | of which after the last file was read |")
    print("|---|---:|---:|---:|---:|")
    for label, seconds, count, after_reading in rows:
        rate = count / seconds
        ratio = f"{rate / floor:.0%}" if floor else "–"
        left = f"{after_reading:.2f} s" if after_reading is not None else ""
        print(f"| {label} | {seconds:.2f} | {rate:,.0f} | {ratio} | {left} |")


if __name__ == "__main__":
    main()
