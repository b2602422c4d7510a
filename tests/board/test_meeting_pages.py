"""The meetings list, a meeting's agenda (add, move, remove) and the printable agenda."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from board.models import AgendaItem, Meeting
from board.services import decision_sign
from recurrence.services import case_create
from tests.pages.helpers import client_for

MEETINGS = "/board/"


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def meeting(coordinator):
    return Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)


@pytest.fixture
def cases(coordinator, stored_case, case_data):
    """Three cases: the stored one, a triple-negative one and a local-regional one."""
    second = case_create(
        data=case_data(case_number="MBC-0002", er="negative", pr="negative"), user=coordinator
    )
    third = case_create(
        data=case_data(
            case_number="MBC-0003",
            sites=[{"site": "chest_wall", "lesions": 1}],
            symptomatic_sites=[],
        ),
        user=coordinator,
    )
    return [stored_case, second, third]


@pytest.fixture
def agenda(meeting, cases):
    for position, case in enumerate(cases, start=1):
        AgendaItem.objects.create(meeting=meeting, case=case, position=position)
    return cases


def agenda_url(meeting) -> str:
    return f"/board/meetings/{meeting.pk}/"


def order(meeting) -> list[str]:
    return [i.case.case_number for i in meeting.items.select_related("case")]


def field_html(html: str, name: str) -> str:
    """The markup of one field's block (label, input, help and errors)."""
    match = re.search(
        rf'<(div|fieldset) class="field[^"]*" id="field-{name}"[^>]*>(.*?)</\1>', html, re.S
    )
    assert match, f"no field {name}"
    return match.group(2)


@pytest.mark.django_db
class TestMeetingList:
    def test_any_role_reads_the_meetings(self, oncologist, administrator, agenda, meeting):
        for user in (oncologist, administrator):
            response = client_for(user).get(MEETINGS)
            assert response.status_code == 200
            html = response.content.decode()
            assert f'href="/board/meetings/{meeting.pk}/">Breast MDT</a>' in html
            assert "3 of 3" not in html and "0 of 3" in html

    def test_a_coordinator_creates_a_meeting(self, coordinator):
        response = client_for(coordinator).post(
            MEETINGS, {"date": "2025-12-04", "title": "Metastatic board"}
        )
        meeting = Meeting.objects.get()
        assert response.status_code == 302
        assert response["Location"] == agenda_url(meeting)
        assert (meeting.title, str(meeting.date), meeting.created_by) == (
            "Metastatic board",
            "2025-12-04",
            coordinator,
        )

    def test_only_coordinators_see_the_form_and_may_post_it(self, oncologist, administrator):
        for user in (oncologist, administrator):
            client = client_for(user)
            assert "New meeting" not in client.get(MEETINGS).content.decode()
            response = client.post(MEETINGS, {"date": "2025-12-04", "title": "MDT"})
            assert response.status_code == 403
        assert not Meeting.objects.exists()

    def test_bad_input_shows_errors_next_to_the_fields(self, coordinator):
        response = client_for(coordinator).post(MEETINGS, {"date": "4 Dec", "title": "  "})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Date must be a date written YYYY-MM-DD." in field_html(html, "date")
        assert "Title is required." in field_html(html, "title")
        assert not Meeting.objects.exists()

    def test_a_missing_date_is_named(self, coordinator):
        response = client_for(coordinator).post(MEETINGS, {"date": "", "title": "MDT"})
        assert response.context["form"].codes() == {"date": ["required"]}
        assert "Date is required." in field_html(response.content.decode(), "date")
        assert not Meeting.objects.exists()

    def test_a_script_in_the_title_comes_back_escaped(self, coordinator):
        client = client_for(coordinator)
        client.post(MEETINGS, {"date": "2025-12-04", "title": "<script>alert(1)</script>"})
        meeting = Meeting.objects.get()
        for url in (MEETINGS, agenda_url(meeting), f"{agenda_url(meeting)}print/"):
            html = client.get(url).content.decode()
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
            assert "<script>alert(1)" not in html

    def test_it_refuses_a_user_without_a_role(self, nobody, meeting):
        for url in (MEETINGS, agenda_url(meeting), f"{agenda_url(meeting)}print/"):
            assert client_for(nobody).get(url).status_code == 403

    def test_it_sends_anonymous_users_to_sign_in(self, meeting):
        response = client_for().get(agenda_url(meeting))
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={agenda_url(meeting)}"

    def test_it_refuses_other_methods(self, coordinator):
        client = client_for(coordinator)
        assert client.put(MEETINGS).status_code == 405
        assert client.delete(MEETINGS).status_code == 405


