"""The tracker in a real browser: a partner and a fee earner sign in, read the dashboard,
follow a figure to its list, filter, open a lead, act on it, and open each report."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from followups.models import FollowUp
from leads.choices import ActivityKind, Status
from leads.models import Lead
from leadtrack.reports import REPORTS
from tests.factories import ActivityFactory, LeadFactory, firm_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def firm(transactional_db):
    people = firm_people()
    partner, earner, outsider = people["partner"], people["earner"], people["outsider"]
    now = timezone.now()
    awaiting = LeadFactory(
        owner=earner,
        tier="A",
        status=Status.ASSIGNED,
        estimated_value=Decimal("9000"),
        arrived_at=now - dt.timedelta(hours=30),
        next_action_due_at=now - dt.timedelta(hours=2),
    )
    LeadFactory(owner=None, tier="B", arrived_at=now - dt.timedelta(hours=3))
    other = LeadFactory(
        owner=outsider,
        tier="C",
        status=Status.CONTACTED,
        first_response_at=now - dt.timedelta(days=1),
    )
    for days in (5, 12, 20):
        LeadFactory(
            owner=earner,
            tier="A",
            status=Status.WON,
            estimated_value=Decimal("12000"),
            arrived_at=now - dt.timedelta(days=days),
            first_response_at=now - dt.timedelta(days=days) + dt.timedelta(hours=2),
            closed_at=now - dt.timedelta(days=days - 3),
        )
    ActivityFactory(lead=awaiting, kind=ActivityKind.ESCALATED, summary="Escalated to supervisor")
    FollowUp.objects.create(
        lead=awaiting,
        stage="new",
        kind="first_contact",
        owner=earner,
        due_at=now - dt.timedelta(hours=2),
        guidance="Call within the hour",
    )
    return {"partner": partner, "earner": earner, "awaiting": awaiting, "other": other}


def sign_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")


def test_partner_reads_the_dashboard_follows_a_figure_and_works_a_lead(firm, page, screenshot):
    sign_in(page, "pat.partner")
    assert page.inner_text("#dashboard [data-figure=unowned-should-be-zero] .lt-number") == "1"
    screenshot("dashboard-partner")

    page.click("#dashboard [data-figure=awaiting-first-contact]")
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 2
    screenshot("lead-list-awaiting")
    page.click("#changelist-filter >> text=Tier A open")
    page.wait_for_url("**view=tier_a_open")
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "OVERDUE" in page.inner_text("#result_list")

    page.click(f"text={firm['awaiting'].reference}")
    page.wait_for_selector("#quick-status")
    for group in ("Origin", "Identity", "Qualification", "Ownership", "Progress"):
        assert page.locator(f"fieldset h2:text-is('{group}')").count() >= 1
    page.check("#quick-call input[name=outcome][value=reached]")
    page.fill("#quick-call input[name=summary]", "Spoke about the tribunal deadline")
    page.click("#quick-call input[type=submit]")
    assert "Call logged. The lead is now Contacted" in page.inner_text(".messagelist")
    followup = FollowUp.objects.filter(lead=firm["awaiting"]).order_by("pk").first()
    assert followup.completed_at is not None
    page.fill("#quick-note textarea", "Rang, left a voicemail")
    page.click("#quick-note input[type=submit]")
    assert "Note added" in page.inner_text(".messagelist")
    page.select_option("#quick-status select", "lost")
    page.click("#quick-status input[type=submit]")
    assert "Give a reason" in page.inner_text(".messagelist")
    page.select_option("#quick-status select", "lost")
    page.fill("#quick-status input[name=reason]", "Instructed another firm")
    page.click("#quick-status input[type=submit]")
    assert "Status changed to Lost" in page.inner_text(".messagelist")
    screenshot("lead-page")
    lead = Lead.objects.get(pk=firm["awaiting"].pk)
    assert lead.status == Status.LOST and lead.closed_reason == "Instructed another firm"

    for report in REPORTS.values():
        page.goto(f"/admin/reports/{report.slug}/")
        page.wait_for_selector(".lt-report svg")
        assert page.locator(".lt-report table").count() >= 1
        screenshot(f"report-{report.slug}")


def test_fee_earner_sees_their_team_only(firm, page, screenshot):
    sign_in(page, "tom.earner")
    assert page.inner_text("#dashboard [data-figure=unowned-should-be-zero] .lt-number") == "0"
    screenshot("dashboard-fee-earner")
    page.goto("/admin/leads/lead/")
    assert firm["other"].reference not in page.inner_text("#result_list")
    page.click("#changelist-filter >> text=My overdue")
    page.wait_for_url("**view=my_overdue")
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 1
    screenshot("lead-list-my-overdue")
    page.goto("/admin/reports/team/")
    page.wait_for_selector(".lt-report svg")
    assert "Olive" not in page.inner_text(".lt-report table")
