from django.apps import AppConfig


class InteropConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interop"
    verbose_name = "FHIR and CDS Hooks"

    def ready(self):
        from interop import checks  # noqa: F401  (registers the start-up checks)
        from interop.models import CardFeedback, CaseImport, IssuedCard
        from mbc_site import revisions

        # What an import set and the record system's feedback show on the case page.
        def its_case(instance, **_):
            return [revisions.case_page(instance.case_id)] if instance.case_id else []

        def its_card(instance, **_):
            case_id = IssuedCard.objects.filter(pk=instance.card_id).values_list(
                "case_id", flat=True
            )
            return [revisions.case_page(pk) for pk in case_id if pk]

        revisions.track(CaseImport, its_case)
        revisions.track(IssuedCard, its_case)
        revisions.track(CardFeedback, its_card)
