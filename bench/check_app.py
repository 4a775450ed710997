"""ASGI app for the check benchmark: the real app, acting as one case officer (accounts are
not part of what is measured). Reads XINYONG_DATABASE_URL like the real server."""

from xinyong.accounts import Actor, Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor
from xinyong.core.settings import Settings

app = create_app(Settings(environment="test", secret_key="bench-secret-key"))
app.dependency_overrides[get_actor] = lambda: Actor(
    role=Role.CASE_OFFICER, name="张警官", department_uscc="11350200MB1600090X",
    department_class="procurement", department_name="示范市财政局")
