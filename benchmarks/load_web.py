"""Load benchmark for the web API under `qa-bot serve` (real gunicorn, 127.0.0.1 only).

Starts `qa-bot serve` on a free local port with a temporary index, then drives it with a bounded
client: C threads, each with one keep-alive http.client connection, for a fixed time per phase.
Phases alternate between a trivial JSON endpoint (GET /api/health) and POST /api/ask with the
questions of the shared dev set, so both are measured in the same run on the same server.
Prints requests/s, p50/p99 latency and errors for each, and /api/ask's share of the trivial
endpoint's throughput (target: at least 70%, with no errors). Every answer is worked out afresh:
nothing is cached between requests.

    .venv/bin/python benchmarks/load_web.py [--clients 8] [--seconds 5] [--rounds 2] [--workers 2]

The client shares the machine with the server, so absolute figures are a floor, not a capacity.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT.parent / "shared" / "eval" / "dev.jsonl"
MAX_REQUESTS_PER_PHASE = 200_000  # a hard bound on traffic, whatever the duration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, index_dir: str, settings: dict, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_BOT_")} | settings
    cmd = [sys.executable, "-m", "qa_bot.cli", "--index-dir", index_dir, "serve",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"qa-bot serve exited with code {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("qa-bot serve did not start within 60 s")


def run_phase(port: int, requests: list[tuple[str, str, bytes | None]], clients: int, seconds: float) -> dict:
    """Send the requests round-robin from `clients` threads for `seconds`; collect latencies."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    sent = [0]
    stop_at = time.perf_counter() + seconds

    def client(offset: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, bad, i = [], [], offset
        headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
        while time.perf_counter() < stop_at:
            with lock:
                if sent[0] >= MAX_REQUESTS_PER_PHASE:
                    break
                sent[0] += 1
            method, path, body = requests[i % len(requests)]
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.status != 200:
                    bad.append(f"{response.status} {data[:120]!r}")
            except (OSError, http.client.HTTPException) as exc:
                bad.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n * 7,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {"requests": len(latencies), "seconds": elapsed, "latencies": latencies, "errors": errors}


def summarise(phases: list[dict]) -> dict:
    latencies = sorted(x for p in phases for x in p["latencies"])
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / sum(p["seconds"] for p in phases),
        "p50_ms": 1000 * statistics.median(latencies) if n else float("nan"),
        "p99_ms": 1000 * latencies[min(n - 1, int(0.99 * n))] if n else float("nan"),
        "errors": sum(len(p["errors"]) for p in phases),
        "first_error": next((e for p in phases for e in p["errors"]), None),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    p.add_argument("--seconds", type=float, default=5.0, help="length of each phase (default 5)")
    p.add_argument("--rounds", type=int, default=2, help="health/ask phase pairs, alternated (default 2)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    args = p.parse_args(argv)
    if not 1 <= args.clients <= 64 or not 0 < args.seconds <= 60 or not 1 <= args.rounds <= 10:
        p.error("keep it bounded: 1-64 clients, up to 60 s a phase, 1-10 rounds")

    questions = [json.loads(line)["question"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    ask = [("POST", "/api/ask", json.dumps({"question": q}).encode()) for q in questions]
    health = [("GET", "/api/health", None)]

    print(f"{args.workers} gunicorn worker(s) (gthread), {os.cpu_count()} CPU(s); {args.clients} keep-alive "
          f"clients, {args.rounds} x {args.seconds:g} s per endpoint; {len(questions)} dev-set questions, cycled")
    met = []
    with tempfile.TemporaryDirectory(prefix="qa-bot-load-") as tmp:
        # One client address sends everything here, so the per-client rate limit is raised out of the
        # way; the limiter still runs on every request, as in production.
        for label, settings in (("default config, rate limit raised", {"QA_BOT_RATE_LIMIT": "1000000000 per hour"}),):
            port = free_port()
            proc = start_server(port, args.workers, str(Path(tmp) / "index"), settings)
            try:
                run_phase(port, health + ask, args.clients, 1.0)  # warm up every worker and connection
                results = {"health": [], "ask": []}
                for _ in range(args.rounds):
                    results["health"].append(run_phase(port, health, args.clients, args.seconds))
                    results["ask"].append(run_phase(port, ask, args.clients, args.seconds))
            finally:
                proc.terminate()
                proc.wait(15)
            met.append(report(label, results))
    return 0 if met[0] else 1


def report(label: str, results: dict) -> bool:
    print(f"\nqa-bot serve, {label}")
    print(f"{'endpoint':<18}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    summary = {name: summarise(phases) for name, phases in results.items()}
    for name, title in (("health", "GET /api/health"), ("ask", "POST /api/ask")):
        s = summary[name]
        print(f"{title:<18}{s['requests']:>10}{s['rps']:>10.0f}{s['p50_ms']:>10.2f}{s['p99_ms']:>10.2f}{s['errors']:>8}")
        if s["first_error"]:
            print(f"  first error: {s['first_error']}")
    ratio = summary["ask"]["rps"] / summary["health"]["rps"]
    ok = ratio >= 0.70 and summary["ask"]["errors"] == 0 and summary["health"]["errors"] == 0
    print(f"/api/ask throughput = {ratio:.0%} of /api/health (target >= 70%, no errors): {'met' if ok else 'NOT met'}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
