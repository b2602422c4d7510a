"""What the engine derives from a case (contract section 2), in one place."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from .case import Case
from .conditions import FIT_CONDITIONS
from .schema import (
    DISTANT_SITES,
    LOCOREGIONAL_SITES,
    NOT_EASILY_MEASURABLE_SITES,
    VISCERAL_SITES,
)

_DISTANT = frozenset(DISTANT_SITES)
_LOCOREGIONAL = frozenset(LOCOREGIONAL_SITES)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, clipped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from `start` to `end` (negative when `end` is earlier).

    A month is complete when the same day of the month is reached; when the later
    month is too short for that day, its last day completes it. So 2020-01-15 to
    2022-01-14 is 23 months and to 2022-01-15 is 24; 2021-01-31 to 2021-02-28 is one.
    """
    if end < start:
        return -whole_months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def hormone_receptor_status(er: str, pr: str) -> str:
    if er == "positive" or pr == "positive":
        return "positive"
    if er == "negative" and pr == "negative":
        return "negative"
    return "unknown"


def her2_status(ihc: str, ish: str) -> str:
    if ihc == "3+" or ish == "amplified":
        return "positive"
    if ihc in ("0", "1+") or ish == "not_amplified":
        return "negative"
    if ihc == "2+" and ish == "not_done":
        return "equivocal"
    return "unknown"


def surrogate_subtype(hr: str, her2: str, pr: str, ki67: float | None) -> str:
    """St Gallen 2013 surrogate subtype, as the contract fixes it."""
    if hr == "unknown" or her2 not in ("positive", "negative"):
        return "undetermined"
    if hr == "negative":
        return "triple_negative" if her2 == "negative" else "her2_enriched"
    if her2 == "positive":
        return "luminal_b_her2"
    # 2.0: a PR-negative tumour is luminal B whatever its Ki-67 (St Gallen 2013).
    if pr == "negative" or (ki67 is not None and ki67 >= 20):
        return "luminal_b"
    if pr == "positive" and ki67 is not None:
        return "luminal_a"
    return "luminal_unspecified"


RECENT_MONTHS = 12


def _is_recent(taken: bool, end: dt.date | None, recurrence: dt.date) -> bool:
    """Taken and still taken, or stopped 12 or fewer whole months before the recurrence."""
    if not taken:
        return False
    if end is None:
        return True
    return whole_months_between(end, recurrence) <= RECENT_MONTHS


def is_recent_tamoxifen(case: Case) -> bool:
    return _is_recent(case.prior_tamoxifen, case.tamoxifen_end_date, case.recurrence_date)


def is_recent_aromatase_inhibitor(case: Case) -> bool:
    return _is_recent(
        case.prior_aromatase_inhibitor, case.aromatase_inhibitor_end_date, case.recurrence_date
    )


@dataclass(frozen=True, slots=True)
class Facts:
    case: Case
    site_names: tuple[str, ...]
    hr: str
    her2: str
    subtype: str
    category: str
    intent: str
    locoregional_sites: tuple[str, ...]
    distant_sites: tuple[str, ...]
    visceral_sites: tuple[str, ...]
    distant_lesions: int | None
    counted_lesions: int
    oligometastatic: bool
    disease_free_interval_months: int | None
    recent_tamoxifen: bool
    recent_aromatase_inhibitor: bool
    her2_confirmed: bool
    staged: bool
    poor_performance_status: bool
    not_easily_measurable: bool
    contralateral_only: bool
    # Fit for local treatment of metastases; worked out from FIT_CONDITIONS (conditions.py)
    # once the other facts are known, so the rules and unmet_conditions share one definition.
    fit: bool = False

    @property
    def metastatic(self) -> bool:
        return self.category == "metastatic"

    @property
    def only_distant_site(self) -> str | None:
        return self.distant_sites[0] if len(self.distant_sites) == 1 else None


def derive_facts(case: Case) -> Facts:
    names = case.site_names
    distant = tuple(s for s in names if s in _DISTANT)
    locoregional = tuple(s for s in names if s in _LOCOREGIONAL)
    category = (
        "isolated_locoregional"
        if case.presentation == "recurrence" and not distant
        else "metastatic"
    )
    counts = [s.lesions for s in case.sites if s.site in _DISTANT]
    counted = sum(c for c in counts if c is not None)
    distant_lesions = counted if counts and None not in counts else None
    hr = hormone_receptor_status(case.er, case.pr)
    her2 = her2_status(case.her2_ihc, case.her2_ish)
    dfi = None
    if case.presentation == "recurrence" and case.primary_diagnosis_date is not None:
        dfi = whole_months_between(case.primary_diagnosis_date, case.recurrence_date)
    metastatic = category == "metastatic"
    workup = case.workup
    facts = Facts(
        case=case,
        site_names=names,
        hr=hr,
        her2=her2,
        subtype=surrogate_subtype(hr, her2, case.pr, case.ki67_percent),
        category=category,
        intent="curative" if category == "isolated_locoregional" else "palliative",
        locoregional_sites=locoregional,
        distant_sites=distant,
        visceral_sites=tuple(s for s in distant if s in VISCERAL_SITES),
        distant_lesions=distant_lesions,
        counted_lesions=counted,
        oligometastatic=metastatic and distant_lesions is not None and distant_lesions <= 5,
        disease_free_interval_months=dfi,
        recent_tamoxifen=is_recent_tamoxifen(case),
        recent_aromatase_inhibitor=is_recent_aromatase_inhibitor(case),
        her2_confirmed=her2 == "positive" and case.her2_ish == "amplified",
        staged=workup.chest_imaging and workup.abdominal_imaging,
        poor_performance_status=case.ecog is not None and case.ecog >= 3,
        not_easily_measurable=metastatic
        and bool(distant)
        and all(s in NOT_EASILY_MEASURABLE_SITES for s in distant),
        contralateral_only=distant == ("contralateral_breast",),
    )
    object.__setattr__(facts, "fit", all(c.ok(facts) for c in FIT_CONDITIONS))
    return facts
