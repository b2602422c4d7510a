"""Cached page bodies and API pages (mbc_site.fragments): the same bytes as drawn afresh,
and every kind of write the page shows makes the next request draw it again."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from board.models import AgendaItem, Meeting
from board.services import amendment_add, decision_sign
from evidence.models import Study
from interop.models import CardFeedback, IssuedCard
from mbc_site import fragments, revisions
from recurrence import services
from recurrence.services import case_create
from tests.pages.helpers import client_for

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page(client: Client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def board_case(coordinator, oncologist, case_data):
    """A case with follow-up, a treatment, a past meeting's signed decision with an
    amendment and an upcoming meeting it is not on."""
    case = case_create(data=case_data(), user=coordinator)
    case = services.follow_up_save(
        case_id=case.pk,
        data={"last_contact_date": "2024-09-01", "vital_status": "alive"},
        version=case.version,
        user=coordinator,
    )
    services.treatment_add(
        case_id=case.pk,
        data={"kind": "systemic_line", "line": 1, "start_date": "2024-07-01"},
        version=case.version,
        user=coordinator,
    )
    today = timezone.localdate()
    past = Meeting.objects.create(date=today - dt.timedelta(days=7), title="Past MDT")
    Meeting.objects.create(date=today + dt.timedelta(days=7), title="Next MDT")
    AgendaItem.objects.create(meeting=past, case=case, position=1)
    case.refresh_from_db()
    decision = decision_sign(
        case=case,
        data={"meeting": past.pk, "outcome": "follows", "plan": "As advised."},
        user=oncologist,
    )
    amendment_add(
        decision=decision, data={"reason": "Typo", "text": "Plan as advised."}, user=oncologist
    )
    case.refresh_from_db()
    return case


def pages_for(case) -> list[str]:
    return [
        f"/cases/{case.pk}/",
        "/",
        "/?q=MBC",
        f"/?category={case.category}",
        reverse("outcomes-similar-panel", args=[case.pk]),
        f"/outcomes/similar/{case.pk}.svg",
    ]


@pytest.mark.django_db
class TestCachedEqualsUncached:
    @pytest.mark.parametrize("role", ["coordinator", "oncologist", "administrator"])
    def test_every_page_is_the_same_from_the_cache_as_drawn_afresh(
        self, request, role, board_case, settings
    ):
        client = client_for(request.getfixturevalue(role))
        for url in pages_for(board_case):
            drawn = page(client, url)
            assert page(client, url) == drawn, url  # from the cache
            settings.PAGE_CACHE = False
            assert page(client, url) == drawn, url  # drawn afresh, no cache
            settings.PAGE_CACHE = True

    def test_the_posted_search_and_the_api_list_are_the_same_as_drawn_afresh(
        self, coordinator, board_case, settings
    ):
        client = client_for(coordinator)
        posted = client.post("/", {"q": "MBC"}).content.decode()
        assert board_case.case_number in posted
        api = client.get("/api/v1/cases/?q=MBC").json()
        assert client.get("/api/v1/cases/?q=MBC").json() == api
        settings.PAGE_CACHE = False
        assert TOKEN.sub("", client.post("/", {"q": "MBC"}).content.decode()) == TOKEN.sub(
            "", posted
        )
        assert client.get("/api/v1/cases/?q=MBC").json() == api
        assert api["count"] == 1 and api["results"][0]["id"] == board_case.pk

    def test_the_cache_holds_the_entries_it_serves(self, coordinator, board_case):
        client_for(coordinator).get(f"/cases/{board_case.pk}/")
        cases = cache.get_many([revisions.case_page(board_case.pk), revisions.PEOPLE])
        assert len(cases) == 2  # the tokens the body was stored under


@pytest.mark.django_db
class TestAWriteChangesTheNextPage:
    """Each write is one the case page shows but its version does not count."""

    def url(self, case) -> str:
        return f"/cases/{case.pk}/"

    def test_a_new_meeting_is_offered(self, coordinator, board_case):
        client = client_for(coordinator)
        assert "Later MDT" not in page(client, self.url(board_case))
        Meeting.objects.create(date=timezone.localdate() + dt.timedelta(days=14), title="Later MDT")
        assert "Later MDT" in page(client, self.url(board_case))

    def test_an_agenda_item_shows(self, coordinator, board_case):
        client = client_for(coordinator)
        before = page(client, self.url(board_case))
        upcoming = Meeting.objects.get(title="Next MDT")
        AgendaItem.objects.create(meeting=upcoming, case=board_case, position=1)
        after = page(client, self.url(board_case))
        meetings = after[after.index('id="meetings"') :]
        assert "Next MDT</a>" in meetings and "Next MDT</a>" not in before

    def test_a_removed_agenda_item_goes(self, coordinator, board_case):
        client = client_for(coordinator)
        upcoming = Meeting.objects.get(title="Next MDT")
        item = AgendaItem.objects.create(meeting=upcoming, case=board_case, position=1)
        assert "no decision yet" in page(client, self.url(board_case))
        item.delete()
        assert "no decision yet" not in page(client, self.url(board_case))

    def test_an_amendment_shows(self, coordinator, oncologist, board_case):
        client = client_for(coordinator)
        assert "Second thoughts" not in page(client, self.url(board_case))
        decision = board_case.decisions.get()
        amendment_add(
            decision=decision,
            data={"reason": "Second thoughts", "text": "Add a scan."},
            user=oncologist,
        )
        assert "Second thoughts" in page(client, self.url(board_case))

    def test_a_renamed_user_shows_by_the_new_name(self, coordinator, oncologist, board_case):
        client = client_for(oncologist)
        assert "Cora Hughes" not in page(client, self.url(board_case))
        coordinator.first_name, coordinator.last_name = "Cora", "Hughes"
        coordinator.save()
        assert "Cora Hughes" in page(client, self.url(board_case))  # beside her changes

    def test_a_sign_in_does_not_empty_the_cache(self, coordinator, oncologist, board_case):
        before = revisions.current(revisions.PEOPLE)
        assert Client().login(username=oncologist.username, password="a-long-test-password-7")
        assert revisions.current(revisions.PEOPLE) == before

    def test_a_changed_study_shows(self, coordinator, board_case):
        client = client_for(coordinator)
        html = page(client, self.url(board_case))
        study = next(s for s in Study.objects.all() if s.title in html)
        study.title = "A retitled study for this test"
        study.save()
        assert "A retitled study for this test" in page(client, self.url(board_case))

    def test_record_system_feedback_shows(self, coordinator, board_case):
        client = client_for(coordinator)
        assert "overridden" not in page(client, self.url(board_case)).lower()
        card = IssuedCard.objects.create(
            uuid="0b7a4d55-3d4b-4d3c-9f51-0d2c1c0b6a11",
            hook_instance="h",
            recommendation_code="X",
            ruleset_version="2.0",
            summary="s",
            issuer="https://ehr.example",
            case=board_case,
        )
        CardFeedback.objects.create(card=card, outcome="overridden", outcome_at=timezone.now())
        assert "overridden" in page(client, self.url(board_case)).lower()

    def test_roles_see_their_own_page(self, coordinator, oncologist, board_case):
        as_coordinator = page(client_for(coordinator), self.url(board_case))
        as_oncologist = page(client_for(oncologist), self.url(board_case))
        assert "Edit case" in as_coordinator and "Edit case" not in as_oncologist
        assert "Add an amendment" in as_oncologist and "Add an amendment" not in as_coordinator

    def test_a_cached_form_carries_the_viewers_own_token(self, coordinator, board_case):
        first = Client(enforce_csrf_checks=True)
        first.force_login(coordinator)
        first.get(self.url(board_case))  # the body is now cached, drawn with this session
        second = Client(enforce_csrf_checks=True)
        second.force_login(coordinator)
        html = second.get(self.url(board_case)).content.decode()
        assert fragments.PLACEHOLDER not in html
        form = html[html.index('class="inline-form add-to-meeting"') :]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        upcoming = Meeting.objects.get(title="Next MDT")
        response = second.post(
            f"/board/cases/{board_case.pk}/meetings/",
            {"meeting": upcoming.pk, "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302
        assert AgendaItem.objects.filter(meeting=upcoming, case=board_case).exists()


@pytest.mark.django_db
class TestTheListsFollowWrites:
    def test_a_similar_patient_changes_the_similar_panel_and_chart(
        self, coordinator, board_case, case_data
    ):
        client = client_for(coordinator)
        urls = pages_for(board_case)[-2:]
        before = [page(client, url) for url in urls]
        other = case_create(data=case_data(case_number="MBC-0002"), user=coordinator)
        services.follow_up_save(
            case_id=other.pk,
            data={"last_contact_date": "2024-12-01", "vital_status": "alive"},
            version=other.version,
            user=coordinator,
        )
        after = [page(client, url) for url in urls]
        assert after[0] != before[0] and after[1] != before[1]
        assert "1 patient" in after[0] or "n=1" in after[1]

    def test_a_new_case_shows_in_the_list_search_and_api(self, coordinator, case_data):
        client = client_for(coordinator)
        case_create(data=case_data(case_number="MBC-0001"), user=coordinator)
        assert "MBC-0002" not in page(client, "/")
        assert "MBC-0002" not in page(client, "/?q=MBC")
        assert client.get("/api/v1/cases/").json()["count"] == 1
        case_create(data=case_data(case_number="MBC-0002", hospital_number="H2"), user=coordinator)
        assert "MBC-0002" in page(client, "/")
        assert "MBC-0002" in page(client, "/?q=MBC")
        assert client.get("/api/v1/cases/").json()["count"] == 2

    def test_an_archived_case_leaves_the_list(self, coordinator, administrator, stored_case):
        client = client_for(coordinator)
        assert stored_case.case_number in page(client, "/")
        services.case_archive(
            case_id=stored_case.pk,
            reason="Entered twice",
            version=stored_case.version,
            user=administrator,
        )
        assert stored_case.case_number not in page(client, "/")
        assert client.get("/api/v1/cases/").json()["count"] == 0

    def test_the_meeting_filter_follows_the_agenda(self, coordinator, stored_case):
        client = client_for(coordinator)
        meeting = Meeting.objects.create(date=timezone.localdate(), title="Today MDT")
        url = f"/?meeting={meeting.pk}"
        assert stored_case.case_number not in page(client, url)
        assert client.get(f"/api/v1/cases/?meeting={meeting.pk}").json()["count"] == 0
        AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)
        assert stored_case.case_number in page(client, url)
        assert client.get(f"/api/v1/cases/?meeting={meeting.pk}").json()["count"] == 1

    def test_a_renamed_user_shows_in_the_api(self, coordinator, stored_case):
        client = client_for(coordinator)
        assert client.get("/api/v1/cases/").json()["results"][0]["created_by"] == "cora"
        coordinator.username = "cora2"
        coordinator.save()
        client.force_login(coordinator)
        assert client.get("/api/v1/cases/").json()["results"][0]["created_by"] == "cora2"


@pytest.mark.django_db
class TestEntries:
    def test_an_entry_is_served_only_while_its_tokens_stay(self):
        entry = fragments.key("test", [1])
        values, current = fragments.lookup({"x": (entry, (revisions.BOARD, revisions.PEOPLE))})
        assert values == {"x": None}
        fragments.store(entry, (revisions.BOARD, revisions.PEOPLE), current, "drawn")
        assert fragments.lookup({"x": (entry, (revisions.BOARD,))})[0] == {"x": None}
        assert fragments.lookup({"x": (entry, (revisions.BOARD, revisions.PEOPLE))})[0] == {
            "x": "drawn"
        }
        revisions.bump(revisions.PEOPLE)
        assert fragments.lookup({"x": (entry, (revisions.BOARD, revisions.PEOPLE))})[0] == {
            "x": None
        }

    def test_a_lost_token_invalidates_the_entry(self):
        entry = fragments.key("test", [2])
        _, current = fragments.lookup({"x": (entry, (revisions.BOARD,))})
        fragments.store(entry, (revisions.BOARD,), current, "drawn")
        cache.delete(revisions.BOARD)  # evicted
        assert fragments.lookup({"x": (entry, (revisions.BOARD,))})[0] == {"x": None}

    def test_the_key_names_no_input(self):
        entry = fragments.key("case-list", ["H123456"])
        assert "H123456" not in entry


@pytest.fixture
def redis_cache(settings):
    """The production cache: Redis (MBC_TEST_REDIS_URL), under a prefix of this test's."""
    import uuid

    import redis

    from tests.deploy.test_cache import REDIS_URL, require_redis

    require_redis()
    prefix = f"mbc-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    client = redis.Redis.from_url(REDIS_URL)
    for name in client.scan_iter(f"{prefix}:*"):
        client.delete(name)


@pytest.mark.django_db
class TestWithRedis:
    def test_pages_from_redis_equal_those_drawn_afresh_and_follow_writes(
        self, redis_cache, coordinator, board_case, case_data, settings
    ):
        client = client_for(coordinator)
        for url in pages_for(board_case):
            drawn = page(client, url)
            assert page(client, url) == drawn, url
            settings.PAGE_CACHE = False
            assert page(client, url) == drawn, url
            settings.PAGE_CACHE = True
        assert cache.get(revisions.case_page(board_case.pk))  # the tokens are in Redis
        case_create(data=case_data(case_number="MBC-0002", hospital_number="H2"), user=coordinator)
        assert "MBC-0002" in page(client, "/")
        Meeting.objects.create(date=timezone.localdate() + dt.timedelta(days=3), title="Soon MDT")
        assert "Soon MDT" in page(client, f"/cases/{board_case.pk}/")
