"""Property-based fuzzing of ask(): any text gives a valid answer or a UsageError, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa_bot.answer import STATUSES
from qa_bot.errors import UsageError

words = st.sampled_from(["botox", "migraine", "pain", "neck", "chest", "hello", "cost", "nerve", "back", "?", "!",
                         "I", "can't", "breathe", "shots", "migrane", "😀", "<script>", "\x00", "ß", "İ"])
questions = st.one_of(st.text(max_size=300), st.lists(words, max_size=30).map(" ".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=questions)
def test_ask_never_crashes(bot, question):
    try:
        answer = bot.ask(question)
    except UsageError as exc:
        assert str(exc)
        return
    data = answer.to_dict()
    assert data["status"] in STATUSES
    # urgent replies carry their own line in place of the article disclaimer: still exactly one
    expected = bot.config.urgent_disclaimer if data["status"] == "urgent" else bot.config.disclaimer
    assert data["disclaimer"] == expected
    assert data["answer"]
    assert (data["status"] == "answered") == bool(data["citations"])
    for c in answer.citations:
        assert any(c.passage in s.text for s in bot.index.sections)
