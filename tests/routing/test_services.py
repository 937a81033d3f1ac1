"""Assignment, briefs and reassignment through the services, and the whole pipeline:
capture → qualify → route → brief, on the demo firm."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from leads.choices import ActivityKind, Channel, EmailState, Status
from leads.models import Lead, OutboundEmail
from leads.services import ContactDetails, lead_capture, outbound_email_send
from qualification import demo as qualification_demo
from routing import demo as routing_demo
from routing import services, steps
from routing.choices import AssignedVia, BriefDelivery
from routing.models import Assignment, Member
from tests.factories import LeadFactory, UserFactory

WEDNESDAY_10AM = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def wednesday_morning():
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        yield


@pytest.fixture
def demo_firm(db, wednesday_morning):
    qualification_demo.load()
    qualification_demo.model_load()
    routing_demo.load()


def lead_reference_in(subject: str, lead: Lead) -> bool:
    return lead.reference in subject


def capture(django_capture_on_commit_callbacks, **kwargs) -> Lead:
    kwargs.setdefault("channel", Channel.WEB_FORM)
    kwargs.setdefault("contact", ContactDetails(name="Rachel Turner", email="rachel@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_capture(**kwargs).lead
    lead.refresh_from_db()
    return lead


@pytest.mark.usefixtures("demo_firm")
class TestPipeline:
    def test_tier_a_employment_lead_is_owned_and_briefed_within_the_pipeline(
        self, django_capture_on_commit_callbacks
    ):
        lead = capture(
            django_capture_on_commit_callbacks,
            contact=ContactDetails(
                name="Rachel Turner", email="rachel@example.com", phone="07912 345678"
            ),
            subject="Unfair dismissal",
            message=(
                "I was dismissed last week after raising a grievance. I think it was unfair "
                "dismissal and I need advice urgently before the tribunal deadline. I earn "
                "£85,000 as finance director."
            ),
            arrived_at=WEDNESDAY_10AM - timedelta(minutes=3),
        )
        assignment = Assignment.objects.get(lead=lead)
        assert lead.owner.username == "priya.shah"
        assert lead.status == Status.ASSIGNED
        assert lead.assigned_at == WEDNESDAY_10AM
        # Sarah Jones is on leave in the demo firm: the reason says so.
        assert "Sarah Jones out of office until" in assignment.reason
        assert assignment.reason.startswith("Rule 1: Employment tribunal deadlines → most senior")
        kinds = list(lead.activities.values_list("kind", flat=True))
        assert kinds.count(ActivityKind.ASSIGNED) == 1
        assert kinds.count(ActivityKind.BRIEF_SENT) == 1

        brief = next(m for m in mail.outbox if m.to == ["priya.shah@ashdownmarsh.example"])
        assert lead.reference in brief.subject
        text = brief.body
        html = brief.alternatives[0][0]
        assert "Rachel Turner" in text and "3 minutes ago" in text
        assert "Wednesday 25 November 2026 at 09:57" in text
        assert "tel:+447912345678" in html
        assert "mailto:rachel@example.com?subject=Re%3A%20Unfair%20dismissal" in html
        assert f"/admin/leads/lead/{lead.pk}/change/" in html
        assert "I was dismissed last week" in text  # the original text
        assert f"Tier {lead.tier}" in text
        assert lead.qualification.recommended_action in text
        for reason in lead.qualification.basis[:2]:
            assert reason in text

    def test_brief_of_a_second_enquiry_names_the_contacts_other_open_lead(
        self, django_capture_on_commit_callbacks
    ):
        first = capture(django_capture_on_commit_callbacks, message="Buying a flat, completion")
        mail.outbox.clear()
        second = capture(
            django_capture_on_commit_callbacks,
            message="Separately: I was dismissed last week after raising a grievance.",
        )
        assert second.pk != first.pk
        brief = next(m for m in mail.outbox if lead_reference_in(m.subject, second))
        assert "SECOND ENQUIRY FROM AN EXISTING CONTACT" in brief.body
        assert f"Their other leads: {first.reference} (" in brief.body
        assert "Second enquiry" in brief.alternatives[0][0]

    def test_rerunning_the_step_assigns_and_briefs_only_once(
        self, django_capture_on_commit_callbacks
    ):
        lead = capture(django_capture_on_commit_callbacks, message="Buying a flat, completion")
        sent = len(mail.outbox)
        steps.assign(lead=lead)
        assert Assignment.objects.filter(lead=lead).count() == 1
        assert len(mail.outbox) == sent

    def test_disqualified_lead_is_not_routed(self, django_capture_on_commit_callbacks):
        lead = LeadFactory(status=Status.DISQUALIFIED, closed_reason="spam")
        steps.assign(lead=lead)
        assert not Assignment.objects.filter(lead=lead).exists()

    def test_unclassified_lead_goes_to_the_triage_owner(self, django_capture_on_commit_callbacks):
        lead = capture(django_capture_on_commit_callbacks, message="Hello, please call me.")
        assert lead.owner.username == "eleanor.marsh"
        assert Assignment.objects.get(lead=lead).via == AssignedVia.TRIAGE

    def test_tier_c_lead_for_a_digest_member_waits_for_the_digest(
        self, django_capture_on_commit_callbacks
    ):
        liam = Member.objects.get(user__username="liam.walsh")
        assert liam.brief_delivery == BriefDelivery.DIGEST_TIER_C
        lead = LeadFactory(tier="C")
        with django_capture_on_commit_callbacks(execute=True):
            assignment = services.lead_assign(lead=lead, member=liam, reason="Test rule")
        assert assignment.brief is None
        assert not [m for m in mail.outbox if m.to == [liam.email]]
        with django_capture_on_commit_callbacks(execute=True):
            assert services.brief_digests_send() == 1
        digest = [m for m in mail.outbox if m.to == [liam.email]]
        assert len(digest) == 1 and lead.reference in digest[0].body
        assert lead.activities.filter(kind=ActivityKind.BRIEF_SENT).count() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.brief_digests_send() == 0  # nothing briefed twice


@pytest.fixture
def lead(db):
    return LeadFactory()


class TestAssign:
    def test_assignment_needs_a_reason_and_an_active_member(self, lead, tom):
        with pytest.raises(ValidationError, match="reason"):
            services.lead_assign(lead=lead, member=tom, reason="  ")
        tom.is_active = False
        tom.save()
        with pytest.raises(ValidationError, match="not active"):
            services.lead_assign(lead=lead, member=tom, reason="Because")
        assert not Assignment.objects.exists()
        lead.refresh_from_db()
        assert lead.owner is None and lead.status == Status.NEW

    def test_brief_send_failure_is_retried_and_shown(self, lead, tom, settings):
        settings.EMAIL_BACKEND = "tests.routing.failing_backend.FailingBackend"
        assignment = services.lead_assign(lead=lead, member=tom, reason="Rule 1")
        email = assignment.brief
        for _ in range(5):
            outbound_email_send(email_id=email.pk)
        email.refresh_from_db()
        assert email.state == EmailState.FAILED and email.attempts == 5
        assert "SMTP server refused" in email.error
        from routing.admin import brief_status

        assignment.refresh_from_db()
        assert "could not be sent after 5 attempts" in brief_status(assignment)
        assert not lead.activities.filter(kind=ActivityKind.BRIEF_SENT).exists()

    def test_member_without_email_gets_no_brief_and_the_lead_says_so(self, lead, tom):
        tom.user.email = ""
        tom.user.save()
        assignment = services.lead_assign(lead=lead, member=tom, reason="Rule 1")
        assert assignment.brief is None
        assert lead.activities.filter(summary__contains="has no email address").exists()


class TestReassign:
    def test_reassign_ends_the_old_assignment_and_briefs_the_new_owner(
        self, lead, tom, sarah, django_capture_on_commit_callbacks
    ):
        boss = UserFactory(username="boss", first_name="Olivia", last_name="Boss")
        services.lead_assign(lead=lead, member=tom, reason="Rule 1")
        with django_capture_on_commit_callbacks(execute=True):
            services.lead_reassign(
                lead=lead, member=sarah, reason="Conflict of interest", actor=boss
            )
        first, second = Assignment.objects.filter(lead=lead).order_by("pk")
        assert first.ended_at is not None and second.ended_at is None
        lead.refresh_from_db()
        assert lead.owner == sarah.user and lead.status == Status.ASSIGNED
        entry = lead.activities.filter(kind=ActivityKind.ASSIGNED).last()
        assert entry.summary == (
            "Reassigned from Tom Hughes to Sarah Jones: Reassigned by Olivia Boss: "
            "Conflict of interest"
        )
        assert entry.actor == boss
        assert OutboundEmail.objects.filter(kind="brief", to=[sarah.email]).count() == 1

    def test_reassign_refuses_bad_input_and_changes_nothing(self, lead, tom, sarah):
        services.lead_assign(lead=lead, member=tom, reason="Rule 1")
        with pytest.raises(ValidationError, match="Say why"):
            services.lead_reassign(lead=lead, member=sarah, reason="", actor=None)
        with pytest.raises(ValidationError, match="already owns"):
            services.lead_reassign(lead=lead, member=tom, reason="x", actor=None)
        lead.status = Status.WON
        lead.save()
        with pytest.raises(ValidationError, match="reopen it first"):
            services.lead_reassign(lead=lead, member=sarah, reason="x", actor=None)
        assert Assignment.objects.filter(lead=lead).count() == 1

    def test_assign_to_me_takes_unowned_or_triage_leads_only(self, lead, tom, sarah, triage):
        services.lead_assign(lead=lead, member=triage, reason="x", via=AssignedVia.TRIAGE)
        services.lead_assign_to_me(lead=lead, user=tom.user)
        lead.refresh_from_db()
        assert lead.owner == tom.user
        with pytest.raises(ValidationError, match="already has an owner"):
            services.lead_assign_to_me(lead=lead, user=sarah.user)
        outsider = UserFactory(username="not.a.member")
        with pytest.raises(ValidationError, match="not set up as an active member"):
            services.lead_assign_to_me(lead=LeadFactory(), user=outsider)

    def test_handover_moves_every_open_lead_and_never_back(
        self, employment_rule, tom, sarah, priya
    ):
        leads = LeadFactory.create_batch(3)
        for each in leads:
            services.lead_assign(lead=each, member=tom, reason="Rule 3")
        closed = LeadFactory(owner=tom.user, status=Status.WON)
        moved = services.member_reassign_open_leads(member=tom, reason="Leaving the firm")
        assert len(moved) == 3
        assert all(a.member != tom for a in moved)
        assert all("Leaving the firm" in a.reason for a in moved)
        closed.refresh_from_db()
        assert closed.owner == tom.user  # closed leads keep their history

    def test_reassign_leads_command(self, tom, sarah):
        lead = LeadFactory()
        services.lead_assign(lead=lead, member=tom, reason="Rule 1")
        call_command(
            "reassign_leads", "--from", "tom.hughes", "--to", "sarah.jones", "--reason", "Leave"
        )
        lead.refresh_from_db()
        assert lead.owner == sarah.user
        with pytest.raises(CommandError, match="no member has the username"):
            call_command("reassign_leads", "--from", "nobody", "--reason", "x")
        with pytest.raises(CommandError, match="--reason"):
            call_command("reassign_leads", "--from", "sarah.jones")


@pytest.fixture
def handed_to_task(monkeypatch):
    """The ids of the emails handed to the sending task (recorded, not queued)."""
    from leads.services import email as email_services

    handed: list[int] = []
    monkeypatch.setattr(
        email_services, "outbound_email_enqueue", lambda email_id: handed.append(email_id)
    )
    return handed


class TestBriefSentInTheWorker:
    """The pipeline's worker sends the brief itself right after routing commits, without a
    second trip through the broker; the sending task takes over when that send fails."""

    def test_the_routing_step_sends_the_brief_in_process(
        self, lead, tom, employment_rule, handed_to_task, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            steps.assign(lead=lead)
        brief = Assignment.objects.get(lead=lead).brief
        brief.refresh_from_db()
        assert brief.state == EmailState.SENT and brief.attempts == 1
        assert handed_to_task == []
        assert any(lead_reference_in(message.subject, lead) for message in mail.outbox)
        assert lead.activities.filter(kind=ActivityKind.BRIEF_SENT).count() == 1

    def test_a_failed_send_in_process_is_handed_to_the_task(
        self,
        lead,
        tom,
        employment_rule,
        handed_to_task,
        settings,
        django_capture_on_commit_callbacks,
    ):
        settings.EMAIL_BACKEND = "tests.routing.failing_backend.FailingBackend"
        with django_capture_on_commit_callbacks(execute=True):
            steps.assign(lead=lead)
        brief = Assignment.objects.get(lead=lead).brief
        brief.refresh_from_db()
        assert brief.state == EmailState.QUEUED and brief.attempts == 1
        assert "SMTP server refused" in brief.error
        assert handed_to_task == [brief.pk]

    def test_a_person_reassigning_leaves_the_send_to_a_worker(
        self, lead, tom, sarah, handed_to_task, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assignment = services.lead_assign(lead=lead, member=tom, reason="Rule 1")
        assignment.brief.refresh_from_db()
        assert assignment.brief.state == EmailState.QUEUED
        assert handed_to_task == [assignment.brief.pk]
