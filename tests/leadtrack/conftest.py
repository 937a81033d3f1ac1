"""Fixtures for the tracker's tests: a firm with a partner and fee earners in two teams."""

import pytest
from django.contrib.auth.models import Group

from leadtrack import demo as roles
from routing.demo import FEE_EARNERS_GROUP, PARTNERS_GROUP
from routing.models import Member, Team
from tests.factories import UserFactory


@pytest.fixture
def people(db, client):
    Group.objects.get_or_create(name=PARTNERS_GROUP)
    Group.objects.get_or_create(name=FEE_EARNERS_GROUP)
    roles.load()
    employment, property_team = (
        Team.objects.create(name="Employment"),
        Team.objects.create(name="Property"),
    )
    partner = UserFactory(username="pat.partner")
    partner.groups.add(Group.objects.get(name=PARTNERS_GROUP))
    earner = UserFactory(username="tom.earner")
    colleague = UserFactory(username="sam.colleague")
    outsider = UserFactory(username="olive.outsider")
    for user in (earner, colleague, outsider):
        user.groups.add(Group.objects.get(name=FEE_EARNERS_GROUP))
    Member.objects.create(user=earner, team=employment)
    Member.objects.create(user=colleague, team=employment)
    Member.objects.create(user=outsider, team=property_team)
    return {"partner": partner, "earner": earner, "colleague": colleague, "outsider": outsider}
