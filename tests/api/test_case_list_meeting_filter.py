"""The case list's meeting filter refuses what is not a meeting's id with a 400, never a 500."""

import pytest

from tests.api.helpers import client_for


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "²", "1.5", "-1", str(2**63), "9" * 40])
def test_a_meeting_that_is_no_id_is_refused_naming_the_field(coordinator, stored_case, value):
    response = client_for(coordinator).get("/api/v1/cases/", {"meeting": value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "meeting"


@pytest.mark.django_db
def test_an_unknown_meeting_lists_no_case(coordinator, stored_case):
    response = client_for(coordinator).get("/api/v1/cases/", {"meeting": str(2**63 - 1)})
    assert response.status_code == 200
    assert response.json()["count"] == 0
