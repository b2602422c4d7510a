from django.apps import AppConfig


class RecurrenceConfig(AppConfig):
    name = "recurrence"
    verbose_name = "Recurrence cases"
    default_auto_field = "django.db.models.BigAutoField"