@pytest.mark.django_db
class TestAgenda:
    def test_it_lists_the_cases_in_order_with_category_subtype_and_codes(
        self, oncologist, meeting, agenda
    ):
        response = client_for(oncologist).get(agenda_url(meeting))
        assert response.status_code == 200
        html = response.content.decode()
        positions = [html.index(f"Case {n}</a>") for n in ("MBC-0001", "MBC-0002", "MBC-0003")]
        assert positions == sorted(positions)
        first = response.context["rows"][0]
        assert (first["category"], first["subtype"]) == ("Metastatic", "Luminal B")
        assert "ENDOCRINE_FIRST_LINE" in first["key_codes"]
        assert "CHEMOTHERAPY" in response.context["rows"][1]["key_codes"]
        assert response.context["rows"][2]["category"] == "Isolated local-regional"
        # In clinical words: recommendation titles, subtype and sites, not rule codes.
        assert "Endocrine therapy first line" in first["treatments"]
        assert "Bone (2 lesions)" in first["sites"] or "bone (2 lesions)" in first["sites"]
        assert "ENDOCRINE_FIRST_LINE" not in html and "<code>" not in html
        assert first["sites"] in html and "Luminal B" in html
        # An oncologist records decisions; only coordinators get the agenda's forms.
        assert "Record decision" in html
        assert "/move/" not in html and "Add a case to the agenda" not in html

    def test_a_coordinator_adds_a_case_by_its_number(self, coordinator, meeting, stored_case):
        response = client_for(coordinator).post(
            f"{agenda_url(meeting)}agenda/", {"case_number": " MBC-0001 "}
        )
        assert response.status_code == 302
        assert response["Location"] == agenda_url(meeting)
        assert order(meeting) == ["MBC-0001"]

    def test_an_unknown_number_is_refused_next_to_the_field(self, coordinator, meeting):
        response = client_for(coordinator).post(
            f"{agenda_url(meeting)}agenda/", {"case_number": "MBC-9999"}
        )
        assert response.status_code == 200
        assert response.context["form"].codes() == {"case_number": ["does_not_exist"]}
        assert "There is no case numbered MBC-9999." in field_html(
            response.content.decode(), "case_number"
        )
        assert not AgendaItem.objects.exists()

    def test_a_case_is_on_an_agenda_once(self, coordinator, meeting, agenda):
        before = list(meeting.items.values_list("case_id", "position"))
        response = client_for(coordinator).post(
            f"{agenda_url(meeting)}agenda/", {"case_number": "MBC-0002"}, follow=True
        )
        assert response.status_code == 200
        assert "Case MBC-0002 is already on the agenda." in response.content.decode()
        assert list(meeting.items.values_list("case_id", "position")) == before

    def test_an_empty_number_is_refused(self, coordinator, meeting):
        response = client_for(coordinator).post(f"{agenda_url(meeting)}agenda/", {})
        assert response.context["form"].codes() == {"case_number": ["required"]}
        assert not AgendaItem.objects.exists()

    def test_a_script_in_the_number_comes_back_escaped(self, coordinator, meeting):
        response = client_for(coordinator).post(
            f"{agenda_url(meeting)}agenda/", {"case_number": "<script>x</script>"}
        )
        html = response.content.decode()
        assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html

    def test_move_up_and_down_with_plain_forms(self, coordinator, meeting, agenda):
        client = client_for(coordinator)
        second, third = agenda[1], agenda[2]
        response = client.post(f"{agenda_url(meeting)}agenda/{third.pk}/move/", {"direction": "up"})
        assert response.status_code == 302
        assert response["Location"] == f"{agenda_url(meeting)}#item-{third.pk}"
        assert order(meeting) == ["MBC-0001", "MBC-0003", "MBC-0002"]
        client.post(f"{agenda_url(meeting)}agenda/{agenda[0].pk}/move/", {"direction": "down"})
        assert order(meeting) == ["MBC-0003", "MBC-0001", "MBC-0002"]
        # The ends stay where they are.
        client.post(f"{agenda_url(meeting)}agenda/{third.pk}/move/", {"direction": "up"})
        client.post(f"{agenda_url(meeting)}agenda/{second.pk}/move/", {"direction": "down"})
        assert order(meeting) == ["MBC-0003", "MBC-0001", "MBC-0002"]

    def test_the_agenda_has_the_move_and_remove_forms_without_script(
        self, coordinator, meeting, agenda
    ):
        html = client_for(coordinator).get(agenda_url(meeting)).content.decode()
        first, last = agenda[0].pk, agenda[2].pk
        assert f'action="{agenda_url(meeting)}agenda/{first}/move/"' in html
        assert f'action="{agenda_url(meeting)}agenda/{last}/remove/"' in html
        assert html.count('name="direction" value="up"') == 3
        assert html.count("disabled") == 2  # up on the first case, down on the last
        # The forms work without script; the page's only scripts are the site-wide ones.
        scripts = re.findall(r"<script[^>]*>", html)
        assert scripts == [
            '<script src="/static/js/session.js" defer>',
            '<script src="/static/js/forms.js" defer>',
        ]

    def test_a_wrong_direction_is_refused(self, coordinator, meeting, agenda):
        response = client_for(coordinator).post(
            f"{agenda_url(meeting)}agenda/{agenda[1].pk}/move/", {"direction": "sideways"}
        )
        assert response.status_code == 400
        assert order(meeting) == ["MBC-0001", "MBC-0002", "MBC-0003"]

    def test_a_coordinator_removes_a_case(self, coordinator, meeting, agenda):
        response = client_for(coordinator).post(
            f"{agenda_url(meeting)}agenda/{agenda[1].pk}/remove/"
        )
        assert response.status_code == 302
        assert order(meeting) == ["MBC-0001", "MBC-0003"]

    def test_a_decided_case_stays_on_the_agenda(self, coordinator, oncologist, meeting, agenda):
        decision_sign(
            case=agenda[0],
            data={"meeting": meeting.pk, "outcome": "follows", "plan": "AI"},
            user=oncologist,
        )
        client = client_for(coordinator)
        assert "/remove/" not in re.search(
            rf'id="item-{agenda[0].pk}".*?</li>',
            client.get(agenda_url(meeting)).content.decode(),
            re.S,
        ).group(0)
        response = client.post(f"{agenda_url(meeting)}agenda/{agenda[0].pk}/remove/")
        assert response.status_code == 409
        assert "signed a decision for this case" in response.content.decode()
        assert meeting.items.count() == 3

    def test_a_case_not_on_the_agenda_is_not_found(self, coordinator, meeting, agenda, case_data):
        other = case_create(data=case_data(case_number="MBC-0009"), user=coordinator)
        client = client_for(coordinator)
        assert client.post(f"{agenda_url(meeting)}agenda/{other.pk}/remove/").status_code == 404
        response = client.post(f"{agenda_url(meeting)}agenda/{other.pk}/move/", {"direction": "up"})
        assert response.status_code == 404
        assert client.get("/board/meetings/424242/").status_code == 404

    def test_only_coordinators_change_the_agenda(self, oncologist, administrator, meeting, agenda):
        for user in (oncologist, administrator):
            client = client_for(user)
            add = client.post(f"{agenda_url(meeting)}agenda/", {"case_number": "MBC-0001"})
            move = client.post(
                f"{agenda_url(meeting)}agenda/{agenda[2].pk}/move/", {"direction": "up"}
            )
            remove = client.post(f"{agenda_url(meeting)}agenda/{agenda[0].pk}/remove/")
            assert (add.status_code, move.status_code, remove.status_code) == (403, 403, 403)
        assert order(meeting) == ["MBC-0001", "MBC-0002", "MBC-0003"]

    def test_the_forms_answer_only_post(self, coordinator, meeting, agenda):
        client = client_for(coordinator)
        assert client.get(f"{agenda_url(meeting)}agenda/").status_code == 405
        assert client.get(f"{agenda_url(meeting)}agenda/{agenda[0].pk}/move/").status_code == 405
        assert client.get(f"{agenda_url(meeting)}agenda/{agenda[0].pk}/remove/").status_code == 405
        assert client.post(agenda_url(meeting)).status_code == 405
        assert client.delete(agenda_url(meeting)).status_code == 405

    def test_it_reads_the_agenda_in_a_constant_number_of_queries(
        self, oncologist, coordinator, meeting, stored_case, agenda, case_data
    ):
        client = client_for(oncologist)
        client.get(agenda_url(meeting))
        with CaptureQueriesContext(connection) as three:
            client.get(agenda_url(meeting))
        for n in range(4, 7):
            case = case_create(data=case_data(case_number=f"MBC-000{n}"), user=coordinator)
            AgendaItem.objects.create(meeting=meeting, case=case, position=n)
        with CaptureQueriesContext(connection) as six:
            client.get(agenda_url(meeting))
        assert len(six) == len(three)


@pytest.mark.django_db
class TestAgendaPrint:
    def test_it_lists_the_ordered_cases_with_their_codes_and_room_for_notes(
        self, coordinator, meeting, agenda
    ):
        client = client_for(coordinator)
        client.post(f"{agenda_url(meeting)}agenda/{agenda[2].pk}/move/", {"direction": "up"})
        response = client.get(f"{agenda_url(meeting)}print/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Breast MDT" in html and "Thursday 20 November 2025" in html
        rows = re.findall(r'<th scope="row" class="col-case">(MBC-\d+)', html)
        assert rows == ["MBC-0001", "MBC-0003", "MBC-0002"]
        assert html.count('<td class="col-notes"></td>') == 3
        assert "Luminal B" in html and "Triple negative" in html
        # In clinical words, not rule codes.
        assert "Endocrine therapy first line" in html
        assert "<code>" not in html and "LRR_CURATIVE_INTENT" not in html
        assert 'class="board-print"' in html
        assert "/move/" not in html  # a print, not a form

    def test_it_refuses_other_methods(self, coordinator, meeting):
        assert client_for(coordinator).post(f"{agenda_url(meeting)}print/").status_code == 405
