"""Factories and a small firm for the follow-up tests: a team with a head, a supervisor
and a fee earner, and policies per tier."""

import datetime as dt
from dataclasses import dataclass

import factory

from followups.choices import FollowUpKind, IntervalUnit, Stage
from followups.models import FollowUp, FollowUpPolicy, FollowUpStep
from routing.models import Member, Team
from tests.factories import LeadFactory, UserFactory


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpPolicy

    name = factory.Sequence(lambda n: f"Policy {n}")
    tier = ""


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpStep

    policy = factory.SubFactory(PolicyFactory)
    stage = Stage.NEW
    position = 1
    kind = FollowUpKind.FIRST_CONTACT
    interval = 1
    unit = IntervalUnit.HOURS
    guidance = "Confirm conflict check, offer a fixed-fee first meeting."


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    lead = factory.SubFactory(LeadFactory)
    stage = Stage.NEW
    kind = FollowUpKind.FIRST_CONTACT
    due_at = factory.LazyFunction(lambda: dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC))
    next_escalation_at = factory.LazyAttribute(lambda f: f.due_at)
    owner = factory.LazyAttribute(lambda f: f.lead.owner)


@dataclass
class Firm:
    head: Member
    supervisor: Member
    earner: Member
    team: Team


def make_firm() -> Firm:
    team = Team.objects.create(name="Employment")
    head = Member.objects.create(
        user=UserFactory(username="head", email="head@firm.example"), team=team
    )
    team.head = head
    team.save()
    supervisor = Member.objects.create(
        user=UserFactory(username="supervisor", email="supervisor@firm.example"),
        team=team,
        supervisor=head,
    )
    earner = Member.objects.create(
        user=UserFactory(username="earner", email="earner@firm.example"),
        team=team,
        supervisor=supervisor,
    )
    return Firm(head=head, supervisor=supervisor, earner=earner, team=team)


def standard_policies() -> dict[str, FollowUpPolicy]:
    """Tier A 1 working hour, B 4 working hours, C 2 working days, plus later stages."""
    policies = {}
    for tier, interval, unit in [
        ("A", 1, IntervalUnit.HOURS),
        ("B", 4, IntervalUnit.HOURS),
        ("C", 2, IntervalUnit.DAYS),
    ]:
        policy = PolicyFactory(name=f"Tier {tier}", tier=tier)
        StepFactory(policy=policy, interval=interval, unit=unit)
        StepFactory(policy=policy, position=2, kind=FollowUpKind.CHASE, interval=1, unit="days")
        StepFactory(
            policy=policy,
            stage=Stage.CONTACTED,
            kind=FollowUpKind.BOOK_MEETING,
            interval=2,
            unit="days",
        )
        StepFactory(
            policy=policy,
            stage=Stage.PROPOSAL,
            kind=FollowUpKind.CHASE_PROPOSAL,
            interval=5,
            unit="days",
        )
        policies[tier] = policy
    return policies
