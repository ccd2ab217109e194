"""The two databases the storage runs on: SQLite for one process, PostgreSQL for several.

Both take the same SQL, written for SQLite with ``?`` placeholders (PostgreSQL's are put in
for it), and both answer with plain tuples. A write is one transaction, rolled back whole on
any error; every failure is a StorageError that says what happened, with no password in it.

* **SQLite** (``Sqlite``): one file in WAL mode, its schema version in ``PRAGMA
  user_version``. Before each use the file is checked to be the one that was opened, and the
  process that runs the bot holds an OS lock on ``<file>.lock`` (``owner``).
* **PostgreSQL** (``Postgres``, psycopg 3 with a connection pool): the schema version in the
  ``schema_version`` table, migrations run under an advisory lock so replicas that start
  together do not race. ``leader(name)`` is a session advisory lock on a connection of its
  own: held until released or until the process (or its connection) dies, which is how one
  replica at a time is elected to send or to ingest.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import socket
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from bot.core.errors import BotError, StorageError
from bot.core.redact import redact

log = logging.getLogger(__name__)

Row = tuple[Any, ...]


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Row | None: ...

    def fetchall(self) -> list[Row]: ...


class Tx(Protocol):
    """What a transaction offers: statements with ``?`` placeholders."""

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...


class Database(Protocol):
    kind: str  # sqlite | postgresql
    where: str  # as messages name it, without a password

    def migrate(self, scripts: Sequence[str]) -> None: ...

    def schema_version(self) -> int: ...

    # ``timeout``: how long to wait for a connection (PostgreSQL's pool; None: the pool's own)
    def write(
        self, *, check: bool = True, timeout: float | None = None
    ) -> contextlib.AbstractContextManager[Tx]: ...

    def read(
        self, sql: str, args: Sequence[Any] = (), timeout: float | None = None
    ) -> list[Row]: ...

    def leader(self, name: str) -> Leader: ...

    def close(self) -> None: ...


class Leader(Protocol):
    """A named role held by one process at a time."""

    def acquire(self) -> bool | None:
        """Take the role if nobody holds it: True if this process holds it now, False if
        another one does, None if the database could not be asked."""

    def held(self) -> bool:
        """Whether this process still holds it (its connection is alive)."""

    def release(self) -> None: ...


def _problem(exc: BaseException) -> str:
    """What went wrong, in one line; libpq quotes a URL it cannot parse, password and all."""
    text = redact(" ".join(str(exc).split()))
    full = "full" in text.lower() or getattr(exc, "errno", None) == errno.ENOSPC
    return f"the disk is full ({text})" if full else text


def is_postgres(where: str | Path) -> bool:
    return isinstance(where, str) and where.startswith(("postgresql://", "postgres://"))


def shown(url: str) -> str:
    """A database URL fit for messages and logs: without its password (in its userinfo or
    as a ``password=`` parameter)."""
    return redact(url)


# -- SQLite ---------------------------------------------------------------------------------


class Sqlite:
    kind = "sqlite"

    def __init__(self, path: Path, *, owner: bool = False) -> None:
        self.path = path
        self.where = str(path)
        self._lock: IO[bytes] | None = None
        # One connection: a transaction (or a read) at a time, whichever thread asks, so that
        # no thread's statements ever land in another's transaction.
        self._turn = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if owner:
                self._lock = _owner_lock(path)
            self.db = sqlite3.connect(
                path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._identity = _identity(path)
        except (OSError, sqlite3.Error) as exc:
            self._release()
            raise StorageError(f"cannot open the database {path}: {_problem(exc)}") from None
        except BaseException:
            self._release()
            raise

    def migrate(self, scripts: Sequence[str]) -> None:
        version = self.schema_version()
        _refuse_newer(version, len(scripts))
        for number, script in enumerate(scripts[version:], start=version + 1):
            with self.write(check=False) as db:
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={number}")

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _release(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self._release()

    def check(self) -> None:
        """StorageError if the file was deleted or replaced since it was opened (writes
        would go to a file nobody will ever read)."""
        try:
            now = _identity(self.path)
        except OSError:
            now = None
        if now != self._identity:
            what = "deleted" if now is None else "replaced"
            raise StorageError(
                f"the database file {self.path} was {what} while the bot was running; "
                "subscriptions and announcements cannot be kept: restart the bot"
            )

    @contextlib.contextmanager
    def write(self, *, check: bool = True, timeout: float | None = None) -> Iterator[Tx]:
        """One transaction, rolled back whole on any error (which becomes a StorageError).
        There is no pool to wait for: ``timeout`` is not used."""
        with self._turn:
            yield from self._transaction(check)

    def _transaction(self, check: bool) -> Iterator[Tx]:
        if check:
            self.check()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StorageError(
                f"the database {self.path} cannot be written: {_problem(exc)}"
            ) from None
        try:
            yield self.db  # type: ignore[misc]
            self.db.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StorageError(
                    f"the database {self.path} cannot be written: {_problem(exc)}"
                ) from None
            raise

    def read(self, sql: str, args: Sequence[Any] = (), timeout: float | None = None) -> list[Row]:
        self.check()
        try:
            with self._turn:
                return self.db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(
                f"the database {self.path} cannot be read: {_problem(exc)}"
            ) from None

    def leader(self, name: str) -> Leader:
        return _Alone()


class _Alone:
    """On SQLite the one process that owns the database holds every role."""

    def acquire(self) -> bool | None:
        return True

    def held(self) -> bool:
        return True

    def release(self) -> None:
        return None


def _identity(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def _owner_lock(path: Path) -> IO[bytes]:
    """An exclusive OS lock on ``<database>.lock``, released when the process ends."""
    lock = open(path.with_name(path.name + ".lock"), "a+b")  # noqa: SIM115
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise BotError(
            f"another bot is already running on the database {path}; stop it first, or give "
            "this one its own storage.path (or run several on PostgreSQL: storage.url)"
        ) from None
    return lock


def _refuse_newer(version: int, known: int) -> None:
    if version > known:
        raise BotError(
            f"the database is at schema version {version}, newer than this bot knows "
            f"({known}); upgrade the bot"
        )


# -- PostgreSQL -----------------------------------------------------------------------------


def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


def lock_key(name: str) -> int:
    """A stable 64-bit advisory lock key for a name."""
    digest = hashlib.sha256(f"corpus-bot:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class _PgTx:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor:
        return self.conn.execute(_pg(sql), args)  # type: ignore[no-any-return]

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(_pg(sql), list(rows))


POOL_SIZE = 8  # connections in a process's pool


class Postgres:
    kind = "postgresql"

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        import psycopg
        import psycopg_pool

        self.url = url
        self.where = shown(url)
        self._errors: tuple[type[BaseException], ...] = (
            psycopg.Error,
            psycopg_pool.PoolTimeout,
        )
        self.pool = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True, "connect_timeout": 10},
            timeout=15,
            open=False,
            name="corpus-bot",
        )
        try:
            psycopg.connect(url, connect_timeout=10).close()  # a clear error, at once
            self.pool.open(wait=True, timeout=15)
        except self._errors as exc:
            self.pool.close()
            raise StorageError(
                f"cannot reach the database {self.where}: {_problem(exc)}"
            ) from None

    def migrate(self, scripts: Sequence[str]) -> None:
        with self.write() as db:
            db.execute("SELECT pg_advisory_xact_lock(?)", (lock_key("migrate"),))
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
            version = int(row[0]) if row and row[0] is not None else 0
            _refuse_newer(version, len(scripts))
            for number, script in enumerate(scripts[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO schema_version VALUES (?)", (number,))
                log.info("database %s: migrated to schema version %d", self.where, number)

    def schema_version(self) -> int:
        rows = self.read("SELECT MAX(version) FROM schema_version")
        return int(rows[0][0] or 0)

    def close(self) -> None:
        self.pool.close()

    def check(self) -> None:
        return None

    @contextlib.contextmanager
    def write(self, *, check: bool = True, timeout: float | None = None) -> Iterator[Tx]:
        try:
            with self.pool.connection(timeout) as conn, conn.transaction():
                yield _PgTx(conn)
        except self._errors as exc:
            raise StorageError(
                f"the database {self.where} cannot be written: {_problem(exc)}"
            ) from None

    def read(self, sql: str, args: Sequence[Any] = (), timeout: float | None = None) -> list[Row]:
        try:
            with self.pool.connection(timeout) as conn:
                return conn.execute(_pg(sql), args).fetchall()
        except self._errors as exc:
            raise StorageError(
                f"the database {self.where} cannot be read: {_problem(exc)}"
            ) from None

    def leader(self, name: str) -> Leader:
        return _AdvisoryLock(self.url, self.where, name)


class _AdvisoryLock:
    """A session advisory lock on a connection of its own: PostgreSQL releases it when the
    connection ends, so a replica that dies hands its role on."""

    def __init__(self, url: str, where: str, role: str) -> None:
        self.url = url
        self.where = where
        self.key = lock_key(role)
        # pg_stat_activity shows who holds which role: corpus-bot:sender:HOST:PID
        self.name = f"corpus-bot:{role}:{socket.gethostname()}:{os.getpid()}"[:63]
        self._conn: Any = None
        self._unanswered = False  # the last try to ask the database failed

    def acquire(self) -> bool | None:
        import psycopg

        if self.held():
            return True
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(
                    self.url, autocommit=True, connect_timeout=10, application_name=self.name
                )
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        except psycopg.Error as exc:  # said once, not every second of an outage
            level = logging.DEBUG if self._unanswered else logging.WARNING
            log.log(level, "database %s: cannot ask for a role: %s", self.where, _problem(exc))
            self._unanswered = True
            self._drop()
            return None
        self._unanswered = False
        self._held = bool(row and row[0])
        return self._held

    def held(self) -> bool:
        import psycopg

        if self._conn is None or self._conn.closed or not getattr(self, "_held", False):
            return False
        try:
            self._conn.execute("SELECT 1")
        except psycopg.Error:
            self._drop()
            return False
        return True

    def _drop(self) -> None:
        self._held = False
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def release(self) -> None:
        if self._conn is not None and getattr(self, "_held", False):
            with contextlib.suppress(Exception):
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        self._drop()
