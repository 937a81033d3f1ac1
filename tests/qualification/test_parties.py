"""Other parties read from an enquiry's text (the employer, the other spouse, the seller,
the defendant, the deceased) and recorded as compliance parties, so the conflict check at
intake finds them on a later lead."""

import pytest

from compliance.choices import PartySource, RecordKind
from compliance.models import ConflictCheck, Party
from compliance.steps import conflict_check
from leads.choices import Channel
from leads.services import ContactDetails, lead_capture
from qualification.extraction.parties import find_parties


def parties(text: str, **kwargs) -> list[tuple[str, str, str]]:
    return [(party.name, party.kind, party.role) for party in find_parties(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I was dismissed by Hartley Foods Ltd last week after six years.",
            [("Hartley Foods Ltd", "organisation", "employer")],
        ),
        (
            "Mr Osei phoned about his late aunt's estate. His late aunt, Margaret Hughes, "
            "died in May.",
            [("Margaret Hughes", "person", "deceased")],
        ),
        (
            "I want a divorce from my husband, Daniel Price. We have two children.",
            [("Daniel Price", "person", "spouse")],
        ),
        (
            "We are buying 12 Elm Road from the seller Mr John Baker for £450k.",
            [("John Baker", "person", "seller")],
        ),
        (
            "Brightwell Holdings plc sent us a letter before action. We also want to claim "
            "against Peak Logistics Ltd, who owe us £40k.",
            [
                ("Brightwell Holdings plc", "organisation", "claimant"),
                ("Peak Logistics Ltd", "organisation", "defendant"),
            ],
        ),
        (
            "My landlord, Grasping Estates Ltd, will not return my deposit.",
            [("Grasping Estates Ltd", "organisation", "landlord")],
        ),
        ("Hi, I need a will. Thanks, Priya", []),
    ],
)
def test_the_other_parties_are_read_with_their_roles(text, expected):
    assert parties(text, enquirer_name="Kwame Osei") == expected


def test_the_enquirer_their_organisation_their_sign_off_and_the_firm_are_not_parties():
    text = (
        "Dear Ashdown Marsh LLP,\n\nI'm the HR Director at Greenway Care Ltd and we need "
        "advice on a redundancy. Our supplier Tidewell Logistics Ltd is also in dispute with "
        "us.\n\nKind regards\nSue Bell\nHR Director\nGreenway Care Ltd\n"
    )
    found = parties(
        text,
        enquirer_name="Sue Bell",
        organisation="Greenway Care Ltd",
        email="sue.bell@greenwaycare.co.uk",
        firm_words=("ashdown", "marsh"),
    )
    assert found == [("Tidewell Logistics Ltd", "organisation", "other_side")]


def test_any_text_is_read_without_error_and_the_count_is_bounded():
    assert find_parties("") == []
    assert find_parties("\x00" * 10 + "ÿ" * 1000) == []
    many = " ".join(f"Against Company{n} Ltd." for n in range(50))
    assert len(find_parties(many)) == 10


@pytest.mark.django_db
def test_parties_read_from_the_text_are_recorded_and_found_by_a_later_check():
    first = lead_capture(
        channel=Channel.EMAIL,
        contact=ContactDetails(name="Rachel Okafor", email="rachel@example.com"),
        message="I was dismissed by Northwind Trading Ltd on Friday without any warning.",
        payload={},
    ).lead
    conflict_check(lead=first)
    party = Party.objects.get(lead=first)
    assert (party.name, party.role, party.kind, party.source) == (
        "Northwind Trading Ltd",
        "employer",
        "organisation",
        PartySource.READ,
    )
    # The employer itself now enquires: the firm is already acting against it.
    second = lead_capture(
        channel=Channel.API,
        contact=ContactDetails(
            name="Sam Lee", email="sam@northwind.example", organisation="Northwind Trading Limited"
        ),
        message="We need help with a lease.",
        payload={},
    ).lead
    conflict_check(lead=second)
    match = ConflictCheck.objects.get(lead=second).matches.get(record_kind=RecordKind.PARTY)
    assert "employer on lead" in match.record_label
    assert "read from the enquiry's text" in match.record_label


@pytest.mark.django_db
def test_a_party_the_enquirer_named_is_kept_as_given_and_not_read_twice():
    lead = lead_capture(
        channel=Channel.API,
        contact=ContactDetails(name="Emma Price", email="emma@example.com"),
        message="I want a divorce from my husband, Daniel Price. He has moved out.",
        payload={"parties": [{"name": "Daniel Price", "role": "spouse"}]},
    ).lead
    conflict_check(lead=lead)
    assert [(p.name, p.role, p.source) for p in Party.objects.filter(lead=lead)] == [
        ("Daniel Price", "spouse", PartySource.GIVEN)
    ]
