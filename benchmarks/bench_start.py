"""Cold start (prints figures; not a test).

    python benchmarks/bench_start.py [--repeat 7] [--serve-repeat 3]

- a cold ``qa-bot ask`` process, the index already built (its section vectors too, so the
  question goes through the semantic stage: the encoder is loaded and encodes it), against
  ``python -c "import numpy"`` in the same run, the two taken in turn; medians and their ratio
  (target: ask <= 4x numpy), in wall-clock time and in CPU time (user + system), which other
  processes on a shared machine sway less
- ``qa-bot serve`` (2 workers): from starting the process to the first answer of ``POST /api/ask``

Both run the console script installed beside this Python, from a temporary folder, with their own
index folder and cache, so no earlier run warms anything but the operating system's file cache.
They run with Python's bytecode cache on, as an installed package has it (pip compiles every
module at install): PYTHONDONTWRITEBYTECODE, if the shell sets it, is dropped, since in an editable
install it would make every run compile qa_bot's modules from source again (about 45 ms of CPU here),
which numpy's, compiled at install, never are. The setup runs (index, first ask) write them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUESTION = "How does Botox work?"
TARGET_RATIO = 4.0
BIN = Path(sys.executable).parent


def timed(cmd, cwd, env) -> tuple[float, float]:
    """Wall-clock seconds of the command and the CPU seconds (user + system) it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_answer(cmd, cwd, env, port: int, limit: float = 120) -> float:
    """Seconds from starting ``qa-bot serve`` to its first answer."""
    body = json.dumps({"question": QUESTION}).encode()
    start = time.perf_counter()
    server = subprocess.Popen(cmd + ["--port", str(port)], cwd=cwd, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < limit:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/ask", body,
                                             {"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=10) as r:
                    if json.load(r)["status"] == "answered":
                        return time.perf_counter() - start
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"qa-bot serve exited with {server.returncode}")
                time.sleep(0.02)
        raise SystemExit(f"qa-bot serve gave no answer within {limit:.0f} s")
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--serve-repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("QA_BOT_") and k != "PYTHONDONTWRITEBYTECODE"}
        env.update(XDG_CACHE_HOME=str(tmp / "cache"), QA_BOT_CORPUS=str(CORPUS), QA_BOT_INDEX_DIR=str(tmp / "index"))
        qa_bot = str(BIN / "qa-bot")
        subprocess.run([qa_bot, "index"], cwd=tmp, env=env, check=True, stdout=subprocess.DEVNULL)
        answer = json.loads(subprocess.run([qa_bot, "ask", "--json", QUESTION], cwd=tmp, env=env, check=True,
                                           capture_output=True, text=True).stdout)
        manifest = json.loads(next((tmp / "index").glob("*/manifest.json")).read_text())
        assert answer["status"] == "answered", answer
        assert manifest["encoder"], "the index has no section vectors: the semantic stage would not run"

        numpy_times, ask_times = [], []
        for _ in range(args.repeat):
            numpy_times.append(timed([sys.executable, "-c", "import numpy"], tmp, env))
            ask_times.append(timed([qa_bot, "ask", QUESTION], tmp, env))
        numpy_s, ask_s = (statistics.median(w for w, _ in times) for times in (numpy_times, ask_times))
        numpy_cpu, ask_cpu = (statistics.median(c for _, c in times) for times in (numpy_times, ask_times))

        serve = [first_answer([qa_bot, "serve", "--workers", "2"], tmp, env, free_port())
                 for _ in range(args.serve_repeat)]

    ratio = ask_s / numpy_s
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end; "
          f"Python {sys.version.split()[0]}")
    print(f'python -c "import numpy"        median {numpy_s:.3f} s  (min {min(numpy_times)[0]:.3f}, {args.repeat} runs); '
          f"CPU {numpy_cpu:.3f} s")
    print(f"qa-bot ask (semantic stage on)  median {ask_s:.3f} s  (min {min(ask_times)[0]:.3f}, {args.repeat} runs); "
          f"CPU {ask_cpu:.3f} s")
    print(f"ratio ask / numpy               {ratio:.2f}x  (target <= {TARGET_RATIO:.0f}x: "
          f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}); CPU time {ask_cpu / numpy_cpu:.2f}x "
          "(less swayed by other work on the machine)")
    print(f"qa-bot serve, start to first answer  median {statistics.median(serve):.2f} s  "
          f"(min {min(serve):.2f}, {args.serve_repeat} runs, 2 workers)")


if __name__ == "__main__":
    main()
