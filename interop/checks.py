"""Start-up checks of the CDS Hooks configuration."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def cds_hooks_settings(app_configs, **kwargs):
    problems = []
    issuers = getattr(settings, "CDS_HOOKS_ISSUERS", {})
    if issuers and not settings.CDS_HOOKS_BASE_URL:
        problems.append(
            Warning(
                "CDS_HOOKS_ISSUERS is set but CDS_HOOKS_BASE_URL is not: every CDS Hooks call "
                "will be refused, because the token's aud cannot be checked.",
                id="interop.W001",
            )
        )
    for iss, where in issuers.items():
        if where.startswith("https://"):
            continue
        file = Path(where) if Path(where).is_absolute() else Path(settings.BASE_DIR) / where
        if not file.is_file():
            problems.append(
                Error(
                    f"CDS_HOOKS_ISSUERS: the JWKS file of {iss} does not exist: {file}.",
                    id="interop.E001",
                )
            )
    return problems
