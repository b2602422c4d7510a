"""Cached cohort results (outcomes.revision): the same figures as computed afresh, and a
write to the cohort changes the next answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from outcomes.cohort import Filters
from outcomes.demo import seed_cohort
from outcomes.labels import AT_MONTHS, DEFAULT_LANDMARK
from outcomes.reports import outcomes_analysis, outcomes_analysis_uncached
from outcomes.revision import cohort_revision
from outcomes.similar import similar_patients, similar_patients_uncached
from recurrence import services
from recurrence.models import Case
from tests.conftest import PASSWORD


@pytest.fixture
def cohort(coordinator):
    seed_cohort(coordinator, size=160, seed=7)
    return Case.objects.filter(case_number__startswith="SYN-C")


def _board_case(cohort):
    return cohort.filter(category="metastatic", site_pattern="bone_only").order_by("id").first()


CHOICES = [
    (Filters(), "surgery", "os", [], False),
    (Filters(synthetic=True), "surgery", "pfs", ["age"], False),
    (Filters(category="metastatic"), "subtype", "os", [], False),
    (Filters(subtype="luminal_a"), "surgery", "os", ["surgery"], True),
]


@pytest.mark.parametrize("filters,group_by,endpoint,cox,naive", CHOICES)
def test_a_cached_analysis_equals_the_one_computed_afresh(
    cohort, filters, group_by, endpoint, cox, naive
):
    def fresh():
        return outcomes_analysis_uncached(
            filters, group_by, endpoint, cox, True, False, AT_MONTHS, DEFAULT_LANDMARK, naive
        )

    first = outcomes_analysis(filters, group_by, endpoint, cox, naive=naive)
    again = outcomes_analysis(filters, group_by, endpoint, cox, naive=naive)
    assert first == again == fresh()
    assert first["n"] > 0


@pytest.mark.parametrize("chart", [False, True])
def test_a_cached_similar_panel_equals_the_one_computed_afresh(cohort, chart):
    case = _board_case(cohort)
    first = similar_patients(case, chart=chart)
    assert (
        similar_patients(case, chart=chart) == first == similar_patients_uncached(case, chart=chart)
    )
    assert first["n"] > 0
    assert bool(first["chart"]) is chart


def test_the_cache_answers_without_reading_the_cohort(cohort, django_assert_max_num_queries):
    outcomes_analysis(Filters(), "surgery", "os")
    # A warm answer is the revision and the entry from the (database) cache, no cohort.
    with django_assert_max_num_queries(2):
        outcomes_analysis(Filters(), "surgery", "os")


def test_every_kind_of_write_moves_the_revision(cohort, coordinator):
    case = _board_case(cohort)
    seen = {cohort_revision()}
    services.treatment_add(
        case_id=case.pk,
        data={
            "kind": "radiotherapy",
            "start_date": (case.recurrence_date + dt.timedelta(days=50)).isoformat(),
        },
        version=case.version,
        user=coordinator,
    )
    seen.add(cohort_revision())
    case.refresh_from_db()
    body = services.case_body(case)
    services.case_update(
        case_id=case.pk, data={**body, "age": 61}, version=case.version, user=coordinator
    )
    seen.add(cohort_revision())
    assert len(seen) == 3


def test_a_new_follow_up_changes_the_next_page(cohort, coordinator, case_data):
    client = Client()
    client.login(username=coordinator.username, password=PASSWORD)
    before = client.get("/outcomes/")
    n_before = outcomes_analysis(Filters(), "surgery", "os")["n"]
    # A new patient with a follow-up joins the cohort.
    new = services.case_create(data=case_data(case_number="NEW-1"), user=coordinator)
    assert outcomes_analysis(Filters(), "surgery", "os")["n"] == n_before
    services.follow_up_save(
        case_id=new.pk,
        data={
            "last_contact_date": "2025-01-10",
            "vital_status": "dead",
            "death_date": "2025-01-10",
        },
        version=new.version,
        user=coordinator,
    )
    after_n = outcomes_analysis(Filters(), "surgery", "os")["n"]
    assert after_n == n_before + 1
    assert (
        after_n
        == outcomes_analysis_uncached(
            Filters(), "surgery", "os", [], True, False, AT_MONTHS, DEFAULT_LANDMARK, False
        )["n"]
    )
    after = client.get("/outcomes/")
    assert before.status_code == after.status_code == 200
    assert before.content != after.content


def test_a_follow_up_changes_the_similar_patients_of_a_case(cohort, coordinator):
    case = _board_case(cohort)
    before = similar_patients(case)
    alike = (
        cohort.filter(category=case.category, subtype=case.subtype, site_pattern=case.site_pattern)
        .exclude(pk=case.pk)
        .select_related("follow_up")
        .filter(follow_up__death_date__isnull=False)
        .first()
    )
    alike.follow_up.delete()  # the follow-up withdrawn: one patient fewer
    assert similar_patients(case)["n"] == before["n"] - 1
    assert similar_patients(case) == similar_patients_uncached(case, chart=False)


def test_the_case_page_loads_uncached_similar_patients_from_their_own_url(cohort, oncologist):
    import re

    from django.core.cache import cache

    case = _board_case(cohort)
    client = Client()
    client.force_login(oncologist)
    cache.clear()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    url = f"/outcomes/similar/{case.pk}/"
    # Not computed for the page: a panel that loads them, and a link for no JavaScript.
    assert f'data-similar-panel="{url}"' in page and f'href="{url}"' in page
    assert "with recorded follow-up, not counting this patient" not in page
    assert re.search(r'<script src="[^"]*js/similar_panel\.js" defer></script>', page)
    assert "<script>" not in page  # static scripts only (strict CSP)
    panel = client.get(url)
    assert panel.status_code == 200
    expected = similar_patients_uncached(case, chart=False)
    text = f"{expected['n']} patients with recorded follow-up, not counting this patient"
    assert text in panel.content.decode()
    # Now cached: the case page shows them in place.
    again = client.get(f"/cases/{case.pk}/").content.decode()
    assert text in again and "data-similar-panel" not in again


def test_the_panel_script_is_served(cohort, oncologist):
    from django.contrib.staticfiles import finders

    assert finders.find("js/similar_panel.js")
