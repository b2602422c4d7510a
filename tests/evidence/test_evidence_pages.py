"""The evidence library's pages and the evidence panel of the case page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from panel_patients import PATIENTS

from evidence.library import case_evidence
from evidence.models import Figure, Study
from evidence.presentation import quote_text
from tests.pages.helpers import client_for

LIST = "/evidence/"

pytestmark = pytest.mark.django_db


def detail(key: str) -> str:
    return f"/evidence/{key}/"


def listed(response) -> list[str]:
    return [row["study"].key for row in response.context["rows"]]


def figure_rows(html: str) -> dict[str, str]:
    """Each figure's table row, by figure id."""
    return dict(re.findall(r'<tr id="([a-z0-9-]+)"[^>]*>(.*?)</tr>', html, re.S))


class TestStudyList:
    def test_it_lists_every_study_with_design_size_and_intervention(self, oncologist):
        response = client_for(oncologist).get(LIST)
        assert response.status_code == 200
        assert len(listed(response)) == 17
        html = response.content.decode()
        for study in Study.objects.all():
            assert escape(study.title) in html
            assert f'href="/evidence/{study.key}/"' in html
        assert "randomised trial" in html and "retrospective series" in html
        assert "liver resection" in html
        assert "13 flagged" in html  # soomro-2021's figures reported inconsistently

    def test_it_filters_by_intervention_site_and_design(self, oncologist):
        client = client_for(oncologist)
        by_liver = listed(client.get(LIST, {"intervention": "liver_resection"}))
        assert by_liver == ["severance-liver", "pockaj-2010", "liver-review-2017"]
        by_brain = listed(client.get(LIST, {"site": "brain"}))
        assert by_brain == ["severance-liver", "pockaj-2010"]
        both = listed(client.get(LIST, {"site": "lung", "design": "meta_analysis"}))
        assert both == ["fan-2015"]

    def test_a_filter_that_leaves_the_trials_out_says_where_they_are(self, oncologist):
        response = client_for(oncologist).get(LIST, {"design": "retrospective_series"})
        assert listed(response) == ["soomro-2021", "severance-liver"]
        html = response.content.decode()
        assert "Randomised evidence outside this selection" in html
        for key in ("badwe-2015", "khan-2022", "reinhorn-2021"):
            assert f'href="/evidence/{key}/"' in html

    def test_a_filter_value_it_does_not_know_shows_a_message_and_nothing_else(self, oncologist):
        response = client_for(oncologist).get(LIST, {"design": "<b>anecdote</b>", "site": "x"})
        assert response.status_code == 200
        assert listed(response) == []
        html = response.content.decode()
        assert "A filter was not understood" in html
        assert "<b>anecdote</b>" not in html

    def test_a_valid_filter_that_matches_nothing_says_so(self, oncologist):
        response = client_for(oncologist).get(LIST, {"site": "skin_distant"})
        assert response.status_code == 200
        assert listed(response) == []
        assert "No study matches these filters" in response.content.decode()

    def test_every_role_reads_it(self, coordinator, administrator):
        for user in (coordinator, administrator):
            assert client_for(user).get(LIST).status_code == 200

    def test_it_refuses_a_user_without_a_role(self, nobody):
        assert client_for(nobody).get(LIST).status_code == 403

    def test_it_sends_anonymous_users_to_sign_in(self):
        response = client_for().get(LIST)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/evidence/"

    def test_it_refuses_other_methods(self, oncologist):
        assert client_for(oncologist).post(LIST).status_code == 405


