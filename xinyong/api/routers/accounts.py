"""Accounts and API keys (credit office administrators)."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from xinyong import audit
from xinyong.accounts import Actor, Permission, Role
from xinyong.accounts import service as accounts
from xinyong.accounts.tables import Account, ApiKey
from xinyong.api.deps import DbId, SessionDep, require
from xinyong.api.types import AwareDatetime
from xinyong.core import clock
from xinyong.core.errors import NotFound
from xinyong.departments import Department

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])
# Every role but the public and the system, which are nobody's account (checked against
# the service's list at import).
CreatableRole = Literal["admin", "data_officer", "case_officer", "inspector", "subject"]
assert set(get_args(CreatableRole)) == {r.value for r in accounts.CREATABLE_ROLES}
Admin = Annotated[Actor, Depends(require(Permission.ACCOUNTS_MANAGE))]


class AccountCreate(BaseModel):
    # Unknown fields are refused: a department's class is set on the department
    # (/api/v1/departments), never by creating an account.
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="login name")
    role: CreatableRole
    password: str | None = Field(None, max_length=200, description="web login password; none "
                                 "for a system account that only uses API keys")
    display_name: str | None = Field(None, max_length=200)
    department: str | None = Field(None, max_length=40, description="code (USCC) of a "
                                   "registered department; required for staff other than "
                                   "admin; the department is not changed")
    subject_uscc: str | None = Field(None, max_length=40)


class AccountPublic(BaseModel):
    id: int
    name: str
    role: str
    display_name: str | None
    department: str | None
    subject_uscc: str | None
    active: bool
    locked: bool
    created_at: AwareDatetime


class AccountList(BaseModel):
    items: list[AccountPublic]
    total: int


class KeyCreate(BaseModel):
    scopes: list[str] | None = Field(None, max_length=20)
    label: str | None = Field(None, max_length=100)


class KeyPublic(BaseModel):
    id: int
    account: str
    prefix: str
    scopes: list[str] | None
    label: str | None
    created_at: AwareDatetime
    revoked_at: AwareDatetime | None
    key: str | None = Field(None, description="the clear key: shown only in the response "
                            "that creates it")


class SessionsEnded(BaseModel):
    account: str
    ended: int


def _account(a: Account, session: SessionDep) -> AccountPublic:
    dept = session.get(Department, a.department_id) if a.department_id else None
    return AccountPublic(id=a.id, name=a.name, role=a.role, display_name=a.display_name,
                         department=dept.code if dept else None,
                         subject_uscc=a.subject_uscc, active=a.active,
                         locked=bool(a.locked_until and a.locked_until > clock.now()),
                         created_at=a.created_at)


def _key(k: ApiKey, account: str, clear: str | None = None) -> KeyPublic:
    return KeyPublic(id=k.id, account=account, prefix=k.prefix,
                     scopes=k.scopes.split(",") if k.scopes else None, label=k.label,
                     created_at=k.created_at, revoked_at=k.revoked_at, key=clear)


@router.get("", response_model=AccountList)
def list_accounts(session: SessionDep, actor: Admin) -> AccountList:
    items = [_account(a, session) for a in accounts.list_accounts(session)]
    audit.append(session, actor, "account.list", details={"accounts": len(items)})
    return AccountList(items=items, total=len(items))


@router.post("", response_model=AccountPublic, status_code=201)
def create_account(body: AccountCreate, session: SessionDep, actor: Admin) -> AccountPublic:
    account = accounts.create_account(session, actor, accounts.NewAccount(
        **body.model_dump() | {"role": Role(body.role)}))
    return _account(account, session)


@router.delete("/{name}/sessions", response_model=SessionsEnded,
               summary="结束账户的全部网页会话（立即生效）")
def end_sessions(name: str, session: SessionDep, actor: Admin) -> SessionsEnded:
    return SessionsEnded(account=name, ended=accounts.end_sessions(session, actor, name))


@router.post("/{name}/keys", response_model=KeyPublic, status_code=201)
def issue_key(name: str, body: KeyCreate, session: SessionDep, actor: Admin) -> KeyPublic:
    key, clear = accounts.issue_key(session, actor, name, scopes=body.scopes, label=body.label)
    return _key(key, name, clear)


@router.delete("/{name}/keys/{key_id}", response_model=KeyPublic)
def revoke_key(name: str, key_id: DbId,
               session: SessionDep, actor: Admin) -> KeyPublic:
    owned = {k.id for k, _ in accounts.list_keys(session, name)}
    if key_id not in owned:
        raise NotFound(f"账户「{name[:100]}」没有编号为 {key_id} 的接口密钥",
                       code="api_key_not_found")
    return _key(accounts.revoke_key(session, actor, key_id), name)
