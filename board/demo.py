"""Demo meetings for seed_demo: one held last week with signed decisions, one next week."""

from __future__ import annotations

import datetime as dt

from board.models import Meeting
from board.services import agenda_add, board_today, decision_sign
from recurrence.models import Case

PAST = ("DEMO-007", "DEMO-008", "DEMO-017", "DEMO-001")
UPCOMING = ("DEMO-020", "DEMO-013", "DEMO-028")
# (case, outcome, plan, reason): the board's decisions at the past meeting.
DECISIONS = (
    (
        "DEMO-007",
        "follows",
        "Endocrine therapy first line as recommended; bone-directed care; review at 3 months.",
        "",
    ),
    (
        "DEMO-017",
        "differs",
        "Refer for a clinical trial screening before starting chemotherapy.",
        "The patient asked to be screened for a trial first.",
    ),
)


def seed_meetings(*, coordinator, oncologist) -> str:
    today = board_today()
    past = Meeting.objects.create(
        date=today - dt.timedelta(days=7), title="Metastatic breast board", created_by=coordinator
    )
    upcoming = Meeting.objects.create(
        date=today + dt.timedelta(days=7), title="Metastatic breast board", created_by=coordinator
    )
    cases = {c.case_number: c for c in Case.objects.filter(case_number__in=PAST + UPCOMING)}
    for meeting, numbers in ((past, PAST), (upcoming, UPCOMING)):
        for number in numbers:
            agenda_add(meeting=meeting, case_id=cases[number].pk)
    for number, outcome, plan, reason in DECISIONS:
        decision_sign(
            case=cases[number],
            data={"meeting": past.pk, "outcome": outcome, "plan": plan, "reason": reason},
            user=oncologist,
        )
    return f", 2 meetings and {len(DECISIONS)} signed decisions"
