"""Subscriptions, announced articles and the delivery outbox, in SQLite.

The database runs in WAL mode; its schema is versioned with ``PRAGMA user_version`` and
upgraded by the numbered migrations below, in order, each in its own transaction. No pickles:
every value is a plain column.

Outbox rows go ``pending`` → ``sent`` (after Telegram accepted the message) or ``dropped``
(the chat unsubscribed or was deactivated) or ``failed`` (gave up after transient errors).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import BotError

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


@dataclass(frozen=True)
class Delivery:
    id: int
    article_id: str
    chat_id: int
    thread_id: int
    attempts: int


class Storage:
    """One SQLite database; every method is a short transaction."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(
                path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise BotError(f"cannot open the database {path}: {exc}") from None
        self.path = path

    def _migrate(self) -> None:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise BotError(
                f"the database is at schema version {version}, newer than this bot knows "
                f"({len(MIGRATIONS)}); upgrade the bot"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in script.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version={number}")
                self.db.execute("COMMIT")
            except sqlite3.Error:
                self.db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self.db.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    # -- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )

    # -- subscriptions ------------------------------------------------------------------------

    def subscribe(self, chat_id: int, thread_id: int, kind: str, title: str | None) -> bool:
        """Subscribe (or reactivate); False if it was already active."""
        row = self.db.execute(
            "SELECT active FROM subscriptions WHERE chat_id=? AND thread_id=?",
            (chat_id, thread_id),
        ).fetchone()
        if row is not None and row[0]:
            return False
        self.db.execute(
            "INSERT INTO subscriptions (chat_id, thread_id, kind, title, active, failures, since)"
            " VALUES (?, ?, ?, ?, 1, 0, ?) ON CONFLICT(chat_id, thread_id) DO UPDATE SET "
            "active=1, failures=0, kind=excluded.kind, title=excluded.title, "
            "since=excluded.since",
            (chat_id, thread_id, kind, title, time.time()),
        )
        return True

    def unsubscribe(self, chat_id: int, thread_id: int | None = None) -> int:
        """Deactivate a chat's subscription (all its topics when thread_id is None) and drop
        its pending deliveries; returns how many subscriptions changed."""
        where, args = (
            ("chat_id=?", (chat_id,))
            if thread_id is None
            else ("chat_id=? AND thread_id=?", (chat_id, thread_id))
        )
        self.db.execute("BEGIN IMMEDIATE")
        changed = self.db.execute(
            f"UPDATE subscriptions SET active=0 WHERE active=1 AND {where}", args
        ).rowcount
        self.db.execute(
            f"UPDATE outbox SET status='dropped' WHERE status='pending' AND {where}", args
        )
        self.db.execute("COMMIT")
        return changed

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its subscriptions and pending deliveries move along."""
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute(
            "UPDATE OR REPLACE subscriptions SET chat_id=?, kind='supergroup' WHERE chat_id=?",
            (new_id, old_id),
        )
        self.db.execute(
            "UPDATE outbox SET chat_id=? WHERE chat_id=? AND status='pending'", (new_id, old_id)
        )
        self.db.execute("COMMIT")

    def subscription(self, chat_id: int, thread_id: int = 0) -> Subscription | None:
        row = self.db.execute(
            "SELECT * FROM subscriptions WHERE chat_id=? AND thread_id=?", (chat_id, thread_id)
        ).fetchone()
        return None if row is None else _subscription(row)

    def subscriptions(self, active_only: bool = False) -> list[Subscription]:
        query = "SELECT * FROM subscriptions" + (" WHERE active=1" if active_only else "")
        return [_subscription(r) for r in self.db.execute(query + " ORDER BY since")]

    # -- announcements ------------------------------------------------------------------------

    def announced_hash(self, article_id: str) -> str | None:
        row = self.db.execute(
            "SELECT content_hash FROM announced WHERE article_id=?", (article_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def mark_known(self, articles: Iterable[tuple[str, str]]) -> None:
        """Record articles as seen without announcing them (the back catalogue)."""
        now = time.time()
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany(
            "INSERT INTO announced VALUES (?, ?, ?) ON CONFLICT(article_id) "
            "DO UPDATE SET content_hash=excluded.content_hash",
            [(a, h, now) for a, h in articles],
        )
        self.db.execute("COMMIT")

    def enqueue(self, article_id: str, content_hash: str) -> int:
        """Record the article as announced and queue one delivery per active subscription,
        in one transaction; returns the number queued."""
        now = time.time()
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute(
            "INSERT INTO announced VALUES (?, ?, ?) ON CONFLICT(article_id) DO "
            "UPDATE SET content_hash=excluded.content_hash, at=excluded.at",
            (article_id, content_hash, now),
        )
        count = self.db.execute(
            "INSERT INTO outbox (article_id, chat_id, thread_id, status, due, created) "
            "SELECT ?, chat_id, thread_id, 'pending', 0, ? FROM subscriptions WHERE active=1",
            (article_id, now),
        ).rowcount
        self.db.execute("COMMIT")
        return count

    def due(self, now: float, limit: int = 500) -> list[Delivery]:
        rows = self.db.execute(
            "SELECT id, article_id, chat_id, thread_id, attempts FROM outbox "
            "WHERE status='pending' AND due<=? ORDER BY id LIMIT ?",
            (now, limit),
        ).fetchall()
        return [Delivery(*r) for r in rows]

    def next_due(self) -> float | None:
        row = self.db.execute("SELECT MIN(due) FROM outbox WHERE status='pending'").fetchone()
        return None if row[0] is None else float(row[0])

    def pending_count(self) -> int:
        return int(
            self.db.execute("SELECT COUNT(*) FROM outbox WHERE status='pending'").fetchone()[0]
        )

    def delivered(self, delivery: Delivery) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute(
            "UPDATE outbox SET status='sent', attempts=attempts+1 WHERE id=?", (delivery.id,)
        )
        self.db.execute(
            "UPDATE subscriptions SET failures=0 WHERE chat_id=? AND thread_id=? AND failures>0",
            (delivery.chat_id, delivery.thread_id),
        )
        self.db.execute("COMMIT")

    def retry_later(self, delivery: Delivery, due: float, error: str) -> None:
        self.db.execute(
            "UPDATE outbox SET attempts=attempts+1, due=?, error=? WHERE id=?",
            (due, error[:500], delivery.id),
        )

    def give_up(self, delivery: Delivery, error: str) -> None:
        self.db.execute(
            "UPDATE outbox SET status='failed', attempts=attempts+1, error=? WHERE id=?",
            (error[:500], delivery.id),
        )

    def refused(self, delivery: Delivery, error: str, max_failures: int, due: float) -> bool:
        """The chat refused a message (blocked, kicked, not found): count a failure; at
        ``max_failures`` in a row the subscription is deactivated. Returns True then."""
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute(
            "UPDATE subscriptions SET failures=failures+1 WHERE chat_id=? AND thread_id=?",
            (delivery.chat_id, delivery.thread_id),
        )
        row = self.db.execute(
            "SELECT failures FROM subscriptions WHERE chat_id=? AND thread_id=?",
            (delivery.chat_id, delivery.thread_id),
        ).fetchone()
        dead = row is None or int(row[0]) >= max_failures
        if dead:
            self.db.execute(
                "UPDATE subscriptions SET active=0 WHERE chat_id=? AND thread_id=?",
                (delivery.chat_id, delivery.thread_id),
            )
            self.db.execute(
                "UPDATE outbox SET status='dropped', error=? WHERE status='pending'"
                " AND chat_id=? AND thread_id=?",
                (error[:500], delivery.chat_id, delivery.thread_id),
            )
        else:
            self.db.execute(
                "UPDATE outbox SET attempts=attempts+1, due=?, error=? WHERE id=?",
                (due, error[:500], delivery.id),
            )
        self.db.execute("COMMIT")
        return dead

    # -- what the Telegram front keeps --------------------------------------------------------

    def kept(self, kind: str) -> dict[str, str]:
        """Every value kept under ``kind``, by key (JSON text, as it was put)."""
        return {
            k: v for k, v in self.db.execute("SELECT key, value FROM kept WHERE kind=?", (kind,))
        }

    def keep(self, kind: str, key: str, value: str | None) -> None:
        """Keep a value (None forgets it)."""
        if value is None:
            self.db.execute("DELETE FROM kept WHERE kind=? AND key=?", (kind, key))
        else:
            self.db.execute(
                "INSERT INTO kept VALUES (?, ?, ?) ON CONFLICT(kind, key) "
                "DO UPDATE SET value=excluded.value",
                (kind, key, value),
            )

    def outbox_counts(self) -> dict[str, int]:
        return {
            str(s): int(n)
            for s, n in self.db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        }


def _subscription(row: tuple[Any, ...]) -> Subscription:
    chat_id, thread_id, kind, title, active, failures, since = row
    return Subscription(
        int(chat_id), int(thread_id), str(kind), title, bool(active), int(failures), float(since)
    )
