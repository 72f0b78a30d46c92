"""Soak benchmark: `qa-bot serve` (real gunicorn) under steady load, then under load while the corpus is edited.

Starts `qa-bot serve` on a free 127.0.0.1 port with a temporary copy of corpus/ and a temporary index
folder (QA_BOT_RELOAD_INTERVAL=1, the rate limit raised because every client here shares one
address; the limiter still runs). After a short warm-up it runs two phases of the same load:

1. steady: C client threads, each with one keep-alive http.client connection, POST /api/ask with
   questions from the shared dev set and generated variations (plus an occasional GET /api/health);
2. editing: the same, while the corpus is changed every few seconds (a paragraph appended to an
   article, an article added, that article removed again), so every worker reloads repeatedly.

Prints per phase: requests, errors (any non-200 or connection error), req/s, p50/p99 latency and the
reloads seen (index versions reported by /api/health, and the workers' "corpus reloaded" log lines);
then the server's memory (RSS of the gunicorn master plus its workers, from /proc) sampled every
few seconds, and a verdict: no errors in either phase, and memory flat (the last sample within +10%
of the first one taken after the warm-up).

    .venv/bin/python benchmarks/soak.py [--clients 50] [--seconds 60] [--workers 2] [--edit-every 5]

Bounded: at most MAX_REQUESTS_PER_PHASE requests a phase and --seconds each; the server is stopped
at the end whatever happens. The client shares the machine with the server, so throughput is a floor.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
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
MAX_REQUESTS_PER_PHASE = 2_000_000
WARM_UP_SECONDS = 5
HEALTH_EVERY = 25  # one GET /api/health in this many requests, as a page's widget would mix them
MEMORY_GROWTH_LIMIT = 0.10
ARTICLE = "---\ntitle: {title}\nsource: Soak test\nreviewed: 2026-01-02\n---\n\n{body}\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- questions ---------------------------------------------------------------------------------------

def make_questions(seed: int = 0) -> list[str]:
    """The dev set's questions, then generated ones: templates, topics, typos, casing and long ones."""
    dev = [json.loads(line)["question"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    topics = ["botox", "chronic pain", "migraines", "muscle spasms", "neuropathic pain", "lower back pain",
              "neck pain", "acetylcholine", "injections", "cervical dystonia", "knee pain", "physio"]
    templates = ["what is {t}", "does {t} hurt", "how does botox help {t}", "side effects of {t}",
                 "can {t} come back", "is {t} covered by insurance", "Tell me about {t}", "{t}?",
                 "how long does {t} last", "who should not get {t}"]
    generated = []
    for _ in range(400):
        q = rng.choice(templates).format(t=rng.choice(topics))
        roll = rng.random()
        if roll < 0.15:  # a typo: two neighbouring letters swapped
            i = rng.randrange(len(q) - 1)
            q = q[:i] + q[i + 1] + q[i] + q[i + 2:]
        elif roll < 0.25:
            q = q.upper()
        elif roll < 0.30:  # a long, rambling question
            q = " ".join([q] + rng.sample(dev, 3))
        generated.append(q)
    return dev + generated


# --- the server and its memory -------------------------------------------------------------------------

def start_server(port: int, workers: int, corpus: Path, index_dir: Path, stderr, settings: dict) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_BOT_")} | settings
    script = Path(sys.executable).with_name("qa-bot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "qa_bot.cli"]
    proc = subprocess.Popen(command + ["--corpus", str(corpus), "--index-dir", str(index_dir), "serve",
                                       "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"qa-bot serve exited with code {proc.returncode}")
        try:
            if health(port) is not None:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("qa-bot serve did not start within 60 s")


def stop_server(proc: subprocess.Popen) -> int | None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    return proc.returncode


def health(port: int) -> dict | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/api/health")
        response = conn.getresponse()
        return json.loads(response.read()) if response.status == 200 else None
    finally:
        conn.close()


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (gunicorn's workers), from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(c) for c in task.read_text().split()]
        except OSError:
            pass
    return found


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:  # the process has just gone (a worker being replaced)
        pass
    return 0


def server_rss_mib(pid: int) -> tuple[float, int]:
    """RSS of the master plus its workers in MiB, and how many processes that is."""
    pids = [pid] + children(pid)
    return sum(rss_kib(p) for p in pids) / 1024, len(pids)


# --- load ---------------------------------------------------------------------------------------------

def run_load(port: int, questions: list[str], clients: int, seconds: float) -> dict:
    """``clients`` threads with a keep-alive connection each, for ``seconds``; latencies and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    sent = [0]
    stop_at = time.perf_counter() + seconds
    bodies = [json.dumps({"question": q}).encode() for q in questions]

    def client(offset: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad, i = [], [], offset
        while time.perf_counter() < stop_at:
            with lock:
                if sent[0] >= MAX_REQUESTS_PER_PHASE:
                    break
                sent[0] += 1
            i += 1
            t0 = time.perf_counter()
            try:
                if i % HEALTH_EVERY == 0:
                    conn.request("GET", "/api/health")
                else:
                    conn.request("POST", "/api/ask", body=bodies[i % len(bodies)],
                                 headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                data = response.read()
                if response.status != 200:
                    bad.append(f"{response.status} {data[:120]!r}")
                elif b'"status"' not in data:  # an answer or a health report, never an empty 200
                    bad.append(f"200 without a status: {data[:120]!r}")
                else:
                    mine.append(time.perf_counter() - t0)
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                bad.append(repr(exc))
                conn.close()  # http.client reconnects on the next request
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n * 7,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.perf_counter() - start
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n + len(errors), "errors": errors, "seconds": elapsed, "rps": (n + len(errors)) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if n else float("nan"),
        "p99_ms": 1000 * latencies[min(n - 1, int(0.99 * n))] if n else float("nan"),
    }


class Watcher(threading.Thread):
    """Samples memory every ``every`` seconds and the index version /api/health reports, until stopped."""

    def __init__(self, port: int, pid: int, every: float):
        super().__init__(daemon=True)
        self.port, self.pid, self.every = port, pid, every
        self.phase = "warm-up"
        self.memory: list[tuple[float, str, float, int]] = []  # (t, phase, MiB, processes)
        self.versions: dict[str, set[str]] = {}  # phase -> built_at values seen
        self.health_errors: list[str] = []  # counted with the phase's errors
        self.done = threading.Event()
        self.t0 = time.monotonic()

    def run(self):
        next_sample = 0.0
        while not self.done.is_set():
            now = time.monotonic() - self.t0
            if now >= next_sample:
                self.memory.append((now, self.phase, *server_rss_mib(self.pid)))
                next_sample += self.every
            try:
                h = health(self.port)
                if h is None:
                    self.health_errors.append(f"{self.phase}: /api/health was not 200")
                else:
                    self.versions.setdefault(self.phase, set()).add(h["built_at"])
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self.health_errors.append(f"{self.phase}: {exc!r}")
            self.done.wait(0.25)


class Editor(threading.Thread):
    """Edits the corpus every ``every`` seconds, as staff would: append, add an article, remove it."""

    def __init__(self, corpus: Path, scratch: Path, every: float):
        super().__init__(daemon=True)
        self.corpus, self.scratch, self.every = corpus, scratch, every
        self.edits = 0
        self.done = threading.Event()

    def write(self, path: Path, text: str):
        # Saved whole and renamed into place, as editors do: a reload never reads half a file.
        tmp = self.scratch / f"{path.name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    def run(self):
        article = self.corpus / "botox-chronic-pain.md"
        added = self.corpus / "soak-heat-therapy.md"
        n = 0
        while not self.done.wait(self.every):
            step = n % 3
            if step == 0:
                text = article.read_text(encoding="utf-8")
                self.write(article, text + f"\nSoak edit {n}: patients may keep a pain diary between visits.\n")
            elif step == 1:
                self.write(added, ARTICLE.format(title=f"Heat Therapy {n}", body=(
                    "Heat relaxes stiff joints.\n\n## How long should a heat pack stay on?\n\n"
                    "Fifteen to twenty minutes at a time, with a cloth between the pack and the skin.")))
            else:
                added.unlink(missing_ok=True)
            n += 1
            self.edits = n


def reload_lines(log_path: Path) -> tuple[int, int]:
    """Counts of the workers' "corpus reloaded" and "not applied" JSON log lines so far."""
    ok = failed = 0
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        if '"qa_bot.reload"' not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("message", "").startswith("corpus reloaded"):
            ok += 1
        else:
            failed += 1
    return ok, failed


# --- main -----------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=50, help="concurrent keep-alive clients (default 50)")
    p.add_argument("--seconds", type=float, default=60.0, help="length of each phase (default 60)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--edit-every", type=float, default=5.0, help="seconds between corpus edits in phase 2 (default 5)")
    p.add_argument("--sample-every", type=float, default=5.0, help="seconds between memory samples (default 5)")
    args = p.parse_args(argv)
    if not (1 <= args.clients <= 200 and 1 <= args.seconds <= 600 and 1 <= args.workers <= 16
            and 0.5 <= args.edit_every <= 60 and 1 <= args.sample_every <= 60):
        p.error("keep it bounded: 1-200 clients, 1-600 s a phase, 1-16 workers, edits every 0.5-60 s, samples every 1-60 s")

    questions = make_questions()
    print(f"qa-bot soak: {args.workers} gunicorn worker(s) (gthread), {os.cpu_count()} CPU(s); {args.clients} "
          f"keep-alive clients, 2 phases x {args.seconds:g} s after a {WARM_UP_SECONDS} s warm-up; "
          f"{len(questions)} questions cycled (dev set + generated), 1 in {HEALTH_EVERY} requests GET /api/health; "
          f"phase 2 edits the corpus every {args.edit_every:g} s; reload check every 1 s", flush=True)

    with tempfile.TemporaryDirectory(prefix="qa-bot-soak-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        (tmp / "scratch").mkdir()
        log_path = tmp / "server.log"
        port = free_port()
        with log_path.open("wb") as stderr:
            proc = start_server(port, args.workers, corpus, tmp / "index", stderr, {
                "QA_BOT_RATE_LIMIT": "1000000000 per hour",  # one address for all clients; the limiter still runs
                "QA_BOT_RELOAD_INTERVAL": "1",
            })
            watcher = Watcher(port, proc.pid, args.sample_every)
            editor = Editor(corpus, tmp / "scratch", args.edit_every)
            results = {}
            try:
                watcher.start()
                run_load(port, questions, args.clients, WARM_UP_SECONDS)
                for phase in ("steady", "editing"):
                    watcher.phase = phase
                    before = reload_lines(log_path)
                    if phase == "editing":
                        editor.start()
                    results[phase] = run_load(port, questions, args.clients, args.seconds)
                    if phase == "editing":
                        editor.done.set()
                        editor.join(5)
                    after = reload_lines(log_path)
                    results[phase]["reload_lines"] = (after[0] - before[0], after[1] - before[1])
                    results[phase]["edits"] = editor.edits if phase == "editing" else 0
                watcher.phase = "end"
                time.sleep(0.5)  # one last memory sample after the load
                watcher.memory.append((time.monotonic() - watcher.t0, "end", *server_rss_mib(proc.pid)))
            finally:
                watcher.done.set()
                editor.done.set()
                code = stop_server(proc)
            log_text = log_path.read_text(encoding="utf-8", errors="replace")
    return report(args, results, watcher, code, log_text)


def report(args, results: dict, watcher: Watcher, exit_code: int | None, log_text: str) -> int:
    print(f"\n{'phase':<10}{'requests':>10}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'edits':>7}{'versions':>10}{'reloads':>9}{'refused':>9}")
    for phase, r in results.items():
        versions = len(watcher.versions.get(phase, ()))
        health_errors = [e for e in watcher.health_errors if e.startswith(phase)]
        r["errors"] += health_errors
        print(f"{phase:<10}{r['requests']:>10}{len(r['errors']):>8}{r['rps']:>8.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
              f"{r['edits']:>7}{versions:>10}{r['reload_lines'][0]:>9}{r['reload_lines'][1]:>9}")
        for e in r["errors"][:3]:
            print(f"  error: {e}")
    print("  versions: distinct index build times /api/health reported; reloads / refused: the workers'")
    print("  'corpus reloaded' / 'not applied' log lines (each worker reloads by itself)")

    print(f"\nserver memory (RSS of the gunicorn master + workers, MiB), every {args.sample_every:g} s:")
    for t, phase, mib, procs in watcher.memory:
        print(f"  t={t:6.1f} s  {phase:<8} {mib:8.1f}  ({procs} processes)")

    steady = [m for m in watcher.memory if m[1] in ("steady", "editing", "end")]
    first, last = steady[0][2], steady[-1][2]
    growth = (last - first) / first if first else float("inf")
    errors = {phase: len(r["errors"]) for phase, r in results.items()}
    reloaded = results["editing"]["reload_lines"][0] > 0 and len(watcher.versions.get("editing", ())) > 1
    tracebacks = log_text.count("Traceback")
    checks = [
        (f"no errors under steady load ({errors['steady']})", errors["steady"] == 0),
        (f"no errors while the corpus was edited and reloaded ({errors['editing']})", errors["editing"] == 0),
        (f"the server did reload during phase 2 ({results['editing']['reload_lines'][0]} reload lines)", reloaded),
        (f"memory flat: {first:.1f} -> {last:.1f} MiB ({growth:+.1%}, limit +{MEMORY_GROWTH_LIMIT:.0%})",
         growth <= MEMORY_GROWTH_LIMIT),
        (f"no tracebacks in the server's log ({tracebacks})", tracebacks == 0),
        (f"clean shutdown (exit code {exit_code})", exit_code == 0),
    ]
    print("\nverdict:")
    for text, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {text}")
    ok = all(passed for _, passed in checks)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
