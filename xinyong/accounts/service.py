"""Account use cases: create accounts, sign in with lock-out and attempt limits, end web
sessions, issue/rotate/revoke API keys, and turn a key or a session into an Actor. Every
account change and every login attempt is audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import attempts
from xinyong.accounts import sessions as web_sessions
from xinyong.accounts.policy import (
    PERMISSION_LABELS,
    ROLE_LABELS,
    ROLE_PERMISSIONS,
    STAFF_ROLES,
    Actor,
    Permission,
    Role,
    authorize,
    has_control_chars,
)
from xinyong.accounts.secrets import (
    MIN_PASSWORD_LENGTH,
    hash_api_key,
    hash_password,
    needs_rehash,
    new_api_key,
    same_hash,
    split_api_key,
    verify_password,
)
from xinyong.accounts.tables import Account, ApiKey
from xinyong.core import clock
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.departments import Department, get_department
from xinyong.subjects.uscc import UsccError
from xinyong.subjects.uscc import validate as validate_uscc

CREATABLE_ROLES = tuple(r for r in Role if r not in (Role.PUBLIC, Role.SYSTEM))


def _now() -> datetime:
    return clock.now()


def find_account(session: Session, name: str) -> Account | None:
    if has_control_chars(name):
        return None
    return session.scalar(select(Account).where(Account.name == name.strip()))


def get_account(session: Session, name: str) -> Account:
    account = find_account(session, name)
    if account is None:
        raise NotFound(f"账户「{name[:100]}」不存在", code="account_not_found")
    return account


def actor_for(session: Session, account: Account, *, client: str | None = None,
              scopes: frozenset[Permission] | None = None) -> Actor:
    dept = session.get(Department, account.department_id) if account.department_id else None
    return Actor(role=Role(account.role), name=account.name, account_id=account.id,
                 department_uscc=dept.code if dept else None,
                 department_class=dept.department_class if dept else None,
                 department_name=dept.name if dept else None,
                 subject_uscc=account.subject_uscc, client=client, scopes=scopes)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"密码至少{MIN_PASSWORD_LENGTH}个字符", code="password_too_short")


def _uscc(raw: str, what: str) -> str:
    try:
        return validate_uscc(raw).code
    except UsccError as exc:
        raise Invalid(f"{what}统一社会信用代码无效：{exc}", code=exc.rule) from exc


@dataclass(frozen=True)
class NewAccount:
    name: str
    role: Role
    password: str | None = None
    display_name: str | None = None
    # Code (USCC) of a registered department; the account joins it and never changes it.
    department: str | None = None
    subject_uscc: str | None = None


def create_account(session: Session, by: Actor, new: NewAccount) -> Account:
    authorize(by, Permission.ACCOUNTS_MANAGE)
    name = new.name.strip()
    if (not name or len(name) > 100 or any(c.isspace() for c in name)
            or has_control_chars(name)):
        raise Invalid("登录名不能为空、不能含空格、不超过100个字符", code="account_name_invalid")
    if new.display_name is not None and (has_control_chars(new.display_name)
                                         or len(new.display_name) > 200):
        raise Invalid("显示名称含有控制字符或过长", code="text_invalid")
    if new.role not in CREATABLE_ROLES:
        raise Invalid(f"不能创建“{ROLE_LABELS.get(new.role, '未知')}”身份的账户",
                      code="role_invalid")
    if find_account(session, name) is not None:
        raise Conflict(f"账户「{name}」已存在", code="account_exists")
    dept = None
    if new.department:
        dept = get_department(session, new.department)
    elif new.role in STAFF_ROLES and new.role != Role.ADMIN:
        raise Invalid("部门工作人员账户须指定所属单位（department）", code="department_required")
    subject = None
    if new.role == Role.SUBJECT:
        if not new.subject_uscc:
            raise Invalid("信用主体账户须指定统一社会信用代码", code="subject_required")
        subject = _uscc(new.subject_uscc, "信用主体")
    if new.password is not None:
        _check_password(new.password)
    account = Account(name=name, display_name=new.display_name, role=new.role.value,
                      department_id=dept.id if dept else None, subject_uscc=subject,
                      password_hash=hash_password(new.password) if new.password else None,
                      failed_logins=0, active=True, created_at=_now())
    session.add(account)
    session.flush()
    audit.append(session, by, "account.create", details={
        "account": name, "role": new.role.value,
        "department": dept.code if dept else None, "subject": subject})
    return account


def set_password(session: Session, by: Actor, name: str, password: str) -> None:
    authorize(by, Permission.ACCOUNTS_MANAGE)
    _check_password(password)
    account = get_account(session, name)
    account.password_hash = hash_password(password)
    account.failed_logins, account.locked_until = 0, None
    ended = web_sessions.end_all_sessions(session, account.id, "password_changed")
    audit.append(session, by, "account.password", details={"account": account.name,
                                                           "sessions_ended": ended})


def unlock(session: Session, by: Actor, name: str) -> None:
    authorize(by, Permission.ACCOUNTS_MANAGE)
    account = get_account(session, name)
    account.failed_logins, account.locked_until = 0, None
    audit.append(session, by, "account.unlock", details={"account": account.name})


def set_active(session: Session, by: Actor, name: str, active: bool) -> None:
    authorize(by, Permission.ACCOUNTS_MANAGE)
    account = get_account(session, name)
    account.active = active
    details: dict[str, object] = {"account": account.name}
    if not active:
        details["sessions_ended"] = web_sessions.end_all_sessions(session, account.id,
                                                                  "account_disabled")
    audit.append(session, by, "account.enable" if active else "account.disable",
                 details=details)


def end_sessions(session: Session, by: Actor, name: str) -> int:
    """An administrator ends every web session of an account at once (a lost laptop, a
    suspected takeover); returns how many were live."""
    authorize(by, Permission.ACCOUNTS_MANAGE)
    account = get_account(session, name)
    ended = web_sessions.end_all_sessions(session, account.id, "ended_by_admin")
    audit.append(session, by, "session.end_all", details={"account": account.name,
                                                         "sessions_ended": ended})
    return ended


def list_accounts(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).order_by(Account.id)))


@dataclass(frozen=True)
class LoginOutcome:
    account: Account | None
    reason: str | None = None  # login_failed | account_locked | too_many_attempts

    @property
    def ok(self) -> bool:
        return self.account is not None


def _attempt(session: Session, name: str, client: str | None, account: Account | None,
             reason: str | None) -> None:
    """Record and audit one login attempt, whatever its outcome."""
    target = audit.mask_text(name.strip())[:120]
    attempts.record(session, attempts.LOGIN, client=client, target=target, ok=reason is None)
    if reason is None:
        assert account is not None
        audit.append(session, actor_for(session, account, client=client), "session.login")
        return
    who = (Actor(role=Role(account.role), name=account.name, account_id=account.id,
                 client=client) if account is not None
           else Actor(role=Role.PUBLIC, name="public", client=client))
    audit.append(session, who, "session.login_failed", details={"name": target,
                                                                "reason": reason})


def login(session: Session, name: str, password: str, *, client: str | None,
          max_failures: int, lockout: timedelta,
          limits: attempts.Limits | None = None) -> LoginOutcome:
    """Check a password. Never raises for bad credentials: the failure count, the attempt and
    its audit entry must be committed, so the caller's transaction has to succeed. With
    `limits`, a client or a login name that used up its failures is refused before the
    password is looked at (every attempt counts, as a failure while refused)."""
    now = _now()
    account = find_account(session, name)
    if account is not None and account.active and account.locked_until \
            and account.locked_until > now:
        _attempt(session, name, client, account, "account_locked")
        return LoginOutcome(None, "account_locked")
    if limits is not None and attempts.over_limit(
            session, attempts.LOGIN, client=client, target=audit.mask_text(name.strip())[:120],
            limits=limits):
        _attempt(session, name, client, account, "too_many_attempts")
        return LoginOutcome(None, "too_many_attempts")
    if account is None or not account.active:
        verify_password(None, password)
        _attempt(session, name, client, None, "login_failed")
        return LoginOutcome(None, "login_failed")
    if not verify_password(account.password_hash, password):
        account.failed_logins += 1
        if account.failed_logins >= max_failures:
            account.locked_until, account.failed_logins = now + lockout, 0
            ended = web_sessions.end_all_sessions(session, account.id, "account_locked")
            _attempt(session, name, client, account, "login_failed")
            audit.append(session, Actor(role=Role(account.role), name=account.name,
                                        account_id=account.id, client=client),
                         "account.locked", details={"account": account.name,
                                                    "minutes": lockout.total_seconds() / 60,
                                                    "sessions_ended": ended})
            return LoginOutcome(None, "account_locked")
        _attempt(session, name, client, account, "login_failed")
        return LoginOutcome(None, "login_failed")
    account.failed_logins, account.locked_until = 0, None
    if account.password_hash and needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    _attempt(session, name, client, account, None)
    return LoginOutcome(account)


def start_web_session(session: Session, account: Account, *, client: str | None,
                      max_age: timedelta) -> str:
    """A new server-side session after a successful login; the clear id goes in the cookie."""
    return web_sessions.start_session(session, account, client=client, max_age=max_age)


def logout(session: Session, session_id: str, *, client: str | None) -> None:
    """End this browser's session at once (a replayed cookie no longer signs in)."""
    account_id = web_sessions.end_session(session, session_id, "logout")
    if account_id is not None and (account := session.get(Account, account_id)) is not None:
        audit.append(session, actor_for(session, account, client=client), "session.logout")