class TestStudyPage:
    def test_it_shows_the_study_its_arms_population_and_source(self, oncologist):
        response = client_for(oncologist).get(detail("soomro-2021"))
        assert response.status_code == 200
        html = response.content.decode()
        study = Study.objects.get(key="soomro-2021")
        for text in (study.title, study.citation, study.summary, study.design_detail):
            assert escape(text) in html
        assert "breast surgery (mastectomy or conservation, R0) after systemic disease control" in (
            html
        )
        assert 'href="/sources/#soomro-2021"' in html
        assert "Randomised evidence on primary tumour surgery" in html
        assert 'href="/evidence/khan-2022/"' in html

    def test_the_figures_table_shows_every_figure_with_its_source(self, oncologist):
        html = client_for(oncologist).get(detail("soomro-2021")).content.decode()
        rows = figure_rows(html)
        assert set(rows) == set(
            Figure.objects.filter(study__key="soomro-2021").values_list("key", flat=True)
        )
        for figure in Figure.objects.filter(study__key="soomro-2021"):
            row = rows[figure.key]
            assert "source:" in row and 'href="/sources/#soomro-2021"' in row
            assert escape(quote_text(figure.quote)) in row
            assert "$" not in row  # the source's inline LaTeX is shown as text
            assert escape(figure.location) in row
        triple_negative = rows["soomro-2021-23"]
        for text in ("5 years", "surgery", "triple-negative", "90%", "0.001"):
            assert text in triple_negative
        assert "95% CI 1.680\u201314.090" in rows["soomro-2021-26"]  # as written
        assert "(HR 3.800, 95% CI 1.435 \u2013 10.062; p = 0.007)" in rows["soomro-2021-25"]

    def test_every_figure_reported_inconsistently_is_flagged_with_its_note(self, oncologist):
        for key in ("soomro-2021", "severance-liver"):
            html = client_for(oncologist).get(detail(key)).content.decode()
            rows = figure_rows(html)
            flagged = Figure.objects.filter(study__key=key, inconsistent=True)
            assert flagged.exists()
            for figure in flagged:
                assert "Reported inconsistently" in rows[figure.key]
                assert escape(figure.note) in rows[figure.key]
            for figure in Figure.objects.filter(study__key=key, inconsistent=False):
                assert "Reported inconsistently" not in rows[figure.key]

    def test_a_facts_study_names_its_publication_as_the_source(self, oncologist):
        html = client_for(oncologist).get(detail("khan-2022")).content.decode()
        study = Study.objects.get(key="khan-2022")
        rows = figure_rows(html)
        assert len(rows) == 7
        for row in rows.values():
            assert f"source: {escape(study.citation)}" in row
        assert "Observational evidence on primary tumour surgery" in html
        assert 'href="/evidence/soomro-2021/"' in html

    def test_it_draws_the_figures_as_svg(self, oncologist):
        html = client_for(oncologist).get(detail("soomro-2021")).content.decode()
        assert html.count("<svg ") == 1
        assert "Percent of patients" in html
        assert "Hazard ratio (log scale; 1 = no difference)" in html

    def test_the_liver_series_shows_its_patients_drawn_and_tabled(self, oncologist):
        html = client_for(oncologist).get(detail("severance-liver")).content.decode()
        assert html.count("<svg ") == 2
        assert "Survival (months, as the tables give it)" in html
        assert html.count("Table 1, case ") >= 14  # 7 in the chart, 7 in the table
        assert html.count("Table 2, case ") >= 12
        assert "Liver and extrahepatic metastasis" in html
        assert "every solitary-liver patient has a survival figure above 12 months" in html

    def test_the_review_lists_the_works_it_cites_by_site(self, oncologist):
        html = client_for(oncologist).get(detail("pockaj-2010")).content.decode()
        assert "Works cited (59)" in html
        assert html.count("<li value=") == 59
        for heading in ("Liver", "Lung", "Brain", "Bone", "Chest wall", "Adrenal"):
            assert f">{heading} <span" in html
        assert 'href="/evidence/friedel-2002/"' in html
        assert "<svg " not in html  # no figures to draw

    def test_it_escapes_everything_it_shows(self, oncologist):
        study = Study.objects.get(key="soomro-2021")
        study.title = '<script>alert("title")</script>'
        study.summary = "<i>summary</i>"
        study.save()
        figure = Figure.objects.get(key="soomro-2021-23")
        figure.subgroup_label = '<script>alert("subgroup")</script>'
        figure.note = '<img src=x onerror="alert(1)">'
        figure.quote = "<b>quote</b>"
        figure.save()
        html = client_for(oncologist).get(detail("soomro-2021")).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<i>summary</i>" not in html and "<b>quote</b>" not in html
        assert escape('<script>alert("title")</script>') in html
        assert "&lt;script&gt;alert(&quot;subgroup&quot;)&lt;/script&gt;" in html  # the chart
        list_html = client_for(oncologist).get(LIST).content.decode()
        assert "<script>alert" not in list_html

    def test_an_unknown_key_is_404(self, oncologist):
        assert client_for(oncologist).get(detail("no-such-study")).status_code == 404

    def test_it_refuses_a_user_without_a_role(self, nobody):
        assert client_for(nobody).get(detail("soomro-2021")).status_code == 403

    def test_it_sends_anonymous_users_to_sign_in(self):
        response = client_for().get(detail("soomro-2021"))
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/evidence/soomro-2021/"

    def test_it_refuses_other_methods(self, oncologist):
        assert client_for(oncologist).post(detail("soomro-2021")).status_code == 405
        assert client_for(oncologist).delete(detail("soomro-2021")).status_code == 405


def halve_the_library() -> None:
    """Delete every second study, keeping the rest consistent (no related link to a gone one)."""
    studies = list(Study.objects.order_by("position"))
    gone = {s.key for s in studies[1::2]}
    for study in studies[::2]:
        study.related = [k for k in study.related if k not in gone]
        study.save()
    Study.objects.filter(key__in=gone).delete()


