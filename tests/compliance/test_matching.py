"""Name comparison for conflict checks: each kind of near-duplicate matches, and says why."""

import pytest

from compliance.matching import compare, name_keys


@pytest.mark.parametrize(
    ("searched", "held", "reason"),
    [
        ("Mr John Smith", "John Smith", "titles, accents"),
        ("José Álvarez", "Jose Alvarez", "titles, accents"),
        ("Acme Widgets Ltd", "ACME WIDGETS LIMITED", "company suffixes"),
        ("Smith John", "John Smith", "different order"),
        ("John Smyth", "Jon Smith", "sound the same"),
        ("J. Smith", "John Smith", "initial and surname"),
        ("Jonathon Harrington", "Jonathan Harington", "spelt alike"),
    ],
)
def test_near_duplicate_names_match_with_the_reason_in_words(searched, held, reason):
    result = compare(name_keys(searched), name_keys(held))
    assert any(reason in line for line in result.reasons), result.reasons
    assert result.score >= 75


def test_company_number_and_email_domain_match_whatever_the_names():
    searched = name_keys("Acme Holdings", kind="organisation", company_number="1234567",
                         email="ceo@acme.co.uk")  # fmt: skip
    held = name_keys("Zebra Trading Ltd", kind="organisation", company_number="01234567",
                     email="accounts@acme.co.uk")  # fmt: skip
    reasons = compare(searched, held).reasons
    assert "same company number (01234567)" in reasons
    assert any("acme.co.uk" in line for line in reasons)


def test_free_mail_domains_and_different_people_do_not_match():
    a = name_keys("Jane Brown", email="jane@gmail.com")
    b = name_keys("Peter Green", email="peter@gmail.com")
    assert compare(a, b).reasons == []
    assert compare(name_keys("John Smith"), name_keys("Peter Smith")).reasons == []


@pytest.mark.parametrize(
    "email",
    ["jane@example.com", "jane@mail.example.org", "jane@example.net", "jane@shop.test",
     "jane@acme.example", "jane@host.invalid", "jane@localhost"],
)  # fmt: skip
def test_domains_reserved_for_testing_are_nobodys_organisation(email):
    a = name_keys("Jane Brown", email=email)
    b = name_keys("Peter Green", email=email.replace("jane", "peter"))
    assert a.email_domain == "" and compare(a, b).reasons == []


def test_a_real_domain_that_only_looks_like_a_reserved_one_still_matches():
    a = name_keys("Jane Brown", email="jane@example.co.uk")
    b = name_keys("Peter Green", email="peter@example.co.uk")
    assert any("example.co.uk" in line for line in compare(a, b).reasons)
