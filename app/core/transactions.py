"""Side effects after commit: ``after_commit(fn)``.

Jobs, push sends and file deletes must not happen for a transaction that rolls back, and
must not run before their rows exist: a job enqueued before the commit can run in a
worker before the commit is visible. Callbacks are collected in ``session.info``, dropped
when the outermost transaction rolls back, and run once ``commit()`` has returned (SQL
cannot run inside SQLAlchemy's own ``after_commit`` event).
"""

import logging
from collections.abc import Callable

from flask import current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import event

logger = logging.getLogger(__name__)

CALLBACKS = "after_commit"


class CallbackSession(Session):
    """Flask-SQLAlchemy's session, running the after-commit callbacks once a commit is done."""

    def commit(self) -> None:
        super().commit()
        callbacks = self.info.pop(CALLBACKS, [])
        for callback in callbacks:
            try:
                callback()
            except Exception:
                # The transaction is committed and the user's request succeeded; a failed
                # side effect is logged, and the periodic sweeps catch up on it.
                logger.exception("after-commit callback %r failed", callback)

    def rollback(self) -> None:
        self.info.pop(CALLBACKS, None)
        super().rollback()


@event.listens_for(CallbackSession, "after_soft_rollback")
def _drop_callbacks(session, previous_transaction) -> None:
    # A failed flush rolls the transaction back without rollback() being called.
    if previous_transaction.parent is None:
        session.info.pop(CALLBACKS, None)


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current transaction commits; never if it rolls back."""
    session = current_app.extensions["sqlalchemy"].session
    session.info.setdefault(CALLBACKS, []).append(callback)
