"""Measuring answer quality and triage on labelled files (``qa-bot eval``).

A labelled file is JSONL, one item a line, in one of two forms (``../shared/eval/README.md``).

Questions, judged on the whole answer::

    {"question": "botox for chronic migraine", "expect": "answered",
     "sections": ["Botox in Chronic Migraine Treatment"]}

``expect`` is ``answered`` (the first citation must be acceptable), ``no_answer``, ``urgent``,
``smalltalk`` or ``either`` (``no_answer`` is right, and so is an answer whose first citation is
acceptable). ``sections`` lists acceptable section headings of a one-article corpus; for several
articles, ``"accept": [["Article title", "Section heading"], ...]`` names the article too.

Triage messages, judged on the status alone::

    {"message": "my dad's face is drooping", "expect": "urgent", "kind": "stroke"}

``expect`` is ``urgent`` (the status must be ``urgent``) or ``not_urgent`` (anything else);
``kind`` groups the misses for reading. A message longer than the bot's question limit is cut at
the last space before it, as a chat box would.

A file holds one form only: the two are reported with different figures.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

QUESTION_EXPECTS = ("answered", "no_answer", "either", "urgent", "smalltalk")
TRIAGE_EXPECTS = ("urgent", "not_urgent")
# Labels that name acceptable sections.
CITING = ("answered", "either")
# A list of titles or headings up to this long is shown whole in an error; a longer one, only the
# few closest to the name that was not found.
LIST_ALL = 12
CLOSEST = 5
# Problems named in one error line; the rest are counted.
PROBLEMS_SHOWN = 3


@dataclass(frozen=True)
class Case:
    """One labelled item. ``accept`` holds (article title, section heading) pairs; the article is
    ``None`` where the file gave only ``sections``, until :func:`check_sections` names it."""

    text: str
    expect: str
    accept: tuple[tuple[str | None, str], ...] = ()
    kind: str = ""
    triage: bool = False  # a triage message ("message") rather than a question

    def right(self, status: str, first: tuple[str, str] | None) -> bool:
        """Whether an answer with this status and first citation is right by this item's own rule."""
        if self.expect == "not_urgent":
            return status != "urgent"
        if self.expect in CITING and status == "answered":
            return first in self.accept
        if self.expect == "either":
            return status == "no_answer"
        return status == self.expect


def parse_case(obj, where: str) -> Case:
    """One line's object as a :class:`Case`, or a :class:`UsageError` starting with ``where``."""

    def bad(message):
        return UsageError(f"{where}: {message}")

    if not isinstance(obj, dict):
        raise bad('each line must be a JSON object with a "question" (or, in a triage file, a "message")')
    if "question" in obj and "message" in obj:
        raise bad('a line has a "question" or a "message" (triage), not both')
    triage = "message" in obj
    key = "message" if triage else "question"
    text = obj.get(key)
    if not isinstance(text, str):
        raise bad('each line needs a "question" string (or, in a triage file, a "message")')
    if not text.strip():
        raise bad(f'the "{key}" is empty')
    expects = TRIAGE_EXPECTS if triage else QUESTION_EXPECTS
    expect = obj.get("expect")
    if expect not in expects:
        form = "a triage message" if triage else "a question"
        raise bad(f'"expect" must be one of {", ".join(expects)} for {form} (got {json.dumps(expect)})')
    kind = obj.get("kind", "")
    if not isinstance(kind, str):
        raise bad('"kind" must be a string')
    accept = _acceptable(obj, bad)
    if expect in CITING and not accept:
        raise bad(f'an {expect} case needs "sections" (acceptable section headings) '
                  f'or "accept" ([article title, section heading] pairs)')
    if expect not in CITING and accept:
        raise bad(f'"sections" and "accept" are only for answered and either cases, not {expect}')
    return Case(text, expect, accept, kind, triage)


