"""Issue 16: the brief's "Due by" is the first-contact follow-up's due time, and the
client's own deadline is given separately."""

import datetime as dt

import pytest

from firm.calendar import LONDON
from qualification.models import QualificationModel
from routing.selectors import brief_context
from tests.factories import LeadFactory, QualificationResultFactory
from tests.routing.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_brief_due_by_is_first_contact_and_the_clients_deadline_is_separate():
    from django.template.loader import get_template

    from leads.services.email import email_context, render_plain

    first_contact = dt.datetime(2026, 12, 2, 13, 0, tzinfo=LONDON)
    lead = LeadFactory(next_action_due_at=first_contact)
    QualificationResultFactory(
        lead=lead,
        model_version=QualificationModel.objects.create(version=1, name="Launch"),
        tier="A",
        urgency_due_at=dt.datetime(2027, 1, 31, 17, 0, tzinfo=LONDON),  # a Sunday
    )
    lead.refresh_from_db()
    context = brief_context(lead=lead, member=MemberFactory(), reason="Rule 1")
    assert context["due_at"] == first_contact
    assert context["client_deadline"].date() == dt.date(2027, 1, 31)
    text = render_plain(get_template("emails/brief_body.txt"), email_context(context))
    assert "Due by Wed 2 Dec at 13:00 (first contact)" in text
    assert "The client's own deadline: Sunday 31 Jan" in text
    assert "Due by Sun" not in text
