from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Hospital outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from outcomes.revision import cohort_changed
        from recurrence.models import Case, CaseSite, FollowUp, Treatment

        # Every write the cohort is read from moves the revision its caches are keyed by.
        for model in (Case, CaseSite, FollowUp, Treatment):
            post_save.connect(cohort_changed, sender=model, dispatch_uid=f"cohort-{model.__name__}")
            post_delete.connect(
                cohort_changed, sender=model, dispatch_uid=f"cohort-{model.__name__}-delete"
            )
