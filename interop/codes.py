"""Code tables between FHIR R4 (mCODE) and the guideline contract's case fields.

Every table says where its codes come from. "Verified" means read in the primary source
(the mCODE STU4 IG sources, the HL7 ICHOM Breast Cancer IG, the official mCODE value set
expansions, LOINC answer lists); "third party" means taken from public implementations,
listed here so that a reviewer can check them. The research notes behind them are in
the project's interoperability notes (fhir-and-cds-hooks.md, sections 2.2-2.6).

Import keys on these tables only; a code that is in none of them is reported as
`unsupported_code`, never guessed.
"""

from __future__ import annotations

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
DATA_ABSENT_REASON_CS = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
NON_ADHERENCE_REASON = "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"
UCUM = "http://unitsofmeasure.org"

# MBC Board's own identifiers. URNs, so that no deployment depends on a domain name; each
# names one vocabulary or extension defined by this project (documented in the README).
MBC_SITE_SYSTEM = "urn:mbc-board:site"
MBC_RECOMMENDATION_SYSTEM = "urn:mbc-board:recommendation"
MBC_DECISION_OUTCOME_SYSTEM = "urn:mbc-board:decision-outcome"
MBC_CASE_NUMBER_SYSTEM = "urn:mbc-board:case-number"
MBC_LESION_COUNT_URL = "urn:mbc-board:extension:lesion-count"
MBC_RULESET_URN = "urn:mbc-board:ruleset"

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
PROFILE_PATIENT = MCODE + "mcode-cancer-patient"
PROFILE_PRIMARY = MCODE + "mcode-primary-cancer-condition"
PROFILE_SECONDARY = MCODE + "mcode-secondary-cancer-condition"
PROFILE_TUMOR_MARKER = MCODE + "mcode-tumor-marker-test"
PROFILE_ECOG = MCODE + "mcode-ecog-performance-status"
PROFILE_SURGERY = MCODE + "mcode-cancer-related-surgical-procedure"
EXT_RELATED_PRIMARY = MCODE + "mcode-related-primary-cancer-condition"
EXT_CONDITION_RELATED = "http://hl7.org/fhir/StructureDefinition/condition-related"

# --- Receptors and tumour markers (LOINC) --------------------------------------------------
# Verified: mCODE STU4 input/fsh/VS_Genomics.fsh (TumorMarkerTestVS) and the Jenny M example;
# 18474-7 in the HL7 Breast Cancer draft IG; 40556-3/40557-1 in the CodeX test bundles.
ER_CODES = frozenset({"85337-4", "16112-5", "40556-3"})
PR_CODES = frozenset({"85339-0", "16113-3", "40557-1"})
HER2_IHC_CODES = frozenset({"85319-2", "18474-7"})
HER2_INTERPRETATION_CODES = frozenset({"48676-1"})  # gives no IHC score
HER2_ISH_CODES = frozenset({"85318-4"})
HER2_ISH_RELATED_CODES = frozenset({"49683-6", "74860-8"})  # ratio, copy number: notes only
ER_PERCENT_CODES = frozenset({"85329-1"})
PR_PERCENT_CODES = frozenset({"85325-9"})
KI67_CODES = frozenset({"85330-9"})  # third party: not in the mCODE value set
# SNOMED-coded receptor observations (verified: HL7 ICHOM Breast Cancer IG, Terminology.fsh).
ER_SNOMED_CODES = frozenset({"445028008"})
PR_SNOMED_CODES = frozenset({"445029000"})

# Qualitative answers. Verified: LOINC LA6576-8/LA6577-6 in mCODE (Jenny M); SNOMED
# 10828004/260385009 in the CodeX bundles; the ICHOM IG's EstrogenStatusVS,
# ProgesteroneStatusVS and HER2 status codes.
POSITIVE_ANSWERS = frozenset(
    {
        (LOINC, "LA6576-8"),
        (SNOMED, "10828004"),
        (SNOMED, "416053008"),  # ICHOM: Estrogen receptor positive tumor
        (SNOMED, "416561008"),  # ICHOM: Progesterone receptor positive tumor
        (SNOMED, "427685000"),  # ICHOM: HER2 positive
    }
)
NEGATIVE_ANSWERS = frozenset(
    {
        (LOINC, "LA6577-6"),
        (SNOMED, "260385009"),
        (SNOMED, "373572006"),  # ICHOM EstrogenStatusVS: clinical finding absent
        (SNOMED, "441118006"),  # ICHOM: Progesterone receptor negative neoplasm
        (SNOMED, "431396003"),  # ICHOM: HER2 negative
    }
)
EQUIVOCAL_ANSWERS = frozenset({(SNOMED, "280414007")})  # ICHOM: HER2 equivocal
NOT_DONE_ANSWERS = frozenset({(SNOMED, "416237000")})  # ICHOM: procedure not done

