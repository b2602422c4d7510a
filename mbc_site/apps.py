from django.apps import AppConfig


class MbcSiteConfig(AppConfig):
    name = "mbc_site"
    verbose_name = "MBC Board"

    def ready(self) -> None:
        from mbc_site import (
            checks,  # noqa: F401  (registers the configuration checks)
            converters,  # noqa: F401  (registers the `id` URL converter)
            tokens,  # noqa: F401  (sign-out revokes API tokens)
        )
