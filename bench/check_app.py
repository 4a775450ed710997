"""ASGI app for the check benchmark: the real app, acting as one case officer (accounts are
not part of what is measured). Reads XINYONG_DATABASE_URL like the real server."""

from xinyong.accounts import Actor, Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor
from xinyong.core.settings import Settings

ACTOR = Actor(role=Role.CASE_OFFICER, name="张警官", department_uscc="11350200MB1600090X",
              department_class="procurement", department_name="示范市财政局")


async def case_officer() -> Actor:
    # Async, like the real get_actor for a caller without a key: a sync override would add
    # a thread-pool hop to every request that the real app does not make.
    return ACTOR


app = create_app(Settings(environment="test", secret_key="bench-secret-key"))
app.dependency_overrides[get_actor] = case_officer
