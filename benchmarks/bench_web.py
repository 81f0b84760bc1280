"""Load benchmark of `comity serve`: concurrent clients on loopback against the JSON API.

Starts the server as a subprocess (uvicorn, 127.0.0.1, a free port) on a store built from the
shipped data, then, for each endpoint group (actor, coalition, alignment):

1. warm-up: every distinct URL of the group once, one at a time (the first answer of a URL is
   computed, later ones come from the server's cache); these cold latencies are printed apart;
2. load: ``--clients`` concurrent clients (httpx.AsyncClient, keep-alive) send ``--requests``
   requests in all, cycling over the group's URLs, within ``--time-limit`` seconds.

Prints throughput, p50, p99 and maximum latency and the number of errors (any status other
than 200, or a failed request). Goal: p99 < 50 ms at 50 clients for the actor and coalition
endpoints, with no errors.

Usage::

    python benchmarks/bench_web.py [--db STORE] [--clients 50] [--requests 5000] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

STATES = [
    "USA",
    "CHN",
    "RUS",
    "FRA",
    "GBR",
    "DEU",
    "IND",
    "BRA",
    "ZAF",
    "JPN",
    "CAN",
    "MEX",
    "ARG",
    "NGA",
    "EGY",
    "IRN",
    "ISR",
    "PSE",
    "TUR",
    "SAU",
    "IDN",
    "PAK",
    "KOR",
    "PRK",
    "AUS",
    "NZL",
    "ITA",
    "ESP",
    "POL",
    "UKR",
    "BLR",
    "KAZ",
    "CUB",
    "VEN",
    "BOL",
    "NIC",
    "SYR",
    "DZA",
    "AGO",
    "KHM",
    "ERI",
    "LAO",
    "VCT",
    "ETH",
    "KEN",
    "NOR",
    "SWE",
    "CHE",
    "VAT",
    "XKX",
    "TWN",
    "SUN",
    "YUG",
    "DDR",
]
BODIES = [
    "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER",
    "ALLIANCE_FOR_MULTILATERALISM",
    "UNSC",
    "UN",
    "WHO",
    "UNESCO",
    "UNHRC",
    "PARIS_AGREEMENT",
    "JCPOA",
    "BRICS",
    "G7",
    "G20",
    "SCO",
    "EU",
    "NATO",
    "AU",
    "ASEAN",
    "NAM",
    "G77",
]
TRIPLES = [
    ("USA", "CHN", "RUS"),
    ("USA", "GBR", "FRA"),
    ("CHN", "RUS", "IND"),
    ("BRA", "IND", "ZAF"),
    ("DEU", "FRA", "ITA"),
    ("IRN", "SYR", "PRK"),
    ("USA", "ISR", "CAN"),
    ("CUB", "VEN", "NIC"),
    ("JPN", "KOR", "AUS"),
    ("EGY", "SAU", "TUR"),
]


def urls(group: str) -> list[str]:
    if group == "actor":
        return [f"/api/actors/{state}" for state in STATES]
    if group == "coalition":
        return [f"/api/coalitions/{body}" for body in BODIES]
    return [f"/api/votes/alignment?states={','.join(t)}&from=1991" for t in TRIPLES]


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0

    def merge(self, other: Result) -> None:
        self.latencies += other.latencies
        self.server += other.server
        self.errors += other.errors
        self.wall = max(self.wall, other.wall)

    def line(self, name: str) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        if not ms:
            return f"{name:<10} no successful request, {self.errors} errors"
        p50 = statistics.median(ms)
        p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
        rate = (len(ms) + self.errors) / self.wall if self.wall else 0.0
        return (
            f"{name:<10} {len(ms) + self.errors:>7} {rate:>9.0f} {p50:>8.1f} {p99:>8.1f} {ms[-1]:>8.1f} "
            f"{self.errors:>6} {_percentile(self.server, 50):>8.2f} {_percentile(self.server, 99):>8.2f}"
        )


def _percentile(values_ms: list[float], q: float) -> float:
    ordered = sorted(values_ms)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


async def warm_up(base: str, targets: list[str]) -> list[float]:
    cold = []
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for url in targets:
            start = time.perf_counter()
            response = await client.get(url)
            cold.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"warm-up: {url} answered {response.status_code}: {response.text[:200]}")
    return cold


async def load(
    base: str, targets: list[str], clients: int, total: int, time_limit: float, start_at: float | None = None
) -> Result:
    """Closed loop: each client sends its next request as soon as the last one is answered."""
    result = Result()
    cycle: Iterator[str] = itertools.cycle(targets)
    remaining = total
    # One client (one keep-alive connection) per simulated user: a shared pool of 50 connections
    # costs httpx more CPU per request than the server spends answering it.
    sessions = [httpx.AsyncClient(base_url=base, timeout=30) for _ in range(clients)]
    # Connect every client first (untimed), then start all client processes at the same moment.
    await asyncio.gather(*(client.get("/api/status") for client in sessions))
    if start_at is not None:
        await asyncio.sleep(max(0.0, start_at - time.time()))
    deadline = time.perf_counter() + time_limit

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal remaining
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            url = next(cycle)
            start = time.perf_counter()
            try:
                response = await client.get(url)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            elapsed = time.perf_counter() - start
            if ok:
                result.latencies.append(elapsed)
                timing = response.headers.get("server-timing", "")
                if "dur=" in timing:
                    result.server.append(float(timing.split("dur=")[1]))
            else:
                result.errors += 1

    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker(client) for client in sessions))
    finally:
        result.wall = time.perf_counter() - started
        for client in sessions:
            await client.aclose()
    return result


def _load_in_process(args: tuple[str, list[str], int, int, float, float]) -> Result:
    return asyncio.run(load(*args))


def run_load(
    base: str, targets: list[str], clients: int, total: int, time_limit: float, processes: int
) -> Result:
    """``clients`` concurrent clients split over ``processes`` client processes (Python's client is
    slower per request than the server, so one process cannot keep 50 connections busy)."""
    from concurrent.futures import ProcessPoolExecutor

    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    start_at = time.time() + 3.0  # time for the client processes to start and connect
    jobs = [
        (base, targets, share, total * share // clients, time_limit, start_at) for share in shares if share
    ]
    merged = Result()
    with ProcessPoolExecutor(max_workers=len(jobs)) as pool:
        for part in pool.map(_load_in_process, jobs):
            merged.merge(part)
    return merged


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build_store(path: Path) -> None:
    from comity._build import build_store as build_everything
    from comity.store import Store

    with Store.open(path, read_only=False) as store:
        build_everything(store, news=False)


_WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""

_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(base: str, targets: list[str], connections: int, seconds: float) -> dict[str, float]:
    """Load ``targets`` in turn with wrk; requests, req/s, p50 and p99 in ms, errors."""
    paths = ", ".join(json.dumps(t if t.startswith("/") else "/" + t.split("/", 3)[-1]) for t in targets)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % paths)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--latency", "-s", script.name, base],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script.name)

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(match.group(1)) * _WRK_UNITS[match.group(2)] if match else float("nan")

    requests = re.search(r"(\d+) requests in", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket.groups())) if socket else 0)
    return {
        "requests": float(requests.group(1)) if requests else 0.0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": float(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="Store to serve (default: build one from the shipped data).")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000, help="Requests per endpoint group.")
    parser.add_argument("--time-limit", type=float, default=60.0, help="Seconds per endpoint group at most.")
    parser.add_argument("--processes", type=int, default=2, help="Client processes sharing the clients.")
    parser.add_argument("--wrk-seconds", type=float, default=10.0, help="Seconds per group for the wrk pass.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        db = args.db
        if db is None:
            db = Path(scratch) / "comity.duckdb"
            started = time.perf_counter()
            build_store(db)
            print(f"built a store from the shipped data in {time.perf_counter() - started:.1f} s")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [
            sys.executable,
            "-m",
            "comity.cli",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--no-precompute",
            "--log-level",
            "warning",
        ]
        server = subprocess.Popen(command, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/api/status", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
            loops = "uvloop" if _has("uvloop") else "asyncio"
            parsers = "httptools" if _has("httptools") else "h11"
            print(
                f"server: uvicorn ({loops}, {parsers}), 1 process, on {base}; clients: {args.clients} "
                f"httpx.AsyncClient over {args.processes} processes; {os.cpu_count()} cores shared by all; "
                f"load average before: {os.getloadavg()[0]:.1f}"
            )
            print("latency: end to end at the client; server ms: time inside the app (Server-Timing header)")
            print(
                f"{'endpoint':<10} {'requests':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
                f"{'errors':>6} {'srv p50':>8} {'srv p99':>8}"
            )
            results = {}
            for group in ("actor", "coalition", "alignment"):
                targets = urls(group)
                cold = asyncio.run(warm_up(base, targets))
                result = run_load(base, targets, args.clients, args.requests, args.time_limit, args.processes)
                results[group] = result
                print(
                    result.line(group) + f"   (cold, first request of each of {len(targets)} URLs: median "
                    f"{statistics.median(cold) * 1000:.0f} ms, max {max(cold) * 1000:.0f} ms)"
                )
            wrk_p99: dict[str, float] = {}
            if shutil.which("wrk"):
                # A load generator in C takes far less of the two shared cores than the Python
                # client, so its figures say more about the server.
                print(f"wrk: {args.clients} connections, 2 threads, {args.wrk_seconds:.0f} s per group")
                print(
                    f"{'endpoint':<10} {'requests':>8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
                )
                for group in ("actor", "coalition", "alignment"):
                    run = run_wrk(base, urls(group), args.clients, args.wrk_seconds)
                    wrk_p99[group] = run["p99"] if run["errors"] == 0 else float("inf")
                    print(
                        f"{group:<10} {run['requests']:>8.0f} {run['rps']:>9.0f} {run['p50']:>8.1f} "
                        f"{run['p99']:>8.1f} {run['errors']:>6.0f}"
                    )
            else:
                print("wrk not found (apt-get install wrk): C load generator pass skipped")
            for group in ("actor", "coalition"):
                ms = sorted(x * 1000 for x in results[group].latencies)
                p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))] if ms else float("inf")
                verdict = "met" if p99 < 50 and results[group].errors == 0 else "NOT met"
                print(f"goal p99 < 50 ms, no errors, {group}, httpx clients: {verdict} (p99 {p99:.1f} ms)")
                if group in wrk_p99:
                    verdict = "met" if wrk_p99[group] < 50 else "NOT met"
                    print(
                        f"goal p99 < 50 ms, no errors, {group}, wrk: {verdict} (p99 {wrk_p99[group]:.1f} ms)"
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    main()
