"""Subscriptions, announced articles, the delivery outbox, feed state and (for several
processes) the corpus: the bot's state, in SQLite or PostgreSQL (``bot.store.db``).

The schema is versioned and upgraded by the numbered migrations below, in order, each in its
own transaction: ``MIGRATIONS`` for SQLite, ``PG_MIGRATIONS`` for PostgreSQL. No pickles:
every value is a plain column.

Outbox rows go ``pending`` → ``sent`` (after Telegram accepted the message) or ``dropped``
(the chat unsubscribed or was deactivated) or ``failed`` (gave up after transient errors).
A sender claims the rows it is about to send for a while (a lease), so that when several
processes share the database a row is sent by one of them, and a sender that dies has its
rows taken over once their lease runs out.

Every write is one transaction that is rolled back whole if anything in it fails, and a
failure is a StorageError that says what happened (a full disk as a full disk). On SQLite the
bot that runs on a database holds an OS lock on it (``owner``), so a second one cannot send
the same announcements again; on PostgreSQL several bots share it by design.

``Storage`` is synchronous: the console and worker threads use it. The event loop uses its
async face, ``bot.store.face.Store``, which runs each call on the store's own threads.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.core.records import (
    IN_FLIGHT,
    MAX_KEPT_QUESTION,
    QUICK_SECONDS,
    Asked,
    Delivery,
    FeedEntry,
    FeedState,
    Subscription,
)
from bot.store.db import Database, Leader, Postgres, Sqlite, is_postgres, lock_key

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
    # 5: several processes: outbox rows claimed for a while by one sender, and the corpus
    # files the ingesting process records for the others
    """
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
    ALTER TABLE outbox ADD COLUMN claimed_until REAL;
    CREATE TABLE corpus (
        name    TEXT PRIMARY KEY,
        text    TEXT,
        hash    TEXT NOT NULL,
        version INTEGER NOT NULL
    );
    CREATE INDEX corpus_version ON corpus (version);
    """,
    # 6: what the readers asked (insights), and when a message was delivered and a
    # subscription ended (the insights' daily figures)
    """
    ALTER TABLE outbox ADD COLUMN sent_at REAL;
    ALTER TABLE subscriptions ADD COLUMN ended REAL;
    CREATE TABLE questions (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        at         REAL NOT NULL,
        chat       TEXT NOT NULL,
        question   TEXT NOT NULL,
        answered   INTEGER NOT NULL,
        article_id TEXT,
        seconds    REAL NOT NULL
    );
    CREATE INDEX questions_at ON questions (at);
    """,
)

# PostgreSQL starts from the schema SQLite has reached; a later change is a new script in
# both lists. The columns are in SQLite's order, so the same statements serve both.
PG_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE subscriptions (
        chat_id   BIGINT NOT NULL,
        thread_id BIGINT NOT NULL DEFAULT 0,
        kind      TEXT NOT NULL,
        title     TEXT,
        active    INTEGER NOT NULL DEFAULT 1,
        failures  INTEGER NOT NULL DEFAULT 0,
        since     DOUBLE PRECISION NOT NULL,
        mode      TEXT NOT NULL DEFAULT 'each',
        filters   TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (chat_id, thread_id)
    );
    CREATE TABLE announced (
        article_id   TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL,
        at           DOUBLE PRECISION NOT NULL,
        arrived      DOUBLE PRECISION
    );
    CREATE TABLE outbox (
        id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        article_id    TEXT NOT NULL,
        chat_id       BIGINT NOT NULL,
        thread_id     BIGINT NOT NULL DEFAULT 0,
        status        TEXT NOT NULL DEFAULT 'pending',
        attempts      INTEGER NOT NULL DEFAULT 0,
        due           DOUBLE PRECISION NOT NULL DEFAULT 0,
        error         TEXT,
        created       DOUBLE PRECISION NOT NULL,
        kind          TEXT NOT NULL DEFAULT 'article',
        claimed_by    TEXT,
        claimed_until DOUBLE PRECISION,
        UNIQUE (article_id, chat_id, thread_id, created)
    );
    CREATE INDEX outbox_pending ON outbox (status, due);
    CREATE UNIQUE INDEX outbox_digest ON outbox (article_id, chat_id, thread_id)
        WHERE kind = 'digest';
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE kept (
        kind  TEXT NOT NULL,
        key   TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    CREATE TABLE chats (chat_id BIGINT PRIMARY KEY, timezone TEXT NOT NULL);
    CREATE TABLE feeds (
        url           TEXT PRIMARY KEY,
        etag          TEXT,
        last_modified TEXT,
        next_at       DOUBLE PRECISION NOT NULL DEFAULT 0,
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
        at         DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE corpus (
        name    TEXT PRIMARY KEY,
        text    TEXT,
        hash    TEXT NOT NULL,
        version BIGINT NOT NULL
    );
    CREATE INDEX corpus_version ON corpus (version);
    """,
    # 2: as SQLite's 6
    """
    ALTER TABLE outbox ADD COLUMN sent_at DOUBLE PRECISION;
    ALTER TABLE subscriptions ADD COLUMN ended DOUBLE PRECISION;
    CREATE TABLE questions (
        id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at         DOUBLE PRECISION NOT NULL,
        chat       TEXT NOT NULL,
        question   TEXT NOT NULL,
        answered   INTEGER NOT NULL,
        article_id TEXT,
        seconds    DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX questions_at ON questions (at);
    """,
    # 3: the sentence vectors a fleet embeds once and shares (PostgreSQL only: one process
    # on SQLite embeds alone). A row with no vector is a sentence waiting to be embedded.
    """
    CREATE TABLE sentence_vectors (
        model       TEXT NOT NULL,
        hash        BIGINT NOT NULL,
        unit        TEXT,
        priority    INTEGER NOT NULL DEFAULT 0,
        vector      BYTEA,
        embedded_by TEXT,
        PRIMARY KEY (model, hash)
    );
    CREATE INDEX sentence_vectors_todo ON sentence_vectors (model, priority DESC)
        WHERE vector IS NULL;
    """,
)

