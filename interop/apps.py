from django.apps import AppConfig


class InteropConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interop"
    verbose_name = "FHIR and CDS Hooks"

    def ready(self):
        from interop import checks  # noqa: F401  (registers the start-up checks)
