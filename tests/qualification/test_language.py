"""Language detection: an enquiry in Welsh, Urdu, Romanian, Polish or Scottish Gaelic is
recognised and said so in the basis; English (however terse) costs no detector at all."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from qualification.extraction import Enquiry, extract
from qualification.extraction.language import basis_line, find_language
from qualification.scoring import Rules, assess

ARRIVED = datetime(2027, 2, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [
        ("Bore da, mae angen help arnaf gyda ewyllys fy nhad. Diolch yn fawr.", "cy", "Welsh"),
        ("السلام علیکم، مجھے اپنے والد کی وصیت کے بارے میں مدد چاہیے", "ur", "Urdu"),
        ("Bună ziua, am nevoie de ajutor cu un contract de muncă.", "ro", "Romanian"),
        ("Dzień dobry, potrzebuję pomocy w sprawie rozwodu.", "pl", "Polish"),
        ("ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ, ਮੈਨੂੰ ਤਲਾਕ ਬਾਰੇ ਸਲਾਹ ਚਾਹੀਦੀ ਹੈ", "pa", "Punjabi"),
        (
            "Madainn mhath, tha mi ag iarraidh cuideachadh le tiomnadh m' athar. Tapadh leibh.",
            "gd",
            "Scottish Gaelic",
        ),
        ("Dia duit, tá cabhair uaim le huacht m'athar, le do thoil.", "ga", "Irish"),
    ],
)
def test_enquiries_in_other_languages_are_detected(text, code, name):
    found = find_language(text)
    assert (found.code, found.name, found.detected) == (code, name, True)


@pytest.mark.parametrize(
    "text",
    [
        "need will",
        "Conveyancing quote pls 3 bed semi Leeds",
        "Hi – I’d like a quote for selling my flat at £210,000.",
        "",
    ],
)
def test_english_is_recognised_without_the_detector(text):
    found = find_language(text)
    assert found.is_english and not found.detected
    assert basis_line(found) == ""


def test_the_basis_says_which_language_the_enquiry_is_in():
    enquiry = Enquiry(
        message="Bore da, mae angen help arnaf gyda gwerthu fy nhŷ yn Abertawe. Diolch, Siân",
        arrived_at=ARRIVED,
    )
    basis = assess(extract(enquiry, ()), Rules(version=1)).basis
    assert any(line.startswith("Written in Welsh (detected") for line in basis)


def test_the_basis_names_the_other_parties_read_from_the_text():
    enquiry = Enquiry(
        message="I was dismissed by Hartley Foods Ltd last Friday after six years.",
        arrived_at=ARRIVED,
        contact_name="Rachel Okafor",
    )
    basis = assess(extract(enquiry, ()), Rules(version=1)).basis
    assert "Other parties named: Hartley Foods Ltd (employer)" in basis
