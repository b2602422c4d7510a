"""Contract section 3: every rule's source passage is word for word from its document
(whitespace and line breaks aside, without the document's reference numbers), at least
one whole sentence or list item, and from the section the rule cites.

Needs the source documents (MBC_SHARED_DIR); skips without them, fails under
MBC_REQUIRE_SHARED=1.
"""

from __future__ import annotations

import re

import pytest

from recurrence.guideline import PROGNOSTIC_SOURCE, RULES, SOURCES
from tests.shared_docs import require_shared_dir

# Reference numbers the documents put after a sentence or list item ("... survival. 1, 2").
_REFERENCE = re.compile(r"(?<=[.:;)])\s+\d+(?:\s*,\s*\d+)*(?=\s|$)")


def normalise(text: str) -> str:
    text = text.replace("\u2022", " ")
    text = _REFERENCE.sub(" ", text)
    return " ".join(text.split())


def document(source_id: str) -> str:
    raw = (require_shared_dir() / "seeds" / SOURCES[source_id].file).read_text(encoding="utf-8")
    joined = re.sub(r"(\w)-\n\s*(\w)", r"\1\2", raw)  # words hyphenated across a line break
    return normalise(raw) + "\n" + normalise(joined)


# The heading in the document under which each cited section starts, and the heading that
# ends it (None: the end of the document's body).
SECTION_SPANS = {
    "Initial Assessment and Workup": ("Initial Assessment and Workup", "Treatment Algorithm"),
    "Treatment Algorithm Based on Recurrence Type: Isolated Local-Regional Recurrence": (
        "Isolated Local-Regional Recurrence (Potentially Curable)",
        "Systemic/Metastatic Disease (Palliative)",
    ),
    "Treatment Algorithm Based on Recurrence Type: Systemic/Metastatic Disease": (
        "Systemic/Metastatic Disease (Palliative)",
        "For Hormone Receptor-Positive Disease",
    ),
    "Treatment of Breast Carcinoma Recurrence": (
        "Treatment of Breast Carcinoma Recurrence",
        "Initial Assessment and Workup",
    ),
    "Systemic/Metastatic Disease: For Hormone Receptor-Positive Disease": (
        "For Hormone Receptor-Positive Disease",
        "For Hormone Receptor-Negative or Endocrine-Resistant Disease",
    ),
    "For Hormone Receptor-Positive Disease: Premenopausal patients": (
        "Premenopausal patients:",
        "Postmenopausal patients:",
    ),
    "For Hormone Receptor-Positive Disease: Postmenopausal patients": (
        "Postmenopausal patients:",
        "Important caveat",
    ),
    "For Hormone Receptor-Negative or Endocrine-Resistant Disease": (
        "For Hormone Receptor-Negative or Endocrine-Resistant Disease",
        "For HER2-Positive Disease",
    ),
    "For HER2-Positive Disease": ("For HER2-Positive Disease", "Supportive Care Measures"),
    "Supportive Care Measures": ("Supportive Care Measures", "Response Evaluation and Monitoring"),
    "Response Evaluation and Monitoring": (
        "Response Evaluation and Monitoring",
        "Prognostic Factors",
    ),
    "Prognostic Factors": ("Prognostic Factors", "Critical Pitfalls to Avoid"),
    "Critical Pitfalls to Avoid": ("Critical Pitfalls to Avoid", "References"),
    "Treatment for Breast Cancer Recurrence": (
        "Treatment for Breast Cancer Recurrence",
        "Treatment Options for Recurrence",
    ),
    "Treatment Options for Recurrence": ("Treatment Options for Recurrence", "Byrski"),
    "5. Conclusion": ("5. CONCLUSION", "REFERENCES"),
    "Discussion (closing paragraph)": ("DISCUSSION", None),
}


def section_text(source_id: str, section: str) -> str:
    text = document(source_id).split("\n")[0]
    start, end = SECTION_SPANS[section]
    begin = text.index(start)
    if end is None:
        return text[begin:]
    return text[begin : text.index(end, begin + len(start))]


CITED = [(r.id, r.source, r.section, r.passage) for r in RULES] + [
    (
        "prognosis",
        PROGNOSTIC_SOURCE["id"],
        PROGNOSTIC_SOURCE["section"],
        PROGNOSTIC_SOURCE["passage"],
    )
]


@pytest.mark.parametrize(
    ("rule_id", "source", "section", "passage"), CITED, ids=[c[0] for c in CITED]
)
def test_each_passage_is_word_for_word_from_its_document(rule_id, source, section, passage):
    assert normalise(passage) in document(source), rule_id


@pytest.mark.parametrize(
    ("rule_id", "source", "section", "passage"), CITED, ids=[c[0] for c in CITED]
)
def test_each_passage_comes_from_the_section_the_rule_cites(rule_id, source, section, passage):
    assert section in SECTION_SPANS, f"{rule_id}: no span known for section {section!r}"
    assert normalise(passage) in section_text(source, section), rule_id


@pytest.mark.parametrize(
    ("rule_id", "source", "section", "passage"), CITED, ids=[c[0] for c in CITED]
)
def test_each_passage_is_at_least_one_whole_sentence_or_list_item(
    rule_id, source, section, passage
):
    text = normalise(passage)
    assert len(text) >= 25 and text[0].isupper(), rule_id
    raw = (require_shared_dir() / "seeds" / SOURCES[source].file).read_text(encoding="utf-8")
    lines = [normalise(line).lstrip("*# ") for line in raw.splitlines()]
    lines = [re.sub(r"\s+\d+(?:\s*,\s*\d+)*$", "", line) for line in lines]  # trailing references
    body = document(source).split("\n")[0]
    at = body.index(text)
    before = body[:at].rstrip()
    after = body[at + len(text) :].lstrip()
    # it starts where a sentence or a line (list item, paragraph) starts ...
    starts = (
        before == "" or before[-1] in ".:;!?*" or any(line.startswith(text[:30]) for line in lines)
    )
    # ... and ends where a sentence or a line ends
    ends = (
        text[-1] in ".;!?"
        or after == ""
        or any(
            line.endswith(text[-30:]) or (len(line) > 8 and text.endswith(line)) for line in lines
        )
    )
    assert starts, f"{rule_id}: the passage starts inside a sentence"
    assert ends, f"{rule_id}: the passage ends inside a sentence"


def test_the_audit_rejects_a_paraphrase():
    assert normalise(
        "Start endocrine therapy first unless there is a visceral crisis."
    ) not in document("guideline-recurrence-2025")


def test_the_audit_rejects_half_a_sentence():
    text = normalise(
        "endocrine therapy as first-line treatment unless there is rapidly progressive"
    )
    body = document("guideline-recurrence-2025").split("\n")[0]
    before = body[: body.index(text)].rstrip()
    assert before[-1] not in ".:;!?*"
