from recurrence.guideline import RULESET


def ruleset(request):
    return {"RULESET": RULESET}
