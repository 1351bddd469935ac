"""Signed-in principals kept between requests, forgotten the moment what they hold changes.

Every signed-in request needs its principal; reading it costs two statements and a
transaction, several times what the request itself costs when it is a poll (``/me``, the
unread count). So a loaded principal is kept, by the digest of its session key, for at most
``PRINCIPAL_CACHE_SECONDS``: in Redis when ``REDIS_URL`` is set (every worker and the job
consumer share it), in this process's memory otherwise (the embedded default runs one web
process; see gunicorn.conf.py).

Revocation stays exact. Whatever a principal is made of (the account's status, name,
language and phone, its role grants, its team memberships, its sessions, the names and
paths of units and teams) is watched on every flush and every ORM update or delete; when
the transaction commits, the principals of the accounts concerned are forgotten before
``commit()`` returns, so the next request of a signed-out device is refused. A statement
whose accounts cannot be told forgets every principal, unless it names them with
``.execution_options(principals_of=user_ids)``. A principal loaded while such a change
was committing is not kept: the store counts changes, and keeps a principal only if no
change was counted between the read and the keeping.

What changes outside the web process without Redis (the job consumer, the CLI) reaches the
web process's memory only when the entry expires: at most ``PRINCIPAL_CACHE_SECONDS``.
"""

import itertools
import json
import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import redis
from flask import Flask, current_app
from sqlalchemy import event, inspect

from app.accounts.models import RoleGrant, User, UserSession, UserStatus
from app.core import clock
from app.core.access import Grant, Membership, Principal, Role, UnitRef
from app.core.transactions import CallbackSession
from app.orgs.models import Team, TeamMembership, Unit, UnitKind

logger = logging.getLogger(__name__)

EVERYONE = "everyone"
CHANGED = "principals_changed"
# What a principal is made of, per model: a change to one of these attributes forgets it.
_USER_ATTRIBUTES = ("phone", "display_name", "status", "locale")
_SHARED_ATTRIBUTES = {Unit: ("name", "path", "kind"), Team: ("name",)}
_ACCOUNT_TABLES = {model.__table__.name for model in (User, RoleGrant, TeamMembership, UserSession)}
_SHARED_TABLES = {model.__table__.name for model in (Unit, Team)}


@dataclass(frozen=True, slots=True)
class Entry:
    principal: Principal
    last_seen_at: datetime
    kept_at: datetime