def _scopes(role: Role, scopes: Iterable[str] | None) -> str | None:
    if not scopes:
        return None
    chosen: list[str] = []
    for raw in scopes:
        try:
            perm = Permission(raw)
        except ValueError:
            raise Invalid(f"未知的权限范围「{raw[:40]}」", code="scope_unknown") from None
        if perm not in ROLE_PERMISSIONS[role]:
            raise Invalid(f"“{ROLE_LABELS[role]}”身份不具有“{PERMISSION_LABELS[perm]}”权限",
                          code="scope_not_allowed")
        chosen.append(perm.value)
    return ",".join(sorted(set(chosen)))


def issue_key(session: Session, by: Actor, account_name: str, *,
              scopes: Iterable[str] | None = None, label: str | None = None,
              ) -> tuple[ApiKey, str]:
    """A new API key for an account; the clear key is returned once and never stored."""
    authorize(by, Permission.ACCOUNTS_MANAGE)
    account = get_account(session, account_name)
    if Role(account.role) == Role.SUBJECT:
        raise Invalid("信用主体账户不发放接口密钥", code="key_not_for_subject")
    clear, prefix, digest = new_api_key()
    key = ApiKey(account_id=account.id, prefix=prefix, key_hash=digest,
                 scopes=_scopes(Role(account.role), scopes), label=label, created_at=_now())
    session.add(key)
    session.flush()
    audit.append(session, by, "api_key.issue", details={
        "account": account.name, "key_id": key.id, "prefix": prefix, "scopes": key.scopes})
    return key, clear


