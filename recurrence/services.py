"""Every write of a case goes through here: validate with the guideline contract, store the
case with its sites, record the change, and refuse a stale save."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from recurrence import followup
from recurrence.guideline import CaseRefused, derive_facts, parse_case, schema
from recurrence.guideline.case import Case as ContractCase
from recurrence.guideline.facts import Facts
from recurrence.models import WORKUP_FIELDS, Case, CaseChange, CaseSite, Treatment
from recurrence.models import FollowUp as FollowUpRecord

META_FIELDS = ("case_number", "hospital_number")
# The lesions column is a small integer. The contract sets no upper bound, so a count the
# database cannot hold is refused when a case is stored (evaluation alone accepts it).
LESIONS_STORAGE_MAX = 32767
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The largest version a case can have (the column is a 32-bit positive integer).
VERSION_MAX = 2**31 - 1
ARCHIVE_REASON_MAX = 2000
_CASE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/-]*$")
_SCALARS = tuple(
    name
    for name in ContractCase.__dataclass_fields__
    if name not in ("sites", "symptomatic_sites", "workup")
)


class StaleVersion(Exception):
    """A save based on an older version would overwrite a field changed since that version.

    `conflicts` names those fields; `changes` lists every change saved since the version the
    save was based on (field, old and new value, who, when), for the user to read.
    """

    def __init__(self, current: Case, *, conflicts=(), changes=(), resubmit=None):
        super().__init__(f"Case {current.case_number} is now at version {current.version}.")
        self.current = current
        self.conflicts = list(conflicts)
        self.changes = list(changes)
        # The current values with this write's changes on top: saving it again (based on
        # the current version) overwrites only the fields in `conflicts`.
        self.resubmit = resubmit


@dataclass(frozen=True)
class Payload:
    """A validated case body: the contract's case and the board's references."""

    case: ContractCase
    case_number: str
    hospital_number: str


def _body(case: Case, sites: list[CaseSite]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_number": case.case_number,
        "hospital_number": case.hospital_number,
    }
    for name in _SCALARS:
        value = getattr(case, name)
        body[name] = value.isoformat() if hasattr(value, "isoformat") else value
    body["sites"] = [{"site": s.site, "lesions": s.lesions} for s in sites]
    body["symptomatic_sites"] = [s.site for s in sites if s.symptomatic]
    body["workup"] = {item: getattr(case, f"workup_{item}") for item in schema.WORKUP_ITEMS}
    return body


def case_body(case: Case) -> dict[str, Any]:
    """The case number, hospital number and the contract's case (uses prefetched sites)."""
    return _body(case, list(case.sites.all()))


def case_to_contract(case: Case) -> dict[str, Any]:
    """The stored case in the contract's JSON shape."""
    return {k: v for k, v in case_body(case).items() if k not in META_FIELDS}


def contract_case(case: Case) -> ContractCase:
    """The stored case as the engine's Case; it was validated when it was saved."""
    return parse_case(case_to_contract(case), today=_far_future())


def case_facts(case: Case) -> Facts:
    return derive_facts(contract_case(case))


def case_problems(case: Case) -> list[dict[str, str]]:
    """What the current ruleset refuses in a stored case, or [] when it accepts it.

    A case stored under an earlier ruleset can break a rule added since (ruleset 2.0
    refuses an in-breast site after a mastectomy). It stays readable; its pages name the
    problems and withhold the recommendation until a coordinator corrects it.
    """
    try:
        contract_case(case)
    except CaseRefused as refused:
        return refused.errors
    return []


def _far_future():
    # A stored case was checked against the date it was saved on; reading it back must
    # not refuse it, so the future-date check is not repeated here.
    return timezone.localdate().replace(year=9999)


