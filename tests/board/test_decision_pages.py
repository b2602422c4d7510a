"""Signing a decision, amending it, and every way a page might try to change a signed one."""

import re

import pytest

from board.models import AgendaItem, Amendment, Decision, Meeting
from board.services import amendment_add, decision_sign
from recurrence.services import case_update
from tests.pages.helpers import client_for

PLAN = "Letrozole; review in 3 months."


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def meeting(coordinator):
    return Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)


@pytest.fixture
def on_agenda(meeting, stored_case):
    return AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)


@pytest.fixture
def decision(oncologist, stored_case, meeting, on_agenda):
    return decision_sign(
        case=stored_case,
        data={"meeting": meeting.pk, "outcome": "follows", "plan": PLAN},
        user=oncologist,
    )


def decide_url(meeting, case) -> str:
    return f"/board/meetings/{meeting.pk}/cases/{case.pk}/decision/"


def signing(case, **extra) -> dict:
    """The confirmation step's post: what the form held, confirmed."""
    return {
        "outcome": "follows",
        "plan": PLAN,
        "case_version": case.version,
        "confirmed": "1",
        **extra,
    }


def field_html(html: str, name: str) -> str:
    match = re.search(
        rf'<(div|fieldset) class="field[^"]*" id="field-{name}"[^>]*>(.*?)</\1>', html, re.S
    )
    assert match, f"no field {name}"
    return match.group(2)


def edit(case, user, **changes):
    from recurrence.services import case_body

    body = case_body(case)
    body.update(changes)
    return case_update(case_id=case.pk, data=body, version=case.version, user=user)


