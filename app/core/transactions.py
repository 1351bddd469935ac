"""Side effects after commit, and clean-up after rollback: ``after_commit(fn)``, ``after_rollback(fn)``.

Jobs, push sends and file deletes must not happen for a transaction that rolls back, and
must not run before their rows exist: a job enqueued before the commit can run in a
worker before the commit is visible. Callbacks are collected in ``session.info``, dropped
when the outermost transaction rolls back, and run once ``commit()`` has returned (SQL
cannot run inside SQLAlchemy's own ``after_commit`` event).

The other way round, a file written to storage before its row is committed must go if the
row never is: ``after_rollback(fn)`` runs when the outermost transaction ends without
committing (an explicit rollback, a failed flush or commit, or the session closed at the
end of a request that raised), and never once it has committed.
"""

import logging
from collections.abc import Callable

from flask import current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import event

logger = logging.getLogger(__name__)

CALLBACKS = "after_commit"
ROLLBACK_CALLBACKS = "after_rollback"


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


@event.listens_for(CallbackSession, "after_commit")
def _keep_what_was_committed(session) -> None:
    # Committed: what the rollback callbacks would undo is now meant to stay. (No SQL here.)
    session.info.pop(ROLLBACK_CALLBACKS, None)


@event.listens_for(CallbackSession, "after_transaction_end")
def _undo_what_was_not_committed(session, transaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return
    for callback in session.info.pop(ROLLBACK_CALLBACKS, []):
        try:
            callback()
        except Exception:
            logger.exception("after-rollback callback %r failed", callback)


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current transaction commits; never if it rolls back."""
    session = current_app.extensions["sqlalchemy"].session
    session.info.setdefault(CALLBACKS, []).append(callback)


def after_rollback(callback: Callable[[], object]) -> None:
    """Run ``callback`` if the current transaction ends without committing; never once it has.

    For undoing what is outside the database, such as a file stored for a row that is
    never committed. The callback must not use the session.
    """
    session = current_app.extensions["sqlalchemy"].session
    session.info.setdefault(ROLLBACK_CALLBACKS, []).append(callback)
