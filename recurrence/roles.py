"""Who may do what. Roles are Django groups; every page and API call checks here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

COORDINATOR = "coordinator"
ONCOLOGIST = "oncologist"
ADMINISTRATOR = "administrator"
ROLES = (COORDINATOR, ONCOLOGIST, ADMINISTRATOR)


def roles_of(user) -> frozenset[str]:
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_mbc_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            names.add(ADMINISTRATOR)
        cached = user._mbc_roles = frozenset(names)
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user).intersection(roles))


def require_role(user, *roles: str) -> None:
    """Raise PermissionDenied unless the user holds one of `roles`."""
    if not has_role(user, *roles):
        wanted = " or ".join(roles)
        raise PermissionDenied(f"This needs the {wanted} role.")


def can_read_cases(user) -> bool:
    return has_role(user, *ROLES)


def can_edit_cases(user) -> bool:
    return has_role(user, COORDINATOR)
