from recurrence import roles as role_checks
from recurrence.guideline import RULESET


def session(request):
    """The idle timeout, for the in-page warning before it ends the session."""
    from django.conf import settings

    return {"SESSION_IDLE_SECONDS": settings.SESSION_COOKIE_AGE}


def ruleset(request):
    return {"RULESET": RULESET}


def roles(request):
    """What the signed-in user may do, for navigation on every page (error pages too)."""
    user = getattr(request, "user", None)
    return {
        "can_edit_cases": role_checks.can_edit_cases(user),
        "can_sign_decisions": role_checks.has_role(user, role_checks.ONCOLOGIST),
    }
