"""Serializers that describe the board API for OpenAPI only; input is checked in services."""

from rest_framework import serializers


class MeetingIn(serializers.Serializer):
    date = serializers.DateField()
    title = serializers.CharField(max_length=120)


class MeetingOut(MeetingIn):
    id = serializers.IntegerField()
    created_by = serializers.CharField(allow_null=True)


class AgendaAdd(serializers.Serializer):
    case = serializers.IntegerField()


class AgendaOrder(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(), help_text="every case id, in order"
    )


class AgendaItemOut(serializers.Serializer):
    case = serializers.IntegerField()
    case_number = serializers.CharField()
    position = serializers.IntegerField()
    category = serializers.CharField()
    subtype = serializers.CharField()


class DecisionIn(serializers.Serializer):
    meeting = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["follows", "differs"])
    plan = serializers.CharField()
    reason = serializers.CharField(required=False, help_text="required when the decision differs")
    case_version = serializers.IntegerField(
        required=False,
        help_text="the case version whose recommendation the signer read; signing is refused "
        "(409 case_changed) only when the case's clinical facts changed since",
    )


class AmendmentIn(serializers.Serializer):
    reason = serializers.CharField()
    text = serializers.CharField()


class AmendmentOut(AmendmentIn):
    id = serializers.IntegerField()
    amended_by = serializers.CharField()
    signer_name = serializers.CharField(help_text="the signer's name as signed")
    signer_role = serializers.CharField(help_text="the signer's role as signed")
    amended_at = serializers.DateTimeField()


class DecisionOut(DecisionIn):
    id = serializers.IntegerField()
    case = serializers.IntegerField()
    ruleset_id = serializers.CharField()
    ruleset_version = serializers.CharField()
    recommendation_codes = serializers.ListField(child=serializers.CharField())
    case_version = serializers.IntegerField()
    signed_by = serializers.CharField()
    signer_name = serializers.CharField(help_text="the signer's name as signed")
    signer_role = serializers.CharField(help_text="the signer's role as signed")
    signed_at = serializers.DateTimeField()
    amendments = AmendmentOut(many=True)
