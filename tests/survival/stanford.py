"""The Stanford heart transplant data (Crowley & Hu, J Am Stat Assoc 1977;72:27-36), as
lifelines 0.30.3 ships it (`lifelines.datasets.load_stanford_heart_transplants`): 103
patients accepted into the programme, 69 transplanted, in counting-process form (one row
per (start, stop] interval in days from acceptance, `transplant` 1 after the transplant).

`per_patient()` converts it to one row per patient, as the hospital's own records are
kept: follow-up in months, death 1 or 0, months to transplant or blank. A month is 365.25
/ 12 days, as in recurrence.followup.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 365.25 / 12


def intervals() -> pd.DataFrame:
    from lifelines.datasets import load_stanford_heart_transplants

    return load_stanford_heart_transplants()


def per_patient() -> pd.DataFrame:
    """Columns id, months, died, transplant_months (NaN for none), in the order of `id`."""
    data = intervals()
    by_patient = data.sort_values(["id", "start"]).groupby("id")
    transplant = data[data["transplant"] == 1].groupby("id")["start"].min()
    patients = pd.DataFrame(
        {
            "months": by_patient["stop"].max() / DAYS_PER_MONTH,
            "died": by_patient["event"].last().astype(int),
        }
    )
    patients["transplant_months"] = transplant.reindex(patients.index) / DAYS_PER_MONTH
    return patients.reset_index()


def write_csv(path) -> str:
    """The per-patient table as the survival_report command reads it; blank: no transplant."""
    per_patient().to_csv(path, index=False, float_format="%.10g", na_rep="")
    return str(path)


def check() -> None:
    """The conversion keeps what the source says: 103 patients, 69 transplanted, 75 deaths."""
    patients = per_patient()
    assert len(patients) == 103
    assert int(patients["transplant_months"].notna().sum()) == 69
    assert int(patients["died"].sum()) == 75
    assert not (patients["transplant_months"] >= patients["months"]).any()
    assert np.isfinite(patients["months"]).all()