# HER2 IHC score answers, LOINC answer list LL4396-9. Verified: HL7 Breast Cancer Data IG
# draft, ValueSet oncology-HER2byIHCScoreVS.
HER2_IHC_ANSWERS = {
    "LA6111-4": "0",
    "LA11841-6": "1+",
    "LA11842-4": "2+",
    "LA11843-2": "3+",
}
HER2_IHC_INDETERMINATE = "LA11884-6"
HER2_IHC_ANSWER_DISPLAY = {"0": "0", "1+": "1+", "2+": "2+", "3+": "3+"}

# --- ECOG (verified: mCODE STU4 SD_PerformanceStatus.fsh fixes 89247-1; answer list
# LL529-9 as used by the CodeX trial-matching app and the MII oncology module). -----------
ECOG_CODE = "89247-1"
ECOG_ANSWERS = {
    "LA9622-7": 0,
    "LA9623-5": 1,
    "LA9624-3": 2,
    "LA9625-0": 3,
    "LA9626-8": 4,
    "LA9627-6": 5,  # dead: not a contract value
}
ECOG_ANSWER_DISPLAY = {
    0: "Fully active, able to carry on all pre-disease performance without restriction",
    1: "Restricted in physically strenuous activity but ambulatory and able to carry out work "
    "of a light or sedentary nature, e.g., light house work, office work",
    2: "Ambulatory and capable of all selfcare but unable to carry out any work activities. "
    "Up and about more than 50% of waking hours",
    3: "Capable of only limited selfcare, confined to bed or chair more than 50% of waking hours",
    4: "Completely disabled. Cannot carry on any selfcare. Totally confined to bed or chair",
}
ECOG_ANSWER_CODE = {score: code for code, score in ECOG_ANSWERS.items() if score <= 4}

# --- Menopausal status (verified: HL7 ICHOM Breast Cancer IG, BodyMeasures.fsh and
# MenopausalStatusVS; mCODE has none). ----------------------------------------------------
MENOPAUSE_CODE = "161712005"
MENOPAUSE_ANSWERS = {"309606002": "premenopausal", "307429007": "postmenopausal"}
MENOPAUSE_DISPLAY = {
    "premenopausal": ("309606002", "Before menopause"),
    "postmenopausal": ("307429007", "After menopause"),
}

# --- Stage: LOINC 21908-9 "Stage group.clinical Cancer" with AJCC group IV, as in the CodeX
# test bundles (system http://cancerstaging.org). ----------------------------------------------
CLINICAL_STAGE_GROUP_CODES = frozenset({"21908-9"})
AJCC = "http://cancerstaging.org"
STAGE_IV_VALUES = frozenset({"4", "IV", "4A", "4B", "IVA", "IVB"})

# --- Conditions -------------------------------------------------------------------------------
# Primary breast cancer disorders (verified: mCODE; Jenny M; CodeX test patients).
PRIMARY_BREAST_CODES = frozenset({"254837009", "372137005", "353431000119107", "408643008"})
PRIMARY_BREAST_EXPORT = ("254837009", "Malignant neoplasm of breast")
PRIMARY_CATEGORY = "372087000"  # mCODE query guidance: primary malignant neoplasm
SECONDARY_CATEGORY = "128462008"  # secondary malignant neoplastic disease

# SNOMED secondary-cancer disorder -> SITE. Verified: the official mCODE value set expansion
# mcode-secondary-cancer-disorder-vs 1.18.1 (vendored in mcode/mcode-extraction-framework).
# None = a secondary cancer whose site the contract cannot place without the coordinator.
SECONDARY_DISORDER_SITES: dict[str, str | None] = {
    "94222008": "bone",
    "94602001": "bone",  # vertebral column
    "94217008": "bone",  # bone marrow
    "94381002": "liver",
    "94391008": "lung",
    "94225005": "brain",
    "94493005": "pleura",
    "94161006": "adrenal",
    "94455000": "ovary",
    "188445006": "peritoneum",  # retroperitoneum and peritoneum
    "836274002": "peritoneum",  # carcinomatosis
    "94579000": "skin_distant",
    "94253005": "chest_wall",
    "94181007": "axillary_nodes",
    "94614009": "supraclavicular_nodes",
    "94338000": "infraclavicular_nodes",
    "94408005": "distant_nodes",  # mediastinal nodes
    "94392001": None,  # lymph node, region not stated
    "94297009": None,  # female breast: same side or opposite?
    "128462008": None,  # generic
}

