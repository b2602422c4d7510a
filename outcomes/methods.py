"""The sources of the Outcomes page's methods text: the landmark method and the Stanford
heart transplant example, as ../shared/evidence/literature-facts.md cites them (its
"Methods: comparing a treatment given after time zero" table). The figures are the facts
file's; tests hold them to it and to evidence.survival on the data lifelines ships."""

from __future__ import annotations

FACTS_FILE = "evidence/literature-facts.md"

METHOD_SOURCES = {
    "anderson-1983": (
        "Anderson JR, Cain KC, Gelber RD. Analysis of survival by tumor response. "
        "J Clin Oncol 1983;1(11):710-9"
    ),
    "crowley-1977": (
        "Crowley J, Hu M. Covariance analysis of heart transplant survival data. "
        "J Am Stat Assoc 1977;72(357):27-36"
    ),
}

# The Stanford heart transplant data (crowley-1977): 103 patients, 69 transplanted.
STANFORD = {
    "patients": 103,
    "transplanted": 69,
    "naive_hr": "0.27",
    "naive_p": "p < 1e-7",
    "time_dependent_hr": "1.14",
    "time_dependent_ci": ("0.63", "2.05"),
}
