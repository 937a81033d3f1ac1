"""The lead list and lead page in a real browser at a laptop's 1366×768 and a phone's
390 px: a fee earner finds a lead by phone number, however it is typed; a partner closes
a lead as lost with one of the firm's reasons; a partner marks a lead won with the
agreed fee and the matter reference. Nothing scrolls sideways. Screenshots are saved
under docs/screenshots/ (linked from docs/tracker.md)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from followups.models import ClosureReason, FollowUp
from leads.choices import Status
from leads.models import Lead
from qualification.models import PracticeArea, QualificationModel
from tests.factories import ContactFactory, LeadFactory, QualificationResultFactory, firm_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def firm(transactional_db):
    people = firm_people()
    for position, (text, lost, disqualified) in enumerate(
        [
            ("Instructed another firm", True, False),
            ("Fees too high", True, False),
            ("No response from the enquirer", True, False),
            ("Outside our practice areas", False, True),
        ]
    ):
        ClosureReason.objects.create(
            text=text, for_lost=lost, for_disqualified=disqualified, position=position
        )
    model = QualificationModel.objects.create(version=1, name="Launch")
    employment = PracticeArea.objects.create(name="Employment", slug="employment")
    now = timezone.now()
    lead = LeadFactory(
        owner=people["earner"],
        status=Status.PROPOSAL,
        tier="A",
        estimated_value=Decimal("4700"),
        subject="Unfair dismissal after a grievance",
        message="I was dismissed last Friday, two weeks after I raised a grievance about my "
        "manager. I have eight years' service. Can you act for me at a tribunal?",
        contact=ContactFactory(
            name="Rachel Turner",
            email="rachel.turner@example.com",
            phone="+442079460123",
            organisation="Turner Design Ltd",
        ),
        arrived_at=now - dt.timedelta(hours=5),
        assigned_at=now - dt.timedelta(hours=5),
        first_response_at=now - dt.timedelta(hours=4),
        next_action_due_at=now + dt.timedelta(hours=20),
    )
    QualificationResultFactory(
        lead=lead,
        model_version=model,
        practice_area=employment,
        tier="A",
        basis=[
            "Employment: dismissal and tribunal mentioned",
            "Likely fee £4,700 (the firm's price for an unfair dismissal claim)",
            "Urgent: tribunal time limits",
        ],
        recommended_action="Call within the hour and book a first meeting",
    )
    FollowUp.objects.create(
        lead=lead,
        stage="proposal",
        kind="chase_proposal",
        owner=people["earner"],
        due_at=now + dt.timedelta(hours=20),
        guidance="Ask whether the fee estimate works for them",
    )
    for number, (name, area) in enumerate(
        [("Daniel Okafor", "Probate"), ("Priya Raman", "Lease renewal"), ("Ewan Campbell", "")]
    ):
        LeadFactory(
            owner=people["colleague"] if number % 2 else people["earner"],
            status=Status.ASSIGNED,
            tier="BCA"[number],
            subject=area or "Enquiry",
            contact=ContactFactory(name=name, phone=f"+4479460000{number:02d}"),
            arrived_at=now - dt.timedelta(hours=number + 1),
            next_action_due_at=now - dt.timedelta(minutes=30) if number == 0 else None,
        )
    return {**people, "lead": lead}


def open_page(browser, live_server, size: str):
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size], locale="en-GB")
    context.set_default_timeout(15_000)
    return context, context.new_page()


def sign_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def fits_the_width(page) -> bool:
    """Nothing scrolls sideways: not the page, nor the list's table in its box."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1 && "
        "[...document.querySelectorAll('.results')].every("
        "box => box.scrollWidth <= box.clientWidth + 1)"
    )


