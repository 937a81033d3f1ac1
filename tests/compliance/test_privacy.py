"""UK GDPR: the lawful basis per lead, the retention schedule (dry run, run, log; time
moved on with time-machine), erasure on request (then every table searched for the
person), and subject access (a readable document and JSON, due in one month)."""

import io
import json
import zipfile
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from compliance.choices import ConflictOutcome
from compliance.models import (
    ErasureRecord,
    LawfulBasis,
    Party,
    RetainedLead,
    RetentionRun,
    SubjectAccessRequest,
)
from compliance.services import (
    conflict_check_run,
    conflict_decision_record,
    contact_erasure,
    due_diligence_record,
    lawful_basis_record,
    lead_parties_record,
    retention_run,
)
from compliance.services.privacy import (
    LEGITIMATE_INTERESTS,
    subject_access_due,
    subject_access_request_record,
)
from leads.choices import Channel, Status
from leads.models import Contact, InboundMessage, Lead, OutboundEmail
from leads.services import ContactDetails, lead_add_note, lead_capture, lead_change_status
from leadtrack.public.forms import CONSENT_TEXT
from routing.choices import AssignedVia
from routing.models import Assignment
from tests.factories import UserFactory
from tests.followups.factories import FollowUpFactory
from tests.routing.factories import MemberFactory

pytestmark = pytest.mark.django_db

LONDON_NOON = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.get_default_timezone())
NAME, EMAIL, PHONE = "Winifred Quarrington", "winifred@quarrington.example", "+447911123456"


def enquiry(*, channel=Channel.WEB_FORM, name=NAME, email=EMAIL, phone=PHONE, **kwargs) -> Lead:
    raw = json.dumps({"name": name, "email": email, "phone": phone, "message": f"I am {name}"})
    return lead_capture(
        channel=channel,
        contact=ContactDetails(
            name=name, email=email, phone=phone, organisation=f"{name.split()[-1]} Ltd"
        ),
        message=f"Hello, I am {name}; call me on {phone}.",
        subject=f"Enquiry from {name}",
        consent=channel == Channel.WEB_FORM,
        consent_text=CONSENT_TEXT if channel == Channel.WEB_FORM else "",
        raw=raw,
        payload={"parties": f"Horace {name.split()[-1]} (spouse)"},
        **kwargs,
    ).lead


def test_the_lawful_basis_is_the_consent_given_or_legitimate_interests():
    web = enquiry()
    phone = enquiry(channel=Channel.PHONE, email="other@example.com", phone="", name="Al Other")
    web_basis, phone_basis = lawful_basis_record(lead=web), lawful_basis_record(lead=phone)
    assert web_basis.basis == "consent" and web_basis.consent_text == CONSENT_TEXT
    assert len(web_basis.consent_version) == 12
    assert phone_basis.description == LEGITIMATE_INTERESTS
    assert lawful_basis_record(lead=web) == web_basis and LawfulBasis.objects.count() == 2


def close(lead: Lead, status: str, reason: str = "") -> None:
    user = UserFactory()
    conflict_check_run(lead=lead)
    conflict_decision_record(lead=lead, outcome=ConflictOutcome.NO_CONFLICT, actor=user)
    lead_change_status(lead=lead, status=status, reason=reason, actor=user)


def test_retention_dry_run_reports_then_the_run_anonymises_and_deletes_and_logs():
    with time_machine.travel(LONDON_NOON, tick=False):
        lost = enquiry()
        close(lost, Status.LOST, "Went elsewhere")
        spam = enquiry(name="Spam Bot", email="bot@spam.example", phone="")
        close(spam, Status.DISQUALIFIED, "Spam")
        won = enquiry(name="Wendy Winner", email="wendy@winner.example", phone="")
        close(won, Status.WON)
    with time_machine.travel(LONDON_NOON + timedelta(days=31), tick=False):
        run = retention_run()
        assert not Lead.objects.filter(pk=spam.pk).exists()
        assert Lead.objects.get(pk=lost.pk).message  # not yet 12 months
    with time_machine.travel(LONDON_NOON + timedelta(days=300), tick=False):
        dry = retention_run(as_of=LONDON_NOON + timedelta(days=366), dry_run=True)
        assert (
            "1 lead will be anonymised (Not instructed: anonymise after 12 months)" in dry.summary
        )
        assert "16 January 2027" in dry.summary
        assert Lead.objects.get(pk=lost.pk).message
    with time_machine.travel(LONDON_NOON + timedelta(days=366), tick=False):
        run = retention_run()
    lost.refresh_from_db()
    assert (lost.message, lost.subject, lost.contact.name, lost.contact.email) == ("", "", "", "")
    assert (lost.status, lost.channel, lost.arrived_at) == (
        Status.LOST,
        Channel.WEB_FORM,
        lost.arrived_at,
    )
    assert Lead.objects.get(pk=won.pk).message  # won: kept
    assert set(RetainedLead.objects.values_list("action", flat=True)) == {"anonymise", "delete"}
    assert RetentionRun.objects.count() == 3 and "1 lead was anonymised" in run.summary
    again = retention_run().summary
    assert "anonymised" not in again and "deleted" not in again and "1 lead was kept" in again