class TestEvidencePanel:
    def render(self, case):
        return render_to_string("evidence/_panel.html", {"evidence": case_evidence(case)})

    def test_it_lists_the_matches_with_why_caveats_and_figures(self, case_data, coordinator):
        from recurrence.services import case_create

        case = case_create(
            data=case_data(
                presentation="de_novo_stage_iv",
                primary_in_situ=True,
                systemic_disease_controlled=True,
                er="negative",
                pr="negative",
                her2_ihc="0",
                bone_pain=False,
                symptomatic_sites=[],
            ),
            user=coordinator,
        )
        html = self.render(case)
        assert 'href="/evidence/soomro-2021/"' in html
        assert 'href="/evidence/khan-2022/"' in html
        assert "randomised trial" in html and "retrospective series" in html
        assert 'class="badge badge-patient">this patient\'s group' in html
        assert "90%" in html and "64.5%" in html  # the triple-negative row of soomro-2021
        assert "Observational: who was treated was not decided at random." in html
        assert "score" not in html and "fit " in html
        assert 'class="caveat caveat-immortal_time"' in html

    def test_the_figures_of_the_patients_group_come_first_and_the_rest_fold_away(
        self, case_data, coordinator
    ):
        from recurrence.services import case_create

        case = case_create(
            data=case_data(
                presentation="recurrence",
                sites=[{"site": "liver", "lesions": 1}],
                symptomatic_sites=[],
                bone_pain=False,
                ecog=0,
                workup={"chest_imaging": True, "abdominal_imaging": True},
            ),
            user=coordinator,
        )
        html = self.render(case)
        start = html.index('data-study="severance-liver"') + len('data-study="severance-liver"')
        liver = html[start:].split("data-study=", 1)[0]
        shown, folded = liver.split("<details", 1)
        solitary = shown[shown.index('data-figures="severance-liver-05"') :]
        solitary = solitary[: solitary.index("</div>")]
        assert "no extrahepatic metastasis (7 patients)" in solitary
        assert "badge-patient" in solitary
        assert "<dd>83.3%</dd>" in solitary  # no between-group p value on one group's row
        assert "reported inconsistently" in solitary
        assert "with extrahepatic metastasis" in folded  # still on the page, one click away
        comparison = html[html.index('data-figures="severance-liver-05 severance-liver-07"') :]
        assert "p=0.001" in comparison[: comparison.index("</div>")]
        # Each of the series' inconsistency notes is written once.
        note = "Table 2 lists 3 of the 6 patients"
        assert liver.count(note) == 1

    def test_it_escapes_the_study_titles(self, stored_case):
        Study.objects.filter(key="fan-2015").update(title="<script>alert(1)</script>")
        html = self.render(stored_case)
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_a_case_no_study_fits_says_so(self, case_data, coordinator):
        from recurrence.services import case_create

        case = case_create(
            data=case_data(
                sites=[{"site": "chest_wall", "lesions": 1}],
                symptomatic_sites=[],
                bone_pain=False,
            ),
            user=coordinator,
        )
        assert "No study in the" in self.render(case)

    def test_its_queries_do_not_grow_with_the_library(self, stored_case):
        self.render(stored_case)  # builds the library once for this revision
        with CaptureQueriesContext(connection) as full:
            whole = self.render(stored_case)
        halve_the_library()
        self.render(stored_case)
        with CaptureQueriesContext(connection) as half:
            halved = self.render(stored_case)
        assert whole.count("data-study=") > halved.count("data-study=") > 0
        assert len(full) == len(half) <= 6


class TestPanelOfTheFivePatients:
    """The panel as the case page renders it, for the patients of the evidence review."""

    def render(self, body):
        import datetime as dt

        from evidence.matching import load_library, match_evidence
        from recurrence.guideline import derive_facts, parse_case

        facts = derive_facts(parse_case(body, today=dt.date(2025, 1, 15)))
        return render_to_string(
            "evidence/_panel.html", {"evidence": match_evidence(facts, load_library())}
        )

    def test_a_visceral_crisis_is_listed_under_not_a_candidate_now_only(self):
        html = self.render(PATIENTS["visceral-crisis-four-organs"])
        assert "Not a candidate now" in html and "evidence-section-candidate" not in html
        assert html.count('class="caveat caveat-not_candidate"') == html.count("data-study=")
        assert "badge-patient" not in html
        assert "visceral crisis (rapidly progressive" in html

    def test_the_triple_negative_patient_reads_the_trials_beside_soomro(self):
        html = self.render(PATIENTS["triple-negative-de-novo-controlled"])
        candidates = html.split("evidence-section-not-candidate")[0]
        studies = re.findall(r'data-study="([a-z0-9-]+)"', candidates)
        assert studies[studies.index("reinhorn-2021") + 1] == "soomro-2021"
        assert "Read beside the randomised result on the same question" in html
        assert 'class="caveat caveat-immortal_time"' in html
        assert 'class="caveat caveat-same_trial"' in html

    @pytest.mark.parametrize("name", PATIENTS)
    def test_no_quotation_markup_and_no_score_on_any_panel(self, name):
        html = self.render(PATIENTS[name])
        assert "$" not in html and "score" not in html
        assert "fit " in html


def test_a_study_page_names_its_trial_its_other_report_and_its_own_caveats(oncologist):
    client = client_for(oncologist)
    soran = client.get(detail("soran-2021")).content.decode()
    assert "MF07-01" in soran and 'href="/evidence/soran-2018/"' in soran
    soomro = client.get(detail("soomro-2021")).content.decode()
    assert "immortal time" in soomro and "caveat-selected_patients" in soomro
