"""The board's part of the case page: the meetings a case is on, its decisions there, and
"Add to meeting" (one tag, so the case page needs no board code in its view)."""

from __future__ import annotations

from django import template

from board.forms import AddToMeetingForm
from board.models import AgendaItem, Decision
from recurrence import roles

register = template.Library()


@register.inclusion_tag("board/_case_meetings.html", takes_context=True)
def case_meetings(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    items = list(
        AgendaItem.objects.filter(case=case)
        .select_related("meeting")
        .order_by("-meeting__date", "-meeting_id")
    )
    decisions = {
        d.meeting_id: d
        for d in Decision.objects.filter(case=case).select_related("signed_by", "meeting")
    }
    rows = [{"meeting": i.meeting, "decision": decisions.get(i.meeting_id)} for i in items]
    form = None
    if roles.can_edit_cases(user):
        form = AddToMeetingForm(case=case)
        if not form.fields["meeting"].queryset.exists():
            form = None
    return {
        "case": case,
        "rows": rows,
        "form": form,
        "can_sign_decisions": roles.has_role(user, roles.ONCOLOGIST),
        "csrf_token": context.get("csrf_token"),
    }
