"""The choices of the hospital's outcomes (endpoints, splits, Cox covariates) and the
names the pages give them. Times are months from the recurrence date."""

from __future__ import annotations

from recurrence.models import CATEGORY_CHOICES, PRESENTATION_CHOICES, SUBTYPE_CHOICES

SURGERY_KINDS = ("primary_surgery", "metastasectomy")
AT_MONTHS = (12, 24, 36, 60)
SIMILAR_AT_MONTHS = (12, 24, 36)

ENDPOINTS = {"os": "Overall survival", "pfs": "Progression-free survival"}
EVENT_NOUNS = {"os": "deaths", "pfs": "progressions or deaths"}
GROUP_BY = {
    "surgery": "Surgery vs no surgery",
    "subtype": "Subtype",
    "site_pattern": "Site pattern",
    "presentation": "Presentation",
    "none": "No split",
}
# How a title says the split: "Overall survival by subtype".
SPLIT_TITLES = {
    "surgery": "with and without surgery",
    "subtype": "by subtype",
    "site_pattern": "by site pattern",
    "presentation": "by presentation",
    "none": "",
}
SITE_PATTERN_CHOICES = [
    ("locoregional", "Local-regional only"),
    ("bone_only", "Bone only"),
    ("liver_only", "Liver only"),
    ("lung_only", "Lung only"),
    ("brain_only", "Brain only"),
    ("brain", "Brain and other sites"),
    ("visceral", "Visceral, other"),
    ("non_visceral", "Non-visceral, other"),
]
SURGERY_LABELS = {True: "Surgery", False: "No surgery"}
COX_COVARIATES = {
    "subtype": "Subtype",
    "site_pattern": "Site pattern",
    "presentation": "Presentation",
    "surgery": "Surgery",
    "age": "Age (per 10 years)",
}
# Column names in the Cox model, which its terms repeat ("subtype: Triple negative vs ...").
COX_COLUMNS = {
    "subtype": "subtype",
    "site_pattern": "site pattern",
    "presentation": "presentation",
    "surgery": "surgery",
    "age": "age per 10 years",
}
NOT_RECORDED = "Not recorded"
ALL_PATIENTS = "All patients"

LABELS = {
    "presentation": dict(PRESENTATION_CHOICES),
    "category": dict(CATEGORY_CHOICES),
    "subtype": dict(SUBTYPE_CHOICES),
    "site_pattern": dict(SITE_PATTERN_CHOICES),
}


def synthetic_suffix(synthetic: int, n: int) -> str:
    if not synthetic:
        return ""
    if synthetic == n:
        return " (synthetic demo data)"
    return f" ({synthetic} of {n} patients synthetic)"


def check_choice(name: str, value: str, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}.")


def time_key(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else str(t)