def plain_version(value: Any) -> int | None:
    """A version as a form or query string sends it: ASCII digits only ("²" is a digit to
    Python's isdigit, and int() refuses it), within range; None when it is not one."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value):
        number = int(value)
        return number if 1 <= number <= VERSION_MAX else None
    return None


def hidden_character(text: str) -> str | None:
    """The first invisible formatting character in `text` (a bidi control such as U+202E,
    or a zero-width character such as U+200B), as "U+XXXX"; None when there is none.

    Such characters make an identifier display as something it is not, or make two that
    look the same differ, so identifiers refuse them."""
    for char in text:
        if unicodedata.category(char) in ("Cf", "Cs"):
            return f"U+{ord(char):04X}"
    return None


def _hidden_character_error(field: str, label: str, text: str) -> dict[str, str] | None:
    found = hidden_character(text)
    if found is None:
        return None
    return {
        "field": field,
        "code": "invalid_character",
        "message": f"{label} holds an invisible formatting character ({found}); type it again "
        "without it.",
    }


def validate_body(data: Any, *, exclude_case_id: int | None = None) -> Payload:
    """Check a case body (the contract's case plus case_number and hospital_number)."""
    if not isinstance(data, dict):
        raise CaseRefused(
            [
                {
                    "field": "case",
                    "code": "wrong_type",
                    "message": "A case must be a JSON object of named fields.",
                }
            ]
        )
    contract = {k: v for k, v in data.items() if k not in META_FIELDS}
    errors: list[dict[str, str]] = []
    case_number = data.get("case_number")
    if case_number is None or (isinstance(case_number, str) and not case_number.strip()):
        errors.append(
            {"field": "case_number", "code": "required", "message": "Case number is required."}
        )
    elif not isinstance(case_number, str):
        errors.append(
            {"field": "case_number", "code": "wrong_type", "message": "Case number must be text."}
        )
    else:
        case_number = case_number.strip()
        hidden = _hidden_character_error("case_number", "Case number", case_number)
        if hidden:
            errors.append(hidden)
        elif len(case_number) > 40:
            errors.append(
                {
                    "field": "case_number",
                    "code": "max_length",
                    "message": "Case number must be at most 40 characters.",
                }
            )
        elif not _CASE_NUMBER.match(case_number):
            errors.append(
                {
                    "field": "case_number",
                    "code": "invalid",
                    "message": "Case number may hold letters, digits, spaces and . _ / - only.",
                }
            )
        elif Case.objects.filter(case_number=case_number).exclude(pk=exclude_case_id).exists():
            errors.append(
                {
                    "field": "case_number",
                    "code": "unique",
                    "message": f"Case number {case_number} is already in use.",
                }
            )
    hospital_number = data.get("hospital_number") or ""
    if not isinstance(hospital_number, str):
        errors.append(
            {
                "field": "hospital_number",
                "code": "wrong_type",
                "message": "Hospital number must be text.",
            }
        )
        hospital_number = ""
    elif hidden := _hidden_character_error("hospital_number", "Hospital number", hospital_number):
        errors.append(hidden)
        hospital_number = ""
    elif _CONTROL.search(hospital_number):
        errors.append(
            {
                "field": "hospital_number",
                "code": "invalid",
                "message": "Hospital number may not contain control characters.",
            }
        )
    elif len(hospital_number.strip()) > 40:
        errors.append(
            {
                "field": "hospital_number",
                "code": "max_length",
                "message": "Hospital number must be at most 40 characters.",
            }
        )
    try:
        parsed = parse_case(contract, today=timezone.localdate())
    except CaseRefused as refused:
        errors.extend(refused.errors)
        parsed = None
    if parsed is not None:
        errors.extend(
            {
                "field": f"sites[{i}].lesions",
                "code": "max_value",
                "message": f"Site {i + 1}: a lesion count above {LESIONS_STORAGE_MAX} cannot be stored; "
                "leave it empty when the lesions are not counted.",
            }
            for i, site in enumerate(parsed.sites)
            if site.lesions is not None and site.lesions > LESIONS_STORAGE_MAX
        )
    if errors:
        raise CaseRefused(errors)
    assert parsed is not None
    return Payload(parsed, case_number, hospital_number.strip())


def site_pattern(facts: Facts) -> str:
    """A coarse grouping of where the disease is, used to find similar patients."""
    if facts.category == "isolated_locoregional":
        return "locoregional"
    only = facts.only_distant_site
    if only in ("bone", "liver", "lung", "brain"):
        return f"{only}_only"
    if "brain" in facts.distant_sites:
        return "brain"
    return "visceral" if facts.visceral_sites else "non_visceral"


def _apply(case: Case, payload: Payload) -> list[CaseSite]:
    parsed = payload.case
    case.case_number = payload.case_number
    case.hospital_number = payload.hospital_number
    for name in _SCALARS:
        setattr(case, name, getattr(parsed, name))
    for item, field in zip(schema.WORKUP_ITEMS, WORKUP_FIELDS, strict=True):
        setattr(case, field, getattr(parsed.workup, item))
    facts = derive_facts(parsed)
    case.category = facts.category
    case.subtype = facts.subtype
    case.site_pattern = site_pattern(facts)
    return [
        CaseSite(
            site=s.site,
            lesions=s.lesions,
            symptomatic=s.site in parsed.symptomatic_sites,
            position=i,
        )
        for i, s in enumerate(parsed.sites)
    ]


apply_payload = _apply


def creation_changes(case: Case, sites: list[CaseSite]) -> dict[str, list[Any]]:
    """The change record of a case's creation, as case_create logs it."""
    return _diff({}, _body(case, sites))


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _unique_clash(case_number: str) -> CaseRefused:
    return CaseRefused(
        [
            {
                "field": "case_number",
                "code": "unique",
                "message": f"Case number {case_number} is already in use.",
            }
        ]
    )


def case_create(*, data: Any, user, synthetic: bool = False) -> Case:
    payload = validate_body(data)
    case = Case(synthetic=synthetic, created_by=user, updated_by=user)
    sites = _apply(case, payload)
    try:
        with transaction.atomic():
            case.save()
            for s in sites:
                s.case = case
            CaseSite.objects.bulk_create(sites)
            CaseChange.objects.create(
                case=case,
                version=1,
                action="create",
                changed_by=user,
                changes=_diff({}, _body(case, sites)),
            )
    except IntegrityError:
        raise _unique_clash(payload.case_number) from None
    return case


# --- precise conflicts ---------------------------------------------------------------------
#
# A case has one version counter; every saved change records its fields' old and new values
# (CaseChange). A write based on version V is refused only when a field it changes, compared
# with its value at V, was also changed by a save since V (and to another value than this
# write's). The clinical case, its follow-up ("follow_up.<field>") and its treatments
# ("treatments") are separate fields, so one never blocks another. Work-up ticks count one
# by one ("workup.<item>").


def _flat(body: dict[str, Any]) -> dict[str, Any]:
    """A body with its work-up ticks as separate fields: the unit conflicts are judged on."""
    out = {k: v for k, v in body.items() if k != "workup"}
    for item, done in (body.get("workup") or {}).items():
        out[f"workup.{item}"] = done
    return out


def unflat(flat: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in flat.items() if not k.startswith("workup.")}
    body["workup"] = {
        k.removeprefix("workup."): v for k, v in flat.items() if k.startswith("workup.")
    }
    return body


def _pairs(changes: dict[str, Any]) -> dict[str, list[Any]]:
    """One recorded change's {field: [old, new]}, work-up ticks one by one."""
    out: dict[str, list[Any]] = {}
    for name, pair in changes.items():
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        if name == "workup" and (isinstance(old, dict) or isinstance(new, dict)):
            old, new = old or {}, new or {}
            for item in sorted(set(old) | set(new)):
                if old.get(item) != new.get(item):
                    out[f"workup.{item}"] = [old.get(item), new.get(item)]
        else:
            out[name] = [old, new]
    return out


def changes_since(case_id: int, version: int) -> list[CaseChange]:
    """The saved changes of a case after `version`, oldest first."""
    return list(
        CaseChange.objects.filter(case_id=case_id, version__gt=version)
        .select_related("changed_by")
        .order_by("version")
    )


def state_at(current: dict[str, Any], later: list[CaseChange]) -> dict[str, Any]:
    """The fields of `current` as they were before the changes in `later`."""
    state = dict(current)
    for change in reversed(later):
        for name, (old, _new) in _pairs(change.changes).items():
            state[name] = old
    return state


def change_list(later: list[CaseChange], names: set[str] | None = None) -> list[dict[str, Any]]:
    """Each field changed in `later` (or only `names`): old and new value, who and when."""
    rows = []
    for change in later:
        for name, (old, new) in _pairs(change.changes).items():
            if names is not None and name not in names:
                continue
            user = change.changed_by
            rows.append(
                {
                    "field": name,
                    "old": old,
                    "new": new,
                    "version": change.version,
                    "changed_by": user.get_username() if user else None,
                    "changed_by_name": (user.get_full_name() or user.get_username())
                    if user
                    else None,
                    "changed_at": change.changed_at,
                }
            )
    return rows


def _lock(case_id: int, version: int) -> tuple[Case, list[CaseChange]]:
    """The case, locked for this transaction, and the changes saved after `version`.

    On PostgreSQL the row lock makes a concurrent save of the same case wait; _bump's
    conditional UPDATE still guarantees one winner where the database has no row locks.
    """
    case = Case.objects.select_for_update().prefetch_related("sites").get(pk=case_id)
    if case.archived_at is not None:
        raise Case.DoesNotExist(f"Case {case_id} is archived.")
    if version > case.version:  # a version nobody ever read
        raise StaleVersion(case)
    return case, changes_since(case_id, version) if version < case.version else []


def _bump(case: Case) -> None:
    won = Case.objects.filter(pk=case.pk, version=case.version, archived_at__isnull=True).update(
        version=F("version") + 1
    )
    if not won:
        raise StaleVersion(Case.objects.get(pk=case.pk))
    case.version += 1


def _touched(
    case: Case,
    later: list[CaseChange],
    *,
    mine: dict[str, Any],
    current: dict[str, Any],
) -> set[str]:
    """The fields this write changes compared with its base version; raise StaleVersion when
    one of them was changed since to another value than this write's."""
    at_base = state_at(current, later)
    touched = {k for k, v in mine.items() if v != at_base.get(k)}
    changed = {name for change in later for name in _pairs(change.changes)}
    conflicts = sorted(k for k in touched & changed if mine[k] != current.get(k))
    if conflicts:
        resubmit = {**current, **{k: mine[k] for k in touched}}
        raise StaleVersion(case, conflicts=conflicts, changes=change_list(later), resubmit=resubmit)
    return touched


def _log(case: Case, user, changes: dict[str, list[Any]]) -> None:
    CaseChange.objects.create(
        case=case, version=case.version, action="update", changed_by=user, changes=changes
    )


def _payload_body(payload: Payload) -> dict[str, Any]:
    scratch = Case()
    return _body(scratch, _apply(scratch, payload))


def case_update(*, case_id: int, data: Any, version: int, user) -> Case:
    """Save a case's content based on `version`. Fields this body leaves as they were at
    that version keep their newer values. Raises CaseRefused (nothing stored) or
    StaleVersion (a field it changes was changed since)."""
    payload = validate_body(data, exclude_case_id=case_id)
    with transaction.atomic():
        case, later = _lock(case_id, version)
        before = case_body(case)
        if later:
            current = _flat(before)
            mine = _flat(_payload_body(payload))
            touched = _touched(case, later, mine=mine, current=current)
            merged = {**current, **{k: mine[k] for k in touched}}
            payload = validate_body(unflat(merged), exclude_case_id=case_id)
        sites = _apply(case, payload)
        _bump(case)
        case.updated_by = user
        try:
            with transaction.atomic():
                case.save()
                case.sites.all().delete()
                for s in sites:
                    s.case = case
                CaseSite.objects.bulk_create(sites)
        except IntegrityError:
            raise _unique_clash(payload.case_number) from None
        _log(case, user, _diff(before, _body(case, sites)))
    return case


def _follow_up_of(case: Case) -> FollowUpRecord | None:
    try:
        return case.follow_up
    except FollowUpRecord.DoesNotExist:
        return None


def follow_up_data(case: Case) -> followup.FollowUp | None:
    record = _follow_up_of(case)
    if record is None:
        return None
    return followup.FollowUp(
        record.last_contact_date, record.vital_status, record.death_date, record.progression_date
    )


_FOLLOW_UP_FIELDS = ("last_contact_date", "vital_status", "death_date", "progression_date")


def _follow_up_flat(record: followup.FollowUp | None) -> dict[str, Any]:
    values = record.as_dict() if record else dict.fromkeys(_FOLLOW_UP_FIELDS)
    return {f"follow_up.{k}": v for k, v in values.items()}


def follow_up_save(*, case_id: int, data: Any, version: int, user) -> Case:
    """Record the follow-up of a case based on `version`. Raises FollowUpRefused or
    StaleVersion (a follow-up field it changes was changed since)."""
    case = Case.objects.get(pk=case_id)
    parsed = followup.parse_follow_up(
        data, recurrence_date=case.recurrence_date, today=timezone.localdate()
    )
    with transaction.atomic():
        case, later = _lock(case_id, version)
        old = follow_up_data(case)
        if later:
            current = _follow_up_flat(old)
            mine = _follow_up_flat(parsed)
            touched = _touched(case, later, mine=mine, current=current)
            merged = {**current, **{k: mine[k] for k in touched}}
            parsed = followup.parse_follow_up(
                {k.removeprefix("follow_up."): v for k, v in merged.items()},
                recurrence_date=case.recurrence_date,
                today=timezone.localdate(),
            )
        _check_treatments_fit(list(case.treatments.all()), parsed)
        _bump(case)
        FollowUpRecord.objects.update_or_create(
            case=case,
            defaults={
                "last_contact_date": parsed.last_contact_date,
                "vital_status": parsed.vital_status,
                "death_date": parsed.death_date,
                "progression_date": parsed.progression_date,
            },
        )
        case.updated_by = user
        case.save(update_fields=["updated_by", "updated_at", "version"])
        _log(case, user, _diff(_follow_up_flat(old), _follow_up_flat(parsed)))
    return case


def _check_treatments_fit(treatments: list[Treatment], parsed: followup.FollowUp) -> None:
    if parsed.death_date is None:
        return
    late = [t for t in treatments if t.start_date > parsed.death_date]
    if late:
        raise followup.FollowUpRefused(
            [
                {
                    "field": "death_date",
                    "code": "treatment_after_death",
                    "message": f"{len(late)} recorded treatment(s) start after this date of death.",
                }
            ]
        )


def _treatment_summary(t: Treatment | followup.Treatment) -> str:
    parts = [followup.TREATMENT_LABELS[t.kind]]
    if t.line:
        parts.append(f"line {t.line}")
    if t.site:
        parts.append(followup.site_label(t.site))
    parts.append(f"from {t.start_date.isoformat()}")
    return " ".join(parts)


def treatment_add(*, case_id: int, data: Any, version: int, user) -> Treatment:
    case = Case.objects.get(pk=case_id)
    parsed = followup.parse_treatment(
        data,
        recurrence_date=case.recurrence_date,
        today=timezone.localdate(),
        follow_up=follow_up_data(case),
    )
    with transaction.atomic():
        case, later = _lock(case_id, version)
        _touched(case, later, mine={"treatments": "added"}, current={"treatments": None})
        _bump(case)
        treatment = Treatment.objects.create(
            case=case,
            kind=parsed.kind,
            line=parsed.line,
            site=parsed.site or "",
            start_date=parsed.start_date,
            end_date=parsed.end_date,
            description=parsed.description,
        )
        case.updated_by = user
        case.save(update_fields=["updated_by", "updated_at", "version"])
        _log(case, user, {"treatments": [None, _treatment_summary(parsed)]})
    return treatment


def treatment_remove(*, case_id: int, treatment_id: int, version: int, user) -> None:
    with transaction.atomic():
        case, later = _lock(case_id, version)
        treatment = Treatment.objects.get(pk=treatment_id, case_id=case_id)
        _touched(case, later, mine={"treatments": "removed"}, current={"treatments": None})
        _bump(case)
        summary = _treatment_summary(treatment)
        treatment.delete()
        case.updated_by = user
        case.save(update_fields=["updated_by", "updated_at", "version"])
        _log(case, user, {"treatments": [summary, None]})


def contract_changes_since(case: Case, version: int) -> list[dict[str, Any]]:
    """The contract's input fields that differ now from their state at `version`, each with
    its saved changes since (who, when). Follow-up and treatments are not contract input."""
    later = changes_since(case.pk, version)
    if not later:
        return []
    current = _flat(case_to_contract(case))
    at_base = state_at(current, later)
    changed = {k for k in current if current[k] != at_base.get(k)}
    return change_list(later, changed)


class AlreadyArchived(Exception):
    def __init__(self, case: Case):
        super().__init__(f"Case {case.case_number} is already archived.")
        self.case = case


def case_archive(*, case_id: int, reason: Any, version: int, user) -> Case:
    """Take a case out of the lists, keeping it and its history; records who, when and why.
    Raises CaseRefused (no reason), AlreadyArchived or StaleVersion."""
    if not isinstance(reason, str) or not reason.strip():
        code = "required" if reason is None or isinstance(reason, str) else "wrong_type"
        raise CaseRefused(
            [{"field": "reason", "code": code, "message": "Give the reason for archiving."}]
        )
    reason = reason.strip()
    if len(reason) > ARCHIVE_REASON_MAX or "\x00" in reason:
        raise CaseRefused(
            [
                {
                    "field": "reason",
                    "code": "invalid",
                    "message": f"The reason must be text of at most {ARCHIVE_REASON_MAX} "
                    "characters.",
                }
            ]
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.archived_at is not None:
            raise AlreadyArchived(case)
        if version != case.version:
            # Archiving takes the whole case out of the lists: it needs the latest version.
            raise StaleVersion(case, changes=change_list(changes_since(case_id, version)))
        _bump(case)
        case.archived_at = timezone.now()
        case.archived_by = user
        case.archive_reason = reason
        case.updated_by = user
        case.save(
            update_fields=[
                "archived_at",
                "archived_by",
                "archive_reason",
                "updated_by",
                "updated_at",
            ]
        )
        CaseChange.objects.create(
            case=case,
            version=case.version,
            action="archive",
            changed_by=user,
            changes={"archived": [None, reason]},
        )
    return case
