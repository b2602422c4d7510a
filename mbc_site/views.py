from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from recurrence.guideline import RULESET


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: always 200, says whether the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            database = cursor.fetchone()[0] == 1
    except Exception:  # any database failure is reported, not raised
        database = False
    return JsonResponse(
        {"status": "ok" if database else "degraded", "ruleset": RULESET, "database": database}
    )
