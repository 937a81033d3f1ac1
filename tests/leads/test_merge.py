"""Merging two leads that are one enquiry: timelines, messages and emails move to the lead
kept, the other leaves the lists, and both timelines record it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from leads import selectors, signals
from leads.choices import ActivityKind, Channel, EmailKind
from leads.models import Activity, InboundMessage, Lead, OutboundEmail
from leads.services import ContactDetails, lead_capture, lead_merge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def two_leads():
    first = lead_capture(
        channel=Channel.EMAIL,
        contact=ContactDetails(name="Jane Doe", email="jane@home.example"),
        message="Lease question",
        arrived_at=NOW - timedelta(hours=3),
    ).lead
    second = lead_capture(
        channel=Channel.WEB_FORM,
        contact=ContactDetails(name="Jane Doe", email="jane@work.example"),
        message="Lease question again",
        arrived_at=NOW - timedelta(hours=1),
    ).lead
    return first, second


@time_machine.travel(NOW, tick=False)
def test_merge_moves_timeline_messages_and_emails_to_the_lead_kept(staff_user):
    keep, merge = two_leads()
    OutboundEmail.objects.create(
        lead=merge,
        kind=EmailKind.ACKNOWLEDGEMENT,
        dedupe_key="ack:test",
        to=["jane@work.example"],
        subject="We have your enquiry",
        body_text="Thanks",
        message_id="<x@example.com>",
    )
    merge_inbound = InboundMessage.objects.get(lead=merge)

    lead_merge(keep=keep, merge=merge, actor=staff_user)

    merge.refresh_from_db()
    assert merge.merged_into_id == keep.pk
    assert InboundMessage.objects.get(pk=merge_inbound.pk).lead_id == keep.pk
    assert OutboundEmail.objects.get().lead_id == keep.pk
    kept_kinds = list(keep.activities.values_list("kind", flat=True))
    assert kept_kinds.count(ActivityKind.CAPTURED) == 2
    merged_entry = keep.activities.get(kind=ActivityKind.MERGED)
    assert merge.reference in merged_entry.summary
    assert "its contact was Jane Doe" in merged_entry.summary
    assert merged_entry.actor == staff_user
    assert merged_entry.data["moved_activities"] == 1
    on_merged = merge.activities.get()
    assert on_merged.kind == ActivityKind.MERGED
    assert keep.reference in on_merged.summary


@time_machine.travel(NOW, tick=False)
def test_merged_lead_leaves_the_lists(staff_user):
    keep, merge = two_leads()
    lead_merge(keep=keep, merge=merge, actor=staff_user)
    assert list(selectors.lead_list()) == [keep]


@time_machine.travel(NOW, tick=False)
def test_kept_lead_takes_the_earliest_first_response_and_the_referrer(staff_user):
    keep, merge = two_leads()
    Lead.objects.filter(pk=merge.pk).update(
        first_response_at=NOW - timedelta(minutes=30), practice_area_hint="property"
    )
    lead_merge(keep=keep, merge=merge, actor=staff_user)
    keep.refresh_from_db()
    assert keep.first_response_at == NOW - timedelta(minutes=30)
    assert keep.practice_area_hint == "property"


@time_machine.travel(NOW, tick=False)
def test_merging_a_lead_with_itself_is_refused(staff_user):
    keep, _ = two_leads()
    with pytest.raises(ValidationError, match="two different leads"):
        lead_merge(keep=keep, merge=keep, actor=staff_user)


@time_machine.travel(NOW, tick=False)
def test_a_lead_already_merged_cannot_be_merged_again(staff_user):
    keep, merge = two_leads()
    lead_merge(keep=keep, merge=merge, actor=staff_user)
    before = Activity.objects.count()
    with pytest.raises(ValidationError, match="already merged"):
        lead_merge(keep=keep, merge=merge, actor=staff_user)
    assert Activity.objects.count() == before


@time_machine.travel(NOW, tick=False)
def test_leads_merged_earlier_follow_to_the_lead_kept(staff_user):
    keep, middle = two_leads()
    third = lead_capture(
        channel=Channel.API,
        contact=ContactDetails(email="third@example.com"),
        message="x",
    ).lead
    lead_merge(keep=middle, merge=third, actor=staff_user)
    lead_merge(keep=keep, merge=middle, actor=staff_user)
    third.refresh_from_db()
    assert third.merged_into_id == keep.pk


@time_machine.travel(NOW, tick=False)
def test_merge_tells_higher_apps(staff_user):
    keep, merge = two_leads()
    heard = []

    def receiver(sender, keep, merged, actor, **kwargs):
        heard.append((keep.pk, merged.pk, actor))

    signals.lead_merged.connect(receiver)
    try:
        lead_merge(keep=keep, merge=merge, actor=staff_user)
    finally:
        signals.lead_merged.disconnect(receiver)
    assert heard == [(keep.pk, merge.pk, staff_user)]


@pytest.fixture
def admin_client_logged_in(client):
    client.force_login(UserFactory(username="partner", is_superuser=True))
    return client


CHANGELIST = "/admin/leads/lead/"


@time_machine.travel(NOW, tick=False)
def test_admin_merge_action_asks_which_to_keep_then_merges(admin_client_logged_in):
    first, second = two_leads()
    selected = {"action": "merge_leads", "_selected_action": [first.pk, second.pk]}
    confirm = admin_client_logged_in.post(CHANGELIST, selected)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Which lead do you keep?" in html
    assert first.reference in html and second.reference in html

    done = admin_client_logged_in.post(
        CHANGELIST, {**selected, "confirm": "yes", "keep": second.pk}, follow=True
    )
    assert f"{first.reference} merged into {second.reference}" in done.content.decode()
    first.refresh_from_db()
    assert first.merged_into_id == second.pk


@time_machine.travel(NOW, tick=False)
def test_admin_merge_action_needs_exactly_two_leads(admin_client_logged_in):
    first, _ = two_leads()
    response = admin_client_logged_in.post(
        CHANGELIST, {"action": "merge_leads", "_selected_action": [first.pk]}, follow=True
    )
    assert "Select exactly two leads to merge." in response.content.decode()
    assert not Lead.objects.filter(merged_into__isnull=False).exists()


@time_machine.travel(NOW, tick=False)
def test_merged_lead_is_closed_as_merged_and_stays_so(staff_user):
    from leads.choices import CLOSED_STATUSES, OPEN_STATUSES, Status
    from leads.services import lead_change_status

    keep, merge = two_leads()
    lead_merge(keep=keep, merge=merge, actor=staff_user)

    merge.refresh_from_db()
    assert merge.status == Status.MERGED and Status.MERGED in CLOSED_STATUSES
    assert merge.closed_at == NOW and merge.closed_reason == f"Merged into {keep.reference}"
    assert not Lead.objects.filter(pk=merge.pk, status__in=OPEN_STATUSES).exists()
    with pytest.raises(ValidationError, match="was merged into another lead"):
        lead_change_status(lead=merge, status=Status.ASSIGNED, reason="Reopen", actor=staff_user)
    with pytest.raises(ValidationError, match="by merging them"):
        lead_change_status(lead=keep, status=Status.MERGED, actor=staff_user)


@time_machine.travel(NOW, tick=False)
def test_reference_of_a_merged_lead_joins_the_lead_it_was_merged_into(staff_user):
    first = lead_capture(
        channel=Channel.EMAIL,
        contact=ContactDetails(name="Jane Doe", email="jane@home.example"),
        message="Lease question",
    ).lead
    second = lead_capture(
        channel=Channel.EMAIL,
        contact=ContactDetails(name="Jane Doe", email="jane@home.example"),
        message="Same lease, more detail",
    ).lead
    lead_merge(keep=first, merge=second, actor=staff_user)

    again = lead_capture(
        channel=Channel.WEB_FORM,
        contact=ContactDetails(name="Jane Doe", email="jane@home.example"),
        message=f"About {second.reference}: the landlord replied.",
    )
    assert again.joined and again.lead.pk == first.pk
