"""Fixtures for the tracker's tests: a firm with a partner and fee earners in two teams."""

import pytest

from tests.factories import firm_people


@pytest.fixture
def people(db, client):
    return firm_people()
