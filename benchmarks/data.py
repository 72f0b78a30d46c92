"""Benchmark data and metrics: reads ../shared/bench-data in place (nothing is copied into the repo)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DATA = REPO.parent / "shared" / "bench-data"

# name -> (corpus folder, queries file, qrels file): LiveQA-Med is judged against MedQuAD's passages.
DATASETS = {
    "nfcorpus": ("nfcorpus", "nfcorpus/queries.jsonl", "nfcorpus/qrels.tsv"),
    "medquad": ("medquad", "medquad/queries-sample1000.jsonl", "medquad/qrels.tsv"),
    "liveqa-med": ("medquad", "liveqa-med/queries.jsonl", "liveqa-med/qrels.tsv"),
}


class MissingData(SystemExit):
    pass


def data_path(relative: str, root: Path = BENCH_DATA) -> Path:
    path = root / relative
    if not path.exists():
        raise MissingData(f"benchmark data not found: {path} (expected ../shared/bench-data next to the repo; "
                          "see its README.md)")
    return path


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """query id -> {doc id: grade}, graded relevance > 0 only (a missing doc is not relevant)."""
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            grade = int(row["relevance"])
            if grade > 0:
                qrels.setdefault(row["query_id"], {})[row["doc_id"]] = grade
    return qrels


def load_dataset(name: str, root: Path = BENCH_DATA) -> tuple[list[dict], list[dict], dict]:
    """The corpus, the queries that have at least one relevant document, and their qrels."""
    corpus_dir, queries_file, qrels_file = DATASETS[name]
    corpus = read_jsonl(data_path(f"{corpus_dir}/corpus.jsonl", root))
    qrels = read_qrels(data_path(qrels_file, root))
    queries = [q for q in read_jsonl(data_path(queries_file, root)) if q["id"] in qrels]
    return corpus, queries, qrels


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    """nDCG@k with the grade as the gain (trec_eval's linear gain) and log2(rank + 1) discount."""
    dcg = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(relevant.values(), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = 100) -> float:
    return len(set(ranked[:k]) & relevant.keys()) / len(relevant) if relevant else 0.0