def shoot(page, name: str) -> None:
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOTS / f"{name}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_a_fee_earner_finds_a_lead_by_phone_number(firm, browser, live_server, size):
    context, page = open_page(browser, live_server, size)
    try:
        sign_in(page, "tom.earner")
        page.goto("/admin/leads/lead/")
        assert fits_the_width(page)
        for typed in ("020 7946 0123", "(020) 7946-0123"):
            page.fill("#searchbar", typed)
            page.press("#searchbar", "Enter")
            page.wait_for_selector("#result_list")
            rows = page.locator("#result_list tbody tr")
            assert rows.count() == 1
            assert "Rachel Turner" in rows.first.inner_text()
        assert fits_the_width(page)
        shoot(page, f"lead-list-phone-search-{size}")
        page.click(f"text={firm['lead'].reference}")
        page.wait_for_selector("#lead-summary")
        assert "Unfair dismissal" in page.inner_text("#lead-summary")
        assert "Tom Earner" in page.inner_text("#lead-owner")
        assert fits_the_width(page)
        shoot(page, f"lead-page-{size}")
    finally:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_partner_closes_a_lead_as_lost_with_one_of_the_firms_reasons(
    firm, browser, live_server, size
):
    context, page = open_page(browser, live_server, size)
    try:
        sign_in(page, "pat.partner")
        page.goto("/admin/leads/lead/")
        assert fits_the_width(page)
        shoot(page, f"lead-list-{size}")
        page.click(f"text={firm['lead'].reference}")
        page.wait_for_selector("#quick-status")
        form = page.locator("#quick-status")
        # Until a status is chosen, only the status asks for anything.
        assert not form.locator("[data-field=closure_reason]").is_visible()
        assert not form.locator("[data-field=agreed_fee]").is_visible()
        form.locator("select[name=status]").select_option("lost")
        reasons = form.locator("select[name=closure_reason]")
        assert reasons.is_visible()
        offered = [
            text.strip()
            for text in reasons.locator("optgroup:not([disabled]) option").all_inner_texts()
        ]
        assert offered == [
            "Instructed another firm",
            "Fees too high",
            "No response from the enquirer",
        ]
        reasons.select_option("Fees too high")
        form.locator("input[name=reason]").fill("Quoted £3,200 by a high-street firm")
        form.locator("input[name=reason]").scroll_into_view_if_needed()
        shoot(page, f"lead-close-lost-{size}")
        form.locator("input[type=submit]").click()
        assert "Status changed to Lost" in page.inner_text(".messagelist")
        assert "Fees too high: Quoted £3,200" in page.inner_text("#lead-closed-reason")
        lead = Lead.objects.get(pk=firm["lead"].pk)
        assert lead.status == Status.LOST
        assert lead.closed_reason == "Fees too high: Quoted £3,200 by a high-street firm"
    finally:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_partner_marks_a_lead_won_with_the_agreed_fee_and_matter(
    firm, browser, live_server, size
):
    context, page = open_page(browser, live_server, size)
    try:
        sign_in(page, "pat.partner")
        page.goto(f"/admin/leads/lead/{firm['lead'].pk}/change/")
        form = page.locator("#quick-status")
        form.locator("select[name=status]").select_option("won")
        assert not form.locator("[data-field=closure_reason]").is_visible()
        form.locator("input[type=submit]").click()
        assert "Give the fee the client agreed" in page.inner_text(".messagelist")
        form = page.locator("#quick-status")
        form.locator("select[name=status]").select_option("won")
        form.locator("input[name=agreed_fee]").fill("4700")
        form.locator("input[name=matter_reference]").fill("EMP/2026/0042")
        form.locator("input[type=submit]").click()
        assert "Status changed to Won" in page.inner_text(".messagelist")
        assert page.inner_text("#lead-agreed-fee") == "£4,700"
        assert page.inner_text("#lead-matter-reference") == "EMP/2026/0042"
        assert fits_the_width(page)
        shoot(page, f"lead-won-{size}")
        lead = Lead.objects.get(pk=firm["lead"].pk)
        assert (lead.agreed_fee, lead.matter_reference) == (Decimal("4700"), "EMP/2026/0042")
    finally:
        context.close()