@pytest.mark.django_db
class TestDecisionForm:
    def test_it_shows_the_recommendation_it_will_snapshot(
        self, oncologist, meeting, stored_case, on_agenda
    ):
        response = client_for(oncologist).get(decide_url(meeting, stored_case))
        assert response.status_code == 200
        html = response.content.decode()
        assert "The recommendation that will be signed" in html
        assert "ENDOCRINE_FIRST_LINE" in html and "Endocrine therapy first line" in html
        assert "Treatment of Breast Carcinoma Recurrence" in html
        assert f'name="case_version" value="{stored_case.version}"' in html

    def test_an_oncologist_signs_with_the_recommendation_as_it_stands(
        self, oncologist, meeting, stored_case, on_agenda
    ):
        response = client_for(oncologist).post(
            decide_url(meeting, stored_case), signing(stored_case)
        )
        decision = Decision.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/board/decisions/{decision.pk}/"
        assert (decision.outcome, decision.plan, decision.signed_by) == (
            "follows",
            PLAN,
            oncologist,
        )
        assert "ENDOCRINE_FIRST_LINE" in decision.recommendation_codes
        assert decision.recommendation_snapshot["recommendations"]
        assert decision.case_version == stored_case.version

    def test_a_differing_decision_keeps_its_reason(
        self, oncologist, meeting, stored_case, on_agenda
    ):
        client_for(oncologist).post(
            decide_url(meeting, stored_case),
            signing(stored_case, outcome="differs", reason="Patient prefers tamoxifen."),
        )
        assert Decision.objects.get().reason == "Patient prefers tamoxifen."

    def test_a_coordinator_cannot_sign(self, coordinator, meeting, stored_case, on_agenda):
        client = client_for(coordinator)
        assert client.get(decide_url(meeting, stored_case)).status_code == 403
        response = client.post(decide_url(meeting, stored_case), signing(stored_case))
        assert response.status_code == 403
        assert not Decision.objects.exists()

    def test_nor_an_administrator_nor_a_user_without_a_role(
        self, administrator, nobody, meeting, stored_case, on_agenda
    ):
        for user in (administrator, nobody):
            response = client_for(user).post(decide_url(meeting, stored_case), signing(stored_case))
            assert response.status_code == 403
        assert not Decision.objects.exists()

    def test_anonymous_users_are_sent_to_sign_in(self, meeting, stored_case, on_agenda):
        response = client_for().post(decide_url(meeting, stored_case), signing(stored_case))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        assert not Decision.objects.exists()

    def test_differing_without_a_reason_is_refused_next_to_the_reason(
        self, oncologist, meeting, stored_case, on_agenda
    ):
        response = client_for(oncologist).post(
            decide_url(meeting, stored_case), signing(stored_case, outcome="differs")
        )
        assert response.status_code == 200
        assert response.context["form"].codes() == {"reason": ["required"]}
        html = response.content.decode()
        assert "Reason is required." in field_html(html, "reason")
        assert 'href="#field-reason"' in html  # the summary above the form links to it
        assert not Decision.objects.exists()

    def test_every_missing_field_is_named_at_once(
        self, oncologist, meeting, stored_case, on_agenda
    ):
        response = client_for(oncologist).post(
            decide_url(meeting, stored_case), {"plan": "  ", "case_version": stored_case.version}
        )
        assert response.context["form"].codes() == {
            "outcome": ["required"],
            "plan": ["required"],
        }
        html = response.content.decode()
        assert "Say whether the decision follows the recommendation." in field_html(html, "outcome")
        assert "Plan is required." in field_html(html, "plan")
        assert not Decision.objects.exists()

    def test_an_unknown_outcome_and_an_overlong_plan_are_refused(
        self, oncologist, meeting, stored_case, on_agenda
    ):
        client = client_for(oncologist)
        response = client.post(
            decide_url(meeting, stored_case), signing(stored_case, outcome="maybe")
        )
        assert response.context["form"].codes() == {"outcome": ["invalid_choice"]}
        response = client.post(
            decide_url(meeting, stored_case), signing(stored_case, plan="x" * 5001)
        )
        assert response.context["form"].codes() == {"plan": ["max_length"]}
        assert not Decision.objects.exists()

    def test_a_case_changed_after_the_form_was_opened_is_not_signed(
        self, oncologist, coordinator, meeting, stored_case, on_agenda
    ):
        opened = signing(stored_case, plan="Typed before the change")
        edit(stored_case, coordinator, er="negative", pr="negative")
        response = client_for(oncologist).post(decide_url(meeting, stored_case), opened)
        assert response.status_code == 409
        html = response.content.decode()
        assert "the clinical facts behind the recommendation changed" in html
        assert "Oestrogen receptor (ER) (by cora" in html
        assert 'name="case_version" value="2"' in html
        assert "Typed before the change" in html  # what was typed is kept
        assert "CHEMOTHERAPY" in html  # the recommendation as it is now
        assert not Decision.objects.exists()

    def test_a_follow_up_recorded_while_the_form_was_open_does_not_block_signing(
        self, oncologist, coordinator, meeting, stored_case, on_agenda
    ):
        from recurrence.services import follow_up_save

        opened = signing(stored_case, plan="Typed before the follow-up")
        follow_up_save(
            case_id=stored_case.pk,
            data={"last_contact_date": "2025-01-10", "vital_status": "alive"},
            version=1,
            user=coordinator,
        )
        response = client_for(oncologist).post(decide_url(meeting, stored_case), opened)
        assert response.status_code == 302
        decision = Decision.objects.get()
        assert (decision.plan, decision.case_version) == ("Typed before the follow-up", 2)

    def test_a_case_not_on_the_agenda_has_no_decision_form(self, oncologist, meeting, stored_case):
        client = client_for(oncologist)
        assert client.get(decide_url(meeting, stored_case)).status_code == 404
        assert client.post(decide_url(meeting, stored_case), signing(stored_case)).status_code == (
            404
        )
        assert not Decision.objects.exists()

    def test_scripts_typed_into_the_plan_and_reason_come_back_escaped(
        self, oncologist, meeting, stored_case, on_agenda
    ):
        client = client_for(oncologist)
        client.post(
            decide_url(meeting, stored_case),
            signing(
                stored_case,
                outcome="differs",
                plan="<script>alert('plan')</script>",
                reason="<script>alert('reason')</script>",
            ),
        )
        decision = Decision.objects.get()
        for url in (f"/board/decisions/{decision.pk}/", f"/cases/{stored_case.pk}/"):
            html = client.get(url).content.decode()
            assert "&lt;script&gt;alert(&#x27;plan&#x27;)&lt;/script&gt;" in html
            assert "&lt;script&gt;alert(&#x27;reason&#x27;)&lt;/script&gt;" in html
            assert "<script>alert" not in html

    def test_scripts_come_back_escaped_in_a_refused_form_too(
        self, oncologist, meeting, stored_case, on_agenda
    ):
        response = client_for(oncologist).post(
            decide_url(meeting, stored_case),
            signing(stored_case, outcome="differs", plan="<script>alert(1)</script>"),
        )
        html = response.content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script>alert" not in html

    def test_it_refuses_other_methods(self, oncologist, meeting, stored_case, on_agenda):
        client = client_for(oncologist)
        assert client.put(decide_url(meeting, stored_case)).status_code == 405
        assert client.delete(decide_url(meeting, stored_case)).status_code == 405


