"""The conditions of the surgical rules (contract sections 2 and 4), defined once.

Each condition knows whether it holds for a case's facts, how to say so ("because"), and
how to name it when it does not hold. The rules LIVER_RESECTION, SURGERY_LIMITED_METASTATIC
and PRIMARY_TUMOUR_SURGERY fire exactly when all their conditions hold, and
`unmet_conditions` lists every one that does not: both read the tables below.

Conditions read only facts that `derive_facts` has already worked out (never `fit` itself),
so that `fit` can be derived from FIT_CONDITIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .schema import SITE_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from .facts import Facts


@dataclass(frozen=True, slots=True)
class Condition:
    name: str
    ok: Callable[[Facts], bool]
    met: Callable[[Facts], str]  # the fact in words, when the condition holds
    unmet: Callable[[Facts], tuple[str, str]]  # (code, plain words), when it does not


def _ecog(f: Facts) -> int | None:
    return f.case.ecog


def _lesion_counts(f: Facts) -> str:
    return ", ".join(
        f"{SITE_LABELS[s.site]} {s.lesions if s.lesions is not None else 'not counted'}"
        for s in f.case.sites
        if s.site in f.distant_sites
    )


def _not_counted(f: Facts) -> list[str]:
    return [
        SITE_LABELS[s.site] for s in f.case.sites if s.site in f.distant_sites and s.lesions is None
    ]


def _ecog_at_most(limit: int, reading: str) -> Condition:
    def unmet(f: Facts) -> tuple[str, str]:
        if _ecog(f) is None:
            return ("ecog_not_recorded", "ECOG performance status is not recorded")
        return ("ecog_too_high", f"ECOG {_ecog(f)}: {reading}")

    return Condition(
        f"ecog_at_most_{limit}",
        lambda f: _ecog(f) is not None and _ecog(f) <= limit,  # type: ignore[operator]
        lambda f: f"ECOG {_ecog(f)} ({limit} or lower)",
        unmet,
    )


METASTATIC = Condition(
    "metastatic",
    lambda f: f.category == "metastatic",
    lambda f: "metastatic disease",
    lambda f: ("not_metastatic", "isolated local-regional recurrence, not metastatic disease"),
)
LESIONS_COUNTED = Condition(
    "lesions_counted",
    # Vacuous outside metastatic disease, where METASTATIC already fails.
    lambda f: f.category != "metastatic" or f.distant_lesions is not None,
    lambda f: f"every distant lesion counted ({_lesion_counts(f)})",
    lambda f: (
        "lesions_not_counted",
        "lesions not counted at: " + ", ".join(_not_counted(f)),
    ),
)
AT_MOST_FIVE = Condition(
    "at_most_five_lesions",
    # Holds unless the lesions counted so far already exceed five; with every site counted
    # this is the oligometastatic limit of 1-5 lesions.
    lambda f: f.counted_lesions <= 5,
    lambda f: (
        f"{f.counted_lesions} distant lesion{'s' if f.counted_lesions != 1 else ''} "
        "in all, 5 or fewer (oligometastatic)"
    ),
    lambda f: (
        "not_oligometastatic",
        f"{f.counted_lesions} distant lesions counted, more than the 5 of oligometastatic disease",
    ),
)
STAGED = Condition(
    "staged",
    lambda f: f.staged,
    lambda f: "staged: chest and abdominal imaging done",
    lambda f: (
        "not_staged",
        "staging imaging not complete: chest and abdominal imaging must both be done",
    ),
)
NO_VISCERAL_CRISIS = Condition(
    "no_visceral_crisis",
    lambda f: not f.case.visceral_crisis,
    lambda f: "no visceral crisis",
    lambda f: (
        "visceral_crisis",
        "visceral crisis (rapidly progressive, life-threatening visceral disease)",
    ),
)
NOT_BULKY = Condition(
    "not_bulky",
    lambda f: f.case.bulky_disease is not True,
    lambda f: (
        "bulky disease not present"
        if f.case.bulky_disease is False
        else "bulky disease not assessed"
    ),
    lambda f: ("bulky_disease", "bulky disease (a large tumour burden)"),
)
ECOG_AT_MOST_2 = _ecog_at_most(2, "above 2, not fit for local treatment of metastases")
METASTASES_VISIBLE = Condition(
    "metastases_visible",
    lambda f: f.case.systemic_disease_controlled is not True,
    lambda f: (
        "imaging still shows the metastases"
        if f.case.systemic_disease_controlled is False
        else "systemic disease control not assessed"
    ),
    lambda f: (
        "disease_controlled",
        "systemic disease controlled: imaging no longer shows the metastases to treat",
    ),
)
NOT_CONTRALATERAL_ONLY = Condition(
    "not_contralateral_breast_only",
    lambda f: not f.contralateral_only,
    lambda f: "distant disease beyond the opposite breast",
    lambda f: (
        "contralateral_breast_only",
        "the opposite breast is the only distant site: it may be a new primary, not a metastasis",
    ),
)
RESECTABLE = Condition(
    "resectable",
    lambda f: f.case.resectable is not False,
    lambda f: "judged resectable" if f.case.resectable else "resectability not yet judged",
    lambda f: ("not_resectable", "judged not resectable by the surgeon"),
)
LIVER_ONLY = Condition(
    "liver_only",
    lambda f: f.distant_sites == ("liver",),
    lambda f: "liver is the only distant site",
    lambda f: ("not_liver_only", "the liver is not the only distant site"),
)
ECOG_AT_MOST_1 = _ecog_at_most(
    1, "above 1; the series' 'good general condition' is read as ECOG 0 or 1"
)
DE_NOVO = Condition(
    "de_novo",
    lambda f: f.case.presentation == "de_novo_stage_iv",
    lambda f: "de novo stage IV disease",
    lambda f: ("not_de_novo", "a recurrence, not de novo stage IV disease"),
)
PRIMARY_IN_PLACE = Condition(
    "primary_in_place",
    lambda f: f.case.primary_in_situ,
    lambda f: "primary tumour still in place",
    lambda f: ("primary_not_in_place", "the primary tumour is no longer in place"),
)
DISEASE_CONTROLLED = Condition(
    "disease_controlled",
    lambda f: f.case.systemic_disease_controlled is True,
    lambda f: "systemic disease controlled on imaging",
    lambda f: (
        "disease_not_controlled",
        "systemic disease not controlled on imaging"
        if f.case.systemic_disease_controlled is False
        else "systemic disease control not yet assessed",
    ),
)

# Fit for local treatment of metastases (contract section 2).
FIT_CONDITIONS: tuple[Condition, ...] = (
    METASTATIC,
    LESIONS_COUNTED,
    AT_MOST_FIVE,
    STAGED,
    NO_VISCERAL_CRISIS,
    NOT_BULKY,
    ECOG_AT_MOST_2,
    METASTASES_VISIBLE,
    NOT_CONTRALATERAL_ONLY,
)

# The surgical rules of section 4. Where two conditions would name the same problem, the
# first one listed names it (LIVER_RESECTION's stricter ECOG limit comes before fit's).
RULE_CONDITIONS: dict[str, tuple[Condition, ...]] = {
    "SURGERY_LIMITED_METASTATIC": (*FIT_CONDITIONS, RESECTABLE),
    "LIVER_RESECTION": (LIVER_ONLY, ECOG_AT_MOST_1, *FIT_CONDITIONS, RESECTABLE),
    "PRIMARY_TUMOUR_SURGERY": (
        DE_NOVO,
        PRIMARY_IN_PLACE,
        DISEASE_CONTROLLED,
        NO_VISCERAL_CRISIS,
        _ecog_at_most(2, "above 2"),
    ),
}


def all_hold(conditions: tuple[Condition, ...]) -> Callable[[Facts], bool]:
    def when(f: Facts) -> bool:
        return all(c.ok(f) for c in conditions)

    return when


def met_facts(conditions: tuple[Condition, ...]) -> Callable[[Facts], list[str]]:
    def because(f: Facts) -> list[str]:
        out: list[str] = []
        for c in conditions:
            text = c.met(f)
            if text not in out:
                out.append(text)
        return out

    return because


def unmet_conditions(facts: Facts, code: str) -> list[dict[str, Any]]:
    """Every condition of the rule `code` that this case does not meet, in plain words.

    `code` is one of LIVER_RESECTION, SURGERY_LIMITED_METASTATIC, PRIMARY_TUMOUR_SURGERY.
    Each item is {"code": ..., "text": ...}; the list is empty exactly when the rule fires.
    """
    try:
        conditions = RULE_CONDITIONS[code]
    except KeyError:
        raise ValueError(
            f"unmet_conditions knows {', '.join(sorted(RULE_CONDITIONS))}, not {code!r}"
        ) from None
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for c in conditions:
        if c.ok(facts):
            continue
        name, text = c.unmet(facts)
        if name not in seen:
            seen.add(name)
            out.append({"code": name, "text": text})
    return out
