"""Reports for clinic staff from the feedback store: how the bot is doing and what to write next.

:func:`report` returns plain data (a :class:`Report`); :func:`format_text`, :func:`format_json`
and :func:`format_csv` print it for people, programs and spreadsheets. Days are UTC days.

- questions by status per day, every day of the period (zeros included, for charts);
- the reason codes of unanswered questions, most frequent first (``not_covered:cost``...);
- the sections patients found "not helpful" most often, and why: a verdict counts for every section
  the answer cited;
- the articles not reviewed for over a year (from ``reviewed`` in their front matter);
- with ``log_questions`` on, the most frequent unanswered questions, similar ones grouped: two
  questions are alike when their content words (qa-bot's analyzer: stop words dropped, stemmed,
  sorted) are within :data:`SIMILAR` by rapidfuzz's ratio, so "what does botox cost" and
  "How much does Botox cost?" are one group, and "back pain" and "neck pain" are two.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from rapidfuzz import fuzz, process

from .analysis import Analyzer
from .answer import STATUSES
from .errors import UsageError
from .store import Store, as_utc, utc_now
from .store.schema import answers, citations, feedback

TOP = 10  # rows in each "most frequent" list
STALE_AFTER_DAYS = 365
SIMILAR = 80  # rapidfuzz ratio (0-100) between two questions' sorted content words
MAX_QUESTIONS = 2000  # the most recent unanswered questions looked at for grouping


@dataclass(frozen=True)
class Day:
    day: str  # YYYY-MM-DD (UTC)
    counts: dict[str, int]  # status -> answers that day, every status present


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    count: int


@dataclass(frozen=True)
class SectionFeedback:
    article: str
    section: str
    not_helpful: int
    helpful: int
    reasons: dict[str, int]  # why it was not helpful, where patients said: reason -> verdicts


@dataclass(frozen=True)
class StaleArticle:
    title: str
    reviewed: str  # YYYY-MM-DD
    days: int  # since the review


@dataclass(frozen=True)
class QuestionGroup:
    question: str  # the group's most frequent wording
    count: int  # questions in the group
    variants: tuple[str, ...]  # other wordings, most frequent first (a few)


@dataclass(frozen=True)
class Report:
    since: str  # ISO times (UTC) of the period's start and end
    until: str
    answers: int
    by_day: tuple[Day, ...]
    unanswered_reasons: tuple[ReasonCount, ...]
    unhelpful_sections: tuple[SectionFeedback, ...]
    stale_articles: tuple[StaleArticle, ...]
    unanswered_questions: tuple[QuestionGroup, ...] | None  # None: questions are not logged
    helpful: int = 0  # verdicts on the period's answers
    not_helpful: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


PERIOD_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
MAX_PERIOD = timedelta(days=3660)


def parse_period(text: str) -> timedelta:
    """``30d``, ``12h``, ``8w`` as a timedelta; UsageError for anything else."""
    text = text.strip().lower()
    number, unit = text[:-1], text[-1:]
    if unit not in PERIOD_UNITS or not number.isdigit() or int(number) < 1:
        raise UsageError(f"the period '{text}' is not a number of hours, days or weeks, like 30d, 12h or 8w")
    period = int(number) * PERIOD_UNITS[unit]
    if period > MAX_PERIOD:
        raise UsageError(f"the period '{text}' is over ten years: answers are kept for retention_days anyway")
    return period


def report(store: Store, since: timedelta = timedelta(days=30), *, articles: Iterable = (),
           now: datetime | None = None, top: int = TOP) -> Report:
    """The report for the ``since`` before ``now`` (the current time by default).

    ``articles`` are the corpus' articles (anything with ``title`` and ``reviewed``, an ISO date
    or a ``date``), for the list of those not reviewed for over a year. Raises
    :class:`~qa_bot.errors.StoreError` if the database cannot be read.
    """
    end = utc_now() if now is None else as_utc(now)
    start = end - since
    in_period = sa.and_(answers.c.created_at >= start, answers.c.created_at < end)
    with store.reading() as conn:
        by_day = _by_day(conn, in_period, start.date(), end.date())
        reasons = conn.execute(
            sa.select(answers.c.reason, sa.func.count().label("n"))
            .where(in_period, answers.c.status == "no_answer")
            .group_by(answers.c.reason).order_by(sa.desc("n"), answers.c.reason).limit(top)).all()
        sections = _unhelpful_sections(conn, in_period, top)
        verdicts = dict(conn.execute(
            sa.select(feedback.c.helpful, sa.func.count())
            .select_from(feedback.join(answers, answers.c.id == feedback.c.answer_id))
            .where(in_period).group_by(feedback.c.helpful)).all())
        questions = None
        if store.log_questions:
            questions = group_questions(conn.execute(
                sa.select(answers.c.question)
                .where(in_period, answers.c.status == "no_answer", answers.c.question.is_not(None))
                .order_by(answers.c.created_at.desc()).limit(MAX_QUESTIONS)).scalars(), top)
    return Report(
        since=start.isoformat(timespec="seconds") + "Z", until=end.isoformat(timespec="seconds") + "Z",
        answers=sum(sum(d.counts.values()) for d in by_day), by_day=by_day,
        unanswered_reasons=tuple(ReasonCount(r, n) for r, n in reasons), unhelpful_sections=sections,
        stale_articles=stale_articles(articles, end.date()), unanswered_questions=questions,
        helpful=verdicts.get(True, 0), not_helpful=verdicts.get(False, 0))


def _by_day(conn: sa.Connection, in_period, first: date, last: date) -> tuple[Day, ...]:
    day = sa.func.date(answers.c.created_at)  # SQLite: 'YYYY-MM-DD'; PostgreSQL: a date
    counts = {(str(d), s): n for d, s, n in conn.execute(
        sa.select(day, answers.c.status, sa.func.count()).where(in_period).group_by(day, answers.c.status))}
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return tuple(Day(d.isoformat(), {s: counts.get((d.isoformat(), s), 0) for s in STATUSES}) for d in days)


def _unhelpful_sections(conn: sa.Connection, in_period, top: int) -> tuple[SectionFeedback, ...]:
    verdicts = conn.execute(
        sa.select(citations.c.article, citations.c.section, feedback.c.helpful, feedback.c.reason, sa.func.count())
        .select_from(feedback.join(answers, answers.c.id == feedback.c.answer_id)
                     .join(citations, citations.c.answer_id == feedback.c.answer_id))
        .where(in_period)
        .group_by(citations.c.article, citations.c.section, feedback.c.helpful, feedback.c.reason)).all()
    helpful: Counter = Counter()
    not_helpful: Counter = Counter()
    why: dict[tuple[str, str], Counter] = {}
    for article, section, is_helpful, reason, n in verdicts:
        key = (article, section)
        (helpful if is_helpful else not_helpful)[key] += n
        if reason and not is_helpful:
            why.setdefault(key, Counter())[reason] += n
    worst = sorted(not_helpful, key=lambda key: (-not_helpful[key], helpful[key], key))[:top]
    return tuple(SectionFeedback(article, section, not_helpful[(article, section)], helpful[(article, section)],
                                 dict(why.get((article, section), Counter()).most_common()))
                 for article, section in worst)


def stale_articles(articles: Iterable, today: date) -> tuple[StaleArticle, ...]:
    """The articles last reviewed more than :data:`STALE_AFTER_DAYS` before ``today``, oldest first.
    Records of a JSONL knowledge base have no review date (``""``) and are left out."""
    stale = []
    for article in articles:
        reviewed = article.reviewed
        if not reviewed:
            continue
        if isinstance(reviewed, str):
            reviewed = date.fromisoformat(reviewed)  # the corpus loader has checked it is one
        days = (today - reviewed).days
        if days > STALE_AFTER_DAYS:
            stale.append(StaleArticle(article.title, reviewed.isoformat(), days))
    return tuple(sorted(stale, key=lambda a: (-a.days, a.title)))


def group_questions(questions: Iterable[str], top: int = TOP, analyzer: Analyzer | None = None) -> tuple[QuestionGroup, ...]:
    """The ``top`` groups of similar questions, largest first (see the module's docstring)."""
    analyzer = analyzer or Analyzer()
    wordings = Counter(" ".join(q.split()) for q in questions)
    keys: list[str] = []  # each group's content words, for matching
    groups: list[list] = []  # [wording, count, [(variant, count), ...]]
    # Most frequent first, so that each group is named by its most frequent wording.
    for wording, n in sorted(wordings.items(), key=lambda item: (-item[1], item[0])):
        key = " ".join(sorted(set(analyzer(wording)))) or wording.casefold()
        match = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=SIMILAR)
        if match is None:
            keys.append(key)
            groups.append([wording, n, []])
        else:
            group = groups[match[2]]
            group[1] += n
            group[2].append(wording)
    groups.sort(key=lambda g: -g[1])  # stable: equal counts keep the order they were first seen in
    return tuple(QuestionGroup(wording, n, tuple(variants[:3])) for wording, n, variants in groups[:top])


