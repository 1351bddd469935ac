"""Password policy and hashing (argon2id, memory-hard)."""

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from app.accounts.phones import normalize_mainland_mobile

MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    extra = files("app.accounts").joinpath("common_passwords_zh.txt").read_text(encoding="utf-8")
    local = (line.strip() for line in extra.splitlines())
    return frozenset(FREQUENCY_LISTS["passwords"]) | {p for p in local if p and not p.startswith("#")}


def password_problem(password: str, min_length: int) -> str | None:
    """The policy's verdict as an error code, or None when the password is acceptable."""
    if len(password) < min_length:
        return "password_too_short"
    if len(password) > MAX_LENGTH:
        return "password_too_long"
    if password.lower() in common_passwords():
        return "password_common"
    return None


def is_phone_number(password: str, phone: str) -> bool:
    """A password that is the account's own phone number is the first thing anyone tries."""
    return normalize_mainland_mobile(password) == phone


def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("password_hasher")
    if hasher is None:
        config = current_app.config
        hasher = PasswordHasher(
            time_cost=config["PASSWORD_HASH_TIME_COST"],
            memory_cost=config["PASSWORD_HASH_MEMORY_KIB"],
            parallelism=config["PASSWORD_HASH_PARALLELISM"],
        )
        current_app.extensions["password_hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def burn_verification_time(password: str) -> None:
    """Spend as long as a real check, so unknown phones can't be told apart by timing."""
    dummy = current_app.extensions.get("dummy_password_hash")
    if dummy is None:
        dummy = current_app.extensions["dummy_password_hash"] = hash_password("not-a-real-password")
    verify_password(dummy, password)
