"""Retrieval benchmark: qa-bot's engine against bm25s and plain scikit-learn TF-IDF.

    .venv/bin/python benchmarks/bench_retrieval.py            # everything, ~10 minutes on 2 cores
    .venv/bin/python benchmarks/bench_retrieval.py --no-scaling

Reads ../shared/bench-data (next to the repo; ``--data`` to point elsewhere) and copies none of it.
Writes ``benchmarks/results.json``, ``benchmarks/RESULTS.md`` and ``benchmarks/scaling.png``.

Every (system, corpus) pair runs in its own child process, so that the peak memory reported
(``ru_maxrss``) is that system's alone. A child loads the data, builds the index, saves it to a
temporary folder (its size is the index size on disk), ranks every query with k=100 for the quality
metrics (which also warms caches), then times each query alone with k=10 for throughput and latency.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from benchmarks.data import BENCH_DATA, data_path, load_dataset, ndcg_at, read_jsonl, recall_at  # noqa: E402
from benchmarks.systems import SYSTEMS  # noqa: E402
from qa_bot.index import package_versions  # noqa: E402

HERE = Path(__file__).resolve().parent
# Corpora and the query sets judged on them (LiveQA-Med is judged against MedQuAD's passages).
QUALITY_TASKS = {"nfcorpus": ["nfcorpus"], "medquad": ["medquad", "liveqa-med"]}
SCALES = (1_000, 16_407, 164_070)  # MedQuAD's first 1,000 passages, all of it, and 10 copies
SCALING_SYSTEMS = ("qa-bot-bm25", "bm25s", "sklearn")
PACKAGES = ("qa-bot", "scikit-learn", "numpy", "scipy", "nltk", "bm25s", "PyStemmer", "matplotlib")


def rss_mb() -> float:
    """This process's resident memory now."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 2**20


def scaled_corpus(size: int, root: Path) -> list[dict]:
    """``size`` MedQuAD passages: a prefix, or copies with distinct ids (``<id>~<copy>``) past 16,407."""
    base = read_jsonl(data_path("medquad/corpus.jsonl", root))
    copies = -(-size // len(base))
    # Copies get their own string objects, so the corpus takes the memory a real one of that size would.
    docs = [dict(d, id=f"{d['id']}~{c}", text=(d["text"] + " ")[:-1]) if c else d for c in range(copies) for d in base]
    return docs[:size]


def time_queries(system, texts: list[str], k: int = 10) -> dict:
    latencies = np.empty(len(texts))
    for i, text in enumerate(texts):
        start = time.perf_counter()
        system.search(text, k)
        latencies[i] = time.perf_counter() - start
    return {"queries_per_s": len(texts) / latencies.sum(), "p50_ms": 1000 * np.percentile(latencies, 50),
            "p99_ms": 1000 * np.percentile(latencies, 99)}


def run_child(system_name: str, task: str, root: Path) -> dict:
    """One system on one corpus, in this process: the numbers for one row of the tables."""
    system = SYSTEMS[system_name]()
    before = rss_mb()
    if task.startswith("scale-"):
        corpus = scaled_corpus(int(task[6:]), root)
        query_sets = {"medquad": ([q["text"] for q in read_jsonl(data_path("medquad/queries-sample1000.jsonl", root))], None)}
    else:
        query_sets = {}
        for name in QUALITY_TASKS[task]:
            corpus, queries, qrels = load_dataset(name, root)
            query_sets[name] = ([q["text"] for q in queries], [qrels[q["id"]] for q in queries])
    data_rss = rss_mb()
    start = time.perf_counter()
    system.build(corpus)
    out = {"system": system.name, "task": task, "docs": len(corpus), "build_s": time.perf_counter() - start}
    with tempfile.TemporaryDirectory() as tmp:
        system.save(Path(tmp))
        out["index_mb"] = folder_mb(Path(tmp))
        if hasattr(system, "reload"):  # the saved engine must rank exactly as the built one
            reloaded, sample = system.reload(Path(tmp)), next(iter(query_sets.values()))[0][:50]
            out["round_trip_ok"] = all(reloaded.search(q, 10) == system.search(q, 10) for q in sample)
    del corpus
    for name, (texts, judged) in query_sets.items():
        ranked = [system.search(t, 100) for t in texts]
        if judged is not None:
            out[name] = {"queries": len(texts),
                         "ndcg@10": float(np.mean([ndcg_at(r, j) for r, j in zip(ranked, judged)])),
                         "recall@100": float(np.mean([recall_at(r, j) for r, j in zip(ranked, judged)]))}
        else:
            out[name] = {"queries": len(texts)}
        out[name].update(time_queries(system, texts))
    out.update({"rss_before_mb": before, "rss_data_mb": data_rss, "peak_rss_mb": peak_rss_mb()})
    return out


def spawn(system_name: str, task: str, root: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", system_name, task, "--data", str(root)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{system_name} on {task} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {system_name:13} {task:13} build {result['build_s']:6.1f} s  peak {result['peak_rss_mb']:6.0f} MB  "
          + "  ".join(f"{k}: " + ", ".join(f"{m} {v:.3f}" for m, v in r.items() if m != "queries")
                      for k, r in result.items() if isinstance(r, dict)), flush=True)
    return result


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    versions = package_versions(PACKAGES)
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "packages": versions, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=BENCH_DATA, help="the bench-data folder (default ../shared/bench-data)")
    p.add_argument("--no-scaling", action="store_true", help="skip the 1k/16k/160k scaling run")
    p.add_argument("--out", type=Path, default=HERE, help="where results.json, RESULTS.md and scaling.png go")
    p.add_argument("--child", nargs=2, metavar=("SYSTEM", "TASK"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(*args.child, args.data)))
        return 0
    for name in QUALITY_TASKS:
        load_dataset(name, args.data)  # fail early, with the path, if the data is not there
    results = {"machine": machine(), "quality": [], "scaling": []}
    print("quality runs", flush=True)
    for task in QUALITY_TASKS:
        for system_name in SYSTEMS:
            results["quality"].append(spawn(system_name, task, args.data))
    if not args.no_scaling:
        print("scaling runs", flush=True)
        for size in SCALES:
            for system_name in SCALING_SYSTEMS:
                results["scaling"].append(spawn(system_name, f"scale-{size}", args.data))
    (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    from benchmarks.report import write_report

    write_report(results, args.out)
    print(f"wrote {args.out / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