def _acceptable(obj: dict, bad) -> tuple[tuple[str | None, str], ...]:
    """The acceptable (article, heading) pairs a line names, article ``None`` for plain ``sections``."""
    if "sections" in obj and "accept" in obj:
        raise bad('give "sections" or "accept", not both')
    if "sections" in obj:
        sections = obj["sections"]
        if not isinstance(sections, list) or not all(isinstance(s, str) and s for s in sections):
            raise bad('"sections" must be a list of section headings')
        return tuple((None, s) for s in sections)
    if "accept" in obj:
        pairs = obj["accept"]
        if not isinstance(pairs, list) or not all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(t, str) and t for t in p) for p in pairs):
            raise bad('"accept" must be a list of ["Article title", "Section heading"] pairs')
        return tuple((a, s) for a, s in pairs)
    return ()


def parse_cases(items) -> list[Case]:
    """``(where, object)`` pairs as cases, all of one form."""
    cases, first = [], None
    for where, obj in items:
        case = parse_case(obj, where)
        if first is None:
            first = case
        elif case.triage != first.triage:
            raise UsageError(f"{where}: a {'triage message' if case.triage else 'question'} in a file of "
                             f"{'triage messages' if first.triage else 'questions'}: "
                             f"keep the two forms in files of their own")
        cases.append(case)
    return cases


def read_questions(path) -> list[dict]:
    """A labelled file's objects, each checked (errors name the file and line)."""
    items = read_lines(path)
    parse_cases(items)
    return [obj for _, obj in items]


