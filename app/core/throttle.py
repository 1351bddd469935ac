"""Attempt throttles on Flask-Limiter's storage (Redis when REDIS_URL is set, shared by every worker).

Every attempt is counted *before* the work it guards (a password check, an alert's fan-out),
so parallel attempts cannot all pass a check that only looks at the counter; an attempt
that should not count (a successful sign-in) is given back.
"""

import math
import time

from flask import current_app
from limits import parse

from app.errors import TooManyRequests
from app.extensions import limiter


class Throttle:
    """``Throttle(("LOGIN_LIMIT_PER_IP", f"sign-in/ip/{ip}"), ...)``: limits named by config keys."""

    def __init__(self, *buckets: tuple[str, str]):
        config = current_app.config
        self.buckets = [(parse(config[limit]), key) for limit, key in buckets]

    def take_attempt(self) -> None:
        strategy = limiter.limiter
        taken = []
        for item, key in self.buckets:
            taken.append((item, key))
            if not strategy.hit(item, key):
                reset_at, _ = strategy.get_window_stats(item, key)
                self._give_back(taken)
                raise TooManyRequests(retry_after=max(1, math.ceil(reset_at - time.time())))

    def give_back(self) -> None:
        self._give_back(self.buckets)

    @staticmethod
    def _give_back(buckets) -> None:
        for item, key in buckets:
            limiter.limiter.hit(item, key, cost=-1)


def sign_in_throttle(phone: str, ip: str) -> Throttle:
    """Password checks, per account and per IP: sign-in and a password change's current password."""
    return Throttle(("LOGIN_LIMIT_PER_ACCOUNT", f"sign-in/account/{phone}"), ("LOGIN_LIMIT_PER_IP", f"sign-in/ip/{ip}"))
