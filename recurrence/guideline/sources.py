"""The five source documents every rule and study cites, as the documents describe themselves.

Where a document does not state something (the liver series names no authors or journal
in the copy we hold), the entry says so rather than filling it in. `status` is each
document's own account of what it is and how far it has been reviewed, in its own words
where it has them; `origin` says how it was produced where the document says so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    kind: str
    publisher: str
    authors: str
    released: str
    revised: str
    citation: str
    funding: str
    used_for: str
    file: str
    status: str = ""
    origin: str = ""
    doi: str = ""
    url: str = ""

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


NOT_STATED = "not stated in the document"

SOURCES: dict[str, Source] = {
    s.id: s
    for s in (
        Source(
            id="guideline-recurrence-2025",
            title="Treatment of Breast Carcinoma Recurrence",
            kind="educational summary of guidelines, produced with a medical AI service, "
            "pending human review",
            publisher="Dr.Oracle Medical Advisory Board & Editors",
            authors="Dr.Oracle Medical Advisory Board & Editors; draws on Praxis Medical Insights, "
            "Management of Stage 4 (Metastatic) Breast Cancer (2025)",
            released="2025",
            revised="2025-11-05",
            citation="Dr.Oracle Medical Advisory Board & Editors. Treatment of Breast Carcinoma "
            "Recurrence. Guideline summary, last updated 5 November 2025.",
            funding=NOT_STATED,
            used_for="The treatment algorithm: initial assessment, isolated local-regional "
            "recurrence, metastatic disease by hormone receptor, menopausal and HER2 status, "
            "supportive care, response evaluation, prognostic factors and pitfalls.",
            file="003_da8690e586692381.txt",
            status='Its own page marks it "Educational purpose only" and "Exercise caution as '
            'content is pending human review". It lists the review stages "Submitted", "Under '
            'Review" and "Approved" without saying which it has reached. Its disclaimer says it '
            "is intended for healthcare professionals, does not replace professional discretion, "
            "should be considered supplementary to established clinical guidelines and is to be "
            'verified against primary literature. "Last updated: November 5, 2025". It cites two '
            "guideline digests of 2025 (Dr.Oracle Medical Advisory Board & Editors; Praxis Medical "
            "Insights).",
            origin='Produced with a medical AI service, Dr.Oracle (its page speaks of "Our '
            'Medical A.I."); by its own mark the content is pending human review.',
        ),
        Source(
            id="patient-guide-recurrence-2015",
            title="Treatment for Breast Cancer Recurrence",
            kind="patient guide",
            publisher=NOT_STATED,
            authors=NOT_STATED,
            released="2012-07-27",
            revised="2015-09-02",
            citation="Treatment for Breast Cancer Recurrence. Patient information article, first "
            "published 27 July 2012, last revised 2 September 2015.",
            funding=NOT_STATED,
            used_for="Local-regional recurrence after breast-conserving therapy (mastectomy, no "
            "further full radiation dose), chemotherapy before surgery and checking its response, "
            "risk-reducing mastectomy of the other breast, lapatinib for HER2-positive disease, "
            "symptom management in advanced disease.",
            file="004_563eeece29655282.txt",
            status="A patient information article written for patients, not for clinicians; "
            '"originally published on July 27,2012 and last revision and update of it was '
            '9/2/2015". It names no author, publisher or review process.',
        ),
        Source(
            id="pockaj-2010",
            title="Metastasectomy and Surgical Resection of the Primary Tumor in Patients With "
            "Stage IV Breast Cancer: Time for a Second Look?",
            kind="review",
            publisher="Annals of Surgical Oncology (Society of Surgical Oncology)",
            authors="Pockaj BA, Wasif N, Dueck AC, Wigle DA, Boughey JC, Degnim AC, Gray RJ, "
            "McLaughlin SA, Northfelt DW, Sticca RP, Jakub JW, Perez EA (Mayo Clinic; University "
            "of North Dakota)",
            released="2010",
            revised="",
            citation="Pockaj BA, Wasif N, Dueck AC, et al. Metastasectomy and surgical resection of "
            "the primary tumor in patients with stage IV breast cancer: time for a second look? "
            "Ann Surg Oncol. 2010;17(9):2419-26.",
            funding=NOT_STATED,
            used_for="Surgery for limited metastatic disease (metastasectomy by site) and resection "
            "of the primary tumour in stage IV disease; the works it cites by metastatic site.",
            file="000_1a5272c50c931862.txt",
            status="A review article published in Annals of Surgical Oncology, volume 17, issue 9, "
            "pages 2419-2426 (2010; \u00a9 Society of Surgical Oncology 2010). It summarises "
            "published studies and calls for a randomised trial.",
        ),
        Source(
            id="soomro-2021",
            title="Impact of Surgery in De Novo Metastatic Breast Cancer after Systemic Disease "
            "Control",
            kind="retrospective study",
            publisher="JAMMR (Journal of Advances in Medicine and Medical Research)",
            authors="Soomro R, Khokher AJ, Zahid N (Liaquat National Hospital and Medical College, "
            "Karachi, Pakistan)",
            released="2021-11-19",
            revised="",
            citation="Soomro R, Khokher AJ, Zahid N. Impact of surgery in de novo metastatic breast "
            "cancer after systemic disease control. JAMMR. 2021;33(22). "
            "doi:10.9734/JAMMR/2021/v33i2231167",
            funding="No outside funding; the authors declare no competing interests.",
            used_for="Surgery of the primary tumour in de novo stage IV disease after systemic "
            "disease control, with survival by luminal subtype.",
            file="001_8b2805cff0b96862.txt",
            status='An "Original Research Article", in its own words "a retrospective data '
            'analysis"; '
            "received 7 September 2021, accepted 15 November 2021, published 19 November 2021; "
            "the article names its editor and three reviewers and links its peer review history.",
            doi="10.9734/JAMMR/2021/v33i2231167",
        ),
        Source(
            id="severance-liver",
            title="Liver resection for breast cancer liver metastases: single-centre series, "
            "Gangnam Severance Hospital (1991-2006)",
            kind="retrospective single-centre series",
            publisher=NOT_STATED,
            authors=NOT_STATED + " (Gangnam Severance Hospital, Yonsei University College of "
            "Medicine, Seoul, Korea)",
            released=NOT_STATED + "; patients treated 1991-2006, followed until 2011-12-30",
            revised="",
            citation="Liver resection in breast cancer patients with liver metastases: 13 patients "
            "resected at Gangnam Severance Hospital, Yonsei University College of Medicine, Seoul, "
            "1991-2006.",
            funding=NOT_STATED,
            used_for="Liver resection for a solitary liver metastasis in a patient in good general "
            "condition; survival with and without extrahepatic disease; the 13 patients' details.",
            file="002_201ae56bf7ee9433.txt",
            status="A retrospective single-centre series of 13 resected patients, with no "
            'comparison group; in its own words "a retrospective study with a limited number of '
            'cases" whose outcome "may have been overestimated". The copy held names no journal, '
            "authors or date of publication.",
        ),
    )
}
