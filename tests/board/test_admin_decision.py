"""The admin shows signed decisions but offers no way to change or delete them."""

import pytest
from django.contrib.auth.models import Permission

from board.models import AgendaItem, Decision, Meeting
from board.services import decision_sign
from tests.pages.helpers import client_for

PLAN = "Letrozole; review in 3 months."


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def decision(coordinator, oncologist, stored_case):
    meeting = Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)
    AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)
    return decision_sign(
        case=stored_case,
        data={"meeting": meeting.pk, "outcome": "follows", "plan": PLAN},
        user=oncologist,
    )


def change_url(decision) -> str:
    return f"/admin/board/decision/{decision.pk}/change/"


def attempt(client, decision):
    return client.post(
        change_url(decision),
        {"outcome": "differs", "plan": "changed in the admin", "reason": "admin", "_save": "Save"},
    )


def assert_unchanged(decision):
    stored = Decision.objects.get(pk=decision.pk)
    assert (stored.outcome, stored.plan, stored.reason) == ("follows", PLAN, "")


@pytest.mark.django_db
class TestDecisionAdmin:
    def test_an_administrator_cannot_change_a_decision(self, administrator, decision):
        assert administrator.is_staff
        response = attempt(client_for(administrator), decision)
        assert response.status_code == 403
        assert_unchanged(decision)

    def test_an_administrator_who_may_view_decisions_sees_them_read_only(
        self, administrator, decision
    ):
        administrator.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="board",
                codename__in=["view_decision", "change_decision", "delete_decision"],
            )
        )
        client = client_for(administrator)
        page = client.get(change_url(decision))
        assert page.status_code == 200
        html = page.content.decode()
        assert PLAN in html
        assert 'name="plan"' not in html and 'name="_save"' not in html
        assert "/delete/" not in html
        assert attempt(client, decision).status_code == 403
        assert (
            client.post(f"/admin/board/decision/{decision.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
        assert_unchanged(decision)

    def test_not_even_a_superuser(self, django_user_model, decision):
        root = django_user_model.objects.create_superuser("root", password="x-long-password-1")
        client = client_for(root)
        assert 'name="_save"' not in client.get(change_url(decision)).content.decode()
        assert attempt(client, decision).status_code == 403
        assert client.get("/admin/board/decision/add/").status_code == 403
        assert_unchanged(decision)
