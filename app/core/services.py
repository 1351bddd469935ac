"""Service helpers shared by every domain. Services flush; views commit."""

from app.extensions import db


def update_row(row, **changes):
    """Apply already-validated field changes (a schema's output) to a model."""
    for key, value in changes.items():
        setattr(row, key, value)
    db.session.flush()
    return row
