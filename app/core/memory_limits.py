"""Rate-limit counters kept in process memory, safe for gunicorn's threaded workers.

`limits`' MemoryStorage starts its expiry timer without a lock: two threads can both
replace the timer and one then starts an already started thread ("threads can only be
started once"), a 500 seen under the sign-in benchmark. Serialising the few methods
that schedule that timer removes the race; Redis storage (REDIS_URL) never had it.
"""

import threading

from limits.storage import MemoryStorage


class ThreadSafeMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["threadsafe-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions, **options)
        self._schedule_lock = threading.Lock()

    def incr(self, key, expiry, amount=1):
        with self._schedule_lock:
            return super().incr(key, expiry, amount)

    def decr(self, key, amount=1):
        with self._schedule_lock:
            return super().decr(key, amount)

    def acquire_entry(self, key, limit, expiry, amount=1):
        with self._schedule_lock:
            return super().acquire_entry(key, limit, expiry, amount)
