import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recurrence.guideline import SOURCES
from recurrence.services import case_body, case_create, case_update
from tests.pages.helpers import client_for


def url(case) -> str:
    return f"/cases/{case.pk}/"


def taken(html: str) -> list[str]:
    """The labels of the branches and options marked as taken, in page order."""
    marks = re.findall(
        r'class="(?:node node-branch|option option-taken)">\s*<span class="mark"[^>]*>✓</span>'
        r'<span class="visually-hidden">Taken: </span>([^<]+?)\s*(?:<|$)',
        html,
    )
    return [m.strip() for m in marks]


@pytest.mark.django_db
class TestCasePage:
    def test_it_groups_the_recommendation_by_kind_with_reasons_and_sources(
        self, oncologist, stored_case
    ):
        response = client_for(oncologist).get(url(stored_case))
        assert response.status_code == 200
        kinds = [g["kind"] for g in response.context["groups"]]
        assert kinds == [
            "treatment",
            "consider",
            "workup",
            "monitoring",
            "supportive",
            "warning",
            "info",
        ]
        html = response.content.decode()
        assert 'id="rec-ENDOCRINE_FIRST_LINE"' in html
        assert "Endocrine therapy first line" in html
        assert "hormone receptor positive (ER positive, PR positive)" in html
        assert (
            '<a href="/sources/#guideline-recurrence-2025">Treatment of Breast Carcinoma '
            "Recurrence</a>, “Systemic/Metastatic Disease: For Hormone Receptor-Positive "
            "Disease”" in html
        )
        assert "Decision support only" in html

    def test_it_draws_the_metastatic_path_from_the_facts(self, oncologist, stored_case):
        html = client_for(oncologist).get(url(stored_case)).content.decode()
        assert taken(html) == [
            "Metastatic disease",
            "Positive",
            "Endocrine therapy",
            "Postmenopausal",
            "Negative",
        ]
        assert 'class="lane lane-untaken"' in html  # the local-regional side, greyed

    def test_it_draws_the_local_regional_path(self, coordinator, oncologist, case_data):
        case = case_create(
            data=case_data(
                case_number="LRR-1",
                sites=[{"site": "chest_wall", "lesions": 1}],
                symptomatic_sites=[],
                prior_breast_radiotherapy=True,
                resectable=False,
            ),
            user=coordinator,
        )
        response = client_for(oncologist).get(url(case))
        html = response.content.decode()
        assert taken(html) == ["Isolated local-regional recurrence", "No", "Yes"]
        assert 'href="#rec-NEOADJUVANT_SYSTEMIC_THERAPY"' in html
        assert "Curative intent" in html

    def test_it_names_the_prognostic_factors_and_their_source(self, oncologist, stored_case):
        html = client_for(oncologist).get(url(stored_case)).content.decode()
        assert "Long disease-free interval (24 months or more)" in html
        # ruleset 2.0: the source's favourable factors, present, absent or not known
        assert "No visceral involvement" in html
        assert ">Absent</h3>" in html
        assert "PF_NO_VISCERAL" not in html
        assert "Favorable prognosis is associated with" in html
        assert "“Prognostic Factors”" in html

    def test_it_shows_the_change_history_with_old_and_new_values(
        self, coordinator, oncologist, stored_case
    ):
        body = case_body(stored_case)
        body["ecog"] = 3
        case_update(case_id=stored_case.pk, data=body, version=1, user=coordinator)
        html = client_for(oncologist).get(url(stored_case)).content.decode()
        assert "Version 2</strong> · updated" in html
        assert re.search(
            r'<th scope="row">ECOG performance status</th><td class="old">1</td>'
            r'<td class="new">3</td>',
            html,
        )
        assert "Version 1</strong> · created" in html

    def test_its_query_count_does_not_grow_with_the_history(
        self, coordinator, oncologist, case_data
    ):
        def case_with_changes(number: str, changes: int):
            case = case_create(data=case_data(case_number=number), user=coordinator)
            for i in range(changes):
                body = case_body(case)
                body["age"] = 40 + i
                case = case_update(
                    case_id=case.pk, data=body, version=case.version, user=coordinator
                )
            return case

        client = client_for(oncologist)
        counts = []
        for case in (case_with_changes("Q-1", 1), case_with_changes("Q-20", 20)):
            client.get(url(case))  # a first request, so both runs start alike
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(case)).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]

    def test_it_marks_a_synthetic_case(self, coordinator, oncologist, case_data):
        case = case_create(data=case_data(case_number="DEMO-1"), user=coordinator, synthetic=True)
        html = client_for(oncologist).get(url(case)).content.decode()
        assert '<span class="badge badge-synthetic"' in html
        assert "Synthetic case: demo data, not a real patient." in html

    def test_it_offers_editing_only_to_coordinators(
        self, coordinator, oncologist, administrator, stored_case
    ):
        edit = f'href="/cases/{stored_case.pk}/edit/"'
        assert edit in client_for(coordinator).get(url(stored_case)).content.decode()
        for reader in (oncologist, administrator):
            response = client_for(reader).get(url(stored_case))
            assert response.status_code == 200
            assert edit not in response.content.decode()

    def test_it_escapes_script_typed_into_text_fields(self, coordinator, oncologist, case_data):
        case = case_create(
            data=case_data(hospital_number="<script>alert(4)</script>"), user=coordinator
        )
        html = client_for(oncologist).get(url(case)).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(4)&lt;/script&gt;" in html

    def test_it_links_only_to_sources_that_exist(self, oncologist, stored_case):
        html = client_for(oncologist).get(url(stored_case)).content.decode()
        anchors = set(re.findall(r'href="/sources/#([^"]+)"', html))
        assert anchors and anchors <= set(SOURCES)

    def test_it_shows_the_matching_evidence_and_similar_patients_beside_the_recommendation(
        self, oncologist, stored_case
    ):
        html = client_for(oncologist).get(url(stored_case)).content.decode()
        assert "Matching evidence" in html
        # Lung disease: the pulmonary metastasectomy series match this patient.
        assert "/evidence/friedel-2002/" in html
        assert "Similar patients here" in html
        assert "Board decision" not in html

    def test_an_isolated_local_regional_recurrence_gets_no_stage_iv_surgery_evidence(
        self, oncologist, coordinator, case_data
    ):
        from recurrence.services import case_create

        case = case_create(
            data=case_data(sites=[{"site": "chest_wall", "lesions": 1}], symptomatic_sites=[]),
            user=coordinator,
        )
        html = client_for(oncologist).get(url(case)).content.decode()
        assert "Matching evidence" in html
        assert "/evidence/soomro-2021/" not in html
        assert "/evidence/friedel-2002/" not in html

    def test_it_refuses_a_user_without_a_role(self, nobody, stored_case):
        response = client_for(nobody).get(url(stored_case))
        assert response.status_code == 403
        assert "This page is not open to your account" in response.content.decode()

    def test_it_sends_anonymous_users_to_sign_in(self, stored_case):
        response = client_for().get(url(stored_case))
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next=/cases/{stored_case.pk}/"

    def test_it_answers_404_for_unknown_cases(self, oncologist):
        client = client_for(oncologist)
        assert client.get("/cases/424242/").status_code == 404
        assert client.get(f"/cases/{'9' * 30}/").status_code == 404
        assert client.get("/cases/-1/").status_code == 404
        assert client.get("/cases/x1/").status_code == 404

    def test_it_refuses_other_methods(self, coordinator, stored_case):
        assert client_for(coordinator).post(url(stored_case)).status_code == 405
        assert client_for(coordinator).delete(url(stored_case)).status_code == 405
