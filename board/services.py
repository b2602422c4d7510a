"""Writes of the tumour board: meetings, agendas, signing and amending decisions."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from board.models import AgendaItem, Amendment, Decision, Meeting, signer_name
from recurrence import roles
from recurrence.guideline import RULESET, CaseRefused, evaluate_case
from recurrence.models import Case
from recurrence.presentation import field_label
from recurrence.services import contract_case, contract_changes_since, follow_up_data

PLAN_MAX = 5000


class BoardRefused(ValueError):
    def __init__(self, errors: list[dict[str, str | None]]):
        super().__init__("; ".join(str(e["message"]) for e in errors))
        self.errors = errors


class CaseChanged(Exception):
    """The contract's input of the case changed since the version the signer read.

    `changes` lists each changed field's saved changes (recurrence.services.change_list).
    """

    def __init__(self, case: Case, read_version: int, changes: list[dict[str, Any]]):
        self.case = case
        self.read_version = read_version
        self.changes = changes
        super().__init__(self.message)

    @property
    def fields(self) -> list[str]:
        return list(dict.fromkeys(c["field"] for c in self.changes))

    @property
    def message(self) -> str:
        parts = []
        for name in self.fields:
            last = [c for c in self.changes if c["field"] == name][-1]
            who = last["changed_by_name"] or "someone"
            parts.append(f"{field_label(name)} (by {who}, {last['changed_at']:%-d %b %Y %H:%M})")
        return (
            f"Not signed: the clinical facts behind the recommendation changed after version "
            f"{self.read_version} was read: {'; '.join(parts)}. Read the recommendation again; "
            "it is what will be signed."
        )


SAFETY_CODES = ("patient_deceased", "meeting_not_started")


def board_today() -> dt.date:
    """Today in the board's time zone (settings.TIME_ZONE)."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def safety_problems(*, case: Case, meeting: Meeting | None) -> list[dict[str, str | None]]:
    """Why no decision may be signed for this case at this meeting now (empty: none)."""
    problems = []
    record = follow_up_data(case)
    if record is not None and record.vital_status == "dead":
        died = record.death_date.strftime("%-d %b %Y") if record.death_date else "a known date"
        problems.append(
            _error(
                None,
                "patient_deceased",
                f"The follow-up records this patient as deceased (died {died}); "
                "no board decision can be signed.",
            )
        )
    if meeting is not None and meeting.date > board_today():
        problems.append(
            _error(
                "meeting",
                "meeting_not_started",
                f"The meeting is on {meeting.date:%-d %b %Y}; its decisions can be signed from "
                "that day on.",
            )
        )
    return problems


def _error(field: str | None, code: str, message: str) -> dict[str, str | None]:
    return {"field": field, "code": code, "message": message}


def _text(
    data: dict, name: str, label: str, errors: list, *, required: bool, max_length: int
) -> str:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(_error(name, "required", f"{label} is required."))
        return ""
    if not isinstance(value, str):
        errors.append(_error(name, "wrong_type", f"{label} must be text."))
        return ""
    if "\x00" in value:
        errors.append(
            _error(name, "invalid", f"{label} contains a character that cannot be stored.")
        )
        return ""
    if len(value) > max_length:
        errors.append(
            _error(name, "max_length", f"{label} must be at most {max_length} characters.")
        )
    return value.strip()


def _body(data: Any, allowed: set[str]) -> dict:
    if not isinstance(data, dict):
        raise BoardRefused(
            [_error(None, "wrong_type", "The body must be a JSON object of named fields.")]
        )
    unknown = [
        _error(k, "unknown_field", f"{k!r} is not a known field.") for k in data if k not in allowed
    ]
    if unknown:
        raise BoardRefused(unknown)
    return data


def meeting_create(*, data: Any, user) -> Meeting:
    data = _body(data, {"date", "title"})
    errors: list = []
    title = _text(data, "title", "Title", errors, required=True, max_length=120)
    raw = data.get("date")
    date = None
    if raw in (None, ""):
        errors.append(_error("date", "required", "Date is required."))
    else:
        try:
            date = dt.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
        except ValueError:
            date = None
        if date is None:
            errors.append(_error("date", "invalid_date", "Date must be a date written YYYY-MM-DD."))
    if errors:
        raise BoardRefused(errors)
    return Meeting.objects.create(date=date, title=title, created_by=user)


def agenda_add(*, meeting: Meeting, case_id: Any) -> tuple[AgendaItem, bool]:
    """Put a case at the end of a meeting's agenda; (item, created). A case already on the
    agenda is left where it is (created False), however many adds race for it."""
    if type(case_id) is not int:
        raise BoardRefused(
            [
                _error(
                    "case",
                    "required" if case_id is None else "wrong_type",
                    "Give the id of a case.",
                )
            ]
        )
    case = Case.objects.live().filter(pk=case_id).first()  # an archived case is not offered
    if case is None:
        raise BoardRefused([_error("case", "does_not_exist", f"There is no case {case_id}.")])
    try:
        with transaction.atomic():
            # The meeting's row lock serialises adds, so positions stay distinct.
            Meeting.objects.select_for_update().get(pk=meeting.pk)
            existing = meeting.items.filter(case=case).first()
            if existing is not None:
                return existing, False
            last = meeting.items.aggregate(m=Max("position"))["m"] or 0
            return AgendaItem.objects.create(meeting=meeting, case=case, position=last + 1), True
    except IntegrityError:
        # A parallel add of the same case committed first (the unique constraint held).
        return AgendaItem.objects.get(meeting=meeting, case=case), False


