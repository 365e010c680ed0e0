"""Accounts of the web pages: added from the console, checked at sign-in with Argon2id."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from web.models import ROLES, WebUser

_hasher = PasswordHasher()  # argon2-cffi's defaults follow RFC 9106's recommended profile
# Verified when the name is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")
MIN_PASSWORD = 10


class UserError(ValueError):
    """An account cannot be added or changed as asked; the message is for the operator."""


def add_user(db: Session, name: str, password: str, role: str) -> WebUser:
    """A new active account; raises UserError on a taken name, unknown role or short password."""
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise UserError("Tên đăng nhập không hợp lệ (không để trống, không có dấu cách, tối đa 64 ký tự).")
    if role not in ROLES:
        raise UserError(f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    if find_user(db, name) is not None:
        raise UserError(f"Tài khoản {name} đã có.")
    user = WebUser(name=name, password_hash=_hasher.hash(password), role=role, created_at=datetime.now(UTC))
    db.add(user)
    db.flush()
    return user


def find_user(db: Session, name: str) -> WebUser | None:
    return db.exec(select(WebUser).where(WebUser.name == name.strip())).first()


def list_users(db: Session) -> list[WebUser]:
    return list(db.exec(select(WebUser).order_by(WebUser.name)))


def authenticate(db: Session, name: str, password: str) -> WebUser | None:
    """The active account with this name and password, or None; rehashes when parameters changed."""
    user = find_user(db, name)
    stored = user.password_hash if user is not None and user.active else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_sign_in_at = datetime.now(UTC)
    db.add(user)
    return user


def set_active(db: Session, name: str, active: bool) -> WebUser:
    user = find_user(db, name)
    if user is None:
        raise UserError(f"Không có tài khoản {name}.")
    user.active = active
    db.add(user)
    return user
