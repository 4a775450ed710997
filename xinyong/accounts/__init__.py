"""Accounts, roles and the authorisation check shared by api, web and cli.

Use cases that touch the database live in `xinyong.accounts.service` (accounts, keys, login)
and `xinyong.accounts.access` (non-public reads); import them from there.
"""

from xinyong.accounts.policy import (
    PERMISSION_LABELS,
    PUBLIC,
    PURPOSE_LABELS,
    ROLE_LABELS,
    ROLE_PERMISSIONS,
    SYSTEM,
    Actor,
    DeclaredPurpose,
    Permission,
    Purpose,
    Role,
    authorize,
    authorize_write,
    can,
    declare_purpose,
    may_read_shared,
    permissions_of,
    readable_types,
)

__all__ = ["PERMISSION_LABELS", "PUBLIC", "PURPOSE_LABELS", "ROLE_LABELS", "ROLE_PERMISSIONS",
           "SYSTEM", "Actor", "DeclaredPurpose", "Permission", "Purpose", "Role", "authorize",
           "authorize_write", "can", "declare_purpose", "may_read_shared", "permissions_of",
           "readable_types"]
