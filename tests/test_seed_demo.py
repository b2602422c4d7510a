import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recurrence.demo import demo_cases
from recurrence.guideline import PROGNOSTIC_RULES, RULES, evaluate_case
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
    for case in Case.objects.filter(case_number__startswith="DEMO-").prefetch_related("sites"):
        result = evaluate_case(contract_case(case))
        fired |= {r["code"] for r in result["recommendations"]}
        fired |= set(result["prognosis"]["favourable"]) | set(result["prognosis"]["unfavourable"])
    every = {r.code for r in RULES} | {
        c for p in PROGNOSTIC_RULES for c in (p.favourable_code, p.unfavourable_code)
    }
    assert every - fired == set()


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
