"""Speed of the answer path on the bundled corpus (prints figures; not a test).

    python benchmarks/bench_answer.py [--repeat 2000]

- median and p99 in-process ``Bot.ask()`` latency over the dev-set questions (target: median < 2 ms)
- index build time (corpus -> saved index)
- wall time of a cold ``qa-bot ask`` process, index already built (target < 2 s)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa_bot.answer import Bot  # noqa: E402
from qa_bot.config import Config  # noqa: E402
from qa_bot.index import build_index  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
FALLBACK = ["Can Botox help with chronic migraines?", "botox for neck pain", "what does botox cost", "hello"]


def questions() -> list[str]:
    if DEV.is_file():
        return [json.loads(line)["question"] for line in DEV.read_text().splitlines() if line.strip()]
    return FALLBACK


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the question list")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        builds = []
        for _ in range(5):
            start = time.perf_counter()
            build_index(ROOT / "corpus", index_dir)
            builds.append(time.perf_counter() - start)

        config = Config(corpus=ROOT / "corpus", index_dir=index_dir)
        bot = Bot.from_config(config)
        qs = questions()
        for q in qs:  # warm caches
            bot.ask(q)
        times = []
        for _ in range(args.repeat):
            for q in qs:
                start = time.perf_counter()
                bot.ask(q)
                times.append((time.perf_counter() - start) * 1000)
        times.sort()

        exe = Path(sys.executable).with_name("qa-bot")
        env = {**os.environ, "QA_BOT_INDEX_DIR": str(index_dir)}
        cold = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([str(exe), "ask", "Can Botox help with chronic migraines?"], env=env, check=True,
                           capture_output=True)
            cold.append(time.perf_counter() - start)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"ask() latency over {len(times)} calls ({len(qs)} questions): median {statistics.median(times):.3f} ms, "
          f"p99 {times[int(0.99 * (len(times) - 1))]:.3f} ms   (target: median < 2 ms)")
    print(f"index build (load corpus, fit, save): median {statistics.median(builds) * 1000:.1f} ms over {len(builds)}")
    print(f"cold 'qa-bot ask' wall time: median {statistics.median(cold):.2f} s, max {max(cold):.2f} s   (target < 2 s)")


if __name__ == "__main__":
    main()