def test_retention_keeps_a_lead_whose_due_diligence_is_within_five_years():
    user = UserFactory()
    with time_machine.travel(LONDON_NOON, tick=False):
        lead = enquiry()
        close(lead, Status.LOST, "Did not proceed")
        due_diligence_record(
            lead=lead, identity_method="electronic", identity_verified_by=user,
            identity_verified_at=timezone.now(), risk_level="low", risk_reasons="Standard",
            relationship_ended_on=date(2026, 1, 15), actor=user,
        )  # fmt: skip
    with time_machine.travel(LONDON_NOON + timedelta(days=400), tick=False):
        retention_run()
        assert Lead.objects.get(pk=lead.pk).message
    with time_machine.travel(datetime(2031, 1, 16, 12, tzinfo=LONDON_NOON.tzinfo), tick=False):
        retention_run()
        assert Lead.objects.get(pk=lead.pk).message == ""


def every_text_holding(needles: list[str]) -> list[str]:
    """Each table and column value, anywhere in the database, that holds one of ``needles``."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, dict | list):  # JSON columns on PostgreSQL
                        value = json.dumps(value)
                    text = str(value).lower() if isinstance(value, str | bytes) else ""
                    found += [f"{table}: {value!r:.80}" for n in needles if n.lower() in text]
    return found


def test_erasure_leaves_nothing_of_the_person_in_any_table(admin_client, admin_user):
    lead = enquiry()
    lead_parties_record(lead=lead)
    lead_add_note(lead=lead, text=f"Spoke to {NAME} about {EMAIL}", actor=admin_user)
    conflict_check_run(lead=lead)
    conflict_decision_record(
        lead=lead, outcome="consent", note=f"{NAME} consented", actor=admin_user
    )
    OutboundEmail.objects.create(
        lead=lead, kind="acknowledgement", dedupe_key="ack:1", to=[EMAIL],
        subject=f"Thank you, {NAME}", body_text=f"Dear {NAME}", message_id="<a@firm.example>",
    )  # fmt: skip
    InboundMessage.objects.create(provider="mailgun", channel="email", from_email=EMAIL,
                                  raw=f"From: {NAME} <{EMAIL}>", body_text="unlinked")  # fmt: skip
    FollowUpFactory(lead=lead, completed_at=timezone.now(), completion_note=f"Rang {NAME}")
    Assignment.objects.create(
        lead=lead, member=MemberFactory(), via=AssignedVia.MANUAL, reason=f"{NAME} asked for Sam"
    )
    other = enquiry(name="Someone Else", email="else@example.com", phone="")
    contact = Contact.objects.get(pk=lead.contact_id)
    admin_client.get(reverse("admin:leads_contact_change", args=[contact.pk]))
    assert every_text_holding([NAME, EMAIL, PHONE, "Quarrington"])

    page = admin_client.post(
        reverse("admin:leads_contact_changelist"),
        {"action": "erase_contact", "_selected_action": [contact.pk]},
    )
    assert b"Erase this person everywhere" in page.content
    done = admin_client.post(
        reverse("admin:leads_contact_changelist"),
        {"action": "erase_contact", "_selected_action": [contact.pk], "confirm": "yes",
         "request": "Email of 2 December", "received_on": "2026-12-01"},
    )  # fmt: skip
    assert done.status_code == 302
    assert every_text_holding([NAME, EMAIL, PHONE, "Quarrington", "Horace Quarrington"]) == []
    record = ErasureRecord.objects.get()
    assert (record.request, record.erased_by) == ("Email of 2 December", admin_user)
    assert record.counts["leads"] == 1
    assert Lead.objects.get(pk=other.pk).message  # somebody else's lead is untouched
    assert not Party.objects.filter(lead=lead).exists()


def test_erasure_needs_the_request(admin_user):
    lead = enquiry()
    with pytest.raises(ValidationError, match="what request"):
        contact_erasure(
            contact=lead.contact, request=" ", requested_on=timezone.localdate(), actor=admin_user
        )
    assert Lead.objects.get(pk=lead.pk).message


def test_subject_access_exports_a_document_and_json_due_in_one_month(admin_client):
    lead = enquiry()
    response = admin_client.post(
        reverse("admin:leads_contact_changelist"),
        {"action": "export_subject_access", "_selected_action": [lead.contact_id],
         "confirm": "yes", "request": "Letter of 31 Oct", "received_on": "2026-10-31"},
    )  # fmt: skip
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document = archive.read("subject-access.html").decode()
    data = json.loads(archive.read("subject-access.json"))
    assert NAME in document and lead.reference in document and "30 November 2026" in document
    assert data["contact"]["email"] == EMAIL and data["due_on"] == "2026-11-30"
    assert data["leads"][0]["message"].startswith("Hello, I am")
    assert SubjectAccessRequest.objects.get().due_on == date(2026, 11, 30)
    assert subject_access_due(date(2027, 1, 31)) == date(2027, 2, 28)


def test_the_nightly_task_logs_what_is_coming_then_applies_the_schedule(settings):
    from compliance.tasks import retention_run as nightly

    settings.LEADTRACK_RETENTION_NOTICE_DAYS = 30
    with time_machine.travel(LONDON_NOON, tick=False):
        lead = enquiry()
        close(lead, Status.LOST, "Went elsewhere")
    with time_machine.travel(LONDON_NOON + timedelta(days=340), tick=False):
        result = nightly.delay().get()
    assert "Coming: On 20 January 2027: 1 lead will be anonymised" in result
    assert list(RetentionRun.objects.order_by("pk").values_list("dry_run", flat=True)) == [
        True,
        False,
    ]
    assert Lead.objects.get(pk=lead.pk).message  # not yet


def test_the_retention_task_is_installed_for_beat():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="compliance-retention-schedule")
    assert task.task == "compliance.tasks.retention_run" and task.crontab.hour == "2"


def test_a_subject_access_request_is_tracked_as_a_follow_up_due_by_the_legal_deadline(
    admin_client,
):
    from followups.choices import FollowUpKind
    from followups.models import FollowUp

    lead = enquiry()
    admin_client.post(
        reverse("admin:leads_contact_changelist"),
        {"action": "export_subject_access", "_selected_action": [lead.contact_id],
         "confirm": "yes", "request": "Letter of 31 Oct", "received_on": "2026-10-31"},
    )  # fmt: skip
    followup = FollowUp.objects.get(lead=lead, kind=FollowUpKind.SUBJECT_ACCESS)
    # Due Monday 30 November 2026 (a working day), at the close of the firm's day.
    assert timezone.localtime(followup.due_at) == datetime(
        2026, 11, 30, 17, 30, tzinfo=timezone.get_default_timezone()
    )
    assert followup.counts_calendar_time and followup.completed_at is None
    assert "Letter of 31 Oct" in followup.guidance and "30 Nov 2026" in followup.guidance
    lead.refresh_from_db()
    assert lead.next_action_due_at <= followup.due_at
    # Closing the lead closes its stage's obligations, never the legal deadline.
    close(lead, Status.LOST, "Went elsewhere")
    followup.refresh_from_db()
    assert followup.completed_at is None


def test_a_subject_access_deadline_on_a_weekend_falls_due_the_working_day_before(admin_user):
    from followups.choices import FollowUpKind
    from followups.models import FollowUp

    lead = enquiry()
    close(lead, Status.LOST, "Went elsewhere")  # a closed lead still carries the deadline
    request = subject_access_request_record(
        contact=lead.contact, request="Email of 28 Oct", received_on=date(2026, 10, 28),
        actor=admin_user,
    )  # fmt: skip
    assert request.due_on == date(2026, 11, 28)  # a Saturday
    followup = FollowUp.objects.get(lead=lead, kind=FollowUpKind.SUBJECT_ACCESS)
    assert timezone.localtime(followup.due_at).date() == date(2026, 11, 27)
