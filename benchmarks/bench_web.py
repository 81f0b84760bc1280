"""Benchmark of `comity serve`: first loads right after start, p99 right after start beside warm, and load.

Starts the server as a subprocess (uvicorn, 127.0.0.1, a free port) on a store built from the
upstream data (registry, General Assembly votes, the results ``comity build`` materialises) with
the development news corpus read into it (``$COMITY_SHARED``/corpus/news-dev, or ../shared), and
measures three things (``--part``):

* ``first-load``: every page (home, search, actor, coalition, story, document, votes) and the vote
  API endpoints the pages draw from (BRICS cohesion, an alignment of a set of states no page asks
  for, an agreement matrix, ideal points, blocs), each requested once with httpx right after the
  server answers its first ``/api/status``: the time a first visitor waits. Target: every one < 1 s.
* ``start``: a fresh server, then wrk (``-t2 -c50 --latency``) on the actor API for ``--wrk-seconds``
  at once ("right after start"), then again ("warm"). Target: p99 right after start within 2x of warm.
* ``load``: for each endpoint group (actor, coalition, alignment), every URL once (cold), then
  ``--clients`` concurrent httpx clients and a wrk pass; goal p99 < 50 ms at 50 clients.

Usage::

    python benchmarks/bench_web.py [--db STORE] [--part first-load,start,load] [--wrk-seconds 10]
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


def build_store(path: Path, scratch: Path) -> None:
    """A store as `comity build` makes it, with the development news corpus read into it as
    `comity read FILE --store` does (each text with its page metadata)."""
    from comity._build import build_store as build_everything
    from comity.news._corpus import annotated_jsonl
    from comity.store import Store

    with Store.open(path, read_only=False) as store:
        build_everything(store, progress=print)
    corpus = _corpus()
    if corpus is None:
        print("news corpus not found (set COMITY_SHARED): story and document pages skipped")
        return
    source = annotated_jsonl(corpus, scratch / "news-dev.jsonl")
    subprocess.run(
        [sys.executable, "-m", "comity.cli", "read", str(source), "--store", "--db", str(path)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _corpus() -> Path | None:
    from comity.news._corpus import corpus_root

    root = corpus_root()
    folder = None if root is None else root / "news-dev"
    return folder if folder is not None and folder.is_dir() else None


def first_load_targets(db: Path) -> list[tuple[str, str]]:
    """(label, URL) of every page and of the vote endpoints pages draw from; story and document ids
    are taken from the store (read-only, before the server starts)."""
    import duckdb

    targets = [
        ("home", "/"),
        ("search", "/search?q=united"),
        ("actor USA", "/actors/USA"),
        ("actor BRA", "/actors/BRA"),
        ("coalition BRICS", "/coalitions/BRICS"),
        ("coalition GoF", "/coalitions/GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"),
        ("coalition G7", "/coalitions/G7"),
        ("coalition UNSC", "/coalitions/UNSC"),
        ("votes", "/votes"),
        ("votes 1975", "/votes?states=ZAF,USA,NOR&year=1975"),
    ]
    with duckdb.connect(str(db), read_only=True) as con:
        has_docs = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'documents'"
        ).fetchone()
        if has_docs and has_docs[0]:
            story = con.execute(
                "SELECT coalesce(story_id, doc_id), count(*) AS n FROM documents "
                "GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1"
            ).fetchone()
            doc = con.execute("SELECT doc_id FROM documents ORDER BY doc_id LIMIT 1").fetchone()
            if story:
                targets.append((f"story ({story[1]} docs)", f"/stories/{story[0]}"))
            if doc:
                targets.append(("document", f"/documents/{doc[0]}"))
    targets += [
        ("API BRICS cohesion", "/api/votes/cohesion?group=BRICS"),
        ("API new alignment set", "/api/votes/alignment?states=NOR,SWE,FIN,ISL,DNK,EST"),
        ("API alignment pooled", "/api/votes/alignment?states=KEN,TZA,UGA&by=all&from=1991"),
        ("API agreement 2023", "/api/votes/agreement?year=2023&states=USA,CHN,RUS,FRA,GBR,IND,BRA"),
        ("API ideal points", "/api/votes/ideal?states=USA,CHN,RUS"),
        ("API blocs 2023", "/api/votes/blocs?year=2023"),
        ("API actor", "/api/actors/FRA"),
    ]
    return targets


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    """`comity serve` as a user starts it (no benchmark-only flag), waited for until it answers."""
    command = [
        sys.executable,
        "-m",
        "comity.cli",
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/api/status", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.1)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


def first_loads(db: Path) -> bool:
    """Each target once right after start; prints a table; True when every first load is < 1 s."""
    targets = first_load_targets(db)
    port = free_port()
    server = start_server(db, port)
    rows = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            for label, url in targets:
                started = time.perf_counter()
                response = client.get(url)
                rows.append((label, url, response.status_code, time.perf_counter() - started))
    finally:
        stop_server(server)
    print("first load of each page and endpoint, once each, right after the server started (httpx):")
    print(f"{'what':<24} {'status':>6} {'ms':>8}  url")
    for label, url, status, seconds in rows:
        print(f"{label:<24} {status:>6} {seconds * 1000:>8.0f}  {url}")
    worst = max(rows, key=lambda r: r[3])
    ok = all(r[3] < 1.0 and r[2] == 200 for r in rows)
    print(
        f"goal every first load < 1 s (status 200): {'met' if ok else 'NOT met'} "
        f"(slowest {worst[0]}: {worst[3] * 1000:.0f} ms)"
    )
    return ok


def start_versus_warm(db: Path, seconds: float, connections: int) -> bool:
    """wrk on the actor API right after a fresh start, then again warm; True when p99 after start
    is within 2x of warm."""
    if not shutil.which("wrk"):
        print("wrk not found (apt-get install wrk): start-versus-warm pass skipped")
        return False
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port)
    try:
        after_start = run_wrk(base, urls("actor"), connections, seconds)
        warm = run_wrk(base, urls("actor"), connections, seconds)
    finally:
        stop_server(server)
    print(
        f"actor API under wrk -t2 -c{connections} -d{seconds:.0f}s ({len(urls('actor'))} URLs in turn), "
        "right after start and then warm:"
    )
    print(f"{'when':<12} {'requests':>8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for name, run in (("after start", after_start), ("warm", warm)):
        print(
            f"{name:<12} {run['requests']:>8.0f} {run['rps']:>9.0f} {run['p50']:>8.1f} {run['p99']:>8.1f} "
            f"{run['errors']:>6.0f}"
        )
    ratio = after_start["p99"] / warm["p99"] if warm["p99"] else float("inf")
    ok = ratio <= 2.0 and after_start["errors"] == 0 and warm["errors"] == 0
    print(f"p99 after start / p99 warm = {ratio:.2f}; goal within 2x: {'met' if ok else 'NOT met'}")
    return ok


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
    parser.add_argument("--db", type=Path, help="Store to serve (default: build one from the upstream data).")
    parser.add_argument(
        "--part",
        default="first-load,start",
        help="Parts, comma-separated: first-load, start (wrk after start vs warm), load.",
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000, help="Requests per endpoint group.")
    parser.add_argument("--time-limit", type=float, default=60.0, help="Seconds per endpoint group at most.")
    parser.add_argument("--processes", type=int, default=2, help="Client processes sharing the clients.")
    parser.add_argument("--wrk-seconds", type=float, default=10.0, help="Seconds per wrk run.")
    args = parser.parse_args()
    parts = {p.strip() for p in args.part.split(",") if p.strip()}
    unknown = parts - {"first-load", "start", "load"}
    if unknown:
        raise SystemExit(f"unknown --part {', '.join(sorted(unknown))}: use first-load, start, load")
    if args.db is not None and not args.db.is_file():
        raise SystemExit(
            f"--db {args.db}: no store there. Build one with `comity build --db {args.db}` and read a corpus "
            "into it, or leave out --db to have the benchmark build its own."
        )

    with tempfile.TemporaryDirectory() as scratch:
        db = args.db
        if db is None:
            db = Path(scratch) / "comity.duckdb"
            started = time.perf_counter()
            build_store(db, Path(scratch))
            print(
                f"built a store (comity build, then the news corpus) in {time.perf_counter() - started:.1f} s"
            )
        print(f"{os.cpu_count()} cores shared by all; load average before: {os.getloadavg()[0]:.1f}")
        if "first-load" in parts:
            first_loads(db)
        if "start" in parts:
            start_versus_warm(db, args.wrk_seconds, args.clients)
        if "load" in parts:
            load_test(db, args)


def load_test(db: Path, args: argparse.Namespace) -> None:
    """Concurrent httpx clients, then wrk, per endpoint group, on a warmed-up server."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port)
    try:
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
            print(f"{'endpoint':<10} {'requests':>8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
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
                print(f"goal p99 < 50 ms, no errors, {group}, wrk: {verdict} (p99 {wrk_p99[group]:.1f} ms)")
    finally:
        stop_server(server)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    main()
