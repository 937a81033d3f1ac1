"""Routing fixtures: a small Employment team, a triage partner, and a live rule."""

import pytest

from routing.choices import Seniority, Strategy
from tests.factories import UserFactory
from tests.routing.factories import MemberFactory, PracticeAreaFactory, RuleFactory, TeamFactory


@pytest.fixture
def employment(db):
    return PracticeAreaFactory(name="Employment", slug="employment")


@pytest.fixture
def team(db):
    return TeamFactory(name="Employment")


def member(username: str, first: str, last: str, **kwargs):
    user = UserFactory(username=username, first_name=first, last_name=last)
    return MemberFactory(user=user, **kwargs)


@pytest.fixture
def priya(team):
    head = member("priya.shah", "Priya", "Shah", team=team, seniority=Seniority.PARTNER)
    team.head = head
    team.save(update_fields=["head"])
    return head


@pytest.fixture
def sarah(team):
    return member("sarah.jones", "Sarah", "Jones", team=team, seniority=Seniority.SENIOR_ASSOCIATE)


@pytest.fixture
def tom(team):
    return member("tom.hughes", "Tom", "Hughes", team=team, seniority=Seniority.ASSOCIATE)


@pytest.fixture
def triage(db, settings):
    settings.LEADTRACK_TRIAGE_USERNAME = "eleanor.marsh"
    return member("eleanor.marsh", "Eleanor", "Marsh", seniority=Seniority.PARTNER, capacity=1)


@pytest.fixture
def employment_rule(employment, team, priya, sarah, tom, triage):
    return RuleFactory(
        position=3, practice_area=employment, target_team=team, strategy=Strategy.LEAST_LOADED
    )
