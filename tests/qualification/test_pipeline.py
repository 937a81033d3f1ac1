"""Qualification as the first pipeline step: every captured lead is qualified, marked and
written on its timeline; spam and job applications are closed and never acknowledged."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail

from leads.choices import ActivityKind, Channel, Status
from leads.models import Lead
from leads.services import ContactDetails, lead_capture
from qualification.models import QualificationResult
from qualification.steps import qualify

LONDON = ZoneInfo("Europe/London")


def capture(message: str, *, subject: str = "", email: str = "enquirer@example.com", **kw):
    return lead_capture(
        channel=kw.pop("channel", Channel.WEB_FORM),
        contact=ContactDetails(name="Sam Jones", email=email, **kw),
        message=message,
        subject=subject,
    ).lead


@time_machine.travel(datetime(2027, 2, 24, 10, 0, tzinfo=LONDON), tick=False)
def test_captured_lead_is_qualified_and_marked(demo_model, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = capture(
            "I am the managing director of Ellis Engineering Ltd (45 employees). We have an "
            "offer of £3.2m for the company and need a solicitor for the sale of the business "
            "by Friday.",
            subject="Sale of our business",
        )
    lead.refresh_from_db()
    result = lead.qualification
    assert result.model_version == demo_model
    assert result.practice_area.slug == "commercial"
    assert result.tier == "A" and lead.tier == "A"
    assert lead.estimated_value == result.estimated_value is not None
    assert lead.qualified_at is not None
    assert result.urgency == "high"
    assert timezoneless(result.urgency_due_at) == (2027, 2, 26)
    assert result.decision_position == "decision_maker"
    assert any("Deadline 26 Feb 2027" in line for line in result.basis)
    qualified = lead.activities.get(kind=ActivityKind.QUALIFIED)
    assert "tier A" in qualified.summary and "Commercial" in qualified.summary
    kinds = list(lead.activities.values_list("kind", flat=True))
    assert kinds.index("qualified") < kinds.index("acknowledgement_sent")


def timezoneless(value):
    local = value.astimezone(LONDON)
    return (local.year, local.month, local.day)


def test_spam_is_disqualified_and_not_acknowledged(demo_model, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = capture(
            "Dear website owner, we offer SEO services and link building to put your firm on "
            "the first page of Google. Reply STOP to unsubscribe.",
            email="growth@seo-agency.example",
        )
    lead.refresh_from_db()
    assert lead.status == Status.DISQUALIFIED
    assert "spam" in lead.closed_reason
    assert lead.tier == "C"
    assert not lead.activities.filter(kind=ActivityKind.ACKNOWLEDGEMENT_SENT).exists()
    assert not [m for m in mail.outbox if "growth@seo-agency.example" in m.to]


def test_step_is_idempotent(demo_model, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = capture("We need a will written for my husband and me.")
    qualify(lead=Lead.objects.get(pk=lead.pk))
    assert QualificationResult.objects.filter(lead=lead).count() == 1
    assert lead.activities.filter(kind=ActivityKind.QUALIFIED).count() == 1


def test_without_an_active_model_the_default_rules_are_activated(db):
    lead = capture("Could you help with a tax return?")
    qualify(lead=lead)
    result = QualificationResult.objects.get(lead=lead)
    assert result.model_version.state == "active"
    assert result.model_version.name == "Default rules"


def test_spam_is_disqualified_under_the_firms_own_reasons(
    demo_model, django_capture_on_commit_callbacks
):
    """With the firm's list of closure reasons (the demo firm's), the model's own
    disqualification is recorded under the reason the firm gave Leadtrack, its own reason
    as the details; before, the status service refused it and the pitch stayed new."""
    from followups.demo import CLOSURE_REASONS
    from followups.models import ClosureReason

    for position, (text, lost, disqualified) in enumerate(CLOSURE_REASONS, start=1):
        ClosureReason.objects.create(
            text=text,
            for_lost=lost,
            for_disqualified=disqualified,
            position=position,
            given_by_leadtrack=text == "Not a genuine enquiry",
        )
    with django_capture_on_commit_callbacks(execute=True):
        lead = capture(
            "Hi there, we help solicitors rank on page one of Google. We noticed your site "
            "is missing high-authority backlinks. Can I send over our packages? Best, Dan",
            email="dan@seo-rockets.example",
        )
    lead.refresh_from_db()
    assert lead.status == Status.DISQUALIFIED
    assert lead.closed_reason.startswith("Not a genuine enquiry: Disqualified")
    assert "qualification model v" in lead.closed_reason
