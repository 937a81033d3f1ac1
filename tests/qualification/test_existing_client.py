"""Existing clients are recognised by what they say or by a matter reference in the
firm's style, and a new client asking "can you act for me" is not one."""

import pytest

from qualification.choices import Flag
from qualification.extraction.flags import find_flags
from qualification.extraction.text import prepare


def existing(message: str) -> list[str]:
    text = prepare(subject="", body=message)
    return find_flags(text.lower, original=text.original).flags.get(Flag.EXISTING_CLIENT, [])


@pytest.mark.parametrize(
    "message",
    [
        "Your ref SMI/4471-2. Could you email the completion statement?",
        "Re: AM/CONV/2231 - a quick question about the redemption figure.",
        "You acted for us on the freehold last year and we were very happy.",
        "You drew up her will in 2015 and I understand you hold the original.",
        "Your office prepared my father's LPAs last autumn.",
        "We're a payroll client already and need a new starter added.",
        "Following the seed round you did for us, we are raising a Series B.",
    ],
)
def test_an_existing_client_is_flagged(message):
    assert existing(message)


@pytest.mark.parametrize(
    "message",
    [
        "Can you act for me on my divorce?",
        "Would you act on the sale of my flat? It is on at £250,000.",
        "Our turnover is £3m and we have 12/2026 year end.",
    ],
)
def test_a_new_client_is_not_flagged(message):
    assert existing(message) == []
