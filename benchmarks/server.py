#!/usr/bin/env python3
"""Server benchmark: signed uploads/s and request latency (p50/p99) with 1, 8 and 32 concurrent clients.

    .venv/bin/python benchmarks/server.py                       # SQLite (temp folder)
    .venv/bin/python benchmarks/server.py --postgres            # + a throwaway PostgreSQL cluster
    .venv/bin/python benchmarks/server.py --database-url postgresql+psycopg://USER@HOST/DB
    .venv/bin/python benchmarks/server.py --quick               # fewer requests
    .venv/bin/python benchmarks/server.py --workers 1,2,4       # `server run --workers N` on PostgreSQL

Cases per database: one session per request ("single") and 100 per request ("batch"), next to the server's
floor: the same number of *unsigned* POSTs of the same bytes to a no-op route that only this benchmark mounts
(same app, middleware and uvicorn; no verification, parsing or storage). "server CPU ms/request" is the
process's CPU time less the client threads' own (so SQLite's work counts, a PostgreSQL server's does not):
compare it with the no-op row of the same run, since the shared machine's load moves the absolute figures. Every client is its own user with
its own HTTP connection; every session id is new, so every upload really creates a row. The server runs
in-process (uvicorn on a thread, our runner) on loopback, so client and server share the 2 cores.
Not a test: the figures go to BENCHMARKS.md ("## server").
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]  # a script: the imports below need these first

from fixtures.payloads import make_document  # noqa: E402
from swgdb_bridge import protocol  # noqa: E402
from swgdb_bridge.payload import SessionPayload  # noqa: E402
from swgdb_bridge.server.app import create_app  # noqa: E402
from swgdb_bridge.server.db.storage import Storage  # noqa: E402
from swgdb_bridge.server.runner import serve  # noqa: E402
from swgdb_bridge.server.settings import ServerSettings  # noqa: E402

CLIENTS = (1, 8, 32)
BATCH = 100
SETTINGS = ServerSettings(rate_limit_requests=10**9, validate_per_ip_requests=10**9)
NOOP = "/bench/noop"


@dataclass
class Result:
    database: str
    case: str
    clients: int
    requests: int
    sessions: int
    seconds: float
    latencies: list[float]
    server_cpu: float | None = None
    """Seconds of CPU the server spent on the run (all its threads, not the client threads'), if measured."""

    def row(self) -> str:
        cuts = (
            statistics.quantiles(self.latencies, n=100, method="inclusive")
            if len(self.latencies) > 1
            else [0] * 99
        )
        rate = self.sessions / self.seconds if self.sessions else self.requests / self.seconds
        unit = "sessions" if self.sessions else "requests"
        return (
            f"| {self.database} | {self.case} | {self.clients} | {self.requests:,} | {self.seconds:.2f} | "
            f"{rate:,.0f} {unit}/s | {cuts[49] * 1000:.1f} | {cuts[98] * 1000:.1f} |{self._cpu_cell()}"
        )

    def _cpu_cell(self) -> str:
        if self.server_cpu is None:
            return ""
        return f" {self.server_cpu * 1000 / self.requests:.2f} |"


class Bench:
    """One server on one database, plus the request loops that measure it."""

    def __init__(self, database_url: str, label: str) -> None:
        self.label = label
        self.storage = Storage(database_url, server_secret=os.urandom(32))
        app = create_app(self.storage, SETTINGS, dashboard=False)

        async def noop() -> None:
            return None

        app.add_api_route(NOOP, noop, methods=["POST"], status_code=204, include_in_schema=False)
        self.served = serve(app)
        self.runs = 0

    def close(self) -> None:
        self.served.stop()
        self.storage.close()

    def run(self, case: str, clients: int, requests: int) -> Result:
        """``requests`` requests spread over ``clients`` threads, each with its own user and connection."""
        self.runs += 1
        per_client = requests // clients
        latencies: list[float] = []
        client_cpu: list[float] = []
        lock = threading.Lock()
        start = threading.Barrier(clients + 1)

        def client(index: int) -> None:
            user_hash, api_key = self.storage.add_user(f"bench-{self.runs}-{index}")
            bodies = [self._body(case, f"r{self.runs}-c{index}-{n}") for n in range(per_client)]
            send = self._sender(case, user_hash, api_key)
            mine = []
            with httpx.Client(base_url=self.served.url, timeout=120) as http:
                _expect(http.get("/v1/info"), 200)  # open the connection before the clock starts
                start.wait()
                cpu_began = time.thread_time()
                for body in bodies:
                    began = time.perf_counter()
                    send(http, body)
                    mine.append(time.perf_counter() - began)
                cpu = time.thread_time() - cpu_began
            with lock:
                latencies.extend(mine)
                client_cpu.append(cpu)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        start.wait()
        began, cpu_began = time.perf_counter(), time.process_time()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
        server_cpu = time.process_time() - cpu_began - sum(client_cpu)
        sessions = {"single": 1, "batch": BATCH, "noop": 0}[case] * per_client * clients
        return Result(
            self.label, case, clients, per_client * clients, sessions, seconds, latencies, server_cpu
        )

    @staticmethod
    def _body(case: str, prefix: str) -> bytes:
        """What the client sends: each payload as the model dumps it (``to_json_bytes``: sorted keys)."""
        if case == "batch":
            sessions = [_sent(f"{prefix}-{i}") for i in range(BATCH)]
            return orjson.dumps({"sessions": sessions}, option=orjson.OPT_SORT_KEYS)
        return orjson.dumps(_sent(prefix), option=orjson.OPT_SORT_KEYS)

    @staticmethod
    def _sender(case: str, user_hash: str, api_key: str) -> Callable[[httpx.Client, bytes], None]:
        if case == "noop":

            def unsigned(http: httpx.Client, body: bytes) -> None:
                _expect(http.post(NOOP, content=body), 204)

            return unsigned
        path = {"single": "/v1/sessions/upload", "batch": "/v1/sessions/batch-upload"}[case]
        status = 201 if case == "single" else 200

        def signed(http: httpx.Client, body: bytes) -> None:
            headers = protocol.sign_request(api_key, user_hash, "POST", path, body)
            _expect(http.post(path, content=body, headers=headers), status)

        return signed


def _sent(session_id: str) -> dict[str, Any]:
    return SessionPayload.model_validate(make_document(session_id)).to_document()


def _expect(response: httpx.Response, status: int) -> None:
    if response.status_code != status:
        raise SystemExit(f"benchmark request failed: {response.status_code} {response.text[:300]}")


@contextmanager
def databases(args: argparse.Namespace) -> Iterator[list[tuple[str, str]]]:
    with tempfile.TemporaryDirectory(prefix="swgdb-bench-") as tmp:
        found = [("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}")]
        if args.database_url:
            found.append(("PostgreSQL", args.database_url))
        if not args.postgres:
            yield found
            return
        from fixtures.postgres import PostgresCluster, find_pg_bin

        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise SystemExit("--postgres: no PostgreSQL binaries found under /usr/lib/postgresql")
        cluster = PostgresCluster(bin_dir)
        cluster.start()
        try:
            yield [*found, ("PostgreSQL", cluster.new_database())]
        finally:
            cluster.stop()


class WorkersBench(Bench):
    """The same load against ``swgdb-bridge server run --workers N``: real worker processes, in a subprocess.

    The no-op floor needs a route only the in-process app has, so this mode measures uploads only, plus the
    server's CPU time per request (all its processes, from /proc): the per-request cost that decides how
    many workers a machine can feed.
    """

    def __init__(self, database_url: str, workers: int) -> None:
        secret = os.urandom(24).hex()
        self.label = f"PostgreSQL, {workers} worker{'s' * (workers > 1)}"
        self.storage = Storage(database_url, server_secret=secret.encode())
        port = _free_port()
        env = {**os.environ, "SWGDB_SERVER_SECRET": secret, "SWGDB_RATE_LIMIT": str(10**9)}
        command = [
            sys.executable,
            "-m",
            "swgdb_bridge",
            "server",
            "run",
            "--port",
            str(port),
            "--database-url",
            database_url,
            "--workers",
            str(workers),
        ]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.served = _Remote(f"http://127.0.0.1:{port}")
        self.runs = 0
        _wait_ready(self.served.url, self.process)

    def close(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.storage.close()

    def server_cpu_seconds(self) -> float:
        return sum(_cpu_seconds(pid) for pid in _process_tree(self.process.pid))


@dataclass
class _Remote:
    url: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                time.sleep(1.0)  # the other workers finish starting too
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server run at {url} did not become ready")


def _process_tree(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            queue.extend(int(child) for child in task.read_text().split())
    return found


def _cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds (fields 14 and 15 of /proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load_average() -> str:
    """The machine's 1/5/15-minute load: the 2 cores are shared, so every figure needs it beside it."""
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def run_workers_mode(args: argparse.Namespace) -> None:
    counts = [int(n) for n in args.workers.split(",")]
    single, batch = (192, 32) if args.quick else (960, 96)
    print(f"load average {_load_average()}")
    print(
        "| server | case | clients | requests | wall s | throughput | p50 ms | p99 ms | server CPU ms/request |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    args.postgres = args.postgres or not args.database_url
    with databases(args) as targets:
        url = targets[-1][1]
        for workers in counts:
            bench = WorkersBench(url, workers)
            try:
                for clients in (1, 8, 32):
                    for case, requests in (("single", single), ("batch", batch)):
                        before = bench.server_cpu_seconds()
                        result = bench.run(case, clients, requests)
                        cost = (bench.server_cpu_seconds() - before) * 1000 / result.requests
                        print(f"{result.row()} {cost:.2f} |", flush=True)
            finally:
                bench.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="also measure this (PostgreSQL) database")
    parser.add_argument("--postgres", action="store_true", help="also measure a throwaway local PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="a quarter of the requests")
    parser.add_argument("--workers", help="e.g. 1,2,4: `server run --workers N` on PostgreSQL instead")
    args = parser.parse_args()
    if args.workers:
        run_workers_mode(args)
        return
    single, batch = (192, 32) if args.quick else (960, 96)
    print(f"load average {_load_average()}")
    print(
        "| database | case | clients | requests | wall s | throughput | p50 ms | p99 ms | server CPU ms/request |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    with databases(args) as targets:
        for label, url in targets:
            bench = Bench(url, label)
            try:
                for clients in CLIENTS:
                    for case, requests in (("noop", single), ("single", single), ("batch", batch)):
                        print(bench.run(case, clients, requests).row(), flush=True)
            finally:
                bench.close()
    print(f"load average {_load_average()}")


if __name__ == "__main__":
    main()
