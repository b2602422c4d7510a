"""The choices of the hospital's outcomes (endpoints, splits, Cox covariates) and the
names the pages give them. Times are months from the recurrence date."""

from __future__ import annotations

from dataclasses import dataclass

from recurrence.models import CATEGORY_CHOICES, PRESENTATION_CHOICES, SUBTYPE_CHOICES

SURGERY_KINDS = ("primary_surgery", "metastasectomy")
AT_MONTHS = (12, 24, 36, 60)
SIMILAR_AT_MONTHS = (12, 24, 36)

ENDPOINTS = {"os": "Overall survival", "pfs": "Progression-free survival"}
EVENT_NOUNS = {"os": "deaths", "pfs": "progressions or deaths"}
GROUP_BY = {
    "surgery": "Surgery vs no surgery",
    "metastasectomy": "Metastasectomy (any site) vs none",
    "metastasectomy_liver": "Liver metastasectomy vs none (liver metastases)",
    "metastasectomy_lung": "Lung metastasectomy vs none (lung metastases)",
    "metastasectomy_brain": "Brain metastasectomy vs none (brain metastases)",
    "metastasectomy_bone": "Bone metastasectomy vs none (bone metastases)",
    "radiotherapy": "Radiotherapy vs none",
    "subtype": "Subtype",
    "site_pattern": "Site pattern",
    "presentation": "Presentation",
    "none": "No split",
}
# How a title says the split: "Overall survival by subtype".
SPLIT_TITLES = {
    "surgery": "with and without surgery",
    "metastasectomy": "with and without metastasectomy",
    "metastasectomy_liver": "with and without liver metastasectomy",
    "metastasectomy_lung": "with and without lung metastasectomy",
    "metastasectomy_brain": "with and without brain metastasectomy",
    "metastasectomy_bone": "with and without bone metastasectomy",
    "radiotherapy": "with and without radiotherapy",
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


@dataclass(frozen=True)
class TreatmentSplit:
    """A split by a treatment given after the recurrence date: its first date among the
    treatments of `kinds` (at `site` if given) makes a patient treated from then on. With
    `site`, only patients with disease recorded at that site are compared."""

    key: str
    treated: str
    untreated: str
    kinds: tuple[str, ...]
    site: str = ""

    @property
    def column(self) -> str:
        """The cohort frame's column of months from the recurrence to the treatment."""
        return f"{self.key}_months"

    @property
    def site_column(self) -> str:
        return f"has_{self.site}"


TREATMENT_SPLITS = {
    split.key: split
    for split in (
        TreatmentSplit("surgery", "Surgery", "No surgery", SURGERY_KINDS),
        TreatmentSplit(
            "metastasectomy", "Metastasectomy", "No metastasectomy", ("metastasectomy",)
        ),
        *(
            TreatmentSplit(
                f"metastasectomy_{site}",
                f"{organ} metastasectomy",
                f"No {organ.lower()} metastasectomy",
                ("metastasectomy",),
                site,
            )
            for site, organ in (
                ("liver", "Liver"),
                ("lung", "Lung"),
                ("brain", "Brain"),
                ("bone", "Bone"),
            )
        ),
        TreatmentSplit("radiotherapy", "Radiotherapy", "No radiotherapy", ("radiotherapy",)),
    )
}
TREATMENT_SITES = tuple(split.site for split in TREATMENT_SPLITS.values() if split.site)
# Landmarks offered, months from the recurrence date; 6 by default.
LANDMARK_CHOICES = (3, 6, 12, 24)
DEFAULT_LANDMARK = 6
# Fewer patients than this in either group at the landmark: too few to compare.
MIN_COMPARE_GROUP = 10
COMPARISONS = {
    "landmark": "Landmark and time-dependent (unbiased)",
    "naive": "Show the biased comparison too",
}
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
