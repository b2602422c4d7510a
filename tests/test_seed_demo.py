import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recurrence.demo import demo_cases
from recurrence.guideline import PROGNOSTIC_RULES, RULES, evaluate, evaluate_case
from recurrence.models import Case
from recurrence.services import contract_case


@pytest.mark.django_db
def test_it_creates_a_user_per_role_and_synthetic_cases(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    from django.contrib.auth import get_user_model

    users = {u.username: {g.name for g in u.groups.all()} for u in get_user_model().objects.all()}
    assert users == {
        "coordinator": {"coordinator"},
        "oncologist": {"oncologist"},
        "admin": {"administrator"},
    }
    assert Case.objects.filter(case_number__startswith="DEMO-").count() == len(demo_cases()) >= 30
    assert not Case.objects.filter(synthetic=False).exists()
    cohort = Case.objects.filter(case_number__startswith="SYN-C")
    assert cohort.count() >= 200
    assert cohort.filter(follow_up__isnull=True).count() == 0
    for username in users:
        assert username in out


@pytest.mark.django_db
def test_the_demo_cases_cover_every_rule_of_the_algorithm():
    call_command("seed_demo")
    fired = set()
    listed = {"favourable": set(), "absent": set(), "unknown": set()}
    for case in Case.objects.filter(case_number__startswith="DEMO-").prefetch_related("sites"):
        result = evaluate_case(contract_case(case))
        fired |= {r["code"] for r in result["recommendations"]}
        for name, codes in listed.items():
            codes |= set(result["prognosis"][name])
    assert {r.code for r in RULES} - fired == set()
    # every prognostic factor shown present, absent and unknown somewhere
    for name, codes in listed.items():
        assert {p.code for p in PROGNOSTIC_RULES} - codes == set(), name


def _demo(label):
    body = dict(next(b for lab, b in demo_cases() if lab == label))
    body.pop("case_number"), body.pop("hospital_number")
    result = evaluate(body, today=dt.date(2026, 11, 30))
    return {r["code"]: r["kind"] for r in result["recommendations"]}


@pytest.mark.parametrize(
    ("label", "present", "absent"),
    [
        (
            "Relapse while taking an aromatase inhibitor",
            {"ENDO_TAMOXIFEN_ALTERNATIVE": "consider", "ENDO_SECOND_LINE_OPTIONS": "consider"},
            ["ENDO_AROMATASE_INHIBITOR"],
        ),
        (
            "Visceral crisis with twelve liver lesions",
            {"CHEMOTHERAPY": "treatment", "CHEMO_RAPID_RESPONSE": "info"},
            ["LIVER_RESECTION", "SURGERY_LIMITED_METASTATIC", "CHEMO_SINGLE_AGENT_PREFERRED"],
        ),
        (
            "Bedbound (ECOG 4), widespread disease",
            {"CHEMOTHERAPY": "consider", "WARN_POOR_PERFORMANCE_STATUS": "warning"},
            [],
        ),
        (
            "HER2 amplified by in-situ hybridisation",
            {"HER2_TRASTUZUMAB": "treatment", "WARN_NO_ANTHRACYCLINE_WITH_TRASTUZUMAB": "warning"},
            ["HER2_ISH_CONFIRMATION"],
        ),
        (
            "HER2 IHC 3+ without in-situ hybridisation",
            {"HER2_TRASTUZUMAB": "consider", "HER2_ISH_CONFIRMATION": "workup"},
            [],
        ),
        (
            "In-breast recurrence after breast conservation without radiotherapy",
            {"LRR_RADIOTHERAPY": "treatment", "LRR_RADICAL_RESECTION": "treatment"},
            ["LRR_MASTECTOMY_AFTER_BCT"],
        ),
        (
            "Chest wall recurrence at ECOG 3",
            {"LRR_RADICAL_RESECTION": "consider", "SYMPTOM_FOCUSED_CARE": "consider"},
            ["WARN_UNDERTREATMENT_LRR"],
        ),
        (
            "Tumour in the opposite breast alone",
            {"CONTRALATERAL_NEW_PRIMARY_CHECK": "warning"},
            ["SURGERY_LIMITED_METASTATIC"],
        ),
    ],
)
def test_the_demo_has_a_case_for_each_gate_of_ruleset_2_0(label, present, absent):
    got = _demo(label)
    assert {code: got.get(code) for code in present} == present
    assert [code for code in absent if code in got] == []


@pytest.mark.django_db
def test_it_refuses_outside_development_mode(settings):
    settings.DEVELOPMENT = False
    with pytest.raises(CommandError, match="development mode"):
        call_command("seed_demo")
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_it_loads_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo", "--if-empty")
    assert "already loaded" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("seed_demo")


@pytest.mark.django_db
def test_it_creates_two_meetings_one_with_signed_decisions():
    from board.models import Decision, Meeting
    from board.services import board_today

    call_command("seed_demo")
    past, upcoming = Meeting.objects.order_by("date")
    assert past.date < board_today() < upcoming.date
    assert past.items.count() >= 3 and upcoming.items.count() >= 3
    assert Decision.objects.filter(meeting=past).count() >= 2
    assert {d.outcome for d in Decision.objects.all()} == {"follows", "differs"}
    assert not Decision.objects.filter(meeting=upcoming).exists()
