"""/health/ answers 200 only when both the database and the broker answer."""

from unittest import mock

import pytest

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_database_and_broker_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_is_503_when_the_broker_is_down(client):
    with mock.patch(
        "leadtrack.health.celery_app.connection_for_write",
        side_effect=ConnectionRefusedError("no broker"),
    ):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_health_is_503_when_the_database_is_down(client):
    with mock.patch("leadtrack.health.connection.cursor", side_effect=RuntimeError("gone")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_refuses_writes(client):
    assert client.post("/health/").status_code == 405
