"""Start-up checks of the configuration, run by runserver, migrate and the WSGI entry point
(through mbc_site/startup.py, which turns a serious one into a one-line message)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "mbc_config"


@checks.register(TAG)
def check_production_settings(app_configs, **kwargs):
    problems = []
    if _secret_key_missing():
        problems.append(
            checks.Error(
                "SECRET_KEY is not set.",
                hint="Set SECRET_KEY to a long random value, or MBC_DEVELOPMENT=1 on a development machine.",
                id="mbc.E001",
            )
        )
    if not settings.ALLOWED_HOSTS:
        problems.append(
            checks.Error(
                "ALLOWED_HOSTS is empty, so every request would be refused.",
                hint="Set ALLOWED_HOSTS to the comma-separated host names the site is served as.",
                id="mbc.E002",
            )
        )
    if settings.DEBUG and not settings.DEVELOPMENT:
        problems.append(
            checks.Warning(
                "DEBUG is on outside development mode: error pages would show patient data.",
                id="mbc.W001",
            )
        )
    return problems


def _secret_key_missing() -> bool:
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return True


def static_files_problems() -> list[str]:
    """A server with hashed static file names needs `collectstatic` to have run, or every
    page fails on its first stylesheet."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and not storage.exists(storage.manifest_name):
        return [
            f"static files are not collected in STATIC_ROOT ({settings.STATIC_ROOT}). "
            "Run `python manage.py collectstatic --noinput` first."
        ]
    return []
