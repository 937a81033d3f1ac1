"""The daily work pages in a real browser, at 1366x768 (a laptop) and 390 wide (a
phone): a fee earner completes an overdue follow-up with a call outcome from My day; a
partner finds which source converts best this quarter from the dashboard; a partner moves
cards on the board, by dragging and with the Move button. Screenshots go to
docs/screenshots/ (checked in, linked from docs/tracker.md)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from followups.choices import CompletedHow
from followups.models import ClosureReason, FollowUp
from leads.choices import Status
from leads.models import Lead
from leadtrack.dashboard import quarter_start
from tests.factories import ContactFactory, LeadFactory, firm_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def work(browser, live_server):
    """A browser context per size: ``work(size)`` gives a page."""
    contexts = []

    def open_page(viewport):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    """A viewport-sized screenshot (what a person sees first), kept small."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def sign_in(page, username: str, then: str = "/admin/") -> None:
    page.goto(f"/admin/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"page is {width}px wide"


@pytest.fixture
def firm(transactional_db):
    people = firm_people()
    earner = people["earner"]
    now = timezone.now()
    overdue = LeadFactory(
        owner=earner,
        tier="A",
        status=Status.ASSIGNED,
        assigned_at=now - dt.timedelta(hours=3),
        arrived_at=now - dt.timedelta(hours=3),
        contact=ContactFactory(name="Rachel Adeyemi", phone="+447700900123"),
        estimated_value=Decimal("4700"),
    )
    followup = FollowUp.objects.create(
        lead=overdue,
        stage="new",
        kind="first_contact",
        owner=earner,
        due_at=now - dt.timedelta(hours=2),
        next_escalation_at=now - dt.timedelta(hours=2),
        guidance="Call, do not email. Offer a fixed-fee first meeting.",
    )
    Lead.objects.filter(pk=overdue.pk).update(next_action_due_at=followup.due_at)
    LeadFactory(
        owner=earner,
        tier="B",
        status=Status.ASSIGNED,
        assigned_at=now - dt.timedelta(minutes=20),
        contact=ContactFactory(name="Ó Briain & Daughters Ltd"),
    )
    # This quarter's enquiries by source: referrals convert best (2 of 3).
    start = dt.datetime.combine(quarter_start(timezone.localdate()), dt.time(10), dt.UTC)
    arrived = max(start, now - dt.timedelta(days=1))
    for source, statuses in {
        "Website enquiry form": [Status.WON, Status.LOST, Status.CONTACTED, Status.NEW],
        "Referral: Harding & Co": [Status.WON, Status.WON, Status.PROPOSAL],
        "Google Ads": [Status.LOST, Status.CONTACTED],
    }.items():
        for status in statuses:
            LeadFactory(
                source=source,
                status=status,
                owner=people["colleague"],
                tier="B",
                arrived_at=arrived,
                estimated_value=Decimal("3000"),
                closed_at=now if status in (Status.WON, Status.LOST) else None,
            )
    ClosureReason.objects.create(text="Instructed another firm")
    ClosureReason.objects.create(text="Price")
    return {**people, "overdue": overdue, "followup": followup}


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_fee_earner_completes_an_overdue_follow_up_with_a_call_outcome(firm, work, viewport):
    page = work(viewport)
    size = "1366" if viewport is LAPTOP else "390"
    sign_in(page, "tom.earner", then="/admin/my-day/")
    item = page.locator(f"#overdue article[data-lead='{firm['overdue'].reference}']")
    assert "OVERDUE" in item.inner_text() and "Rachel Adeyemi" in item.inner_text()
    assert page.locator("#new-to-me article").count() == 1
    no_sideways_scroll(page)
    shoot(page, f"my-day-{size}")

    item.locator("details.lt-act-call summary").click()
    item.locator("input[name=outcome][value=reached]").check()
    item.locator("input[name=summary]").fill("Spoke to Rachel, meeting booked for Friday")
    item.locator("select[name=agreed]").select_option("meeting")
    shoot(page, f"my-day-call-outcome-{size}")
    item.locator("details.lt-act-call button[type=submit]").click()
    page.wait_for_selector(".messagelist")
    assert "Call logged. The lead is now Meeting." in page.inner_text(".messagelist")
    assert page.locator("#overdue article").count() == 0
    firm["followup"].refresh_from_db()
    assert firm["followup"].completed_how == CompletedHow.CALL_LOGGED
    firm["overdue"].refresh_from_db()
    assert firm["overdue"].status == Status.MEETING


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_partner_finds_the_source_that_converts_best_this_quarter(firm, work, viewport):
    page = work(viewport)
    size = "1366" if viewport is LAPTOP else "390"
    sign_in(page, "pat.partner")
    panel = page.locator("#conversion-quarter")
    assert "Best this quarter: Referral: Harding & Co, 67% (2 won of 3)" in panel.inner_text()
    first = panel.locator("tbody tr").first
    assert first.locator("th").inner_text() == "Referral: Harding & Co"
    # The dashboard uses the width it has: no column squeezed to a few letters.
    no_sideways_scroll(page)
    shoot(page, f"dashboard-{size}")
    if viewport is LAPTOP:
        assert page.locator("#dashboard").bounding_box()["width"] > 1200
    panel.scroll_into_view_if_needed()
    shoot(page, f"dashboard-conversion-{size}")
    first.locator("td a").nth(1).click()  # its "won" figure: the two leads behind it
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 2
    page.go_back()
    page.click("#conversion-quarter >> text=The full report, by source")
    page.wait_for_url("**/admin/reports/conversion/**")
    assert "Referral: Harding &amp; Co" in page.content()


def test_partner_moves_a_card_on_the_board_by_dragging_it(firm, work):
    page = work(LAPTOP)
    sign_in(page, "pat.partner", then="/admin/board/")
    lead = firm["overdue"]
    card = page.locator(f"#card-{lead.pk}")
    assert card.locator("xpath=ancestor::section").get_attribute("data-status") == "assigned"
    no_sideways_scroll(page)
    shoot(page, "board-1366")
    card.drag_to(page.locator("section.lt-column[data-status=contacted]"))
    page.wait_for_selector(".messagelist")
    assert f"{lead.reference} moved to Contacted." in page.inner_text(".messagelist")
    moved = page.locator(f"#card-{lead.pk}")
    assert moved.locator("xpath=ancestor::section").get_attribute("data-status") == "contacted"
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED

    # Dropped on Lost, a dialog on the board asks for the firm's reason before it moves.
    page.locator(f"#card-{lead.pk}").drag_to(page.locator(".lt-dropzone[data-status=lost]"))
    dialog = page.locator("#move-dialog")
    assert dialog.is_visible()
    assert f"Move {lead.reference} to Lost" in dialog.locator("h2").inner_text()
    assert dialog.locator("input[name=agreed_fee]").is_hidden()
    dialog.locator("select[name=reason]").select_option("Instructed another firm")
    dialog.locator("input[name=details]").fill("nearer home")
    no_sideways_scroll(page)
    shoot(page, "board-lost-reason-1366")
    dialog.locator("button.lt-dialog-submit").click()
    page.wait_for_selector(".messagelist")
    lead.refresh_from_db()
    assert (lead.status, lead.closed_reason) == (
        Status.LOST,
        "Instructed another firm: nearer home",
    )


def test_partner_drags_a_card_to_won_and_gives_the_fee_and_matter_on_the_board(firm, work):
    page = work(LAPTOP)
    lead = firm["overdue"]
    Lead.objects.filter(pk=lead.pk).update(status=Status.PROPOSAL)
    sign_in(page, "pat.partner", then="/admin/board/")
    page.locator(f"#card-{lead.pk}").drag_to(page.locator(".lt-dropzone[data-status=won]"))
    dialog = page.locator("#move-dialog")
    assert dialog.is_visible()
    assert f"Move {lead.reference} to Won" in dialog.locator("h2").inner_text()
    assert "the estimate was £4,700" in dialog.inner_text()
    assert dialog.locator("select[name=reason]").is_hidden()
    # Nothing typed: the browser asks before anything is sent.
    dialog.locator("button.lt-dialog-submit").click()
    assert dialog.is_visible()
    dialog.locator("input[name=agreed_fee]").fill("5,250")
    dialog.locator("input[name=matter_reference]").fill("EMP/2026/0042")
    shoot(page, "board-won-1366")
    dialog.locator("button.lt-dialog-submit").click()
    page.wait_for_selector(".messagelist")
    assert (
        f"{lead.reference} moved to Won (agreed fee £5,250, matter EMP/2026/0042)."
        in page.inner_text(".messagelist")
    )
    lead.refresh_from_db()
    assert (lead.status, lead.agreed_fee, lead.matter_reference) == (
        Status.WON,
        Decimal("5250.00"),
        "EMP/2026/0042",
    )


def test_partner_marks_a_card_won_with_the_keyboard_on_a_phone(firm, work):
    page = work(PHONE)
    lead = firm["overdue"]
    Lead.objects.filter(pk=lead.pk).update(status=Status.PROPOSAL)
    sign_in(page, "pat.partner", then="/admin/board/?tier=A")
    card = page.locator(f"#card-{lead.pk}")
    card.locator("details.lt-move summary").focus()
    page.keyboard.press("Enter")
    card.locator("select[name=status]").select_option("won")
    card.locator("button[type=submit]").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#move-dialog")
    assert dialog.is_visible()
    page.keyboard.type("4700")  # the fee box has the focus
    dialog.locator("input[name=matter_reference]").fill("EMP/2026/0043")
    no_sideways_scroll(page)
    shoot(page, "board-won-390")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messagelist")
    assert "tier=A" in page.url
    lead.refresh_from_db()
    assert (lead.status, lead.agreed_fee, lead.matter_reference) == (
        Status.WON,
        Decimal("4700.00"),
        "EMP/2026/0043",
    )


def test_partner_moves_a_card_without_dragging_on_a_phone(firm, work):
    page = work(PHONE)
    sign_in(page, "pat.partner", then="/admin/board/?tier=A")
    lead = firm["overdue"]
    no_sideways_scroll(page)
    shoot(page, "board-390")
    card = page.locator(f"#card-{lead.pk}")
    card.locator("details.lt-move summary").click()
    card.locator("select[name=status]").select_option("contacted")
    card.locator("button[type=submit]").click()
    page.wait_for_selector(".messagelist")
    assert f"{lead.reference} moved to Contacted." in page.inner_text(".messagelist")
    assert "tier=A" in page.url  # back to the same filtered board
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_reports_and_the_reassign_page_fit_a_laptop_and_a_phone(firm, work, viewport):
    page = work(viewport)
    size = "1366" if viewport is LAPTOP else "390"
    sign_in(page, "pat.partner", then="/admin/reports/team/")
    # The widest table: its headings wrap on a laptop, it scrolls in its own box on a
    # phone, and the page itself never scrolls sideways.
    assert page.locator(".lt-worknav a[aria-current=page]").inner_text() == "Reports"
    no_sideways_scroll(page)
    shoot(page, f"report-team-{size}")
    for slug in ("response-time", "conversion", "velocity", "qualification"):
        page.goto(f"/admin/reports/{slug}/")
        no_sideways_scroll(page)
    page.goto(f"/admin/leads/lead/{firm['overdue'].pk}/reassign/")
    assert page.locator("legend").first.inner_text() == "New owner"
    assert "open of" in page.locator("#id_member").inner_text()
    no_sideways_scroll(page)
    shoot(page, f"reassign-{size}")
