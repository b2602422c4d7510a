import pytest
from django.db import connection

from recurrence.guideline import RULESET


@pytest.mark.django_db
def test_it_reports_the_ruleset_and_a_live_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "ruleset": {"id": "mbc-recurrence", "version": "2.0", "note": RULESET["note"]},
        "database": True,
    }


@pytest.mark.django_db
def test_it_still_answers_200_when_the_database_does_not(client, monkeypatch):
    def broken(*args, **kwargs):
        raise connection.OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] is False
    assert response.json()["status"] == "degraded"


@pytest.mark.django_db
def test_it_answers_only_get(client):
    assert client.post("/healthz").status_code == 405
