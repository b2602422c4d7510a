"""The evidence API under /api/v1/: the library's studies and a stored case's evidence.

Reads go through evidence.library (the same checked loader as the pages and the matching).
Numbers of the sources (values, intervals, survival months) are sent as text exactly as the
source writes them, so "1.70" stays "1.70".
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence import presentation
from evidence.forms import SITE_CHOICES
from evidence.library import case_evidence, library_from_db
from evidence.matching import CAVEAT_CODES, DESIGN_LABELS, INTERVENTION_LABELS
from recurrence.api import AnyRole, visible_cases
from recurrence.api_docs import Errors
from recurrence.models import Case

# --- what the responses look like (for OpenAPI only) -------------------------------------


class _Arm(serializers.Serializer):
    name = serializers.CharField()
    n = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()


class _Population(serializers.Serializer):
    presentation = serializers.ListField(child=serializers.CharField(), allow_null=True)
    sites = serializers.ListField(child=serializers.CharField())
    requires_disease_control = serializers.BooleanField()
    disease_control = serializers.CharField(allow_null=True)
    treatment_naive = serializers.BooleanField()
    primary_in_situ = serializers.BooleanField(allow_null=True)
    max_metastases = serializers.IntegerField(allow_null=True)
    age_max = serializers.IntegerField(allow_null=True)
    breast_cancer_only = serializers.BooleanField()
    good_general_condition = serializers.BooleanField()
    other = serializers.CharField()


class StudyOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    title_is_descriptive = serializers.BooleanField()
    citation = serializers.CharField()
    doi = serializers.CharField(allow_null=True)
    design = serializers.ChoiceField(choices=list(DESIGN_LABELS))
    design_detail = serializers.CharField()
    randomised = serializers.BooleanField()
    n_total = serializers.IntegerField(allow_null=True)
    n_approximate = serializers.BooleanField()
    arms = _Arm(many=True)
    population = _Population()
    interventions = serializers.ListField(child=serializers.ChoiceField(list(INTERVENTION_LABELS)))
    source = serializers.CharField(help_text="the document the entry was read from")
    related = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField()
    figure_count = serializers.IntegerField()


class _Subgroup(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.CharField()
    label = serializers.CharField()


class FigureOut(serializers.Serializer):
    id = serializers.CharField()
    study = serializers.CharField()
    source = serializers.CharField()
    location = serializers.CharField(help_text="where in the source")
    endpoint = serializers.CharField()
    measure = serializers.CharField()
    time_months = serializers.IntegerField(allow_null=True)
    arm = serializers.CharField(allow_null=True)
    comparison = serializers.CharField(allow_null=True)
    subgroup = _Subgroup(allow_null=True)
    n = serializers.IntegerField(allow_null=True)
    value = serializers.CharField(help_text="the number exactly as the source writes it")
    unit = serializers.CharField()
    ci_low = serializers.CharField(allow_null=True)
    ci_high = serializers.CharField(allow_null=True)
    ci_level = serializers.IntegerField(allow_null=True)
    p_value = serializers.CharField(allow_null=True, help_text="as reported, e.g. <0.001")
    highlight = serializers.CharField()
    inconsistent = serializers.BooleanField(help_text="the source reports it in conflicting ways")
    note = serializers.CharField(allow_null=True)
    quote = serializers.CharField()
    p_quote = serializers.CharField(allow_null=True)


class ReferenceOut(serializers.Serializer):
    cited_by = serializers.CharField()
    number = serializers.IntegerField()
    citation = serializers.CharField()
    first_author = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    tag = serializers.CharField()
    tag_basis = serializers.CharField()
    study = serializers.CharField(allow_null=True, help_text="the library's key, if it has it")
    note = serializers.CharField(allow_null=True)


class LiverPatientOut(serializers.Serializer):
    id = serializers.CharField()
    table = serializers.CharField()
    case = serializers.IntegerField()
    group = serializers.CharField()
    sex = serializers.CharField()
    age = serializers.IntegerField()
    pathology = serializers.CharField()
    grade_as_written = serializers.CharField()
    grade = serializers.CharField()
    tnm = serializers.CharField()
    receptors_as_written = serializers.CharField()
    er = serializers.CharField()
    pr = serializers.CharField()
    her2 = serializers.CharField()
    extrahepatic_site_as_written = serializers.CharField(allow_null=True)
    extrahepatic_site = serializers.CharField(allow_null=True)
    liver_segments = serializers.ListField(child=serializers.IntegerField())
    resection_as_written = serializers.CharField()
    resection = serializers.CharField()
    rfa = serializers.BooleanField()
    postoperative_chemotherapy = serializers.BooleanField()
    survival_months = serializers.CharField(help_text="as the table writes it")


class StudyDetailOut(StudyOut):
    figures = FigureOut(many=True)
    references = ReferenceOut(many=True, help_text="the works a review cites (pockaj-2010)")
    liver_patients = LiverPatientOut(many=True, help_text="the patients of a series' tables")
    liver_notes = serializers.ListField(child=serializers.CharField())


class _Highlight(serializers.Serializer):
    figure = serializers.CharField(
        allow_null=True, help_text="the figure's id; null on a comparison of two figures"
    )
    figures = serializers.ListField(
        child=serializers.CharField(), help_text="[figure], or the two figures compared"
    )
    label = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField())
    this_patient_group = serializers.BooleanField()
    possibly_this_patient_group = serializers.BooleanField()
    inconsistent = serializers.BooleanField(help_text="the source reports it inconsistently")
    note = serializers.CharField(allow_null=True)


class _Condition(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class _Caveat(serializers.Serializer):
    code = serializers.ChoiceField(choices=list(CAVEAT_CODES))
    text = serializers.CharField()
    conditions = _Condition(
        many=True, required=False, help_text="not_candidate: the rule's unmet conditions"
    )
    figures = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="reported_inconsistently"
    )
    studies = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="same_trial: the other reports"
    )


class _Cited(serializers.Serializer):
    intervention = serializers.CharField()
    label = serializers.CharField()
    works = serializers.ListField(child=serializers.CharField())


class MatchOut(serializers.Serializer):
    study = serializers.CharField()
    title = serializers.CharField()
    design = serializers.CharField()
    n = serializers.IntegerField(allow_null=True)
    randomised = serializers.BooleanField(
        help_text="a randomised trial or a pooled analysis of randomised trials only"
    )
    fit = serializers.IntegerField(
        min_value=0,
        max_value=100,
        help_text="how closely the patient fits the study's population (not evidence strength)",
    )
    candidate = serializers.BooleanField(
        help_text="the guideline rule offering the study's intervention fired for the patient"
    )
    rules = serializers.ListField(child=serializers.CharField(), help_text="the deciding rules")
    interventions = serializers.ListField(child=serializers.CharField())
    matched_on = serializers.ListField(child=serializers.CharField())
    caveats = _Caveat(many=True)
    highlights = _Highlight(many=True)
    cited = _Cited(many=True)
    beside = serializers.ListField(
        child=serializers.CharField(), help_text="the item shown side by side with this one"
    )
    trial = serializers.CharField(allow_null=True)


# --- views -------------------------------------------------------------------------------


class StudyList(APIView):
    """The library's studies; each filter keeps the studies that have that value. A value
    the library does not know matches nothing."""

    permission_classes = [AnyRole]

    @extend_schema(
        parameters=[
            OpenApiParameter("intervention", str, enum=list(INTERVENTION_LABELS)),
            OpenApiParameter(
                "site",
                str,
                enum=[code for code, _ in SITE_CHOICES],
                description="a site the study's population names or its surgery operates on",
            ),
            OpenApiParameter("design", str, enum=list(DESIGN_LABELS)),
        ],
        responses={200: StudyOut(many=True)},
        operation_id="studies_list",
    )
    def get(self, request):
        library = library_from_db()
        chosen = {
            name: request.query_params.get(name, "").strip()
            for name in ("intervention", "site", "design")
        }
        studies = presentation.filter_studies(library, **chosen)
        return Response([presentation.study_data(s, library) for s in studies])


class StudyDetail(APIView):
    permission_classes = [AnyRole]

    @extend_schema(responses={200: StudyDetailOut, 404: Errors}, operation_id="studies_retrieve")
    def get(self, request, key: str):
        library = library_from_db()
        study = library.studies.get(key)
        if study is None:
            raise Http404("No study with this key.")
        return Response(presentation.study_detail_data(study, library))


class CaseEvidence(APIView):
    """The studies that fit the stored case in the panel's order (candidates first, randomised
    evidence first), with why, caveats and the figures for the patient."""

    permission_classes = [AnyRole]

    @extend_schema(responses={200: MatchOut(many=True), 404: Errors})
    def get(self, request, pk: int):
        cases = visible_cases(request.user, Case.objects.prefetch_related("sites"))
        case = get_object_or_404(cases, pk=pk)
        return Response([m.as_dict() for m in case_evidence(case)])
