from django.apps import AppConfig


class MbcSiteConfig(AppConfig):
    name = "mbc_site"
    verbose_name = "MBC Board"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from mbc_site import (
            checks,  # noqa: F401  (registers the configuration checks)
            converters,  # noqa: F401  (registers the `id` URL converter)
            revisions,
            tokens,  # noqa: F401  (sign-out revokes API tokens)
        )

        # Pages show people's names; a sign-in only stamps last_login, which none shows.
        def account(instance, update_fields=None, **_):
            if update_fields is not None and set(update_fields) <= {"last_login"}:
                return []
            return [revisions.PEOPLE]

        revisions.track(get_user_model(), account)