def _get_key(session: Session, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"接口密钥 {key_id} 不存在", code="api_key_not_found")
    return key


def revoke_key(session: Session, by: Actor, key_id: int) -> ApiKey:
    authorize(by, Permission.ACCOUNTS_MANAGE)
    key = _get_key(session, key_id)
    if key.revoked_at is None:
        key.revoked_at = _now()
        audit.append(session, by, "api_key.revoke", details={"key_id": key.id,
                                                              "prefix": key.prefix})
    return key


def rotate_key(session: Session, by: Actor, key_id: int) -> tuple[ApiKey, str]:
    """Revoke a key and issue its successor with the same account and scopes."""
    authorize(by, Permission.ACCOUNTS_MANAGE)
    old = _get_key(session, key_id)
    if old.revoked_at is not None:
        raise Conflict(f"接口密钥 {key_id} 已吊销，不能轮换", code="api_key_revoked")
    account = session.get(Account, old.account_id)
    assert account is not None
    new, clear = issue_key(session, by, account.name,
                           scopes=old.scopes.split(",") if old.scopes else None,
                           label=old.label)
    old.revoked_at, old.replaced_by_id = _now(), new.id
    audit.append(session, by, "api_key.rotate", details={"key_id": old.id, "new_key_id": new.id})
    return new, clear


def list_keys(session: Session, account_name: str | None = None) -> list[tuple[ApiKey, str]]:
    q = select(ApiKey, Account.name).join(Account, Account.id == ApiKey.account_id)
    if account_name:
        q = q.where(Account.name == account_name)
    return [(k, n) for k, n in session.execute(q.order_by(ApiKey.id)).tuples()]


def authenticate_key(session: Session, clear: str, *, client: str | None) -> Actor:
    """The Actor an API key stands for; Forbidden for an unknown, revoked or malformed key."""
    refused = Forbidden("接口密钥无效或已吊销", code="api_key_invalid")
    prefix = split_api_key(clear)
    if prefix is None:
        raise refused
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or key.revoked_at is not None or not same_hash(key.key_hash,
                                                                  hash_api_key(clear.strip())):
        raise refused
    account = session.get(Account, key.account_id)
    if account is None or not account.active:
        raise refused
    scopes = frozenset(Permission(s) for s in key.scopes.split(",")) if key.scopes else None
    return actor_for(session, account, client=client, scopes=scopes)


def actor_for_session(session: Session, session_id: str, *,
                      client: str | None) -> Actor | None:
    """The Actor of a live web session (None: unknown, ended, expired or disabled)."""
    found = web_sessions.find_session(session, session_id)
    if found is None:
        return None
    return actor_for(session, found[1], client=client)
