"""Accounts of the web pages: added from the console, checked at sign-in with Argon2id."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import update
from sqlmodel import Session, col, select

from store.models import WEB_ROLES, WebUser

_hasher = PasswordHasher()  # argon2-cffi's defaults follow RFC 9106's recommended profile
# Verified when the name is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # a longer one at sign-in is checked as "": same time spent, no megabyte Argon2 input
MAX_NAME = 64


class _Counter:
    """How many Argon2 verifications ran: the cost the sign-in throttle exists to bound."""

    def __init__(self) -> None:
        self._lock, self.value = threading.Lock(), 0

    def add(self) -> None:
        with self._lock:
            self.value += 1


VERIFICATIONS = _Counter()


class UserError(ValueError):
    """An account cannot be added or changed as asked; the message is for the operator."""


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"Mật khẩu dài tối đa {MAX_PASSWORD} ký tự.")


def add_user(db: Session, name: str, password: str, role: str) -> WebUser:
    """A new active account; raises UserError on a taken name, unknown role or short password."""
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(c.isspace() for c in name):
        raise UserError("Tên đăng nhập không hợp lệ (không để trống, không có dấu cách, tối đa 64 ký tự).")
    if role not in WEB_ROLES:
        raise UserError(f"Vai trò phải là một trong: {', '.join(WEB_ROLES)}.")
    _check_password(password)
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
    user = find_user(db, name) if len(name.strip()) <= MAX_NAME else None  # no account has a longer name
    stored = user.password_hash if user is not None and user.active else _DUMMY_HASH
    VERIFICATIONS.add()
    try:
        _hasher.verify(stored, password if len(password) <= MAX_PASSWORD else "")
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
    """Disables or re-enables an account; either way its open sessions end."""
    user = _existing(db, name)
    user.active = active
    db.add(user)
    db.flush()
    revoke_sessions(db, user)
    return user


def set_password(db: Session, name: str, password: str) -> WebUser:
    """A new password for the account; every session opened with the old one ends."""
    user = _existing(db, name)
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    db.add(user)
    db.flush()
    revoke_sessions(db, user)
    return user


def revoke_sessions(db: Session, user: WebUser) -> None:
    """Ends every session of this account (sign-out, new password, disabled): cookies issued before
    carry the old generation. Raised in SQL, so two sign-outs at once both count."""
    db.exec(update(WebUser).where(col(WebUser.id) == user.id)
            .values(session_generation=WebUser.session_generation + 1))
    db.refresh(user)


def _existing(db: Session, name: str) -> WebUser:
    user = find_user(db, name)
    if user is None:
        raise UserError(f"Không có tài khoản {name}.")
    return user