SUBSCRIPTION = "chat_id, thread_id, kind, title, active, failures, since, mode, filters"
DELIVERY = "id, article_id, chat_id, thread_id, attempts, kind"


class Storage:
    """The bot's state in SQLite (a path, or ``sqlite:///path``) or PostgreSQL (a
    ``postgresql://`` URL); every method is one short transaction."""

    def __init__(self, where: Path | str, *, owner: bool = False) -> None:
        self.db: Database
        if is_postgres(where):
            self.db = Postgres(str(where))
            scripts = PG_MIGRATIONS
        else:
            path = Path(str(where).removeprefix("sqlite://")) if isinstance(where, str) else where
            self.db = Sqlite(path, owner=owner)
            scripts = MIGRATIONS
        try:
            self.db.migrate(scripts)
        except BaseException:
            self.db.close()
            raise
        self._salt: str | None = None  # the insights' salt, once read: it never changes

    @property
    def where(self) -> str:
        """The database, as messages name it (no password)."""
        return self.db.where

    @property
    def shared(self) -> bool:
        """Whether several bot processes may share this database (PostgreSQL)."""
        return self.db.kind == "postgresql"

    @property
    def schema_version(self) -> int:
        return self.db.schema_version()

    def close(self) -> None:
        self.db.close()

    def ping(self, timeout: float | None = None) -> None:
        """StorageError unless the database answers (``timeout``: for a pool connection)."""
        self.db.read("SELECT 1", timeout=timeout)

    def leader(self, role: str) -> Leader:
        """A role (``sender``, ``ingester``) held by one process at a time."""
        return self.db.leader(role)

    # -- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self.db.read("SELECT value FROM meta WHERE key=?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db.write() as db:
            db.execute(
                "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) "
                "DO UPDATE SET value=excluded.value",
                (key, value),
            )

    # -- what the readers asked (insights) ----------------------------------------------------

    def insights_salt(self) -> str:
        """The salt that hides each chat's id in the insights, made once per database (and
        read once per process: each kept question needs it)."""
        if self._salt is not None:
            return self._salt
        salt = self.get_meta("insights_salt")
        if salt is None:
            with self.db.write() as db:
                db.execute(
                    "INSERT INTO meta VALUES ('insights_salt', ?) ON CONFLICT(key) DO NOTHING",
                    (secrets.token_hex(16),),
                )
            salt = self.get_meta("insights_salt")
        assert salt is not None
        self._salt = salt
        return salt

    def record_question(self, asked: Asked) -> None:
        with self.db.write(timeout=QUICK_SECONDS) as db:
            db.execute(
                "INSERT INTO questions (at, chat, question, answered, article_id, seconds)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    asked.at,
                    asked.chat,
                    asked.question[:MAX_KEPT_QUESTION],
                    int(asked.answered),
                    asked.article,
                    asked.seconds,
                ),
            )

    def questions_since(self, since: float) -> list[Asked]:
        rows = self.db.read(
            "SELECT at, chat, question, answered, article_id, seconds FROM questions"
            " WHERE at>=? ORDER BY at, id",
            (since,),
        )
        return [
            Asked(float(r[0]), str(r[1]), str(r[2]), bool(r[3]), r[4], float(r[5])) for r in rows
        ]

    def forget_questions(self, before: float) -> int:
        """Drop the questions asked before ``before``; returns how many."""
        with self.db.write() as db:
            return int(db.execute("DELETE FROM questions WHERE at<?", (before,)).rowcount)

    def subscription_spans(self) -> list[tuple[float, bool, float | None]]:
        """Each subscription's (since, active, ended)."""
        rows = self.db.read("SELECT since, active, ended FROM subscriptions")
        return [(float(r[0]), bool(r[1]), None if r[2] is None else float(r[2])) for r in rows]

    def deliveries_since(self, since: float) -> list[float]:
        """When each message Telegram accepted since ``since`` was sent."""
        rows = self.db.read("SELECT sent_at FROM outbox WHERE sent_at>=?", (since,))
        return [float(r[0]) for r in rows]

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
        with self.db.write() as db:
            row = db.execute(
                "SELECT active FROM subscriptions WHERE chat_id=? AND thread_id=?",
                (chat_id, thread_id),
            ).fetchone()
            db.execute(
                "INSERT INTO subscriptions (chat_id, thread_id, kind, title, active, failures,"
                " since, mode, filters) VALUES (?, ?, ?, ?, 1, 0, ?, ?, ?)"
                " ON CONFLICT(chat_id, thread_id) DO UPDATE SET active=1, failures=0,"
                " kind=excluded.kind, title=excluded.title, mode=excluded.mode,"
                " filters=excluded.filters, ended=NULL,"
                " since=CASE WHEN subscriptions.active = 1 THEN subscriptions.since"
                " ELSE excluded.since END",
                (chat_id, thread_id, kind, title, time.time(), mode, " ".join(filters)),
            )
        return not (row is not None and row[0])

    def set_timezone(self, chat_id: int, timezone: str) -> None:
        with self.db.write() as db:
            db.execute(
                "INSERT INTO chats VALUES (?, ?) ON CONFLICT(chat_id) "
                "DO UPDATE SET timezone=excluded.timezone",
                (chat_id, timezone),
            )

    def timezone(self, chat_id: int) -> str:
        rows = self.db.read("SELECT timezone FROM chats WHERE chat_id=?", (chat_id,))
        return str(rows[0][0]) if rows else "UTC"

    def unsubscribe(self, chat_id: int, thread_id: int | None = None) -> int:
        """Deactivate a chat's subscription (all its topics when thread_id is None) and drop
        its pending deliveries; returns how many subscriptions changed."""
        where, args = (
            ("chat_id=?", (chat_id,))
            if thread_id is None
            else ("chat_id=? AND thread_id=?", (chat_id, thread_id))
        )
        with self.db.write() as db:
            changed = db.execute(
                f"UPDATE subscriptions SET active=0, ended=? WHERE active=1 AND {where}",
                (time.time(), *args),
            ).rowcount
            db.execute(
                f"UPDATE outbox SET status='dropped' WHERE status='pending' AND {where}", args
            )
        return int(changed)

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its subscriptions and pending deliveries move along."""
        with self.db.write() as db:
            db.execute(  # the new chat's own rows give way to the group's
                "DELETE FROM subscriptions WHERE chat_id=? AND thread_id IN"
                " (SELECT thread_id FROM subscriptions WHERE chat_id=?)",
                (new_id, old_id),
            )
            db.execute(
                "UPDATE subscriptions SET chat_id=?, kind='supergroup' WHERE chat_id=?",
                (new_id, old_id),
            )
            db.execute(
                "UPDATE outbox SET chat_id=? WHERE chat_id=? AND status IN ('pending', 'sending')",
                (new_id, old_id),
            )

    def subscription(self, chat_id: int, thread_id: int = 0) -> Subscription | None:
        rows = self.db.read(
            f"SELECT {SUBSCRIPTION} FROM subscriptions WHERE chat_id=? AND thread_id=?",
            (chat_id, thread_id),
        )
        return _subscription(rows[0]) if rows else None

    def subscriptions(self, active_only: bool = False) -> list[Subscription]:
        query = f"SELECT {SUBSCRIPTION} FROM subscriptions" + (
            " WHERE active=1" if active_only else ""
        )
        return [_subscription(r) for r in self.db.read(query + " ORDER BY since")]

    # -- announcements ------------------------------------------------------------------------

    def announced_hash(self, article_id: str) -> str | None:
        rows = self.db.read("SELECT content_hash FROM announced WHERE article_id=?", (article_id,))
        return str(rows[0][0]) if rows else None

    def mark_known(self, articles: Iterable[tuple[str, str]]) -> None:
        """Record articles as seen without announcing them (the back catalogue)."""
        now = time.time()
        with self.db.write() as db:
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
        *,
        again: bool = False,
    ) -> int:
        """Record the article as announced (and arrived now, for digests) and queue one
        delivery per recipient (chat, topic); without ``recipients``, every active
        subscription that takes each article. One transaction; returns the number queued.

        An article already announced in this version is not queued again unless ``again``
        (an operator's own request): of several bots that see the same new article at the
        same time, exactly one queues it."""
        now = time.time()
        with self.db.write() as db:
            fresh = db.execute(
                "INSERT INTO announced (article_id, content_hash, at, arrived) VALUES "
                "(?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE SET "
                "content_hash=excluded.content_hash, at=excluded.at,"
                " arrived=COALESCE(announced.arrived, excluded.arrived)"
                " WHERE ? = 1 OR announced.content_hash <> excluded.content_hash"
                " RETURNING article_id",
                (article_id, content_hash, now, now, int(again)),
            ).fetchone()
            if fresh is None:
                return 0
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
        with self.db.write() as db:
            added = db.execute(
                "INSERT INTO outbox (kind, article_id, chat_id, thread_id, status, due,"
                " created) VALUES ('digest', ?, ?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING",
                (period, chat_id, thread_id, time.time()),
            ).rowcount
        return bool(added)

    def arrivals(self, start: float, end: float) -> list[tuple[str, float]]:
        """The new articles (not the back catalogue) that arrived in [start, end), with
        when, oldest first."""
        rows = self.db.read(
            "SELECT article_id, arrived FROM announced WHERE arrived >= ? AND arrived < ?"
            " ORDER BY arrived",
            (start, end),
        )
        return [(str(a), float(t)) for a, t in rows]

    def due(self, now: float, limit: int = 500) -> list[Delivery]:
        """The pending rows due by ``now`` that no sender holds, oldest first."""
        rows = self.db.read(
            f"SELECT {DELIVERY} FROM outbox WHERE status='pending' AND due<=?"
            " AND (claimed_until IS NULL OR claimed_until<=?) ORDER BY id LIMIT ?",
            (now, now, limit),
        )
        return [Delivery(*r) for r in rows]

    def claim(self, now: float, holder: str, lease: float, limit: int = 500) -> list[Delivery]:
        """Take up to ``limit`` due rows for ``lease`` seconds: no other sender takes them
        until the lease runs out (the holder died) or they are settled. On PostgreSQL
        concurrent claims skip each other's rows (FOR UPDATE SKIP LOCKED)."""
        skip = " FOR UPDATE SKIP LOCKED" if self.shared else ""
        with self.db.write() as db:
            rows = db.execute(
                "UPDATE outbox SET claimed_by=?, claimed_until=? WHERE id IN (SELECT id FROM"
                " outbox WHERE status='pending' AND due<=? AND (claimed_until IS NULL OR"
                f" claimed_until<=?) ORDER BY id LIMIT ?{skip}) RETURNING {DELIVERY}",
                (holder, now + lease, now, now, limit),
            ).fetchall()
        return sorted((Delivery(*r) for r in rows), key=lambda d: d.id)

    def release_claims(self, keep: str) -> int:
        """Free the pending rows other senders hold (a new sender takes over from one that
        stopped); returns how many."""
        with self.db.write() as db:
            cursor = db.execute(
                "UPDATE outbox SET claimed_until=NULL WHERE status='pending'"
                " AND claimed_until IS NOT NULL AND claimed_by<>?",
                (keep,),
            )
        return int(cursor.rowcount)

    def next_due(self) -> float | None:
        rows = self.db.read("SELECT MIN(due) FROM outbox WHERE status='pending'")
        return None if rows[0][0] is None else float(rows[0][0])

    def pending_count(self) -> int:
        return int(self.db.read("SELECT COUNT(*) FROM outbox WHERE status='pending'")[0][0])

    def delivered(self, delivery: Delivery) -> None:
        with self.db.write() as db:
            db.execute(
                "UPDATE outbox SET status='sent', attempts=attempts+1, claimed_until=NULL,"
                " sent_at=? WHERE id=?",
                (time.time(), delivery.id),
            )
            db.execute(
                "UPDATE subscriptions SET failures=0 WHERE chat_id=? AND thread_id=?"
                " AND failures>0",
                (delivery.chat_id, delivery.thread_id),
            )

    def sending(
        self, delivery: Delivery, holder: str | None = None, timeout: float | None = None
    ) -> bool:
        """The message is about to leave. Should the process die before the outcome is
        recorded, the row stays ``sending``: Telegram has most likely delivered it, so it is
        not sent again (``settle_in_flight``). False if the row is no longer pending, or
        no longer ``holder``'s (another sender took it over): then it must not be sent."""
        mine = "" if holder is None else " AND claimed_by=?"
        with self.db.write(timeout=timeout) as db:
            marked = db.execute(
                f"UPDATE outbox SET status='sending' WHERE id=? AND status='pending'{mine}",
                (delivery.id,) if holder is None else (delivery.id, holder),
            ).rowcount
        return bool(marked)

    def settle_in_flight(self, keep: str) -> int:
        """Rows another sender (a process that has died) had on their way: counted as sent,
        never sent twice. Returns how many."""
        with self.db.write() as db:
            cursor = db.execute(
                "UPDATE outbox SET status='sent', claimed_until=NULL, error=? WHERE"
                " status='sending' AND (claimed_by IS NULL OR claimed_by<>?)",
                (IN_FLIGHT, keep),
            )
        return int(cursor.rowcount)

    def retry_later(
        self, delivery: Delivery, due: float, error: str, holder: str | None = None
    ) -> None:
        """Back to pending, due at ``due``; with ``holder``, only while the row is still
        that sender's (a write that comes late never takes a row back from another)."""
        mine = "" if holder is None else " AND claimed_by=?"
        with self.db.write() as db:
            db.execute(
                "UPDATE outbox SET status='pending', attempts=attempts+1, due=?, error=?,"
                f" claimed_until=NULL WHERE id=?{mine}",
                (due, error[:500], delivery.id, *([] if holder is None else [holder])),
            )

    def give_up(self, delivery: Delivery, error: str) -> None:
        with self.db.write() as db:
            db.execute(
                "UPDATE outbox SET status='failed', attempts=attempts+1, error=?,"
                " claimed_until=NULL WHERE id=?",
                (error[:500], delivery.id),
            )

    def refused(self, delivery: Delivery, error: str, max_failures: int, due: float) -> bool:
        """The chat refused a message (blocked, kicked, not found): count a failure; at
        ``max_failures`` in a row the subscription is deactivated. Returns True then."""
        where = (delivery.chat_id, delivery.thread_id)
        with self.db.write() as db:
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
                    "UPDATE subscriptions SET active=0, ended=? WHERE chat_id=? AND thread_id=?",
                    (time.time(), *where),
                )
                db.execute(
                    "UPDATE outbox SET status='dropped', error=? WHERE (status='pending'"
                    " AND chat_id=? AND thread_id=?) OR id=?",
                    (error[:500], *where, delivery.id),
                )
            else:
                db.execute(
                    "UPDATE outbox SET status='pending', attempts=attempts+1, due=?, error=?,"
                    " claimed_until=NULL WHERE id=?",
                    (due, error[:500], delivery.id),
                )
        return dead

    # -- what the Telegram front keeps --------------------------------------------------------

    def kept(self, kind: str, timeout: float | None = None) -> dict[str, str]:
        """Every value kept under ``kind``, by key (JSON text, as it was put)."""
        rows = self.db.read("SELECT key, value FROM kept WHERE kind=?", (kind,), timeout)
        return {str(k): str(v) for k, v in rows}

    def kept_one(self, kind: str, key: str, timeout: float | None = None) -> str | None:
        rows = self.db.read("SELECT value FROM kept WHERE kind=? AND key=?", (kind, key), timeout)
        return str(rows[0][0]) if rows else None

    def keep(self, kind: str, key: str, value: str | None, timeout: float | None = None) -> None:
        """Keep a value (None forgets it)."""
        with self.db.write(timeout=timeout) as db:
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
        rows = self.db.read(
            "SELECT url, etag, last_modified, next_at, polls, failures, error FROM feeds"
            " WHERE url=?",
            (url,),
        )
        return FeedState(*rows[0]) if rows else None

    def save_feed_state(self, state: FeedState) -> None:
        with self.db.write() as db:
            db.execute(
                "INSERT INTO feeds VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
                " etag=excluded.etag, last_modified=excluded.last_modified,"
                " next_at=excluded.next_at, polls=excluded.polls, failures=excluded.failures,"
                " error=excluded.error",
                dataclasses.astuple(state),
            )

    def feed_entries(self, keys: Sequence[str]) -> dict[str, FeedEntry]:
        """What is known of each of these entries (a sitemap's pages, thousands at a time),
        by key; an entry not seen before is not there."""
        found: dict[str, FeedEntry] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            rows = self.db.read(
                "SELECT key, feed, article_id, version, complete, attempts FROM feed_entries"
                f" WHERE key IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            for key, feed, article_id, version, complete, attempts in rows:
                found[key] = FeedEntry(key, feed, article_id, version, bool(complete), attempts)
        return found

    def save_feed_entry(self, entry: FeedEntry) -> None:
        with self.db.write() as db:
            db.execute(
                "INSERT INTO feed_entries VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE"
                " SET feed=excluded.feed, article_id=excluded.article_id,"
                " version=excluded.version, complete=excluded.complete,"
                " attempts=excluded.attempts, at=excluded.at",
                (
                    *dataclasses.astuple(entry)[:4],
                    int(entry.complete),
                    entry.attempts,
                    time.time(),
                ),
            )

    # -- the corpus, for several processes ----------------------------------------------------

    def corpus_hashes(self) -> dict[str, str]:
        """The recorded corpus files (not deleted ones) and their content hashes."""
        rows = self.db.read("SELECT name, hash FROM corpus WHERE text IS NOT NULL")
        return {str(n): str(h) for n, h in rows}

    def publish(
        self, files: Iterable[tuple[str, str | None, str]], known: Iterable[tuple[str, str]] = ()
    ) -> int:
        """Record new, changed (``(name, text, hash)``) and deleted (text None) corpus files
        under the next version, and the articles in ``known`` as seen without announcing
        them (the back catalogue), in one transaction; returns the version."""
        rows = list(files)
        with self.db.write() as db:
            if self.shared:  # one writer at a time, so versions follow commit order
                db.execute("SELECT pg_advisory_xact_lock(?)", (lock_key("corpus"),))
            row = db.execute("SELECT COALESCE(MAX(version), 0) FROM corpus").fetchone()
            version = int(row[0] if row else 0) + 1
            db.executemany(
                "INSERT INTO corpus VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
                " text=excluded.text, hash=excluded.hash, version=excluded.version",
                [(name, text, digest, version) for name, text, digest in rows],
            )
            now = time.time()
            db.executemany(
                "INSERT INTO announced (article_id, content_hash, at) VALUES (?, ?, ?)"
                " ON CONFLICT(article_id) DO UPDATE SET content_hash=excluded.content_hash",
                [(a, h, now) for a, h in known],
            )
        return version

    def corpus_since(self, version: int, limit: int = 5000) -> list[tuple[str, str | None, int]]:
        """The corpus files recorded after ``version`` (text None: deleted), in order."""
        rows = self.db.read(
            "SELECT name, text, version FROM corpus WHERE version > ? ORDER BY version, name"
            " LIMIT ?",
            (version, limit),
        )
        return [(str(n), None if t is None else str(t), int(v)) for n, t, v in rows]

    # -- sentence vectors, embedded once by a fleet (PostgreSQL) ------------------------------

    def shared_vectors(self, model: str, hashes: Sequence[int]) -> dict[int, bytes]:
        """The vectors of ``model`` some process has made for these sentences."""
        if not hashes:
            return {}
        rows = self.db.read(
            "SELECT hash, vector FROM sentence_vectors"
            " WHERE model = ? AND hash = ANY(?::bigint[]) AND vector IS NOT NULL",
            (model, list(hashes)),
        )
        return {int(h): bytes(v) for h, v in rows}

    def offer_sentences(self, model: str, sentences: Iterable[tuple[int, str, int]]) -> None:
        """Sentences (hash, text, priority) waiting for a vector of ``model``; one already
        known (waiting, or embedded) is left as it is."""
        with self.db.write() as db:
            db.executemany(
                "INSERT INTO sentence_vectors (model, hash, unit, priority) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (model, hash) DO NOTHING",
                [(model, h, unit, priority) for h, unit, priority in sentences],
            )

    def embed_claimed(
        self,
        model: str,
        limit: int,
        embed: Callable[[list[str]], list[bytes]],
        by: str,
    ) -> list[tuple[int, bytes]]:
        """Claim up to ``limit`` waiting sentences (the highest priority first) that no other
        process holds, embed them with ``embed`` and store their vectors, in one
        transaction: the rows stay locked while they are embedded (``FOR UPDATE SKIP
        LOCKED``), so the processes of a fleet split the work, and a process that dies
        mid-way lets go of its rows. Returns (hash, vector) for each, none when nothing
        waits that another process is not already embedding."""
        with self.db.write() as db:
            rows = db.execute(
                "SELECT hash, unit FROM sentence_vectors WHERE model = ? AND vector IS NULL"
                " ORDER BY priority DESC LIMIT ? FOR UPDATE SKIP LOCKED",
                (model, limit),
            ).fetchall()
            if not rows:
                return []
            vectors = embed([str(unit) for _, unit in rows])
            done = [(int(h), v) for (h, _), v in zip(rows, vectors, strict=True)]
            db.executemany(
                "UPDATE sentence_vectors SET vector = ?, unit = NULL, embedded_by = ?"
                " WHERE model = ? AND hash = ?",
                [(v, by, model, h) for h, v in done],
            )
        return done

    def outbox_counts(self) -> dict[str, int]:
        rows = self.db.read("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        return {str(s): int(n) for s, n in rows}


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
