"""Accounts, roles and the authorisation check shared by api, web and cli."""

from xinyong.accounts.policy import (
    PUBLIC,
    ROLE_PERMISSIONS,
    Actor,
    Permission,
    Role,
    authorize,
    can,
)

__all__ = ["PUBLIC", "ROLE_PERMISSIONS", "Actor", "Permission", "Role", "authorize", "can"]