# -- formatters ---------------------------------------------------------------------------------------


def format_json(result: Report) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)


def format_text(result: Report) -> str:
    """The report for people: one block a list, numbers right-aligned."""
    lines = [f"qa-bot report, {result.since[:10]} to {result.until[:10]} (UTC): {result.answers} answers", "",
             "Answers by day:", "  day         " + " ".join(f"{s:>10}" for s in STATUSES)]
    lines += [f"  {d.day}  " + " ".join(f"{d.counts[s]:>10}" for s in STATUSES) for d in result.by_day]
    lines += ["", f"Feedback: {result.helpful} helpful, {result.not_helpful} not helpful", "",
              "Why questions went unanswered:"]
    lines += [f"  {r.count:>6}  {r.reason}" for r in result.unanswered_reasons] or ["  (none)"]
    lines += ["", "Sections patients found not helpful:"]
    for s in result.unhelpful_sections:
        why = ", ".join(f"{reason} {n}" for reason, n in s.reasons.items())
        lines.append(f"  {s.not_helpful:>6}  {s.article} > {s.section} (helpful {s.helpful}{'; ' + why if why else ''})")
    if not result.unhelpful_sections:
        lines.append("  (none)")
    lines += ["", "Articles not reviewed for over a year:"]
    lines += [f"  {a.reviewed}  {a.title} ({a.days} days)" for a in result.stale_articles] or ["  (none)"]
    lines += ["", "Most frequent unanswered questions:"]
    if result.unanswered_questions is None:
        lines.append("  (questions are not stored: log_questions is off)")
    else:
        for g in result.unanswered_questions:
            also = f" (also: {' | '.join(g.variants)})" if g.variants else ""
            lines.append(f"  {g.count:>6}  {g.question}{also}")
        if not result.unanswered_questions:
            lines.append("  (none)")
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ("table", "key", "detail", "count")


def format_csv(result: Report) -> str:
    """One table for spreadsheets: ``table,key,detail,count``; filter on ``table``."""
    rows = [("by_day", d.day, status, n) for d in result.by_day for status, n in d.counts.items()]
    rows += [("feedback", "helpful", "", result.helpful), ("feedback", "not_helpful", "", result.not_helpful)]
    rows += [("unanswered_reason", r.reason, "", r.count) for r in result.unanswered_reasons]
    for s in result.unhelpful_sections:
        name = f"{s.article} > {s.section}"
        rows += [("not_helpful", name, "", s.not_helpful), ("helpful", name, "", s.helpful)]
        rows += [("not_helpful_reason", name, reason, n) for reason, n in s.reasons.items()]
    rows += [("stale_article", a.title, a.reviewed, a.days) for a in result.stale_articles]
    for g in result.unanswered_questions or ():
        rows.append(("unanswered_question", g.question, " | ".join(g.variants), g.count))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([tuple(_cell(v) for v in row) for row in rows])
    return out.getvalue()


def _cell(value):
    """A value a spreadsheet shows as text: one that starts like a formula (a stored question could be
    "=HYPERLINK(...)") gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
