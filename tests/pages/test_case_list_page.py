import re

import pytest

from recurrence.services import case_create
from tests.pages.helpers import client_for

URL = "/"

LOCOREGIONAL = {"sites": [{"site": "chest_wall", "lesions": 1}], "symptomatic_sites": []}
TRIPLE_NEGATIVE = {"er": "negative", "pr": "negative", "her2_ihc": "0"}


def numbers(response) -> list[str]:
    """The case numbers the list shows, in order (from the page, which may be cached)."""
    return re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a>', response.content.decode())


@pytest.mark.django_db
class TestCaseList:
    def test_it_lists_cases_newest_first(self, oncologist, coordinator, case_data):
        for number in ("A-1", "A-2", "A-3"):
            case_create(data=case_data(case_number=number), user=coordinator)
        response = client_for(oncologist).get(URL)
        assert response.status_code == 200
        assert numbers(response) == ["A-3", "A-2", "A-1"]
        assert "<td>bone (2), lung (1)</td>" in response.content.decode()

    def test_it_searches_by_case_or_hospital_number(self, oncologist, coordinator, case_data):
        case_create(data=case_data(case_number="MET-7", hospital_number="H-100"), user=coordinator)
        case_create(data=case_data(case_number="LRR-8", hospital_number="H-200"), user=coordinator)
        client = client_for(oncologist)
        assert numbers(client.get(URL, {"q": "met-7"})) == ["MET-7"]
        assert numbers(client.get(URL, {"q": "H-200"})) == ["LRR-8"]
        assert numbers(client.get(URL, {"q": "nothing"})) == []
        assert "No case matches this search." in client.get(URL, {"q": "x"}).content.decode()

    def test_it_filters_by_presentation_category_and_subtype(
        self, oncologist, coordinator, case_data
    ):
        case_create(data=case_data(case_number="MET-1"), user=coordinator)
        case_create(data=case_data(case_number="LRR-1", **LOCOREGIONAL), user=coordinator)
        case_create(
            data=case_data(
                case_number="DN-1",
                presentation="de_novo_stage_iv",
                primary_diagnosis_date=None,
                **TRIPLE_NEGATIVE,
            ),
            user=coordinator,
        )
        client = client_for(oncologist)
        assert numbers(client.get(URL, {"category": "isolated_locoregional"})) == ["LRR-1"]
        assert numbers(client.get(URL, {"presentation": "de_novo_stage_iv"})) == ["DN-1"]
        assert numbers(client.get(URL, {"subtype": "triple_negative"})) == ["DN-1"]
        assert numbers(
            client.get(URL, {"category": "metastatic", "presentation": "recurrence"})
        ) == ["MET-1"]

    def test_it_ignores_filter_values_and_page_numbers_it_cannot_read(
        self, oncologist, stored_case
    ):
        client = client_for(oncologist)
        for params in (
            {"category": "nonsense"},
            {"subtype": "<script>"},
            {"presentation": ["recurrence", "x"]},
            {"page": "abc"},
            {"page": "-3"},
            {"page": "9" * 40},
            {"page": "1e9"},
            {"q": "a\x00b"},
        ):
            response = client.get(URL, params)
            assert response.status_code == 200, params
            assert numbers(response) == ["MBC-0001"], params

    def test_it_pages_through_many_cases(self, oncologist, coordinator, case_data):
        for i in range(27):
            case_create(data=case_data(case_number=f"P-{i:02d}"), user=coordinator)
        client = client_for(oncologist)
        first = client.get(URL, {"q": "P-"})
        assert len(numbers(first)) == 25
        html = first.content.decode()
        # The search term travels in a posted form, not in the page links.
        assert 'href="?q=' not in html
        assert '<input type="hidden" name="q" value="P-">' in html
        assert 'name="page" value="2"' in html
        assert numbers(client.post(URL, {"q": "P-", "page": 2})) == ["P-01", "P-00"]
        assert numbers(client.get(URL, {"q": "P-", "page": 2})) == ["P-01", "P-00"]

    def test_it_marks_synthetic_cases(self, oncologist, coordinator, case_data):
        case_create(data=case_data(case_number="DEMO-1"), user=coordinator, synthetic=True)
        html = client_for(oncologist).get(URL).content.decode()
        assert (
            '<span class="badge badge-synthetic" title="Demo data, not a real patient">Synthetic'
            in html
        )

    def test_it_offers_a_new_case_only_to_coordinators(
        self, coordinator, oncologist, administrator
    ):
        assert 'href="/cases/new/"' in client_for(coordinator).get(URL).content.decode()
        for reader in (oncologist, administrator):
            response = client_for(reader).get(URL)
            assert response.status_code == 200
            assert 'href="/cases/new/"' not in response.content.decode()

    def test_it_escapes_script_typed_into_text_fields(self, oncologist, coordinator, case_data):
        case_create(data=case_data(hospital_number="<script>alert(5)</script>"), user=coordinator)
        client = client_for(oncologist)
        html = client.get(URL).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(5)&lt;/script&gt;" in html
        html = client.get(URL, {"q": "<script>alert(6)</script>"}).content.decode()
        assert "<script>alert" not in html

    def test_it_refuses_a_user_without_a_role(self, nobody):
        assert client_for(nobody).get(URL).status_code == 403

    def test_it_sends_anonymous_users_to_sign_in(self, db):
        response = client_for().get(URL)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/"

    def test_it_refuses_other_methods(self, coordinator):
        assert client_for(coordinator).put(URL).status_code == 405
        assert client_for(coordinator).delete(URL).status_code == 405
