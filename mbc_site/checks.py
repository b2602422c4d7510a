"""Start-up checks of the configuration, run by runserver, migrate and the WSGI entry point."""

from django.conf import settings
from django.core import checks

TAG = "mbc_config"


@checks.register(TAG)
def check_production_settings(app_configs, **kwargs):
    problems = []
    if not settings.SECRET_KEY:
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


def refuse_to_start_if_misconfigured() -> None:
    """Called by the WSGI entry point: a production server does not start misconfigured."""
    from django.core.exceptions import ImproperlyConfigured

    serious = [m for m in checks.run_checks(tags=[TAG]) if m.is_serious()]
    if serious:
        raise ImproperlyConfigured("; ".join(f"{m.id}: {m.msg} {m.hint}" for m in serious))
