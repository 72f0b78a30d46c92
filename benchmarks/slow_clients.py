"""Slow clients against the documented production set-up: does /api/health keep answering?

    .venv/bin/python benchmarks/slow_clients.py [--connections 500] [--seconds 60] [--direct]

Starts `qa-bot serve` behind nginx exactly as tests/test_proxy.py does (the README's production
recipe: one qa-bot.toml, `qa-bot proxy-config`, Debian's nginx from a temp prefix, free 127.0.0.1
ports), or with --direct `qa-bot serve` alone. Then it holds --connections slow connections open
(test_proxy.SlowCrowd: a third trickle their headers a byte a second, a third send headers and
trickle a body, a third send nothing; any the server closes is opened again at once) and meanwhile
asks GET /api/health every 0.1 s on a fresh connection, for --seconds.

Prints the health latency (p50, p99, max), the probes that failed (an error, or no answer within
5 s; they count as slower than any answer in the p99), how many slow connections were held open,
and whether p99 < 1 s with no failures. Traffic goes to 127.0.0.1 only; connections, time and
probes are bounded.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "tests")]
from test_proxy import Production, SlowCrowd, timed_health  # noqa: E402  (the set-up the tests run)
from test_serve import HIGH_LIMIT, Served  # noqa: E402

PROBE_EVERY = 0.1
PROBE_TIMEOUT = 5.0
TICK = 1.0  # seconds between the bytes each trickling connection sends
TARGET_P99 = 1.0


def probe(port: int, seconds: float, results: list, stop: threading.Event) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stop.is_set():
        started = time.monotonic()
        results.append(timed_health(port, PROBE_TIMEOUT))
        time.sleep(max(0.0, PROBE_EVERY - (time.monotonic() - started)))


def run(port: int, connections: int, seconds: float) -> dict:
    crowd = SlowCrowd(port, connections)
    results: list[float | None] = []
    stop = threading.Event()
    prober = threading.Thread(target=probe, args=(port, seconds, results, stop), daemon=True)
    held = []
    try:
        prober.start()
        while prober.is_alive():
            held.append(crowd.tick())
            prober.join(TICK)
    finally:
        stop.set()
        prober.join(PROBE_TIMEOUT + 1)
        crowd.close()
    answered = sorted(r for r in results if r is not None)
    ranked = answered + [math.inf] * (len(results) - len(answered))  # a failure is slower than any answer
    return {"probes": len(results), "failed": len(results) - len(answered),
            "p50": statistics.median(ranked) if ranked else math.nan,
            "p99": ranked[min(len(ranked) - 1, math.ceil(0.99 * len(ranked)) - 1)] if ranked else math.nan,
            "max_answered": answered[-1] if answered else math.nan,
            "held_min": min(held, default=0), "held_mean": statistics.fmean(held) if held else 0,
            "reopened": crowd.reopened, "refused": crowd.failed}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--connections", type=int, default=500, help="slow connections held open (default 500)")
    p.add_argument("--seconds", type=float, default=60.0, help="how long to measure (default 60)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--direct", action="store_true", help="`qa-bot serve` alone, without nginx")
    args = p.parse_args(argv)
    if not 1 <= args.connections <= 2000 or not 1 <= args.seconds <= 300 or not 1 <= args.workers <= 8:
        p.error("keep it bounded: 1-2000 connections, 1-300 seconds, 1-8 workers")
    setup = "qa-bot serve alone" if args.direct else "nginx in front of qa-bot serve (the README's production recipe)"
    print(f"{setup}: {args.workers} gunicorn worker(s), {os.cpu_count()} CPU(s); {args.connections} slow "
          f"connections (trickled headers, trickled bodies, idle) for {args.seconds:g} s; "
          f"GET /api/health every {PROBE_EVERY} s")
    with tempfile.TemporaryDirectory(prefix="qa-bot-slow-") as tmp:
        try:
            if args.direct:
                server = Served(Path(tmp), workers=args.workers, QA_BOT_RATE_LIMIT=HIGH_LIMIT)
            else:
                server = Production(Path(tmp), workers=args.workers)
        except (pytest.skip.Exception, pytest.fail.Exception) as exc:
            print(f"slow_clients: cannot start the server: {exc}", file=sys.stderr)
            return 1
        try:
            figures = run(server.port, args.connections, args.seconds)
        finally:
            server.stop()
    f = figures
    print(f"health probes: {f['probes']}, failed (error or over {PROBE_TIMEOUT:g} s): {f['failed']}")
    print(f"health latency: p50 {1000 * f['p50']:.1f} ms, p99 {1000 * f['p99']:.1f} ms, "
          f"slowest answered {1000 * f['max_answered']:.1f} ms")
    print(f"slow connections held open: at least {f['held_min']}, on average {f['held_mean']:.0f}; "
          f"{f['reopened']} opened again after the server closed them, {f['refused']} refused")
    met = f["p99"] < TARGET_P99 and f["failed"] == 0
    print(f"p99 < {TARGET_P99:g} s with no failed probe: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
