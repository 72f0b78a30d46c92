"""Measuring answer quality on labelled questions (``qa-bot eval``).

A question file is JSONL, one case a line::

    {"question": "botox for chronic migraine", "expect": "answered",
     "sections": ["Botox in Chronic Migraine Treatment"]}

``expect`` is one of ``answered``, ``no_answer``, ``urgent``, ``smalltalk``; ``sections`` lists the
section titles acceptable as the first citation (for ``answered`` cases).
"""

from __future__ import annotations

import json
from pathlib import Path

from .answer import STATUSES
from .errors import UsageError


def read_questions(path) -> list[dict]:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
    cases = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except ValueError as exc:
            raise UsageError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        if not isinstance(case, dict) or not isinstance(case.get("question"), str):
            raise UsageError(f"{path}:{n}: each line needs a \"question\" string")
        if case.get("expect") not in STATUSES:
            raise UsageError(f"{path}:{n}: \"expect\" must be one of {', '.join(STATUSES)}")
        if case["expect"] == "answered" and not case.get("sections"):
            raise UsageError(f"{path}:{n}: an answered case needs \"sections\" (acceptable section titles)")
        cases.append(case)
    if not cases:
        raise UsageError(f"{path} has no questions")
    return cases


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def check_sections(bot, cases: list[dict]) -> None:
    """Refuse a question file naming sections the corpus lacks: such a case could never pass,
    and a mistyped title would otherwise show up as a quality problem."""
    titles = {s.title for s in bot.index.sections}
    unknown = sorted({t for c in cases for t in c.get("sections", []) if t not in titles})
    if unknown:
        raise UsageError(f"unknown section title(s) {', '.join(map(repr, unknown))}; "
                         f"the corpus has: {', '.join(sorted(titles))}")


def evaluate(bot, cases: list[dict]) -> dict:
    """Ask every case and report the quality figures and each miss.

    top1: answered with an acceptable section cited first, over the answerable cases;
    recall_at_3: an acceptable section among the bot's three best-ranked, whatever the status;
    answered_rate: answerable cases answered at all; out_of_scope_rejected: ``no_answer`` cases
    given ``no_answer``; urgent_recall: ``urgent`` cases flagged urgent; false_urgent: other cases
    flagged urgent (a count); smalltalk_accuracy: small-talk cases recognised.
    """
    check_sections(bot, cases)
    results = []
    for case in cases:
        a = bot.ask(case["question"])
        cited = [c.section for c in a.citations]
        results.append({"question": case["question"], "expect": case["expect"], "sections": case.get("sections", []),
                        "status": a.status, "cited": cited, "reason": a.reason})
    by = {s: [r for r in results if r["expect"] == s] for s in STATUSES}
    answerable = by["answered"]
    top1 = [r for r in answerable if r["status"] == "answered" and r["cited"][:1] and r["cited"][0] in r["sections"]]
    at3 = [r for r in answerable if r["status"] == "answered" and set(r["cited"][:3]) & set(r["sections"])]
    # recall@3 counts the engine's ranking even where the answer showed fewer citations
    ranked3 = [r for r in answerable if set(_ranked_sections(bot, r["question"], 3)) & set(r["sections"])]
    misses = []
    for r in results:
        ok = r["status"] == r["expect"] and (r["expect"] != "answered" or r in top1)
        if not ok:
            misses.append(r)
    return {
        "questions": len(results),
        "top1": _rate(len(top1), len(answerable)),
        "recall_at_3": _rate(len(ranked3), len(answerable)),
        "answered_rate": _rate(sum(r["status"] == "answered" for r in answerable), len(answerable)),
        "out_of_scope_rejected": _rate(sum(r["status"] == "no_answer" for r in by["no_answer"]), len(by["no_answer"])),
        "urgent_recall": _rate(sum(r["status"] == "urgent" for r in by["urgent"]), len(by["urgent"])),
        "false_urgent": sum(r["status"] == "urgent" for r in results if r["expect"] != "urgent"),
        "smalltalk_accuracy": _rate(sum(r["status"] == "smalltalk" for r in by["smalltalk"]), len(by["smalltalk"])),
        "counts": {s: len(v) for s, v in by.items()},
        "misses": misses,
    }


def _ranked_sections(bot, question: str, k: int) -> list[str]:
    return [bot.index.sections[r[0]].title for r in bot.rank(question, k)]


def format_report(report: dict) -> str:
    def pct(v):
        return "n/a" if v is None else f"{100 * v:.1f}%"

    c = report["counts"]
    lines = [
        f"questions: {report['questions']} ({c['answered']} answerable, {c['no_answer']} out of scope, "
        f"{c['urgent']} urgent, {c['smalltalk']} small talk)",
        f"top-1 (answered, acceptable section first): {pct(report['top1'])}",
        f"recall@3:                                   {pct(report['recall_at_3'])}",
        f"answered rate:                              {pct(report['answered_rate'])}",
        f"out-of-scope rejected:                      {pct(report['out_of_scope_rejected'])}",
        f"urgent recall:                              {pct(report['urgent_recall'])}",
        f"false urgent:                               {report['false_urgent']}",
        f"small-talk accuracy:                        {pct(report['smalltalk_accuracy'])}",
    ]
    if report["misses"]:
        lines.append(f"\nmisses ({len(report['misses'])}):")
        for m in report["misses"]:
            want = m["expect"] + (f" {m['sections']}" if m["expect"] == "answered" else "")
            got = m["status"] + (f" {m['cited']}" if m["cited"] else "")
            lines.append(f"- {m['question']!r}\n    expected {want}\n    got      {got}  ({m['reason']})")
    return "\n".join(lines)
