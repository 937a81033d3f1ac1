"""Factories for routing's rows: teams, members (all-week, all-day by default so tests
choose when shifts matter), absences and rules."""

from datetime import time

import factory

from qualification.models import PracticeArea
from routing.choices import RuleState, Seniority, Strategy
from routing.models import Member, MemberAbsence, RoutingRule, Team
from tests.factories import UserFactory


class PracticeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeArea
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.LazyAttribute(lambda area: area.name.lower().replace(" ", "-"))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    team = None
    seniority = Seniority.ASSOCIATE
    capacity = 10
    working_days = [0, 1, 2, 3, 4, 5, 6]
    works_from = time(0, 0)
    works_until = time(0, 0)


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberAbsence

    member = factory.SubFactory(MemberFactory)


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    position = factory.Sequence(lambda n: n + 1)
    state = RuleState.LIVE
    strategy = Strategy.LEAST_LOADED
