"""Twenty leads arriving at once, routed by several real Celery workers on PostgreSQL:
the strategy's spread holds, nobody goes over capacity, no assignment is lost, and every
owner is briefed once."""

from collections import Counter

from django.db.models import Count

from leads.choices import Channel, EmailKind
from leads.models import Lead, OutboundEmail
from leads.services import ContactDetails, lead_capture
from routing.choices import Seniority, Strategy
from routing.models import Assignment
from tests.e2e.conftest import wait_for
from tests.factories import UserFactory
from tests.routing.factories import MemberFactory, RuleFactory, TeamFactory

LEADS = 20


def _firm(strategy: Strategy):
    team = TeamFactory(name="Private Client")
    members = [
        MemberFactory(user=UserFactory(username=f"member{n}"), team=team, capacity=4)
        for n in range(4)
    ]
    triage = MemberFactory(
        user=UserFactory(username="triage.partner"), seniority=Seniority.PARTNER, capacity=100
    )
    RuleFactory(position=1, target_team=team, strategy=strategy)
    return members, triage


def _arrive(count: int) -> list[int]:
    return [
        lead_capture(
            channel=Channel.API,
            contact=ContactDetails(name=f"Client {n}", email=f"client{n}@example.com"),
            message="Please help with my late father's estate and his will.",
            provider="e2e",
            external_id=f"burst-{n}",
        ).lead.pk
        for n in range(count)
    ]


def _routed(ids):
    return Lead.objects.filter(pk__in=ids, owner__isnull=False).count() == len(ids)


def test_twenty_leads_at_once_spread_least_loaded_within_capacity(celery_workers, celery_not_eager):
    # No member is called LEADTRACK_TRIAGE_USERNAME here, so the most senior active member
    # (the partner) is the triage owner.
    members, triage = _firm(Strategy.LEAST_LOADED)
    ids = _arrive(LEADS)  # all queued before any worker runs: they start together

    celery_workers.start(3, concurrency=4)
    wait_for(lambda: _routed(ids), timeout=90, what="every lead to be routed")

    owners = Counter(Lead.objects.filter(pk__in=ids).values_list("owner__username", flat=True))
    # Sixteen places in the team (4 members × capacity 4), the rest to triage.
    assert owners == {**{m.user.username: 4 for m in members}, "triage.partner": 4}
    assert Assignment.objects.filter(lead__in=ids).count() == LEADS  # no lost or double rows
    assert not Assignment.objects.values("lead").annotate(n=Count("pk")).filter(n__gt=1)
    wait_for(
        lambda: OutboundEmail.objects.filter(kind=EmailKind.BRIEF, state="sent").count() == LEADS,
        timeout=60,
        what="every brief to be sent",
    )
    assert len({e.dedupe_key for e in OutboundEmail.objects.filter(kind=EmailKind.BRIEF)}) == LEADS


def test_twenty_leads_at_once_take_turns_round_robin(celery_workers, celery_not_eager):
    members, _ = _firm(Strategy.ROUND_ROBIN)
    for member in members:
        member.capacity = 10
        member.save()
    ids = _arrive(LEADS)

    celery_workers.start(3, concurrency=4)
    wait_for(lambda: _routed(ids), timeout=90, what="every lead to be routed")

    owners = Counter(Lead.objects.filter(pk__in=ids).values_list("owner__username", flat=True))
    assert owners == {m.user.username: 5 for m in members}
