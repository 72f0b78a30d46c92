"""Cost of the feedback store (prints figures; not a test).

    python benchmarks/bench_store.py [--records 20000] [--database-url postgresql://...]

For SQLite (a temp data folder) and PostgreSQL (``--database-url``, else a throwaway server from
Debian's package, as the tests start one; skipped if it is not installed):

- the per-call cost of ``Store.record`` (what a request pays: checks and a queue put), median of runs;
- the records per second the background writer sustains when records come as fast as it takes them;
- the CPU per answer that storing costs the answering process (the call, and the writer's share:
  it runs in the same process) when answers come at one worker's share of ``/api/ask`` throughput
  as ``benchmarks/load_web.py`` measured it (README: 2,624 req/s on 2 workers), as a share of that
  request's time (goal < 10%); without and with ``log_questions`` (redaction runs in the writer);
- a worst case seen from the answering side: ``Bot.ask`` in a loop with no HTTP around it, alone and
  recording every answer (some 3,000 a second: the writer near its limit and fighting for the GIL).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from qa_bot.store import open_store  # noqa: E402

ASK_REQ_PER_S, ASK_WORKERS = 2624, 2  # README, "Web API throughput"
CITED = [("Battling Chronic Pain with Botox: A Promising Approach", "Botox in Chronic Migraine Treatment")]
QUESTION = "Can Botox help with chronic migraines? My name is Jane Doe, call me on 555-0100"
CALLS = 5000  # per timing run: below the queue's capacity, so nothing is dropped


def record(store, question=None):
    return store.record("answered", "answered", "3f2a9c1e", CITED, 0.42, question=question)


def call_cost_us(store, runs: int = 50, calls: int = 200) -> float:
    """Median µs per ``record`` call, the writer draining between runs as it does in a server (a
    run of calls that nothing drains would measure the heap growing, not the call)."""
    costs = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(calls):
            record(store)
        costs.append((time.perf_counter() - start) / calls * 1e6)
        store.flush(60)
    return statistics.median(costs)


def paced_cpu_us(store, rate: float, seconds: float = 5.0, question=None) -> float:
    """Process CPU µs per answer recorded at ``rate`` a second (the calls and the writer's share),
    less what the same pacing loop costs with nothing in it."""
    def run(call) -> float:
        cpu, tick, start = time.process_time(), 0.01, time.perf_counter()
        for n in range(int(seconds / tick)):
            for _ in range(round(rate * tick)):
                call()
            time.sleep(max(0.0, start + (n + 1) * tick - time.perf_counter()))
        return time.process_time() - cpu

    store.flush(60)
    before = store.stats().written
    used = run(lambda: record(store, question))
    store.flush(60)
    empty = run(lambda: None)
    return (used - empty) / (store.stats().written - before) * 1e6


def ask_drop(store, seconds: float = 4.0) -> tuple[float, float]:
    """(answers/s, answers/s with each answer recorded): ``Bot.ask`` on the bundled corpus in a loop."""
    from qa_bot.answer import Bot
    from qa_bot.config import Config
    from qa_bot.corpus import load_corpus
    from qa_bot.index import CorpusIndex

    corpus = ROOT / "corpus"
    bot = Bot(CorpusIndex.from_corpus(load_corpus(corpus)), Config(corpus=corpus))
    questions = ["Can Botox help with chronic migraines?", "botox for neck pain", "what does botox cost",
                 "how does botox work", "is botox safe for back pain"]

    def run(keep: bool) -> float:
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for q in questions:
                answer = bot.ask(q)
                if keep:
                    store.record(answer.status, "answered", "3f2a9c1e",
                                 [(c.article, c.section) for c in answer.citations], 0.42)
            done += len(questions)
        store.flush(60)
        return done / (time.perf_counter() - start)

    run(False)  # warm the caches
    return run(False), run(True)


def max_rate(store, records: int) -> float:
    """Records/s written when they come as fast as the queue takes them (full batches)."""
    before, start = store.stats(), time.perf_counter()
    fed = 0
    while fed < records:
        for _ in range(min(CALLS, records - fed)):
            record(store)
        fed += CALLS
        while store.stats().pending > CALLS:
            time.sleep(0.001)
    store.flush(120)
    after = store.stats()
    if after.lost != before.lost:
        print(f"  warning: {after.lost - before.lost} records lost")
    return (after.written - before.written) / (time.perf_counter() - start)


def bench(name: str, data_dir: Path, url: str, records: int) -> None:
    plain = open_store(data_dir, url)
    logged = open_store(data_dir, url, log_questions=True)
    record(plain)
    plain.flush(60)
    call = call_cost_us(plain)
    rate = max_rate(plain, records)
    worker_rate = ASK_REQ_PER_S / ASK_WORKERS
    request_cpu_us = 1e6 / worker_rate
    cpu = paced_cpu_us(plain, worker_rate)
    cpu_q = paced_cpu_us(logged, worker_rate, question=QUESTION)
    alone, recorded = ask_drop(plain)
    plain.close()
    logged.close()
    print(f"{name}:")
    print(f"  Store.record() call                  {call:8.1f} µs")
    print(f"  writer, records as fast as they come {rate:8,.0f} records/s")
    print(f"  at {worker_rate:,.0f} answers/s (one worker's share): {cpu:.1f} µs CPU per answer in-process, "
          f"{cpu / request_cpu_us:.1%} of a request's {request_cpu_us:.0f} µs")
    print(f"  the same with log_questions on:      {cpu_q:.1f} µs CPU per answer, {cpu_q / request_cpu_us:.1%} "
          "(redaction: the request log redacts the same question)")
    added = 1e6 / recorded - 1e6 / alone
    print(f"  worst case, Bot.ask() in a loop: {alone:,.0f} answers/s alone, {recorded:,.0f} recording each: "
          f"+{added:.1f} µs an answer, {added / request_cpu_us:.1%} of a request")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", Path(tmp) / "data", "", args.records)
        if args.database_url:
            bench("PostgreSQL", Path(tmp) / "pg", args.database_url, args.records)
            return
        from pg import PostgresServer, postgres_bin

        if postgres_bin() is None:
            print("PostgreSQL: skipped (apt-get install postgresql, or pass --database-url)")
            return
        server = PostgresServer(postgres_bin(), durable=True)
        try:
            server.start()
            bench("PostgreSQL (a throwaway server on this machine, default durability)", Path(tmp) / "pg", server.new_database(), args.records)
        finally:
            server.remove()


if __name__ == "__main__":
    main()