@pytest.mark.django_db
class TestASignedDecisionIsFinal:
    def test_posting_the_form_again_answers_409_and_changes_nothing(
        self, oncologist, meeting, stored_case, decision
    ):
        response = client_for(oncologist).post(
            decide_url(meeting, stored_case),
            signing(stored_case, outcome="differs", plan="changed", reason="changed"),
        )
        assert response.status_code == 409
        assert "A signed decision is not changed" in response.content.decode()
        assert Decision.objects.get().plan == PLAN
        assert Decision.objects.count() == 1

    def test_opening_the_form_again_shows_the_signed_decision(
        self, oncologist, meeting, stored_case, decision
    ):
        response = client_for(oncologist).get(decide_url(meeting, stored_case))
        assert response.status_code == 302
        assert response["Location"] == f"/board/decisions/{decision.pk}/"

    def test_any_write_to_the_decision_answers_409(self, oncologist, decision):
        client = client_for(oncologist)
        url = f"/board/decisions/{decision.pk}/"
        body = {"outcome": "differs", "plan": "changed", "reason": "changed"}
        for method in (client.post, client.put, client.patch):
            assert method(url, body).status_code == 409
        assert client.delete(url).status_code == 409
        stored = Decision.objects.get()
        assert (stored.outcome, stored.plan, stored.reason) == ("follows", PLAN, "")

    def test_other_roles_are_refused_before_that(self, coordinator, nobody, decision):
        for user in (coordinator, nobody):
            assert client_for(user).post(f"/board/decisions/{decision.pk}/").status_code == 403
        assert Decision.objects.get().plan == PLAN

    def test_there_is_no_edit_page(self, oncologist, decision):
        client = client_for(oncologist)
        assert client.get(f"/board/decisions/{decision.pk}/edit/").status_code == 404
        assert client.post(f"/board/decisions/{decision.pk}/edit/").status_code == 404
        html = client.get(f"/board/decisions/{decision.pk}/").content.decode()
        assert "/edit/" not in html


@pytest.mark.django_db
class TestAmendments:
    def url(self, decision) -> str:
        return f"/board/decisions/{decision.pk}/amend/"

    def test_an_oncologist_amends_and_the_decision_stays_as_signed(self, oncologist, decision):
        client = client_for(oncologist)
        page = client.get(self.url(decision))
        assert page.status_code == 200
        assert PLAN in page.content.decode()
        response = client.post(
            self.url(decision), {"reason": "Wrong drug", "text": "Anastrozole, not letrozole."}
        )
        assert response.status_code == 302
        assert response["Location"] == f"/board/decisions/{decision.pk}/"
        amendment = Amendment.objects.get()
        assert (amendment.decision, amendment.amended_by) == (decision, oncologist)
        assert Decision.objects.get().plan == PLAN
        html = client.get(response["Location"]).content.decode()
        assert "Anastrozole, not letrozole." in html and "Wrong drug" in html

    def test_a_coordinator_cannot_amend(self, coordinator, administrator, decision):
        for user in (coordinator, administrator):
            client = client_for(user)
            assert client.get(self.url(decision)).status_code == 403
            response = client.post(self.url(decision), {"reason": "r", "text": "t"})
            assert response.status_code == 403
        assert not Amendment.objects.exists()

    def test_empty_fields_are_refused_next_to_them(self, oncologist, decision):
        response = client_for(oncologist).post(self.url(decision), {"reason": "", "text": " "})
        assert response.status_code == 200
        assert response.context["form"].codes() == {"reason": ["required"], "text": ["required"]}
        html = response.content.decode()
        assert "Reason is required." in field_html(html, "reason")
        assert "Text is required." in field_html(html, "text")
        assert not Amendment.objects.exists()

    def test_scripts_come_back_escaped(self, oncologist, decision, stored_case):
        client = client_for(oncologist)
        client.post(self.url(decision), {"reason": "<script>r()</script>", "text": "<b>t</b>"})
        for url in (f"/board/decisions/{decision.pk}/", f"/cases/{stored_case.pk}/"):
            html = client.get(url).content.decode()
            assert "&lt;script&gt;r()&lt;/script&gt;" in html and "&lt;b&gt;t&lt;/b&gt;" in html
            assert "<script>r()" not in html and "<b>t</b>" not in html

    def test_amendments_are_listed_in_order(self, oncologist, decision):
        for word in ("First", "Second"):
            amendment_add(
                decision=decision,
                data={"reason": "r", "text": f"{word} amendment"},
                user=oncologist,
            )
        html = client_for(oncologist).get(f"/board/decisions/{decision.pk}/").content.decode()
        assert html.index("First amendment") < html.index("Second amendment")

    def test_it_refuses_other_methods(self, oncologist, decision):
        client = client_for(oncologist)
        assert client.put(self.url(decision)).status_code == 405
        assert client.delete(self.url(decision)).status_code == 405

    def test_an_unknown_decision_is_not_found(self, oncologist, db):
        assert client_for(oncologist).get("/board/decisions/424242/amend/").status_code == 404
