"""Speed of the answer path, semantic stage on (prints figures; not a test).

    python benchmarks/bench_answer.py [--repeat 5]

- median and p99 in-process ``Bot.ask()`` latency over labelled questions on three corpora
  (targets: median <= 30 ms, p99 <= 60 ms), the encoder's share of it (each question is encoded
  once, on one thread), and everything around the encoder as a share of the encoder's own time
  (target <= 20%), over the questions that reach retrieval
- index build time (corpus -> saved index, the sections' vectors encoded afresh): the bundled
  article, each 12-article dev corpus, and MedQuAD's 16,407 passages (words only) if present
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

from qa_bot import ranker  # noqa: E402
from qa_bot.answer import Bot  # noqa: E402
from qa_bot.config import Config  # noqa: E402
from qa_bot.corpus import load_corpus  # noqa: E402
from qa_bot.index import build_index  # noqa: E402

SHARED = ROOT.parent / "shared"
SETS = [  # (corpus, question files)
    (ROOT / "corpus", [SHARED / "eval" / "dev.jsonl", SHARED / "eval" / "realfaq-dev.jsonl"]),
    (ROOT / "tests" / "corpora" / "eyes-skin", [ROOT / "tests" / "questions" / "eyes-skin.jsonl"]),
    (ROOT / "tests" / "corpora" / "diabetes-heart", [ROOT / "tests" / "questions" / "diabetes-heart.jsonl"]),
]
MEDQUAD = SHARED / "bench-data" / "medquad" / "corpus.jsonl"


def questions(files) -> list[str]:
    return [json.loads(line)["question"] for f in files if f.is_file()
            for line in f.read_text().splitlines() if line.strip()]


class TimedEncoder:
    """The bot's encoder, with the time each question's encoding took (wall and CPU)."""

    def __init__(self, encoder):
        self.encoder = encoder
        self.spent = self.spent_cpu = 0.0

    def encode(self, texts, batch_size=32, **options):
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            return self.encoder.encode(texts, batch_size, **options)
        finally:
            self.spent += time.perf_counter() - start
            self.spent_cpu += time.process_time() - start_cpu

    def __getattr__(self, name):  # dims, params(): as the encoder's
        return getattr(self.encoder, name)


def pct(times: list[float], q: float) -> float:
    times = sorted(times)
    return times[int(q * (len(times) - 1))]


def build_seconds(corpus: Path, index_dir: Path) -> tuple[float, int]:
    ranker._memo.clear()  # encode every section afresh, as a new process would
    start = time.perf_counter()
    index = build_index(corpus, index_dir)
    return time.perf_counter() - start, len(index.sections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the question lists")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        builds, totals, encodes, around = [], [], [], []
        cpu_totals, cpu_encodes, cpu_around = [], [], []  # CPU time: what a busy machine's waiting leaves out
        for corpus, files in SETS:
            index_dir = Path(tmp) / corpus.name
            seconds, sections = build_seconds(corpus, index_dir)
            builds.append((corpus.name, sections, seconds))
            bot = Bot.from_config(Config(corpus=corpus, index_dir=index_dir))
            timed = TimedEncoder(bot.ranker.encoder)
            bot.ranker.encoder = timed
            qs = questions(files)
            for q in qs:  # warm caches (typo look-ups, sentence splits)
                bot.ask(q)
            for _ in range(args.repeat):
                for q in qs:
                    timed.spent = timed.spent_cpu = 0.0
                    start, start_cpu = time.perf_counter(), time.process_time()
                    bot.ask(q)
                    total, total_cpu = time.perf_counter() - start, time.process_time() - start_cpu
                    totals.append(total * 1000)
                    cpu_totals.append(total_cpu * 1000)
                    if timed.spent:
                        encodes.append(timed.spent * 1000)
                        around.append((total - timed.spent) * 1000)
                        cpu_encodes.append(timed.spent_cpu * 1000)
                        cpu_around.append((total_cpu - timed.spent_cpu) * 1000)
        medquad = None
        if MEDQUAD.is_file():
            start = time.perf_counter()
            build_index(MEDQUAD, Path(tmp) / "medquad")
            medquad = (len(load_corpus(MEDQUAD).sections), time.perf_counter() - start)

        exe = Path(sys.executable).with_name("qa-bot")
        env = {**os.environ, "QA_BOT_INDEX_DIR": str(Path(tmp) / "corpus")}
        cold = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([str(exe), "ask", "Can Botox help with chronic migraines?"], env=env, check=True,
                           capture_output=True)
            cold.append(time.perf_counter() - start)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"ask() over {len(totals)} calls: median {statistics.median(totals):.1f} ms, p99 {pct(totals, 0.99):.1f} ms"
          "   (targets: median <= 30 ms, p99 <= 60 ms)")
    print(f"  the {len(encodes)} that reach retrieval: median {statistics.median([e + a for e, a in zip(encodes, around)]):.1f} ms, "
          f"of which encoding the question {statistics.median(encodes):.1f} ms and the rest "
          f"{statistics.median(around):.2f} ms = {100 * sum(around) / sum(encodes):.1f}% of the encoder's time"
          "   (target <= 20%)")
    print(f"  in CPU time: ask() median {statistics.median(cpu_totals):.1f} ms, p99 {pct(cpu_totals, 0.99):.1f} ms; "
          f"encoding {statistics.median(cpu_encodes):.1f} ms, the rest {statistics.median(cpu_around):.2f} ms = "
          f"{100 * sum(cpu_around) / sum(cpu_encodes):.1f}% of the encoder's time   (load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for name, sections, seconds in builds:
        print(f"index build, {name} ({sections} sections, vectors encoded afresh): {seconds:.1f} s")
    if medquad:
        print(f"index build, MedQuAD ({medquad[0]:,} passages, words only): {medquad[1]:.1f} s")
    print(f"cold 'qa-bot ask' wall time: median {statistics.median(cold):.2f} s, max {max(cold):.2f} s   (target < 2 s)")


if __name__ == "__main__":
    main()
