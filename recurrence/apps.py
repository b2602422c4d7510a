from django.apps import AppConfig


class RecurrenceConfig(AppConfig):
    name = "recurrence"
    verbose_name = "Recurrence cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mbc_site import revisions
        from recurrence.models import Case, CaseChange, CaseSite, FollowUp, Treatment

        # A case page is cached under its case's token (recurrence/page_cache.py).
        def the_case(instance, **_):
            return [revisions.case_page(instance.pk)]

        def its_case(instance, **_):
            return [revisions.case_page(instance.case_id)]

        revisions.track(Case, the_case)
        for model in (CaseSite, FollowUp, Treatment, CaseChange):
            revisions.track(model, its_case)
