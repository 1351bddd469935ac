"""Sign-in throttling per account and per IP.

Every attempt is counted *before* the password is checked, so parallel guesses
cannot all pass a check that only looks at the counter; a successful sign-in
gives its attempt back. Counters live in Flask-Limiter's storage (Redis when
REDIS_URL is set), shared by every worker.
"""

import math
import time

from flask import current_app
from limits import parse

from app.errors import TooManyRequests
from app.extensions import limiter


class SignInThrottle:
    def __init__(self, phone: str, ip: str):
        config = current_app.config
        self.buckets = [
            (parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), f"sign-in/account/{phone}"),
            (parse(config["LOGIN_LIMIT_PER_IP"]), f"sign-in/ip/{ip}"),
        ]

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