class MemoryStore:
    """One process's principals (the embedded default: one web process with threads)."""

    def __init__(self, limit: int = 20_000):
        self.limit = limit
        self.entries: dict[str, Entry] = {}
        self.by_user: dict[int, set[str]] = {}
        self.changes = 0
        self.lock = threading.Lock()

    def change_count(self) -> int:
        return self.changes

    def get(self, digest: str) -> Entry | None:
        return self.entries.get(digest)

    def keep(self, digest: str, entry: Entry, seen_changes: int, seconds: int) -> None:
        with self.lock:
            if self.changes != seen_changes:
                return
            if len(self.entries) >= self.limit:
                self._forget_oldest()
            self.entries[digest] = entry
            self.by_user.setdefault(entry.principal.id, set()).add(digest)

    def forget(self, user_ids) -> None:
        with self.lock:
            self.changes += 1
            if user_ids == EVERYONE:
                self._forget_everyone()
                return
            for user_id in user_ids:
                for digest in self.by_user.pop(user_id, ()):
                    self.entries.pop(digest, None)

    def _forget_oldest(self) -> None:
        """The first tenth kept (a dict keeps its insertion order): full, it makes room, not a clean slate."""
        for digest in list(itertools.islice(self.entries, max(1, self.limit // 10))):
            entry = self.entries.pop(digest)
            self.by_user.get(entry.principal.id, set()).discard(digest)

    def _forget_everyone(self) -> None:
        self.entries.clear()
        self.by_user.clear()


# Keep a principal only if no change was counted since it was read, stamped with the epoch
# (a change to everyone starts a new one); the user's set of digests lets a change forget
# all of that account's devices.
_KEEP = """
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
local epoch = redis.call('GET', KEYS[4]) or '0'
redis.call('SET', KEYS[2], epoch .. '|' .. ARGV[2], 'EX', ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return 1
"""
_FORGET = """
redis.call('INCR', KEYS[1])
for i = 2, #KEYS do
  local digests = redis.call('SMEMBERS', KEYS[i])
  for _, digest in ipairs(digests) do redis.call('DEL', ARGV[1] .. digest) end
  redis.call('DEL', KEYS[i])
end
return 1
"""


class RedisStore:
    """Principals shared by every worker and the consumer. A change to everyone starts a new
    epoch (each entry carries the epoch it was kept in); a change to some accounts deletes theirs."""

    PREFIX = "principal:"
    CHANGES, EPOCH = "principals:changes", "principals:epoch"

    def __init__(self, url: str):
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._keep = self.redis.register_script(_KEEP)
        self._forget = self.redis.register_script(_FORGET)

    def change_count(self) -> bytes:
        return self.redis.get(self.CHANGES) or b"0"

    def get(self, digest: str) -> Entry | None:
        raw, epoch = self.redis.mget(self.PREFIX + digest, self.EPOCH)
        if raw is None:
            return None
        kept_in, _, value = raw.partition(b"|")
        if kept_in != (epoch or b"0"):
            return None
        return _decode(json.loads(value))

    def keep(self, digest: str, entry: Entry, seen_changes: bytes, seconds: int) -> None:
        value = json.dumps(_encode(entry), separators=(",", ":"))
        keys = [self.CHANGES, self.PREFIX + digest, self._user_key(entry.principal.id), self.EPOCH]
        self._keep(keys=keys, args=[seen_changes, value, seconds, digest])

    def forget(self, user_ids) -> None:
        if user_ids == EVERYONE:
            self.redis.pipeline().incr(self.CHANGES).incr(self.EPOCH).execute()
            return
        self._forget(keys=[self.CHANGES, *map(self._user_key, user_ids)], args=[self.PREFIX])

    @staticmethod
    def _user_key(user_id: int) -> str:
        return f"principals:user:{user_id}"


def _encode(entry: Entry) -> dict:
    p = entry.principal
    unit = lambda u: [u.id, u.name, u.kind, u.path]  # noqa: E731
    return {
        "user": [p.id, p.phone, p.display_name, p.status, p.locale, p.created_at.isoformat()],
        "session": [p.session_id, p.session_key],
        "grants": [[g.id, g.role, g.department_id, unit(g.unit)] for g in p.grants],
        "memberships": [[m.team_id, m.team_name, m.is_leader, unit(m.unit)] for m in p.memberships],
        "last_seen_at": entry.last_seen_at.isoformat(),
        "kept_at": entry.kept_at.isoformat(),
    }


def _decode(data: dict) -> Entry:
    unit = lambda u: UnitRef(u[0], u[1], UnitKind(u[2]), u[3])  # noqa: E731
    user_id, phone, display_name, status, locale, created_at = data["user"]
    session_id, session_key = data["session"]
    principal = Principal(
        id=user_id,
        phone=phone,
        display_name=display_name,
        status=UserStatus(status),
        locale=locale,
        created_at=datetime.fromisoformat(created_at),
        grants=tuple(Grant(g[0], Role(g[1]), unit(g[3]), g[2]) for g in data["grants"]),
        memberships=tuple(Membership(m[0], m[1], m[2], unit(m[3])) for m in data["memberships"]),
        session_id=session_id,
        session_key=session_key,
    )
    return Entry(principal, datetime.fromisoformat(data["last_seen_at"]), datetime.fromisoformat(data["kept_at"]))


def init_principal_cache(app: Flask) -> None:
    url = app.config["REDIS_URL"]
    app.extensions["principal_cache"] = RedisStore(url) if url else MemoryStore()


def _store():
    return current_app.extensions["principal_cache"]


def _seconds() -> int:
    return current_app.config["PRINCIPAL_CACHE_SECONDS"]


def change_count():
    """Read before loading a principal from the database; hand it to ``keep``."""
    if not _seconds():
        return None
    try:
        return _store().change_count()
    except redis.RedisError:
        logger.warning("principal cache unreachable: principals are read from the database")
        return None


def cached(digest: str, touch_after: timedelta) -> Principal | None:
    """The principal kept for this session, if it is recent and its session needs no touch."""
    if not _seconds():
        return None
    try:
        entry = _store().get(digest)
    except redis.RedisError:
        return None
    if entry is None:
        return None
    now = clock.now()
    if now - entry.kept_at > timedelta(seconds=_seconds()) or now - entry.last_seen_at > touch_after:
        return None
    # Each request gets its own copy: a view may not change what another request sees.
    return replace(entry.principal)


def keep(digest: str, principal: Principal, last_seen_at: datetime, seen_changes) -> None:
    if seen_changes is None:
        return
    try:
        entry = Entry(replace(principal), last_seen_at, clock.now())
        _store().keep(digest, entry, seen_changes, _seconds())
    except redis.RedisError:
        logger.warning("principal cache unreachable: this principal is not kept")


def forget(user_ids) -> None:
    """Forget the principals of these accounts (or ``EVERYONE``); the next request reloads them."""
    try:
        _store().forget(user_ids)
    except redis.RedisError:
        # Entries expire by themselves within PRINCIPAL_CACHE_SECONDS.
        logger.exception("principal cache unreachable: principals of %s not forgotten", user_ids)


# Watching what principals are made of ------------------------------------------------------


def _note(session, user_ids) -> None:
    noted = session.info.get(CHANGED)
    if noted == EVERYONE:
        return
    if user_ids == EVERYONE:
        session.info[CHANGED] = EVERYONE
    else:
        session.info.setdefault(CHANGED, set()).update(user_ids)


def _changed(instance, attributes) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _accounts_changed_by(instance, session):
    """The accounts whose principal this flushed instance changes: ids, ``EVERYONE`` or none."""
    added, removed = instance in session.new, instance in session.deleted
    if isinstance(instance, User):
        return {instance.id} if added or removed or _changed(instance, _USER_ATTRIBUTES) else ()
    if isinstance(instance, (RoleGrant, TeamMembership, UserSession)):
        return {instance.user_id}
    shared = _SHARED_ATTRIBUTES.get(type(instance))
    if shared and not added and (removed or _changed(instance, shared)):
        return EVERYONE
    return ()


@event.listens_for(CallbackSession, "after_flush")
def _watch_flush(session, flush_context) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        changed = _accounts_changed_by(instance, session)
        if changed:
            _note(session, changed)


@event.listens_for(CallbackSession, "do_orm_execute")
def _watch_statements(orm_execute_state) -> None:
    if not (orm_execute_state.is_update or orm_execute_state.is_delete or orm_execute_state.is_insert):
        return
    table = getattr(orm_execute_state.statement, "table", None)
    name = getattr(table, "name", None)
    # A new unit or team is in nobody's principal yet (as the flush watcher knows too).
    shared = name in _SHARED_TABLES and not orm_execute_state.is_insert
    if name not in _ACCOUNT_TABLES and not shared:
        return
    named = orm_execute_state.execution_options.get("principals_of")
    _note(orm_execute_state.session, EVERYONE if named is None else set(named))


@event.listens_for(CallbackSession, "after_commit")
def _forget_what_changed(session) -> None:
    changed = session.info.pop(CHANGED, None)
    if changed:
        forget(changed)


@event.listens_for(CallbackSession, "after_soft_rollback")
def _drop_changes(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(CHANGED, None)
