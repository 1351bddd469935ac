"""SQLite settings for the embedded default: enforce foreign keys, allow concurrent readers,
and keep the database file readable by its owner only (SQLite gives the -wal and -shm files
it creates the main file's permissions)."""

import os
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    for _, name, path in cursor.execute("PRAGMA database_list").fetchall():
        if name == "main" and path:
            for file in (path, f"{path}-wal", f"{path}-shm"):
                if os.path.exists(file):
                    os.chmod(file, 0o600)
    cursor.close()
