"""The web UI's users: created, listed and disabled from the shell (`govinspect user …`) and by an
admin in the UI; passwords hashed with argon2id (argon2-cffi)."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Unit, User, utcnow

ROLES = ("admin", "inspector", "webmaster")
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# verified against when the user does not exist, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class UserError(ValueError):
    """A user cannot be created or changed as asked; str() says why."""


@dataclass(frozen=True)
class Principal:
    """Who is signed in, as the UI checks it on every request."""

    id: int
    username: str
    role: str
    unit_id: str | None
    display_name: str = ""

    @property
    def all_units(self) -> bool:
        return self.role in ("admin", "inspector")

    @property
    def can_review(self) -> bool:
        return self.role in ("admin", "inspector")

    def may_see_unit(self, unit_id: str | None) -> bool:
        return self.all_units or (unit_id is not None and unit_id == self.unit_id)

    @property
    def label(self) -> str:
        return self.display_name or self.username


def principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.role, user.unit_id, user.display_name)


def add_user(session: Session, username: str, password: str, role: str, unit_id: str | None = None,
             display_name: str = "") -> User:
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise UserError("用户名不能为空、不能含空格，最长64个字符")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password must have at least {MIN_PASSWORD} characters")
    if role == "webmaster":
        if not unit_id:
            raise UserError("a webmaster needs --unit (the unit whose sites they manage)")
        if session.get(Unit, unit_id) is None:
            raise UserError(f"no unit {unit_id!r} in the database (run a scan of the registry first)")
    elif unit_id:
        raise UserError(f"a {role} sees every unit; --unit is for webmasters only")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(f"user {username!r} exists already")
    user = User(username=username, display_name=display_name.strip(), password_hash=_hasher.hash(password),
                role=role, unit_id=unit_id if role == "webmaster" else None, active=True)
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def set_active(session: Session, username: str, active: bool) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserError(f"no user {username!r}")
    user.active = active
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (same cost either way)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    try:
        _hasher.verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    session.flush()
    return user
