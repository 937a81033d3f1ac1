"""Decision position read as a BDM reads it: roles and sign-offs anywhere, reception's
third-person notes, writing for a relative or a boss, referrers, the undecided, and
forwarded mail (the forwarded text is the enquiry; its author decides)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from qualification.extraction import Enquiry, extract
from qualification.extraction.text import find_forwarded

ARRIVED = datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def position(message: str, **kwargs) -> str:
    return str(
        extract(Enquiry(message=message, arrived_at=ARRIVED, **kwargs), ()).position.position
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "We need a shareholders' agreement. I'm the MD and I'll sign everything off.",
            "decision_maker",
        ),
        (
            "Please quote for our year-end accounts.\n\nKind regards\nJane Hale\nFinance Director\n"
            "Hale Joinery Ltd",
            "decision_maker",
        ),
        (
            "Call from Mrs Jean Penhaligon. She and husband Roy want new mirror wills.",
            "decision_maker",
        ),
        ("need will", "decision_maker"),
        (
            "My employer Fenwick Digital Ltd has offered me a settlement agreement.",
            "decision_maker",
        ),
        ("I'm the HR manager, the MD (Robert Quayle) will sign off.", "on_behalf"),
        (
            "I'm writing for my husband Stuart, who is in hospital after a fall at work.",
            "on_behalf",
        ),
        ("Louise Brennan rang for her mum, Mrs Patricia Doyle, about probate.", "on_behalf"),
        ("My father, Frank Holloway (86), wants to change his will.", "on_behalf"),
        ("Our son Alfie (7) lives with me; his father wants more contact.", "decision_maker"),
        (
            "Jenny from Cubitt & West called - has a buyer couple, Mr & Mrs Obi, £425,000.",
            "referrer",
        ),
        ("I am private banker to the Lyle family and was asked to introduce a firm.", "referrer"),
        (
            "Thinking of putting the house on the market next spring. Not ready to instruct yet.",
            "researching",
        ),
        (
            "How much for a basic will? The Co-op have quoted me £180 so I'm comparing.",
            "researching",
        ),
        ("Lady rang, wouldn't give her name or say what it's about.", "unknown"),
    ],
)
def test_the_decision_position_is_read_from_anywhere_in_the_text(message, expected):
    assert position(message) == expected


FORWARD = """Hi, please see below from our MD - could someone call him?

Holly Danes
Executive Assistant

---------- Forwarded message ---------
From: Simon Aldridge <simon@marchwood.example>
Date: Mon, 23 Nov 2026, 18:05
Subject: Audit tender
To: Holly Danes <holly@marchwood.example>

We want to tender our group audit (turnover £35m). I'm the CFO.
"""


def test_forwarded_mail_is_read_and_its_author_decides():
    forwarded = find_forwarded(FORWARD)
    assert (forwarded.author_name, forwarded.author_email) == (
        "Simon Aldridge",
        "simon@marchwood.example",
    )
    assert forwarded.text.endswith("I'm the CFO.")
    signals = extract(Enquiry(message=FORWARD, arrived_at=ARRIVED, contact_name="Holly Danes"), ())
    assert str(signals.position.position) == "on_behalf"
    assert signals.position.reason == "forwards Simon Aldridge's email; Simon Aldridge decides"
    assert "Forwarded email from Simon Aldridge: read as the enquiry" in signals.reading_notes()
    assert "tender our group audit" in signals.summary or signals.value.sums


def test_an_estate_agent_forwarding_a_client_is_a_referrer():
    message = FORWARD.replace("please see below from our MD", "my client's note is below")
    assert position(message, contact_name="Holly Danes") == "referrer"


def test_nothing_forwarded_is_found_in_an_ordinary_message():
    assert find_forwarded("From: the start I have wanted a will.") is None
