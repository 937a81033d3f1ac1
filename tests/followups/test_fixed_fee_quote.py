"""The fixed-fee quote reply quotes the firm's published price for the lead's work from
the price list, placed by the sums the enquiry states (issue 17)."""

import pytest

from followups.choices import ReplyPurpose
from followups.models import ReplyTemplate
from followups.replies import reply_template_fill
from qualification import demo, services
from qualification.models import PracticeArea, QualificationResult
from tests.factories import LeadFactory, UserFactory

QUOTE = "For {quoted_work}, our fee is {fixed_fee}."


@pytest.fixture
def quote_template(db):
    demo.load()
    return ReplyTemplate.objects.create(
        name="Fixed-fee quote", purpose=ReplyPurpose.FIXED_FEE_QUOTE, body=QUOTE
    )


def qualified_in(slug: str, message: str, **kwargs):
    lead = LeadFactory(message=message, **kwargs)
    services.lead_qualify(lead=lead)
    # The area is the qualification's; set here so the quote is tested on its own.
    QualificationResult.objects.filter(lead=lead).update(
        practice_area=PracticeArea.objects.get(slug=slug)
    )
    lead.refresh_from_db()
    return lead


def quote(lead, template) -> str:
    return reply_template_fill(template=template, lead=lead, writer=UserFactory()).body


def test_a_sale_is_quoted_its_value_band(quote_template):
    lead = qualified_in("conveyancing", "We are selling our flat for £210,000, sale agreed.")
    assert quote(lead, quote_template) == (
        "For your sale at £210,000, our fee is £1,100 to £1,400 plus VAT."
    )


def test_a_dearer_purchase_is_quoted_its_own_band(quote_template):
    lead = qualified_in("conveyancing", "We are buying a house for £725,000.")
    assert quote(lead, quote_template) == (
        "For your purchase at £725,000, our fee is £1,400 to £2,200 plus VAT."
    )


def test_the_work_asked_for_is_quoted(quote_template):
    lead = qualified_in("conveyancing", "Could you quote for a remortgage on our home?")
    assert quote(lead, quote_template) == "For your remortgage, our fee is £600 to £900 plus VAT."


def test_a_budget_is_not_quoted_back_as_the_price(quote_template):
    lead = qualified_in(
        "wills-probate", "My wife and I want mirror wills; our budget is £2,000 for fees."
    )
    assert quote(lead, quote_template) == "For your mirror wills, our fee is £400 to £650 plus VAT."


def test_probate_is_quoted_as_the_published_share(quote_template):
    lead = qualified_in("wills-probate", "Dad passed away; his estate is about £450,000.")
    assert quote(lead, quote_template) == (
        "For your probate, our fee is 1% to 2% of the estate's value plus VAT "
        "(£4,500 to £9,000 on an estate of about £450,000)."
    )


def test_a_price_list_change_is_quoted_at_once(quote_template):
    lead = qualified_in("conveyancing", "Could you quote for a remortgage?")
    demo_line = PracticeArea.objects.get(slug="conveyancing").price_items.get(
        matter_kind="remortgage"
    )
    demo_line.fee_high = 950
    demo_line.save()
    assert "£600 to £950 plus VAT" in quote(lead, quote_template)


def test_without_a_practice_area_the_writer_is_told(quote_template):
    lead = LeadFactory(message="Hello", subject="")
    assert quote(lead, quote_template) == (
        "For your enquiry, our fee is [fixed fee: no practice area on this lead yet]."
    )
