"""GET /api/v1/outcomes/summary/: the survival statistics of the Outcomes page as JSON."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from outcomes import labels
from outcomes.forms import OutcomesForm
from outcomes.reports import outcomes_analysis
from recurrence.api import AnyRole
from recurrence.api_docs import Errors
from recurrence.models import PRESENTATION_CHOICES, SUBTYPE_CHOICES


class OutcomesTimePoint(serializers.Serializer):
    survival = serializers.FloatField(
        allow_null=True, help_text="null beyond the group's longest follow-up"
    )
    ci = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="95% confidence interval"
    )
    at_risk = serializers.IntegerField()


class OutcomesGroup(serializers.Serializer):
    label = serializers.CharField()
    n = serializers.IntegerField()
    events = serializers.IntegerField()
    median = serializers.FloatField(allow_null=True, help_text="months; null if not reached")
    median_ci = serializers.ListField(child=serializers.FloatField(allow_null=True))
    at = serializers.DictField(
        child=OutcomesTimePoint(), help_text="survival at 12, 24, 36 and 60 months, keyed by month"
    )
    message = serializers.CharField(
        allow_null=True, help_text="why the group has no estimate (too few patients)"
    )


class OutcomesCoxTerm(serializers.Serializer):
    name = serializers.CharField()
    covariate = serializers.CharField()
    level = serializers.CharField(allow_null=True)
    reference = serializers.CharField(allow_null=True)
    hazard_ratio = serializers.FloatField()
    ci = serializers.ListField(child=serializers.FloatField())
    p = serializers.FloatField()


class OutcomesCox(serializers.Serializer):
    n = serializers.IntegerField()
    events = serializers.IntegerField()
    covariates = serializers.ListField(child=serializers.CharField())
    terms = OutcomesCoxTerm(many=True)
    concordance = serializers.FloatField(allow_null=True)
    message = serializers.CharField(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())


class OutcomesLogRank(serializers.Serializer):
    groups = serializers.ListField(child=serializers.CharField())
    statistic = serializers.FloatField(allow_null=True)
    df = serializers.IntegerField(allow_null=True)
    p = serializers.FloatField(allow_null=True)
    message = serializers.CharField(allow_null=True)


class OutcomesEffect(serializers.Serializer):
    kind = serializers.CharField(help_text="time_dependent or naive")
    biased = serializers.BooleanField(help_text="true for the naive comparison")
    hazard_ratio = serializers.FloatField(allow_null=True)
    ci = serializers.ListField(child=serializers.FloatField(allow_null=True))
    p = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField()
    events = serializers.IntegerField()
    intervals = serializers.IntegerField(help_text="(start, stop] intervals in the model")
    terms = OutcomesCoxTerm(many=True)
    message = serializers.CharField(allow_null=True, help_text="why there is no estimate")
    note = serializers.CharField(allow_null=True)


class OutcomesExcluded(serializers.Serializer):
    died = serializers.IntegerField()
    censored = serializers.IntegerField()


class OutcomesLandmark(serializers.Serializer):
    landmark = serializers.FloatField(help_text="months from the recurrence date")
    landmark_label = serializers.CharField()
    n = serializers.IntegerField(help_text="patients alive and followed beyond the landmark")
    excluded = OutcomesExcluded()
    groups = OutcomesGroup(many=True, help_text="treated by the landmark, then untreated")
    logrank_p = serializers.FloatField(allow_null=True)
    hazard_ratio = serializers.FloatField(allow_null=True)
    ci = serializers.ListField(child=serializers.FloatField(allow_null=True))
    p = serializers.FloatField(allow_null=True)
    comparable = serializers.BooleanField(help_text="at least 10 patients in each group")
    message = serializers.CharField(allow_null=True)


class OutcomesTreatment(serializers.Serializer):
    split = serializers.CharField()
    treated_label = serializers.CharField()
    untreated_label = serializers.CharField()
    landmark = OutcomesLandmark()
    time_dependent = OutcomesEffect()
    naive = OutcomesEffect(allow_null=True, help_text="only with show_biased")
    notes = serializers.ListField(child=serializers.CharField())


class OutcomesSummary(serializers.Serializer):
    endpoint = serializers.CharField(help_text="os or pfs")
    group_by = serializers.CharField()
    title = serializers.CharField()
    filters = serializers.DictField(child=serializers.CharField(allow_null=True))
    n = serializers.IntegerField()
    events = serializers.IntegerField()
    synthetic = serializers.IntegerField(help_text="how many of the n patients are synthetic")
    groups = OutcomesGroup(many=True)
    groups_biased = serializers.BooleanField(
        help_text="true for a treatment split: the groups, by treatment at any time from the "
        "recurrence date, are biased by immortal time; read `treatment` instead"
    )
    treatment = OutcomesTreatment(
        allow_null=True, help_text="landmark and time-dependent comparisons of a treatment split"
    )
    logrank = OutcomesLogRank(allow_null=True)
    logrank_p = serializers.FloatField(allow_null=True)
    cox = OutcomesCox(allow_null=True)
    messages = serializers.ListField(child=serializers.CharField())


def _enum(choices) -> list[str]:
    return [value for value, _ in choices]


PARAMETERS = [
    OpenApiParameter("endpoint", str, enum=list(labels.ENDPOINTS), description="default os"),
    OpenApiParameter("group_by", str, enum=list(labels.GROUP_BY), description="default surgery"),
    OpenApiParameter(
        "landmark",
        int,
        enum=list(labels.LANDMARK_CHOICES),
        description=f"months, for a treatment split; default {labels.DEFAULT_LANDMARK}",
    ),
    OpenApiParameter(
        "show_biased", bool, description="add the naive (biased) hazard ratio of a treatment"
    ),
    OpenApiParameter("presentation", str, enum=_enum(PRESENTATION_CHOICES)),
    OpenApiParameter("subtype", str, enum=_enum(SUBTYPE_CHOICES)),
    OpenApiParameter("site_pattern", str, enum=_enum(labels.SITE_PATTERN_CHOICES)),
    OpenApiParameter("surgery", str, enum=["yes", "no"]),
    OpenApiParameter("cases", str, enum=["hospital", "synthetic"], description="default: all"),
    OpenApiParameter(
        "cox",
        {"type": "array", "items": {"type": "string", "enum": list(labels.COX_COVARIATES)}},
        explode=True,
        description="covariates of a Cox model; repeat the parameter for several",
    ),
]


class OutcomesSummaryView(APIView):
    """Kaplan-Meier statistics of the hospital's cases with follow-up (observational data;
    synthetic demo patients are counted in `synthetic`)."""

    permission_classes = [AnyRole]

    @extend_schema(
        parameters=PARAMETERS,
        responses={200: OutcomesSummary, 400: Errors},
        operation_id="outcomes_summary",
    )
    def get(self, request):
        form = OutcomesForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    name: [serializers.ErrorDetail(str(e.message % (e.params or {})), e.code)]
                    for name, errors in form.errors.as_data().items()
                    for e in errors[:1]
                }
            )
        chosen = form.choices()
        analysis = outcomes_analysis(
            chosen.filters,
            chosen.group_by,
            chosen.endpoint,
            chosen.cox,
            chart=False,
            landmark=chosen.landmark,
            naive=chosen.naive,
        )
        query = chosen.query()
        filters = {
            name: query.get(name) for name in ("presentation", "subtype", "site_pattern", "surgery")
        }
        filters["cases"] = query.get("cases")
        return Response(
            {
                "endpoint": analysis["endpoint"],
                "group_by": analysis["group_by"],
                "title": analysis["title"],
                "filters": filters,
                "n": analysis["n"],
                "events": analysis["events"],
                "synthetic": analysis["synthetic"],
                "groups": analysis["groups"],
                "groups_biased": analysis["groups_biased"],
                "treatment": analysis["treatment"],
                "logrank": analysis["logrank"],
                "logrank_p": analysis["logrank_p"],
                "cox": analysis["cox"],
                "messages": analysis["messages"],
            }
        )