# SNOMED body structure -> SITE. Verified: mCODE TG263 ConceptMap (CM_TG263.fsh) and the
# examples; pleura and infraclavicular nodes are third party (two maps; a German MII map).
BODY_SITE_SITES: dict[str, str | None] = {
    "10200004": "liver",
    "39607008": "lung",
    "12738006": "brain",
    "119186007": "bone",
    "14016003": "bone",  # bone marrow
    "23451007": "adrenal",
    "15497006": "ovary",
    "118762006": "peritoneum",
    "39937001": "skin_distant",
    "78904004": "chest_wall",
    "68171009": "axillary_nodes",
    "76838003": "supraclavicular_nodes",
    "245282001": "internal_mammary_nodes",
    "9659009": "infraclavicular_nodes",
    "3120008": "pleura",
    "62683002": "distant_nodes",  # mediastinal
    "59441001": None,  # lymph node, region not stated
    "76752008": None,  # breast, side not stated
    "80248007": None,  # left breast
    "73056007": None,  # right breast
}

# ICD-10-CM secondary cancer codes (prefix) -> SITE. Verified: mCODE VS_CancerCondition.fsh.
ICD10_SECONDARY_SITES: tuple[tuple[str, str | None], ...] = (
    ("C78.0", "lung"),
    ("C78.2", "pleura"),
    ("C78.6", "peritoneum"),
    ("C78.7", "liver"),
    ("C79.31", "brain"),
    ("C79.51", "bone"),
    ("C79.52", "bone"),
    ("C79.6", "ovary"),
    ("C79.7", "adrenal"),
    ("C79.2", "skin_distant"),
    ("C77.3", "axillary_nodes"),
    ("C77.1", "distant_nodes"),  # intrathoracic nodes
    ("C79.81", None),  # breast
    ("C77.8", None),  # nodes of multiple regions
    ("C77", None),
    ("C78", None),
    ("C79", None),
)

# SITE -> (SNOMED disorder, display), (SNOMED body structure, display) for export; the same
# verified tables read the other way. The MBC site coding beside them keeps the contract's
# site exact (e.g. same-side breast against opposite breast).
SITE_EXPORT: dict[str, tuple[tuple[str, str], tuple[str, str] | None]] = {
    "breast": (
        ("94297009", "Secondary malignant neoplasm of female breast"),
        ("76752008", "Breast structure"),
    ),
    "contralateral_breast": (
        ("94297009", "Secondary malignant neoplasm of female breast"),
        ("76752008", "Breast structure"),
    ),
    "chest_wall": (
        ("94253005", "Secondary malignant neoplasm of chest wall"),
        ("78904004", "Chest wall structure"),
    ),
    "axillary_nodes": (
        ("94181007", "Secondary malignant neoplasm of axillary lymph nodes"),
        ("68171009", "Axillary lymph node structure"),
    ),
    "infraclavicular_nodes": (
        ("94338000", "Secondary malignant neoplasm of infraclavicular lymph nodes"),
        ("9659009", "Structure of infraclavicular lymph node"),
    ),
    "supraclavicular_nodes": (
        ("94614009", "Secondary malignant neoplasm of supraclavicular lymph nodes"),
        ("76838003", "Structure of supraclavicular lymph node"),
    ),
    "internal_mammary_nodes": (
        ("94392001", "Secondary malignant neoplasm of lymph node"),
        ("245282001", "Internal mammary lymph node group"),
    ),
    "bone": (("94222008", "Secondary malignant neoplasm of bone"), ("119186007", "Bone part")),
    "lung": (("94391008", "Secondary malignant neoplasm of lung"), ("39607008", "Lung structure")),
    "pleura": (
        ("94493005", "Secondary malignant neoplasm of pleura"),
        ("3120008", "Pleural structure"),
    ),
    "liver": (
        ("94381002", "Secondary malignant neoplasm of liver"),
        ("10200004", "Liver structure"),
    ),
    "brain": (
        ("94225005", "Secondary malignant neoplasm of brain"),
        ("12738006", "Brain structure"),
    ),
    "distant_nodes": (
        ("94392001", "Secondary malignant neoplasm of lymph node"),
        ("59441001", "Structure of lymph node"),
    ),
    "adrenal": (
        ("94161006", "Secondary malignant neoplasm of adrenal gland"),
        ("23451007", "Adrenal structure"),
    ),
    "ovary": (
        ("94455000", "Secondary malignant neoplasm of ovary"),
        ("15497006", "Ovarian structure"),
    ),
    "peritoneum": (
        ("836274002", "Peritoneal carcinomatosis"),
        ("118762006", "Peritoneal sac structure"),
    ),
    "skin_distant": (
        ("94579000", "Secondary malignant neoplasm of skin"),
        ("39937001", "Skin structure"),
    ),
    "other_distant": (("128462008", "Secondary malignant neoplastic disease"), None),
}

