from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = "Tumour board"
    default_auto_field = "django.db.models.BigAutoField"
