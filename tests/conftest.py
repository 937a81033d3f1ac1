"""Fixtures shared by the whole suite."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # A fast hasher: the suite signs in and creates users often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _firm_cache_clear():
    """Each test loads the firm's profile and calendar afresh (as each request does): a
    rolled-back test's rows must not linger in the per-thread memo."""
    from firm.selectors import cache_clear

    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def staff_user(db):
    """The API's general tests act as a partner (who sees and may change every lead);
    what each role may see and change is tested in tests/api/test_visibility.py."""
    from django.contrib.auth.models import Group

    from leadtrack import demo as roles

    partners, _ = Group.objects.get_or_create(name=roles.PARTNERS_GROUP)
    Group.objects.get_or_create(name=roles.FEE_EARNERS_GROUP)
    roles.load()
    user = UserFactory(username="fiona.partner", first_name="Fiona", last_name="Partner")
    user.groups.add(partners)
    return user


@pytest.fixture
def api_client(staff_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


@pytest.fixture
def anonymous_api_client() -> APIClient:
    return APIClient()
