"""H2: in the admin, an administrator manages accounts and the product's roles, and
nothing more: no superuser or staff flag, no per-user permissions, no other groups, and no
way into a superuser's account."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from recurrence import roles


@pytest.fixture
def admin_client(administrator):
    client = Client()
    client.force_login(administrator)
    return client


def change_url(user) -> str:
    return f"/admin/auth/user/{user.pk}/change/"


def form_post(user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "10:00:00",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestUserAdmin:
    def test_the_form_offers_no_superuser_staff_or_permission_fields(
        self, admin_client, administrator
    ):
        html = admin_client.get(change_url(administrator)).content.decode()
        for name in ('name="is_superuser"', 'name="is_staff"', 'name="user_permissions"'):
            assert name not in html

    def test_an_administrator_cannot_make_itself_superuser(self, admin_client, administrator):
        everything = list(Permission.objects.values_list("pk", flat=True))
        response = admin_client.post(
            change_url(administrator),
            form_post(administrator, is_superuser="on", is_staff="on", user_permissions=everything),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        administrator.refresh_from_db()
        assert not administrator.is_superuser
        assert not administrator.user_permissions.exists()

    def test_roles_are_the_only_groups_offered(self, admin_client, administrator, oncologist):
        other = Group.objects.create(name="auditors")
        other.permissions.add(*Permission.objects.all())
        response = admin_client.post(
            change_url(oncologist), form_post(oncologist, groups=[other.pk])
        )
        assert response.status_code == 200  # refused: not a valid choice
        assert not oncologist.groups.filter(name="auditors").exists()
        html = admin_client.get(change_url(oncologist)).content.decode()
        assert "auditors" not in html
        for role in roles.ROLES:
            assert role in html

    def test_granting_the_administrator_role_gives_staff_status(self, admin_client, oncologist):
        admin_group = Group.objects.get_or_create(name=roles.ADMINISTRATOR)[0]
        oncology = Group.objects.get_or_create(name=roles.ONCOLOGIST)[0]
        admin_client.post(
            change_url(oncologist), form_post(oncologist, groups=[oncology.pk, admin_group.pk])
        )
        oncologist.refresh_from_db()
        assert oncologist.is_staff and not oncologist.is_superuser
        admin_client.post(change_url(oncologist), form_post(oncologist, groups=[oncology.pk]))
        oncologist.refresh_from_db()
        assert not oncologist.is_staff

    def test_a_superusers_account_is_out_of_reach(self, admin_client, django_user_model):
        root = django_user_model.objects.create_superuser("root", password="a-long-root-pw-9")
        view = admin_client.get(change_url(root))  # shown read-only, at most
        assert 'name="username"' not in view.content.decode()
        response = admin_client.post(change_url(root), form_post(root, username="mine"))
        assert response.status_code == 403
        response = admin_client.post(
            f"/admin/auth/user/{root.pk}/password/",
            {"password1": "taken-over-pw-10", "password2": "taken-over-pw-10"},
        )
        assert response.status_code == 403
        root.refresh_from_db()
        assert root.check_password("a-long-root-pw-9") and root.username == "root"
        assert (
            admin_client.post(f"/admin/auth/user/{root.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )

    def test_group_permissions_are_not_edited_in_the_admin(self, admin_client):
        assert admin_client.get("/admin/auth/group/").status_code == 404

    def test_people_without_the_administrator_role_do_not_see_accounts(self, django_user_model):
        staff = django_user_model.objects.create_user(
            "staffer", password="x-long-pass-11", is_staff=True
        )
        staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_user"))
        client = Client()
        client.force_login(staff)
        assert client.get("/admin/auth/user/").status_code == 403

    def test_an_administrator_adds_an_account_with_a_role(self, admin_client, django_user_model):
        oncology = Group.objects.get_or_create(name=roles.ONCOLOGIST)[0]
        response = admin_client.post(
            "/admin/auth/user/add/",
            {
                "username": "newdoc",
                "usable_password": "true",
                "password1": "a-long-new-password-12",
                "password2": "a-long-new-password-12",
                "is_superuser": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        user = django_user_model.objects.get(username="newdoc")
        assert not user.is_superuser and not user.is_staff
        admin_client.post(change_url(user), form_post(user, groups=[oncology.pk]))
        assert roles.has_role(django_user_model.objects.get(pk=user.pk), roles.ONCOLOGIST)
