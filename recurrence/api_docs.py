"""Serializers that describe the API for OpenAPI only. Input is validated by the
guideline contract (recurrence.guideline.parse_case), never by these classes."""

from __future__ import annotations

from rest_framework import serializers

from recurrence.guideline import schema
from recurrence.guideline.validation import SCALAR_FIELDS

_HELP = {
    "presentation": "relapse after treatment of a primary, or metastatic at first diagnosis",
    "recurrence_date": "date the recurrence (or the stage IV disease) was diagnosed",
    "tamoxifen_end_date": "null with prior_tamoxifen true means still taking it",
    "primary_in_situ": "default: true for de_novo_stage_iv, else false",
    "systemic_disease_controlled": "after systemic therapy, no residual distant disease on imaging",
    "resectable": "surgeon's judgement that the disease an operation would address can be "
    "removed completely: for an isolated local-regional recurrence, the recurrence; in metastatic "
    "disease, the metastases (not the primary); null = not yet judged",
    "prior_aromatase_inhibitor": "anastrozole, letrozole or exemestane before this recurrence",
    "aromatase_inhibitor_end_date": "null with prior_aromatase_inhibitor true means still taking it",
    "bulky_disease": "a large tumour burden at any site, as the board judges it; null = not assessed",
}


def _field(name, spec):
    common = {
        "required": name in ("presentation", "recurrence_date"),
        "help_text": _HELP.get(name, ""),
    }
    if spec.nullable:
        common["allow_null"] = True
    if spec.kind == "choice":
        return serializers.ChoiceField(choices=spec.choices, **common)
    if spec.kind == "date":
        return serializers.DateField(**common)
    if spec.kind == "bool":
        return serializers.BooleanField(**common)
    if spec.kind == "int":
        return serializers.IntegerField(min_value=spec.minimum, max_value=spec.maximum, **common)
    return serializers.FloatField(min_value=spec.minimum, max_value=spec.maximum, **common)


class SiteSerializer(serializers.Serializer):
    site = serializers.ChoiceField(choices=schema.SITES)
    lesions = serializers.IntegerField(min_value=1, allow_null=True, required=False)


class WorkupSerializer(serializers.Serializer):
    locals().update(
        {item: serializers.BooleanField(required=False) for item in schema.WORKUP_ITEMS}
    )


class ContractCase(serializers.Serializer):
    locals().update({name: _field(name, spec) for name, spec in SCALAR_FIELDS.items()})
    sites = SiteSerializer(many=True)
    symptomatic_sites = serializers.ListField(
        child=serializers.ChoiceField(choices=schema.SITES), required=False
    )
    workup = WorkupSerializer(required=False)


class CaseBody(ContractCase):
    case_number = serializers.CharField(max_length=40, help_text="the board's reference, unique")
    hospital_number = serializers.CharField(max_length=40, required=False, allow_blank=True)


class CaseUpdate(CaseBody):
    version = serializers.IntegerField(
        help_text="the version you last read; a stale one answers 409"
    )


class Archived(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class ArchiveIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="why the case is archived")
    version = serializers.IntegerField(
        min_value=1, help_text="the version you last read; a stale one answers 409"
    )


class CaseOut(CaseBody):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    category = serializers.CharField()
    subtype = serializers.CharField()
    synthetic = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    created_by = serializers.CharField(allow_null=True)
    updated_by = serializers.CharField(allow_null=True)
    archived = Archived(allow_null=True, help_text="null unless an administrator archived it")


class CasePage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CaseOut(many=True)


class Source(serializers.Serializer):
    id = serializers.CharField()
    section = serializers.CharField()
    passage = serializers.CharField(
        help_text="the passage of the document the rule rests on, word for word"
    )


class Recommendation(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=schema.KINDS)
    title = serializers.CharField()
    detail = serializers.CharField()
    rule = serializers.CharField()
    source = Source()
    because = serializers.ListField(child=serializers.CharField())


class Prognosis(serializers.Serializer):
    favourable = serializers.ListField(child=serializers.CharField(), help_text="present")
    absent = serializers.ListField(child=serializers.CharField(), help_text="assessed, not present")
    unknown = serializers.ListField(
        child=serializers.CharField(), help_text="cannot be assessed from the case"
    )


class Ruleset(serializers.Serializer):
    id = serializers.CharField()
    version = serializers.CharField()
    note = serializers.CharField(help_text="what the ruleset encodes, and what it is not")


class Result(serializers.Serializer):
    ruleset = Ruleset()
    category = serializers.CharField()
    intent = serializers.CharField()
    hr = serializers.CharField()
    her2 = serializers.CharField()
    subtype = serializers.CharField()
    oligometastatic = serializers.BooleanField()
    disease_free_interval_months = serializers.IntegerField(allow_null=True)
    recommendations = Recommendation(many=True)
    prognosis = Prognosis()


class Error(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class Errors(serializers.Serializer):
    errors = Error(many=True)


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()


class FollowUpIn(serializers.Serializer):
    version = serializers.IntegerField(help_text="the case version you last read")
    last_contact_date = serializers.DateField()
    vital_status = serializers.ChoiceField(choices=["alive", "dead"])
    death_date = serializers.DateField(allow_null=True, required=False)
    progression_date = serializers.DateField(allow_null=True, required=False)


class FollowUpOut(serializers.Serializer):
    """A case's follow-up; every field is null until one is recorded."""

    version = serializers.IntegerField(help_text="the case's version")
    last_contact_date = serializers.DateField(allow_null=True)
    vital_status = serializers.ChoiceField(choices=["alive", "dead"], allow_null=True)
    death_date = serializers.DateField(allow_null=True)
    progression_date = serializers.DateField(allow_null=True)


class TreatmentIn(serializers.Serializer):
    version = serializers.IntegerField(help_text="the case version you last read")
    kind = serializers.ChoiceField(
        choices=["systemic_line", "primary_surgery", "metastasectomy", "radiotherapy"]
    )
    line = serializers.IntegerField(
        required=False, allow_null=True, help_text="systemic lines only"
    )
    site = serializers.ChoiceField(choices=schema.SITES, required=False, allow_null=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


class TreatmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    site = serializers.CharField(allow_null=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    description = serializers.CharField()
    version = serializers.IntegerField(
        required=False, help_text="the case's version after the change (in the answer to POST)"
    )