def agenda_remove(*, meeting: Meeting, case_id: int) -> None:
    if meeting.decisions.filter(case_id=case_id).exists():
        raise BoardRefused(
            [
                _error(
                    "case",
                    "decided",
                    "The board has signed a decision for this case at this meeting.",
                )
            ]
        )
    deleted, _ = meeting.items.filter(case_id=case_id).delete()
    if not deleted:
        raise BoardRefused([_error("case", "not_on_agenda", "That case is not on this agenda.")])


def agenda_reorder(*, meeting: Meeting, order: Any) -> list[AgendaItem]:
    items = {item.case_id: item for item in meeting.items.all()}
    if not isinstance(order, list) or any(type(x) is not int for x in order):
        raise BoardRefused([_error("order", "wrong_type", "Order must be a list of case ids.")])
    if sorted(order) != sorted(items):
        raise BoardRefused(
            [
                _error(
                    "order",
                    "not_a_permutation",
                    "Order must list every case on the agenda exactly once.",
                )
            ]
        )
    with transaction.atomic():
        for position, case_id in enumerate(order, start=1):
            item = items[case_id]
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
    return sorted(items.values(), key=lambda i: i.position)


def decision_check(*, case: Case, data: Any) -> None:
    """Everything decision_sign would refuse, without signing: the confirmation step."""
    decision_sign(case=case, data=data, user=None, dry_run=True)


def decision_sign(*, case: Case, data: Any, user, dry_run: bool = False) -> Decision | None:
    """Sign the board's decision for a case at a meeting, with the recommendation as it stands."""
    data = _body(data, {"meeting", "outcome", "plan", "reason", "case_version"})
    errors: list = []
    read_version = data.get("case_version")
    if read_version is not None and (
        type(read_version) is not int or not 1 <= read_version <= case.version
    ):
        errors.append(
            _error(
                "case_version",
                "invalid",
                f"Case version must be the version read, a whole number from 1 to {case.version}.",
            )
        )
    meeting_id = data.get("meeting")
    meeting = None
    if meeting_id is None:
        errors.append(_error("meeting", "required", "Choose the meeting."))
    elif type(meeting_id) is not int:
        errors.append(_error("meeting", "wrong_type", "Meeting must be the id of a meeting."))
    else:
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None:
            errors.append(_error("meeting", "does_not_exist", f"There is no meeting {meeting_id}."))
        elif not meeting.items.filter(case=case).exists():
            errors.append(
                _error("meeting", "not_on_agenda", "This case is not on that meeting's agenda.")
            )
    outcome = data.get("outcome")
    if outcome is None:
        errors.append(
            _error("outcome", "required", "Say whether the decision follows the recommendation.")
        )
    elif outcome not in ("follows", "differs"):
        errors.append(
            _error("outcome", "invalid_choice", 'Outcome must be "follows" or "differs".')
        )
    plan = _text(data, "plan", "Plan", errors, required=True, max_length=PLAN_MAX)
    reason = _text(
        data, "reason", "Reason", errors, required=outcome == "differs", max_length=PLAN_MAX
    )
    if outcome == "differs" and not reason and not any(e["field"] == "reason" for e in errors):
        errors.append(_error("reason", "required", "Give the reason the decision differs."))
    if meeting is not None and Decision.objects.filter(case=case, meeting=meeting).exists():
        errors.append(
            _error(
                "meeting",
                "already_decided",
                "A decision is already signed for this case at this meeting; amend it.",
            )
        )
    try:
        contract_case(case)
    except CaseRefused as refused:
        # Stored under an earlier ruleset and refused by this one: nothing to sign until a
        # coordinator corrects the case.
        errors.insert(
            0,
            _error(
                None,
                "case_needs_correction",
                "The case needs correcting before a decision can be signed: "
                + " ".join(e["message"] for e in refused.errors),
            ),
        )
        raise BoardRefused(errors) from None
    errors.extend(safety_problems(case=case, meeting=meeting))
    if errors:
        raise BoardRefused(errors)
    if dry_run:
        if read_version is not None and read_version < case.version:
            changes = contract_changes_since(case, read_version)
            if changes:
                raise CaseChanged(case, read_version, changes)
        return None
    try:
        with transaction.atomic():
            # Lock the case so the recommendation signed is the one of the version stored.
            case = Case.objects.select_for_update().prefetch_related("sites").get(pk=case.pk)
            if read_version is not None and read_version < case.version:
                changes = contract_changes_since(case, read_version)
                if changes:
                    raise CaseChanged(case, read_version, changes)
            result = evaluate_case(contract_case(case))
            return Decision.objects.create(
                case=case,
                meeting=meeting,
                outcome=outcome,
                plan=plan,
                reason=reason,
                ruleset_id=RULESET["id"],
                ruleset_version=RULESET["version"],
                recommendation_codes=[r["code"] for r in result["recommendations"]],
                recommendation_snapshot=result,
                case_version=case.version,
                signed_by=user,
                signer_name=signer_name(user),
                signer_role=roles.ONCOLOGIST,
            )
    except IntegrityError:
        raise BoardRefused(
            [
                _error(
                    "meeting",
                    "already_decided",
                    "A decision is already signed for this case at this meeting.",
                )
            ]
        ) from None


def amendment_add(*, decision: Decision, data: Any, user) -> Amendment:
    data = _body(data, {"reason", "text"})
    errors: list = []
    reason = _text(data, "reason", "Reason", errors, required=True, max_length=PLAN_MAX)
    text = _text(data, "text", "Text", errors, required=True, max_length=PLAN_MAX)
    if errors:
        raise BoardRefused(errors)
    return Amendment.objects.create(
        decision=decision,
        reason=reason,
        text=text,
        amended_by=user,
        signer_name=signer_name(user),
        signer_role=roles.ONCOLOGIST,
    )