def read_lines(path) -> list[tuple[str, object]]:
    """A JSONL file's objects, each with where it is ("file:line"), not yet checked."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
    items = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            items.append((f"{path}:{n}", json.loads(line)))
        except ValueError as exc:
            raise UsageError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    if not items:
        raise UsageError(f"{path} has no questions")
    return items


def _options(name: str, options, what: str) -> str:
    """``what`` followed by the options, or by their number and the few closest to ``name``."""
    options = sorted(set(options))
    if len(options) > LIST_ALL:
        what = f"{what} {len(options)}, the closest"
        options = difflib.get_close_matches(name, options, n=CLOSEST, cutoff=0)
    return f"{what}: {', '.join(map(repr, options))}"


def check_sections(bot, cases: list[Case]) -> list[Case]:
    """The cases with every acceptable section checked against the corpus and its article named.

    A case naming a section the corpus lacks could never pass, and a mistyped title would otherwise
    show up as a quality problem: refused. A plain ``sections`` heading found in several articles is
    refused too, since a citation of either would count as right.
    """
    articles: dict[str, set[str]] = {}
    for s in bot.index.sections:
        articles.setdefault(s.article_title, set()).add(s.title)
    owners: dict[str, list[str]] = {}
    for title, headings in articles.items():
        for h in headings:
            owners.setdefault(h, []).append(title)
    problems: dict[str, str] = {}  # what is wrong -> the first question it is wrong for
    resolved = []
    for case in cases:
        pairs = []
        for article, heading in case.accept:
            if article is None and len(owners.get(heading, ())) == 1:
                pairs.append((owners[heading][0], heading))
            elif article is None and heading in owners:
                problems.setdefault(f"{heading!r} is a section of {len(owners[heading])} articles: "
                                    f'name the article with "accept"', case.text)
            elif article is None:
                problems.setdefault(f"unknown section title {heading!r}; "
                                    f"{_options(heading, owners, 'the corpus has')}", case.text)
            elif article not in articles:
                problems.setdefault(f"unknown article {article!r}; "
                                    f"{_options(article, articles, 'the corpus has')}", case.text)
            elif heading not in articles[article]:
                problems.setdefault(f"article {article!r} has no section {heading!r}; "
                                    f"{_options(heading, articles[article], 'it has')}", case.text)
            else:
                pairs.append((article, heading))
        resolved.append(Case(case.text, case.expect, tuple(pairs), case.kind, case.triage))
    if problems:
        shown = [f"{p} (in {_short(q)!r})" for p, q in list(problems.items())[:PROBLEMS_SHOWN]]
        more = len(problems) - len(shown)
        raise UsageError("; ".join(shown) + (f"; and {more} more" if more else ""))
    return resolved


def _short(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def cut_message(text: str, most: int) -> str:
    """``text`` with its whitespace squeezed, cut at the last space within ``most`` characters if
    longer (or at ``most`` if it has no space there)."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    space = text.rfind(" ", 0, most + 1)
    return text[:space] if space > 0 else text[:most]


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def evaluate(bot, cases: list[dict]) -> dict:
    """Ask every case (objects of one form, as :func:`read_questions` returns them) and report the
    figures and each miss.

    Both forms: overall: items right by their own kind's rule (see :meth:`Case.right`), over all;
    urgent_recall: ``urgent`` items flagged urgent.

    Questions: top1: answered with an acceptable section cited first, over the ``answered`` cases;
    recall_at_3: an acceptable section among the bot's three best-ranked, whatever the status;
    answered_rate: ``answered`` cases answered at all; out_of_scope_rejected: ``no_answer`` cases
    given ``no_answer``; either_right: ``either`` cases right; false_urgent: other cases flagged
    urgent (a count); smalltalk_accuracy: small-talk cases recognised.

    Triage messages: false_alarms: ``not_urgent`` messages flagged urgent (a count), and
    false_alarm_rate, their share; misses_by_kind: per ``kind``, how many were missed of how many.
    """
    cases = check_sections(bot, parse_cases((f"case {i}", c) for i, c in enumerate(cases, 1)))
    if not cases:
        raise UsageError("there are no questions to evaluate")
    results = [_ask(bot, case)[0] for case in cases]
    triage = cases[0].triage
    expects = TRIAGE_EXPECTS if triage else QUESTION_EXPECTS
    by = {e: [r for r in results if r["expect"] == e] for e in expects}

    def share(expect, status):
        return _rate(sum(r["status"] == status for r in by[expect]), len(by[expect]))

    misses = [r for r in results if not r["right"]]
    report = {"messages" if triage else "questions": len(results),
              "overall": _rate(len(results) - len(misses), len(results)),
              "urgent_recall": share("urgent", "urgent")}
    if triage:
        alarms = sum(r["status"] == "urgent" for r in by["not_urgent"])
        report |= {"false_alarms": alarms, "false_alarm_rate": _rate(alarms, len(by["not_urgent"])),
                   "counts": {e: len(v) for e, v in by.items()}, "misses_by_kind": _by_kind(results)}
    else:
        answerable = by["answered"]
        ranked3 = [r for r, c in zip(results, cases)
                   if c.expect == "answered" and set(_ranked(bot, c.text, 3)) & set(c.accept)]
        report |= {
            "top1": _rate(sum(r["right"] for r in answerable), len(answerable)),
            # recall@3 counts the engine's ranking even where the answer showed fewer citations
            "recall_at_3": _rate(len(ranked3), len(answerable)),
            "answered_rate": share("answered", "answered"),
            "out_of_scope_rejected": share("no_answer", "no_answer"),
            "either_right": _rate(sum(r["right"] for r in by["either"]), len(by["either"])),
            "false_urgent": sum(r["status"] == "urgent" for r in results if r["expect"] != "urgent"),
            "smalltalk_accuracy": share("smalltalk", "smalltalk"),
            "counts": {e: len(v) for e, v in by.items()},
            "articles": len({s.article_title for s in bot.index.sections}),
        }
    report["misses"] = [{k: v for k, v in r.items() if k != "right"} for r in misses]
    return report


