"""The run-wide dedupe index, kept in a private temporary SQLite database rather than in memory.

It is the one thing dedupe must remember across every batch of a run, so in memory it grows with
the corpus (about 400 bytes a document: three dicts of hex digests and paths). SQLite keeps it on
disk with a bounded page cache, at a few microseconds a lookup, and removes the file when the
connection closes. Each map reads like the dict it replaces.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

# SQLite page cache per index, in KiB (SQLite's own default is 2,000 KiB).
CACHE_KIB = 4096

_MISSING: Any = object()


class DiskMap:
    """A str -> str mapping in one table of `db`, with the dict operations dedupe uses."""

    __slots__ = ("_db", "_get", "_put", "_table")

    def __init__(self, db: sqlite3.Connection, table: str):
        self._db = db
        self._table = table
        db.execute(f"CREATE TABLE IF NOT EXISTS {table} (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID")
        self._get = f"SELECT v FROM {table} WHERE k = ?"
        self._put = f"INSERT OR REPLACE INTO {table} (k, v) VALUES (?, ?)"

    def get(self, key: str, default: Any = None) -> Any:
        row = self._db.execute(self._get, (key,)).fetchone()
        return default if row is None else row[0]

    def __getitem__(self, key: str) -> str:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._db.execute(self._get, (key,)).fetchone() is not None

    def __setitem__(self, key: str, value: str) -> None:
        self._db.execute(self._put, (key, value))

    def __len__(self) -> int:
        return self._db.execute(f"SELECT count(*) FROM {self._table}").fetchone()[0]

    def __iter__(self) -> Iterator[str]:
        return (k for (k,) in self._db.execute(f"SELECT k FROM {self._table} ORDER BY k"))


def temporary_database() -> sqlite3.Connection:
    """A private on-disk database that SQLite deletes when it is closed (the empty file name)."""
    db = sqlite3.connect("", check_same_thread=False)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return db
