"""Cost of the feedback store (prints figures; not a test).

    python benchmarks/bench_store.py [--part serve|store|all] [--seconds 3] [--rounds 10]
                                     [--records 20000] [--database-url postgresql://...]

**serve** (the figure that decides): ``POST /api/ask`` throughput under ``qa-bot serve`` (2 gunicorn
workers, 8 keep-alive clients, the dev-set questions cycled, as ``benchmarks/load_web.py`` drives it)
with storage off, on SQLite and on PostgreSQL. The three servers run side by side and their phases
alternate, in a new order each round, so that the load of the machine falls on all three alike. Each
server's cost is ``1 - its req/s / storage off's``, and the same from the CPU its processes used per
answer (what a CPU-bound server's throughput follows, and far less swayed by other work on the
machine than req/s); the goal is at most 10%. Afterwards the rows in each database are counted
against the answers served (the writer really wrote them, the last ones at shutdown too). The servers
answer every request whatever the database does: ``record()`` only queues (see qa_bot/store).

**store** (what the cost is made of), for SQLite (a temp data folder) and PostgreSQL (``--database-url``, else a throwaway server from
Debian's package, as the tests start one; skipped if it is not installed):

- the per-call cost of ``Store.record`` (what a request pays: checks and a queue put), median of runs;
- the records per second the background writer sustains when records come as fast as it takes them;
- the CPU per answer that storing costs the answering process (the call, and the writer's share:
  it runs in the same process) when answers come at one worker's share of ``/api/ask`` throughput
  as ``benchmarks/load_web.py`` measured it (README: 191 req/s on 2 workers), as a share of that
  request's time (goal < 10%); without and with ``log_questions`` (redaction runs in the writer);
- a worst case seen from the answering side: ``Bot.ask`` in a loop with no HTTP around it, alone and
  recording every answer (the writer near its limit and fighting for the GIL).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import sqlalchemy as sa  # noqa: E402

from qa_bot.store import open_store  # noqa: E402
from qa_bot.store.schema import answers  # noqa: E402

ASK_REQ_PER_S, ASK_WORKERS = 191, 2  # README, "Web API throughput" (with the semantic stage)
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
    print(f"Store, {name}:")
    print(f"  Store.record() call                  {call:8.1f} µs")
    print(f"  writer, records as fast as they come {rate:8,.0f} records/s")
    print(f"  at {worker_rate:,.0f} answers/s (one worker's share): {cpu:.1f} µs CPU per answer in-process, "
          f"{cpu / request_cpu_us:.1%} of a request's {request_cpu_us:.0f} µs")
    print(f"  the same with log_questions on:      {cpu_q:.1f} µs CPU per answer, {cpu_q / request_cpu_us:.1%} "
          "(redaction: the request log redacts the same question)")
    added = 1e6 / recorded - 1e6 / alone
    print(f"  worst case, Bot.ask() in a loop: {alone:,.0f} answers/s alone, {recorded:,.0f} recording each: "
          f"+{added:.1f} µs an answer, {added / request_cpu_us:.1%} of a request")


# -- serve: /api/ask throughput under `qa-bot serve`, storage off / SQLite / PostgreSQL ---------------


def count_rows(data_dir: Path, url: str) -> int:
    """The answers a server's store holds (read after the server stopped: its queue is written)."""
    store = open_store(data_dir, url)
    try:
        with store.reading() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(answers)).scalar_one()
    finally:
        store.close()


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat's fields after the command name (state first), or [] if it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return []