def _ask(bot, case: Case, history=()) -> tuple[dict, object]:
    """The result of asking one case (after ``history``, the earlier turns), and the answer."""
    text = cut_message(case.text, bot.config.max_question_chars) if case.triage else case.text
    try:
        a = bot.ask(text, history)
    except UsageError as exc:
        raise UsageError(f"{_short(case.text)!r}: {exc}") from None
    cited = [(c.article, c.section) for c in a.citations]
    result = {"message" if case.triage else "question": case.text, "expect": case.expect}
    if case.triage:
        result["kind"] = case.kind
    else:
        result["accept"] = [list(p) for p in case.accept]
    return result | {"status": a.status, "cited": [list(p) for p in cited], "reason": a.reason,
                     "right": case.right(a.status, cited[0] if cited else None)}, a


def _by_kind(results: list[dict]) -> dict:
    """Per kind with a miss, most missed first: how many were missed, of how many."""
    kinds: dict[str, dict] = {}
    for r in results:
        k = kinds.setdefault(r["kind"], {"missed": 0, "of": 0})
        k["missed"] += not r["right"]
        k["of"] += 1
    missed = sorted((k for k in kinds.items() if k[1]["missed"]), key=lambda k: (-k[1]["missed"], k[0]))
    return dict(missed)


def _ranked(bot, question: str, k: int) -> list[tuple[str, str]]:
    sections = bot.index.sections
    return [(sections[c.row].article_title, sections[c.row].title) for c in bot.rank(question, k)]


def pct(v) -> str:
    """A report's share as a percentage, or n/a."""
    return "n/a" if v is None else f"{100 * v:.1f}%"


def row(label: str, value) -> str:
    """One aligned line of a report."""
    return f"{label + ':':<44}{value}"


def format_report(report: dict) -> str:
    """The report for people reading a terminal."""
    c = report["counts"]
    if "messages" in report:
        lines = [
            f"messages: {report['messages']} ({c['urgent']} urgent, {c['not_urgent']} not urgent)",
            row("overall (each item right by its own rule)", pct(report["overall"])),
            row("urgent recall", pct(report["urgent_recall"])),
            row("false alarms", f"{report['false_alarms']} of {c['not_urgent']} ({pct(report['false_alarm_rate'])})"),
        ]
        if report["misses_by_kind"]:
            lines.append("\nmisses by kind:")
            lines += [f"  {kind or '(no kind)':<32}{k['missed']} of {k['of']} missed"
                      for kind, k in report["misses_by_kind"].items()]
    else:
        lines = [
            f"questions: {report['questions']} ({c['answered']} answerable, {c['no_answer']} out of scope, "
            f"{c['either']} either, {c['urgent']} urgent, {c['smalltalk']} small talk)",
            row("overall (each item right by its own rule)", pct(report["overall"])),
            row("top-1 (answered, acceptable section first)", pct(report["top1"])),
            row("recall@3", pct(report["recall_at_3"])),
            row("answered rate", pct(report["answered_rate"])),
            row("out-of-scope rejected", pct(report["out_of_scope_rejected"])),
            row("either (no answer or acceptable section)", pct(report["either_right"])),
            row("urgent recall", pct(report["urgent_recall"])),
            row("false urgent", report["false_urgent"]),
            row("small-talk accuracy", pct(report["smalltalk_accuracy"])),
        ]
    if report["misses"]:
        # One article: its title would only repeat on every line.
        def names(pairs):
            return [s if report.get("articles") == 1 else f"{a} / {s}" for a, s in pairs]

        lines.append(f"\nmisses ({len(report['misses'])}):")
        for m in report["misses"]:
            text = m.get("question", m.get("message"))
            label = f" [{m['kind']}]" if m.get("kind") else ""
            want = m["expect"] + (f" {names(m['accept'])}" if m.get("accept") else "")
            got = m["status"] + (f" {names(m['cited'])}" if m["cited"] else "")
            lines.append(f"- {text!r}{label}\n    expected {want}\n    got      {got}  ({m['reason']})")
    return "\n".join(lines)
