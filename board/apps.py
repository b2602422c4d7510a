from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = "Tumour board"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from board.models import AgendaItem, Amendment, Decision, Meeting
        from mbc_site import revisions

        # Meetings and agendas show on every case page ("Add to meeting") and filter the
        # case list; decisions and amendments show on their case's page.
        def meeting(instance, **_):
            return [revisions.BOARD]

        def agenda_item(instance, **_):
            return [revisions.BOARD, revisions.case_page(instance.case_id)]

        def decision(instance, **_):
            return [revisions.case_page(instance.case_id)]

        def amendment(instance, **_):
            case_id = Decision.objects.filter(pk=instance.decision_id).values_list(
                "case_id", flat=True
            )
            return [revisions.case_page(pk) for pk in case_id]

        revisions.track(Meeting, meeting)
        revisions.track(AgendaItem, agenda_item)
        revisions.track(Decision, decision)
        revisions.track(Amendment, amendment)
