"""Redaction of identifiers before question logging."""

from __future__ import annotations

import pytest

from qa_bot.privacy import redact


@pytest.mark.parametrize("text, expected", [
    ("email me at jane.doe+clinic@example.co.uk please", "email me at [EMAIL] please"),
    ("call 555-123-4567 tomorrow", "call [PHONE] tomorrow"),
    ("my mobile is +44 20 7946 0958", "my mobile is [PHONE]"),
    ("my name is Jane Smith and my neck hurts", "my name is [NAME] and my neck hurts"),
    ("born 04/07/1980, ssn 123-45-6789", "born [DATE], ssn [SSN]"),
    ("patient id MRN-0042317 asks", "patient id [ID] asks"),
    ("see https://example.com/x?y=1 for more", "see [URL] for more"),
    ("card 4111 1111 1111 1111", "card [CARD]"),
    ("from 192.168.1.20", "from [IP]"),
])
def test_identifiers_are_tagged(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "i have a headache 20 days each month",
    "The FDA approved Botox for chronic migraines in 2010",
    "can botox help my lower back pain?",
    "15 or more days a month, 155 units",
])
def test_ordinary_questions_are_unchanged(text):
    assert redact(text) == text