def tree_cpu_s(pid: int) -> float:
    """CPU seconds used by ``pid`` and every process below it (and its children that ended)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    ticks, todo = 0, [pid]
    while todo:
        here = todo.pop()
        fields = _stat(here)
        if fields:
            ticks += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        todo.extend(parents.get(here, []))
    return ticks / os.sysconf("SC_CLK_TCK")


def answered(phase: dict) -> int:
    """The requests of a load_web phase that got their answer (200: each one is recorded)."""
    return phase["requests"] - sum(1 for e in phase["errors"] if e[:3].isdigit())


def serve_throughput(tmp: Path, pg_url: str, pg_pid: int | None, seconds: float, rounds: int,
                     workers: int = 2, clients: int = 8) -> None:
    import json

    from load_web import DEV_SET, free_port, run_phase, start_server, summarise

    questions = [json.loads(line)["question"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    ask = [("POST", "/api/ask", json.dumps({"question": q}).encode()) for q in questions]
    index = str(tmp / "index")
    # One client address sends everything: the rate limit is raised out of the way (it still runs).
    common = {"QA_BOT_RATE_LIMIT": "1000000000 per hour"}
    kinds = {"storage off": ({"QA_BOT_STORAGE": "false"}, None),
             "SQLite": ({"QA_BOT_DATA_DIR": str(tmp / "serve-sqlite")}, (tmp / "serve-sqlite", ""))}
    if pg_url:
        kinds["PostgreSQL"] = ({"QA_BOT_DATABASE_URL": pg_url, "QA_BOT_DATA_DIR": str(tmp / "serve-pg")},
                               (tmp / "serve-pg", pg_url))
    before = {name: count_rows(*where) for name, (_, where) in kinds.items() if where}  # a given database may hold some
    servers, logs, sent = {}, {}, dict.fromkeys(kinds, 0)
    results = {name: [] for name in kinds}
    cpu = dict.fromkeys(kinds, 0.0)  # the server's processes (workers, their writer threads)
    db_cpu = dict.fromkeys(kinds, 0.0)  # the PostgreSQL server's processes, during that server's phases
    print(f"qa-bot serve, {workers} workers each, {clients} keep-alive clients, {rounds} x {seconds:g} s a "
          f"server, alternated; {len(questions)} dev-set questions, cycled; {os.cpu_count()} CPUs")
    try:
        for name, (settings, _) in kinds.items():  # one after another: the first builds the shared index
            port = free_port()
            logs[name] = open(tmp / f"serve-{len(logs)}.log", "w+b")
            servers[name] = (port, start_server(port, workers, index, common | settings, logs[name]))
            sent[name] += answered(run_phase(port, ask, clients, 1.0))  # warm every worker and connection
        order = list(kinds)
        for r in range(rounds):
            for name in order[r % len(order):] + order[:r % len(order)]:
                port, proc = servers[name]
                used, db_used = tree_cpu_s(proc.pid), tree_cpu_s(pg_pid) if pg_pid else 0.0
                phase = run_phase(port, ask, clients, seconds)
                cpu[name] += tree_cpu_s(proc.pid) - used
                db_cpu[name] += (tree_cpu_s(pg_pid) - db_used) if pg_pid else 0.0
                sent[name] += answered(phase)
                results[name].append(phase)
    finally:
        for _, proc in servers.values():
            proc.terminate()
            proc.wait(30)
    summary = {name: summarise(phases) for name, phases in results.items()}
    base = summary["storage off"]
    base_cpu = cpu["storage off"] / base["requests"]
    print(f"{'storage':<12}{'req/s':>7}{'cost':>7}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'CPU ms/ans':>11}{'cost':>7}"
          f"{'+db ms':>8}   stored      per round req/s")
    costs = []
    for name, s in summary.items():
        per_answer = cpu[name] / s["requests"]
        db_ms = db_cpu[name] / s["requests"] * 1e3 if pg_pid else 0.0
        where = kinds[name][1]
        stored = "-" if where is None else f"{count_rows(*where) - before[name]:,} of {sent[name]:,}"
        if name == "storage off":
            rps_cost = cpu_cost = ""
        else:
            costs.append((1 - s["rps"] / base["rps"], 1 - base_cpu / per_answer))
            rps_cost, cpu_cost = f"{costs[-1][0]:.1%}", f"{costs[-1][1]:.1%}"
        rounds_rps = " ".join(f"{p['requests'] / p['seconds']:.0f}" for p in results[name])
        print(f"{name:<12}{s['rps']:>7.0f}{rps_cost:>7}{s['p50_ms']:>8.1f}{s['p99_ms']:>8.1f}{s['errors']:>7}"
              f"{per_answer * 1e3:>11.2f}{cpu_cost:>7}{db_ms:>8.2f}   {stored:<11} {rounds_rps}")
        if s["first_error"]:
            print(f"  first error: {s['first_error']}")
        logs[name].seek(0)
        for line in logs[name].read().decode(errors="replace").splitlines():
            if "feedback store" in line or "Traceback" in line:
                print(f"  log: {line[:160]}")
        logs[name].close()
    print("cost: the throughput (req/s) lost against storage off; CPU cost: the same from the servers' CPU per\n"
          "answer (the share of throughput a CPU-bound server loses), less swayed by the rest of the machine;\n"
          "+db: the PostgreSQL server's CPU per answer (on this machine here, usually on its own)")
    worst_rps, worst_cpu = (max(c[i] for c in costs) for i in (0, 1))
    off_rounds = [p["requests"] / p["seconds"] for p in results["storage off"]]
    spread = (max(off_rounds) - min(off_rounds)) / statistics.mean(off_rounds)
    print(f"writes cost at most {worst_cpu:.1%} of the servers' CPU per answer (goal <= 10%): "
          f"{'met' if worst_cpu <= 0.10 else 'NOT met'}; req/s with storage at worst {worst_rps:.1%} below off's "
          f"(negative: above), while off's own rounds spread {spread:.0%} (the rest of the machine's load)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("serve", "store", "all"), default="all")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of a serve phase (default 3)")
    parser.add_argument("--rounds", type=int, default=10, help="serve phases per server (default 10)")
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if not 0 < args.seconds <= 60 or not 1 <= args.rounds <= 30:
        parser.error("keep it bounded: up to 60 s a phase, 1-30 rounds")
    with tempfile.TemporaryDirectory() as tmp, postgres_url(args.database_url) as (pg, pg_pid):
        if args.part in ("serve", "all"):
            serve_throughput(Path(tmp), pg(), pg_pid, args.seconds, args.rounds)
        if args.part in ("store", "all"):
            print()
            bench("SQLite", Path(tmp) / "data", "", args.records)
            if pg():
                bench("PostgreSQL", Path(tmp) / "pg", pg(), args.records)


@contextmanager
def postgres_url(given: str):
    """Yields (a function giving a new PostgreSQL database's URL, "" if there is none; the server's
    process id if it runs here): ``given`` (the same each time), or a throwaway server from Debian's
    package (default durability)."""
    if given:
        yield (lambda: given), None
        return
    from pg import PostgresServer, postgres_bin

    if postgres_bin() is None:
        print("PostgreSQL: skipped (apt-get install postgresql, or pass --database-url)")
        yield (lambda: ""), None
        return
    server = PostgresServer(postgres_bin(), durable=True)
    try:
        server.start()
        yield server.new_database, server._proc.pid
    finally:
        server.remove()


if __name__ == "__main__":
    main()
