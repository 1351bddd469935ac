"""Service helpers shared by every domain. Services flush; views commit."""

from sqlalchemy import update

from app.extensions import db


def update_row(row, **changes):
    """Apply already-validated field changes (a schema's output) to a model."""
    for key, value in changes.items():
        setattr(row, key, value)
    db.session.flush()
    return row


def claim_one(row, counter, limit, *conditions, values: dict | None = None) -> bool:
    """Take one of a limited number of places (an invite's uses, a shift's places) atomically.

    ``UPDATE t SET counter = counter + 1 WHERE id = :id AND counter < limit [AND conditions]``:
    concurrent claims are serialised by the row's lock, so exactly as many succeed as there
    are places, whatever the isolation level. ``values`` sets further columns with the claim.
    Returns whether a place was taken; ``row`` then shows the new count.
    """
    model = type(row)
    taken = db.session.execute(
        update(model)
        .where(model.id == row.id, counter < limit, *conditions)
        .values({counter.key: counter + 1, **(values or {})})
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken:
        db.session.refresh(row)
    return bool(taken)
