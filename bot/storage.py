"""Subscriptions, announced articles and the delivery outbox, in SQLite.

The database runs in WAL mode; its schema is versioned with ``PRAGMA user_version`` and
upgraded by the numbered migrations below, in order, each in its own transaction. No pickles:
every value is a plain column.

Outbox rows go ``pending`` → ``sent`` (after Telegram accepted the message) or ``dropped``
(the chat unsubscribed or was deactivated) or ``failed`` (gave up after transient errors).

Every write is one transaction that is rolled back whole if anything in it fails, and a
failure is a StorageError that says what happened (a full disk as a full disk). Before each
use the database file is checked to be the one that was opened: a file deleted or replaced
under the running bot is reported, not written to in the dark. The bot that runs on a
database holds an OS lock on it (``owner``), so a second one cannot send the same
announcements again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bot.errors import BotError, StorageError

log = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE subscriptions (
        chat_id   INTEGER NOT NULL,
        thread_id INTEGER NOT NULL DEFAULT 0,
        kind      TEXT NOT NULL,
        title     TEXT,
        active    INTEGER NOT NULL DEFAULT 1,
        failures  INTEGER NOT NULL DEFAULT 0,
        since     REAL NOT NULL,
        PRIMARY KEY (chat_id, thread_id)
    );
    CREATE TABLE announced (
        article_id   TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL,
        at           REAL NOT NULL
    );
    CREATE TABLE outbox (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id TEXT NOT NULL,
        chat_id    INTEGER NOT NULL,
        thread_id  INTEGER NOT NULL DEFAULT 0,
        status     TEXT NOT NULL DEFAULT 'pending',
        attempts   INTEGER NOT NULL DEFAULT 0,
        due        REAL NOT NULL DEFAULT 0,
        error      TEXT,
        created    REAL NOT NULL,
        UNIQUE (article_id, chat_id, thread_id, created)
    );
    CREATE INDEX outbox_pending ON outbox (status, due);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: what the Telegram front keeps across restarts (buttons, each chat's context), as JSON
    """
    CREATE TABLE kept (
        kind  TEXT NOT NULL,
        key   TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    """,
    # 3: digests instead of single announcements, topic filters, each chat's time zone, and
    # when each new article arrived (the back catalogue has no arrival)
    """
    ALTER TABLE subscriptions ADD COLUMN mode TEXT NOT NULL DEFAULT 'each';
    ALTER TABLE subscriptions ADD COLUMN filters TEXT NOT NULL DEFAULT '';
    CREATE TABLE chats (chat_id INTEGER PRIMARY KEY, timezone TEXT NOT NULL);
    ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'article';
    CREATE UNIQUE INDEX outbox_digest ON outbox (article_id, chat_id, thread_id)
        WHERE kind = 'digest';
    ALTER TABLE announced ADD COLUMN arrived REAL;
    """,
    # 4: what the feed reader knows of each feed and of each entry it has written
    """
    CREATE TABLE feeds (
        url           TEXT PRIMARY KEY,
        etag          TEXT,
        last_modified TEXT,
        next_at       REAL NOT NULL DEFAULT 0,
        polls         INTEGER NOT NULL DEFAULT 0,
        failures      INTEGER NOT NULL DEFAULT 0,
        error         TEXT
    );
    CREATE TABLE feed_entries (
        key        TEXT PRIMARY KEY,
        feed       TEXT NOT NULL,
        article_id TEXT NOT NULL,
        version    TEXT NOT NULL,
        complete   INTEGER NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 1,
        at         REAL NOT NULL
    );
    """,
)


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    thread_id: int
    kind: str
    title: str | None
    active: bool
    failures: int
    since: float
    mode: str = "each"  # each (one message per article) | daily | weekly (a digest)
    filters: tuple[str, ...] = ()  # topic words; none: every article


@dataclass(frozen=True)
class FeedState:
    """What the feed reader keeps of one feed between polls and restarts."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    next_at: float = 0.0  # when to ask again
    polls: int = 0  # successful polls; the first one's entries are the back catalogue
    failures: int = 0  # failed polls in a row
    error: str | None = None


@dataclass(frozen=True)
class FeedEntry:
    """An entry the feed reader has written as an article."""

    key: str  # its guid, else its link
    feed: str
    article_id: str
    version: str  # what the feed said of it last (its updated time, else a hash of its text)
    complete: bool  # written from its page; False: from the feed's own text
    attempts: int = 1  # pages tried for it


@dataclass(frozen=True)
class Delivery:
    id: int
    article_id: str  # for a digest, its period (bot.service.period_key)
    chat_id: int
    thread_id: int
    attempts: int
    kind: str = "article"  # article | digest


def _problem(exc: BaseException) -> str:
    text = str(exc)
    full = "full" in text.lower() or getattr(exc, "errno", None) == errno.ENOSPC
    return f"the disk is full ({text})" if full else text


class Storage:
    """One SQLite database; every method is a short transaction."""

    def __init__(self, path: Path, *, owner: bool = False) -> None:
        self.path = path
        self._lock: IO[bytes] | None = None
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
            self._migrate()
            self._identity = _identity(path)
        except (OSError, sqlite3.Error) as exc:
            self._release()
            raise StorageError(f"cannot open the database {path}: {_problem(exc)}") from None
        except BaseException:
            self._release()
            raise

    def _migrate(self) -> None:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise BotError(
                f"the database is at schema version {version}, newer than this bot knows "
                f"({len(MIGRATIONS)}); upgrade the bot"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._write(check=False) as db:
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={number}")

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
        """StorageError if the database file was deleted or replaced since it was opened
        (writes would go to a file nobody will ever read)."""
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
    def _write(self, *, check: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction, rolled back whole on any error (which becomes a StorageError)."""
        if check:
            self.check()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StorageError(
                f"the database {self.path} cannot be written: {_problem(exc)}"
            ) from None
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._error("written", exc) from None
            raise

    def _error(self, doing: str, exc: sqlite3.Error) -> StorageError:
        return StorageError(f"the database {self.path} cannot be {doing}: {_problem(exc)}")

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        self.check()
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(
                f"the database {self.path} cannot be read: {_problem(exc)}"
            ) from None

    @property
    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    # -- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key=?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) "
                "DO UPDATE SET value=excluded.value",
                (key, value),
            )

    # -- subscriptions ------------------------------------------------------------------------

    def subscribe(
        self,
        chat_id: int,
        thread_id: int,
        kind: str,
        title: str | None,
        mode: str = "each",
        filters: tuple[str, ...] = (),
    ) -> bool:
        """Subscribe, reactivate, or change an active subscription's mode and filters;
        False if it was already active (its mode and filters are updated all the same)."""
        with self._write() as db:
            row = db.execute(
                "SELECT active FROM subscriptions WHERE chat_id=? AND thread_id=?",
                (chat_id, thread_id),
            ).fetchone()
            db.execute(
                "INSERT INTO subscriptions (chat_id, thread_id, kind, title, active, failures,"
                " since, mode, filters) VALUES (?, ?, ?, ?, 1, 0, ?, ?, ?)"
                " ON CONFLICT(chat_id, thread_id) DO UPDATE SET active=1, failures=0,"
                " kind=excluded.kind, title=excluded.title, mode=excluded.mode,"
                " filters=excluded.filters,"
                " since=CASE WHEN subscriptions.active THEN subscriptions.since"
                " ELSE excluded.since END",
                (chat_id, thread_id, kind, title, time.time(), mode, " ".join(filters)),
            )
        return not (row is not None and row[0])

    def set_timezone(self, chat_id: int, timezone: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO chats VALUES (?, ?) ON CONFLICT(chat_id) "
                "DO UPDATE SET timezone=excluded.timezone",
                (chat_id, timezone),
            )

    def timezone(self, chat_id: int) -> str:
        rows = self._read("SELECT timezone FROM chats WHERE chat_id=?", (chat_id,))
        return str(rows[0][0]) if rows else "UTC"

    def unsubscribe(self, chat_id: int, thread_id: int | None = None) -> int:
        """Deactivate a chat's subscription (all its topics when thread_id is None) and drop
        its pending deliveries; returns how many subscriptions changed."""
        where, args = (
            ("chat_id=?", (chat_id,))
            if thread_id is None
            else ("chat_id=? AND thread_id=?", (chat_id, thread_id))
        )
        with self._write() as db:
            changed = db.execute(
                f"UPDATE subscriptions SET active=0 WHERE active=1 AND {where}", args
            ).rowcount
            db.execute(
                f"UPDATE outbox SET status='dropped' WHERE status='pending' AND {where}", args
            )
        return int(changed)

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its subscriptions and pending deliveries move along."""
        with self._write() as db:
            db.execute(
                "UPDATE OR REPLACE subscriptions SET chat_id=?, kind='supergroup' WHERE chat_id=?",
                (new_id, old_id),
            )
            db.execute(
                "UPDATE outbox SET chat_id=? WHERE chat_id=? AND status='pending'",
                (new_id, old_id),
            )

    def subscription(self, chat_id: int, thread_id: int = 0) -> Subscription | None:
        rows = self._read(
            "SELECT * FROM subscriptions WHERE chat_id=? AND thread_id=?", (chat_id, thread_id)
        )
        return _subscription(rows[0]) if rows else None

    def subscriptions(self, active_only: bool = False) -> list[Subscription]:
        query = "SELECT * FROM subscriptions" + (" WHERE active=1" if active_only else "")
        return [_subscription(r) for r in self._read(query + " ORDER BY since")]

    # -- announcements ------------------------------------------------------------------------

    def announced_hash(self, article_id: str) -> str | None:
        rows = self._read("SELECT content_hash FROM announced WHERE article_id=?", (article_id,))
        return str(rows[0][0]) if rows else None

    def mark_known(self, articles: Iterable[tuple[str, str]]) -> None:
        """Record articles as seen without announcing them (the back catalogue)."""
        now = time.time()
        with self._write() as db:
            db.executemany(
                "INSERT INTO announced (article_id, content_hash, at) VALUES (?, ?, ?) "
                "ON CONFLICT(article_id) DO UPDATE SET content_hash=excluded.content_hash",
                [(a, h, now) for a, h in articles],
            )

    def enqueue(
        self,
        article_id: str,
        content_hash: str,
        recipients: Iterable[tuple[int, int]] | None = None,
    ) -> int:
        """Record the article as announced (and arrived now, for digests) and queue one
        delivery per recipient (chat, topic); without ``recipients``, every active
        subscription that takes each article. One transaction; returns the number queued."""
        now = time.time()
        with self._write() as db:
            db.execute(
                "INSERT INTO announced (article_id, content_hash, at, arrived) VALUES "
                "(?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE SET "
                "content_hash=excluded.content_hash, at=excluded.at,"
                " arrived=COALESCE(announced.arrived, excluded.arrived)",
                (article_id, content_hash, now, now),
            )
            if recipients is None:
                recipients = db.execute(
                    "SELECT chat_id, thread_id FROM subscriptions WHERE active=1 AND mode='each'"
                ).fetchall()
            rows = [(article_id, c, t, now) for c, t in recipients]
            db.executemany(
                "INSERT INTO outbox (article_id, chat_id, thread_id, status, due, created) "
                "VALUES (?, ?, ?, 'pending', 0, ?)",
                rows,
            )
        return len(rows)

    def enqueue_digest(self, period: str, chat_id: int, thread_id: int) -> bool:
        """Queue a chat's digest for a period, once: False if it was queued before."""
        with self._write() as db:
            added = db.execute(
                "INSERT OR IGNORE INTO outbox (kind, article_id, chat_id, thread_id, status,"
                " due, created) VALUES ('digest', ?, ?, ?, 'pending', 0, ?)",
                (period, chat_id, thread_id, time.time()),
            ).rowcount
        return bool(added)

    def arrivals(self, start: float, end: float) -> list[tuple[str, float]]:
        """The new articles (not the back catalogue) that arrived in [start, end), with
        when, oldest first."""
        rows = self._read(
            "SELECT article_id, arrived FROM announced WHERE arrived >= ? AND arrived < ?"
            " ORDER BY arrived",
            (start, end),
        )
        return [(str(a), float(t)) for a, t in rows]

    def due(self, now: float, limit: int = 500) -> list[Delivery]:
        rows = self._read(
            "SELECT id, article_id, chat_id, thread_id, attempts, kind FROM outbox "
            "WHERE status='pending' AND due<=? ORDER BY id LIMIT ?",
            (now, limit),
        )
        return [Delivery(*r) for r in rows]

    def next_due(self) -> float | None:
        rows = self._read("SELECT MIN(due) FROM outbox WHERE status='pending'")
        return None if rows[0][0] is None else float(rows[0][0])

    def pending_count(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM outbox WHERE status='pending'")[0][0])

    def delivered(self, delivery: Delivery) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE outbox SET status='sent', attempts=attempts+1 WHERE id=?", (delivery.id,)
            )
            db.execute(
                "UPDATE subscriptions SET failures=0 WHERE chat_id=? AND thread_id=?"
                " AND failures>0",
                (delivery.chat_id, delivery.thread_id),
            )

    def retry_later(self, delivery: Delivery, due: float, error: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE outbox SET attempts=attempts+1, due=?, error=? WHERE id=?",
                (due, error[:500], delivery.id),
            )

    def give_up(self, delivery: Delivery, error: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE outbox SET status='failed', attempts=attempts+1, error=? WHERE id=?",
                (error[:500], delivery.id),
            )

    def refused(self, delivery: Delivery, error: str, max_failures: int, due: float) -> bool:
        """The chat refused a message (blocked, kicked, not found): count a failure; at
        ``max_failures`` in a row the subscription is deactivated. Returns True then."""
        where = (delivery.chat_id, delivery.thread_id)
        with self._write() as db:
            db.execute(
                "UPDATE subscriptions SET failures=failures+1 WHERE chat_id=? AND thread_id=?",
                where,
            )
            row = db.execute(
                "SELECT failures FROM subscriptions WHERE chat_id=? AND thread_id=?", where
            ).fetchone()
            dead = row is None or int(row[0]) >= max_failures
            if dead:
                db.execute(
                    "UPDATE subscriptions SET active=0 WHERE chat_id=? AND thread_id=?", where
                )
                db.execute(
                    "UPDATE outbox SET status='dropped', error=? WHERE status='pending'"
                    " AND chat_id=? AND thread_id=?",
                    (error[:500], *where),
                )
            else:
                db.execute(
                    "UPDATE outbox SET attempts=attempts+1, due=?, error=? WHERE id=?",
                    (due, error[:500], delivery.id),
                )
        return dead

    # -- what the Telegram front keeps --------------------------------------------------------

    def kept(self, kind: str) -> dict[str, str]:
        """Every value kept under ``kind``, by key (JSON text, as it was put)."""
        return {
            str(k): str(v)
            for k, v in self._read("SELECT key, value FROM kept WHERE kind=?", (kind,))
        }

    def keep(self, kind: str, key: str, value: str | None) -> None:
        """Keep a value (None forgets it)."""
        with self._write() as db:
            if value is None:
                db.execute("DELETE FROM kept WHERE kind=? AND key=?", (kind, key))
            else:
                db.execute(
                    "INSERT INTO kept VALUES (?, ?, ?) ON CONFLICT(kind, key) "
                    "DO UPDATE SET value=excluded.value",
                    (kind, key, value),
                )

    # -- feeds --------------------------------------------------------------------------------

    def feed_state(self, url: str) -> FeedState | None:
        rows = self._read(
            "SELECT url, etag, last_modified, next_at, polls, failures, error FROM feeds"
            " WHERE url=?",
            (url,),
        )
        return FeedState(*rows[0]) if rows else None

    def save_feed_state(self, state: FeedState) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO feeds VALUES (?, ?, ?, ?, ?, ?, ?)",
                dataclasses.astuple(state),
            )

    def feed_entry(self, key: str) -> FeedEntry | None:
        rows = self._read(
            "SELECT key, feed, article_id, version, complete, attempts FROM feed_entries"
            " WHERE key=?",
            (key,),
        )
        if not rows:
            return None
        key, feed, article_id, version, complete, attempts = rows[0]
        return FeedEntry(key, feed, article_id, version, bool(complete), attempts)

    def save_feed_entry(self, entry: FeedEntry) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO feed_entries VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    *dataclasses.astuple(entry)[:4],
                    int(entry.complete),
                    entry.attempts,
                    time.time(),
                ),
            )

    def outbox_counts(self) -> dict[str, int]:
        rows = self._read("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        return {str(s): int(n) for s, n in rows}


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
            "this one its own storage.path"
        ) from None
    return lock


def _subscription(row: tuple[Any, ...]) -> Subscription:
    chat_id, thread_id, kind, title, active, failures, since, mode, filters = row
    return Subscription(
        int(chat_id),
        int(thread_id),
        str(kind),
        title,
        bool(active),
        int(failures),
        float(since),
        str(mode),
        tuple(str(filters).split()),
    )