# --- Prior treatment --------------------------------------------------------------------------
# Breast surgery. Breast-conserving: verified (Jenny M: 64368001; CodeX Patient02: 392021009).
# Mastectomy: third party (a published SNOMED value set list and a German MII ConceptMap).
BREAST_CONSERVING_CODES = frozenset({"64368001", "392021009"})
MASTECTOMY_CODES = frozenset({"172043006", "27865001", "22418005", "17086001"})
BREAST_SURGERY_EXPORT = {
    "breast_conserving": ("392021009", "Lumpectomy of breast"),
    "mastectomy": ("172043006", "Simple mastectomy"),
}
# Radiotherapy. Verified: 1217123003 (mCODE RadiotherapyCourseSummary example); 53438000 and
# 445232009 (CodeX Patient02). Breast or chest wall body sites as in BODY_SITE_SITES.
RADIOTHERAPY_CODES = frozenset({"1217123003", "53438000", "445232009"})
RADIOTHERAPY_PROFILES = frozenset(
    {
        MCODE + "mcode-radiotherapy-course-summary",
        MCODE + "mcode-cancer-related-radiation-procedure",
    }
)
BREAST_OR_CHEST_WALL_SITES = frozenset({"76752008", "80248007", "73056007", "78904004"})
RADIOTHERAPY_EXPORT = ("53438000", "Radiation therapy procedure or service")

# Endocrine drugs. RxNorm ingredients: anastrozole 84857 verified (Jenny M); tamoxifen 10324,
# letrozole 72965, exemestane 258494 third party. RxNorm product codes verified in the
# CodeX bundles. ATC (WHO): L02BA01 tamoxifen, L02BG aromatase inhibitors.
TAMOXIFEN_RXNORM = frozenset({"10324", "1164214"})
AROMATASE_INHIBITOR_RXNORM = frozenset(
    {"84857", "1157702", "72965", "1163195", "258494", "1163788"}
)
TAMOXIFEN_NAMES = ("tamoxifen",)
AROMATASE_INHIBITOR_NAMES = ("anastrozole", "letrozole", "exemestane")
TAMOXIFEN_EXPORT = [(RXNORM, "10324", "tamoxifen"), (ATC, "L02BA01", "tamoxifen")]
AROMATASE_INHIBITOR_EXPORT = [(ATC, "L02BG", "Aromatase inhibitors")]

# --- CDS Hooks override reasons: HL7 non-adherence-reason-codes (CDS Hooks 3.0 ballot
# vocabulary, input/vocabulary/CodeSystem-non-adherence-reason-codes.json), displays verbatim.
OVERRIDE_REASONS = (
    ("patient-ineligible", "Patient does not meet eligibility for recommended action"),
    (
        "need-more-info",
        "Could not address recommended action due to need for more "
        "information/pending results/pending consult",
    ),
    (
        "does-not-align-latest-evidence",
        "Recommended action does not align with the latest evidence",
    ),
    ("expert-contradicts", "Advice from expert contradicts the recommended action"),
    ("policy-contradicts", "Institutional policy/guideline contradicts the recommended action"),
    ("patient-contraindication", "Patient has contraindication to recommended action"),
    ("prefers-alternative", "Patient prefers an alternative approach or treatment"),
    (
        "comorbidity-disability",
        "Patient has co-morbidity or disability that hinders them from "
        "completing recommended action",
    ),
)
