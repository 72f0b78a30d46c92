"""Measuring follow-up questions on labelled conversations (``qa-bot eval`` on a conversation file).

A conversation file is JSONL, one conversation a line: its turns in order, each a labelled question
of the question form (``evaluate.py``: ``question``, ``expect``, ``sections`` or ``accept``), and on
every turn after the first, ``follow_up``::

    {"conversation": [
      {"question": "what is glaucoma?", "expect": "answered", "accept": [["Glaucoma", "What is glaucoma?"]]},
      {"question": "how is it treated?", "follow_up": true, "expect": "answered",
       "accept": [["Glaucoma", "Treatment"], ["Glaucoma", "Can glaucoma be treated?"]]},
      {"question": "and what are cataracts?", "follow_up": false, "expect": "answered",
       "accept": [["Cataract", "What is a cataract?"]]}]}

``follow_up: true`` marks a question without a topic of its own, to be read with the conversation's
(its answer is judged like any question's); ``false`` one that names its own topic, which must be
read alone: an assumed topic there is a carry-over. Each turn is asked with the earlier turns as a
client sends them (``history``: each question, its answer's id and the article it cited first).
"""

from __future__ import annotations

from .errors import UsageError
from .evaluate import _ask, _rate, _short, check_sections, parse_case, pct, read_lines, row
from .followup import MAX_TURNS, Turn

MAX_CONVERSATION_TURNS = MAX_TURNS + 1  # every turn but the last is history for a later one


def is_conversation(obj) -> bool:
    return isinstance(obj, dict) and "conversation" in obj


def parse_conversation(obj, where: str) -> list[tuple[object, bool | None]]:
    """A conversation line's turns as (case, follow_up) pairs, or a UsageError starting with ``where``."""
    turns = obj.get("conversation")
    if not isinstance(turns, list) or len(turns) < 2:
        raise UsageError(f'{where}: "conversation" must be a list of at least two turns')
    if len(turns) > MAX_CONVERSATION_TURNS:
        raise UsageError(f'{where}: a conversation has at most {MAX_CONVERSATION_TURNS} turns, not {len(turns)}')
    parsed = []
    for n, turn in enumerate(turns, 1):
        at = f"{where}: turn {n}"
        if not isinstance(turn, dict):
            raise UsageError(f"{at}: each turn must be a JSON object with a \"question\"")
        follow = turn.get("follow_up")
        if n == 1 and follow is not None:
            raise UsageError(f'{at}: the first turn has nothing to follow up: leave "follow_up" out')
        if n > 1 and not isinstance(follow, bool):
            raise UsageError(f'{at}: every turn after the first needs "follow_up": true (no topic of its own) '
                             'or false (names its own topic)')
        case = parse_case({k: v for k, v in turn.items() if k != "follow_up"}, at)
        if case.triage:
            raise UsageError(f'{at}: a turn is a "question", not a triage "message"')
        parsed.append((case, follow))
    return parsed


def read_conversations(path) -> list[dict]:
    """A conversation file's objects, each checked (errors name the file and line)."""
    items = read_lines(path)
    for where, obj in items:
        if not is_conversation(obj):
            raise UsageError(f'{where}: a file of conversations holds only {{"conversation": [...]}} lines')
        parse_conversation(obj, where)
    return [obj for _, obj in items]


def evaluate_conversations(bot, objects: list[dict]) -> dict:
    """Ask every conversation turn by turn and report:

    turns; overall: turns right by their own rule (see ``evaluate.Case.right``);
    follow_up_right: ``follow_up: true`` turns right, over those turns (for answered turns: an
    acceptable section cited first); follow_up_assumed: of those, the share read with a topic;
    carry_overs: ``follow_up: false`` turns read with an assumed topic (a count; should be 0);
    and each miss with its conversation and turn.
    """
    conversations = []
    for i, obj in enumerate(objects, 1):
        if not is_conversation(obj):
            raise UsageError(f"case {i}: a file of conversations holds only conversations")
        conversations.append(parse_conversation(obj, f"conversation {i}"))
    if not conversations:
        raise UsageError("there are no conversations to evaluate")
    flat = check_sections(bot, [case for turns in conversations for case, _ in turns])
    results, k = [], 0
    for c, turns in enumerate(conversations, 1):
        history: list[Turn] = []
        for n, (_, follow) in enumerate(turns, 1):
            case = flat[k]
            k += 1
            result, answer = _ask(bot, case, tuple(history))
            assumed = answer.assumed_topic
            right = result.pop("right") and not (follow is False and assumed is not None)
            results.append(result | {"conversation": c, "turn": n, "follow_up": follow,
                                     "assumed_topic": assumed, "right": right})
            article = answer.citations[0].article if answer.citations else ""
            history.append(Turn(answer.question, answer.id, article))
    follow_ups = [r for r in results if r["follow_up"] is True]
    own = [r for r in results if r["follow_up"] is False]
    misses = [{k: v for k, v in r.items() if k != "right"} for r in results if not r["right"]]
    return {
        "conversations": len(conversations), "turns": len(results),
        "overall": _rate(sum(r["right"] for r in results), len(results)),
        "follow_up_turns": len(follow_ups),
        "follow_up_right": _rate(sum(r["right"] for r in follow_ups), len(follow_ups)),
        "follow_up_assumed": _rate(sum(r["assumed_topic"] is not None for r in follow_ups), len(follow_ups)),
        "own_topic_turns": len(own),
        "carry_overs": sum(r["assumed_topic"] is not None for r in own),
        "articles": len({s.article_title for s in bot.index.sections}),
        "misses": misses,
    }


def format_conversations(report: dict) -> str:
    """The report for people reading a terminal."""
    lines = [
        f"conversations: {report['conversations']} ({report['turns']} turns, {report['follow_up_turns']} follow-ups, "
        f"{report['own_topic_turns']} naming their own topic)",
        row("overall (each turn right by its own rule)", pct(report["overall"])),
        row("follow-ups answered right", pct(report["follow_up_right"])),
        row("follow-ups read with a topic", pct(report["follow_up_assumed"])),
        row("carry-overs (own topic read with another)", report["carry_overs"]),
    ]
    if report["misses"]:
        lines.append(f"\nmisses ({len(report['misses'])}):")
        for m in report["misses"]:
            got = m["status"] + (f" {[' / '.join(p) for p in m['cited']]}" if m["cited"] else "")
            topic = f", read as about {m['assumed_topic']!r}" if m["assumed_topic"] else ""
            lines.append(f"- conversation {m['conversation']} turn {m['turn']}: {_short(m['question'], 70)!r}\n"
                         f"    expected {m['expect']} {[' / '.join(p) for p in m['accept']]}"
                         f"{' (follow-up)' if m['follow_up'] else ''}\n    got      {got}{topic}  ({m['reason']})")
    return "\n".join(lines)
