"""Speed of triage on messages as patients type them (prints figures; not a test).

    python benchmarks/bench_triage.py [--repeat 20]

Median and p99 time of one ``triage()`` call over our blind table
(tests/questions/triage-cases.jsonl) and over the shared dev set (../shared/eval/triage-dev.jsonl,
read in place if present). Target: median <= 0.5 ms. Each message is timed on its own, after one
warm-up pass, ``--repeat`` times.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa_bot.triage import triage  # noqa: E402

SETS = {"blind table": ROOT / "tests" / "questions" / "triage-cases.jsonl",
        "triage-dev": ROOT.parent / "shared" / "eval" / "triage-dev.jsonl"}


def messages(path: Path) -> list[str]:
    return [json.loads(line)["message"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def timings(texts: list[str], repeat: int) -> list[float]:
    for text in texts:  # warm up (first calls build RE2's automata lazily)
        triage(text)
    times = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter()
            triage(text)
            times.append(time.perf_counter() - start)
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over each set")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}")
    for name, path in SETS.items():
        if not path.is_file():
            print(f"{name}: {path} not found, skipped")
            continue
        texts = messages(path)
        times = timings(texts, args.repeat)
        median, p99 = statistics.median(times), times[int(0.99 * (len(times) - 1))]
        print(f"{name} ({len(texts)} messages x {args.repeat}): median {1000 * median:.3f} ms, p99 {1000 * p99:.3f} ms")


if __name__ == "__main__":
    main()
