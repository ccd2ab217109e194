"""The catalog: the articles of an index, their metadata and their files, as SQLite rows read
on demand.

A restart reads nothing of it but two numbers: a question reads the rows of the few articles
it cites (by primary key), so a million articles cost neither seconds nor gigabytes at each
start. Every view of the index sees the catalog as it was when the view was made, as its
tantivy searcher sees the documents: rows are versioned by the generation that wrote them
(``born``) and the one that replaced or removed them (``died``), and a view of generation g
sees the rows born at or before g that had not died by then. A version no live view can see
any more is deleted at the next write (and at every open). Reads and writes share one
connection under a lock; a write is one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.corpus import ArticleInfo
from bot.core.text import words

# Rows read per query when a view walks the whole catalog (/articles, a reconcile).
PAGE = 2000
# Rows a view keeps parsed (the articles that questions cite again and again).
CACHED = 20_000

_COLUMNS = "aid, id, info, head, path, mtime_ns, size"
_SEEN = "born <= ? AND (died IS NULL OR died > ?)"
# Every column, as a row is written (named: a column added to an older catalog comes last).
_WRITTEN = (
    "aid, born, died, id, info, head, path, mtime_ns, size, date, keywords, title_key, author_key"
)


@dataclass(frozen=True, slots=True)
class Entry:
    """A catalog row: an article's metadata, its title and keyword terms, and its file."""

    aid: int
    info: ArticleInfo
    head_text: str  # the terms, sorted, space-separated
    path: str | None = None
    mtime_ns: int = 0
    size: int = 0

    @property
    def head(self) -> frozenset[str]:
        """The title's and keywords' terms."""
        return frozenset(self.head_text.split())


@dataclass(frozen=True, slots=True)
class Filed:
    """Where an indexed article came from, without its metadata (what a reconcile compares
    with the folder)."""

    aid: int
    path: str | None
    mtime_ns: int
    size: int


class Catalog:
    """The articles of an index as versioned SQLite rows (a file beside the index, or in
    memory). ``snapshot()`` is the catalog as it is now, for a view; ``write`` makes the next
    generation."""

    def __init__(self, path: Path | None, *, writable: bool = True) -> None:
        self.lock = threading.RLock()
        self.db = sqlite3.connect(
            ":memory:" if path is None else str(path),
            isolation_level=None,
            check_same_thread=False,
        )
        self._snapshots: weakref.WeakSet[Snapshot] = weakref.WeakSet()
        try:
            self.db.execute("PRAGMA busy_timeout = 10000")
            if path is not None and writable:
                self.db.execute("PRAGMA journal_mode = WAL")  # a reader never waits
            if writable:
                self._create()
            self.generation, self.count = self._meta()
            found = self.db.execute("SELECT max(aid) FROM catalog").fetchone()[0]
            self.max_aid = int(found or 0)
            if writable:
                self._purge(self.generation)  # no view of an earlier run is alive
        except BaseException:
            self.db.close()
            raise

    def _create(self) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS catalog (aid INTEGER NOT NULL,"
                " born INTEGER NOT NULL, died INTEGER, id TEXT NOT NULL, info TEXT NOT NULL,"
                " head TEXT NOT NULL, path TEXT, mtime_ns INTEGER NOT NULL,"
                " size INTEGER NOT NULL, date TEXT, keywords TEXT NOT NULL,"
                " title_key TEXT NOT NULL DEFAULT '', author_key TEXT NOT NULL DEFAULT '',"
                " PRIMARY KEY (aid, born)) WITHOUT ROWID"
            )
            self._add_keys()
            db.execute("CREATE INDEX IF NOT EXISTS catalog_id ON catalog (id)")
            db.execute("CREATE INDEX IF NOT EXISTS catalog_date ON catalog (date)")
            db.execute(
                "CREATE INDEX IF NOT EXISTS catalog_dead ON catalog (died) WHERE died IS NOT NULL"
            )
            db.execute(
                "CREATE INDEX IF NOT EXISTS catalog_keywords ON catalog (aid) WHERE keywords != ''"
            )
            db.execute(
                "CREATE INDEX IF NOT EXISTS catalog_undated ON catalog (title_key, aid)"
                " WHERE date IS NULL"
            )
            # Not partial: a query's bound names can't show SQLite they are not ''.
            db.execute("CREATE INDEX IF NOT EXISTS catalog_author ON catalog (author_key)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY,"
                " value INTEGER NOT NULL)"
            )
            self._migrate()
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _add_keys(self) -> None:
        """Give a catalog written before undated articles were listed by title, or before
        articles were found by their author, the columns that find them (the title
        case-folded, as ``Engine.latest`` orders them; the author's words, ``author_key``)."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(catalog)")}
        for column in ("title_key", "author_key"):
            if column in columns:
                continue
            self.db.execute(f"ALTER TABLE catalog ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
            rows = self.db.execute("SELECT aid, born, info FROM catalog").fetchall()
            self.db.executemany(
                f"UPDATE catalog SET {column}=? WHERE aid=? AND born=?",
                [(_keys(_info_from_json(info))[column], aid, born) for aid, born, info in rows],
            )

    def _migrate(self) -> None:
        """Carry the rows of the catalog's first layout (one unversioned table) over."""
        old = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='articles'"
        ).fetchone()
        if old is None:
            return
        rows = self.db.execute("SELECT aid, info, head, path, mtime_ns, size FROM articles")
        self.db.executemany(
            f"INSERT OR REPLACE INTO catalog ({_WRITTEN})"
            " VALUES (?, 0, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_row(aid, _info_from_json(info), head, p, m, s) for aid, info, head, p, m, s in rows],
        )
        self.db.execute("DROP TABLE articles")
        self.db.execute("DELETE FROM catalog_meta")

    def _meta(self) -> tuple[int, int]:
        """The last generation written and how many articles it holds."""
        meta = dict(self.db.execute("SELECT key, value FROM catalog_meta").fetchall())
        if "count" not in meta:  # a new or migrated catalog
            meta["generation"] = 0
            meta["count"] = self.db.execute(
                "SELECT count(*) FROM catalog WHERE died IS NULL"
            ).fetchone()[0]
        return int(meta["generation"]), int(meta["count"])

    def snapshot(self) -> Snapshot:
        """The catalog as it is now, for a view of the index made now."""
        with self.lock:
            snap = Snapshot(self, self.generation, self.count)
            self._snapshots.add(snap)
            return snap

    def aids(self, article_ids: Iterable[str]) -> dict[str, int]:
        """The numbers of the articles with these ids that are in the catalog now."""
        wanted = list(dict.fromkeys(article_ids))
        out: dict[str, int] = {}
        with self.lock:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                marks = ",".join("?" * len(part))
                out.update(
                    self.db.execute(
                        f"SELECT id, aid FROM catalog WHERE died IS NULL AND id IN ({marks})",
                        part,
                    ).fetchall()
                )
        return out

    def filed(self, article_ids: Iterable[str] | None = None) -> dict[str, Filed]:
        """The articles in the catalog now (all, or those of these ids), by id: each one's
        number and its file's stamp."""
        columns = "SELECT aid, id, path, mtime_ns, size FROM catalog WHERE died IS NULL"
        out: dict[str, Filed] = {}
        with self.lock:
            if article_ids is not None:
                wanted = list(dict.fromkeys(article_ids))
                for start in range(0, len(wanted), 500):
                    part = wanted[start : start + 500]
                    rows = self.db.execute(
                        f"{columns} AND id IN ({','.join('?' * len(part))})", part
                    ).fetchall()
                    out.update((r[1], Filed(r[0], *r[2:])) for r in rows)
                return out
            last = -1
            while True:
                rows = self.db.execute(
                    f"{columns} AND aid > ? ORDER BY aid LIMIT ?", (last, PAGE * 10)
                ).fetchall()
                if not rows:
                    return out
                out.update((r[1], Filed(r[0], *r[2:])) for r in rows)
                last = rows[-1][0]

    def write(self, entries: Sequence[Entry], removed: Sequence[int]) -> None:
        """The next generation: ``entries`` added or replaced, the articles ``removed`` (by
        number) gone. Versions that no live view can see any more are deleted."""
        with self.lock:
            db, generation = self.db, self.generation + 1
            replaced = {e.aid for e in entries}
            ending = [(generation, aid) for aid in (*replaced, *removed)]
            db.execute("BEGIN IMMEDIATE")
            try:
                before = db.total_changes
                db.executemany("UPDATE catalog SET died=? WHERE aid=? AND died IS NULL", ending)
                ended = db.total_changes - before
                db.executemany(
                    f"INSERT OR REPLACE INTO catalog ({_WRITTEN})"
                    " VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (e.aid, generation, *_row(e.aid, e.info, e.head_text, *_stamp(e))[1:])
                        for e in entries
                    ],
                )
                count = self.count - ended + len(replaced)
                db.executemany(
                    "INSERT OR REPLACE INTO catalog_meta VALUES (?, ?)",
                    [("generation", generation), ("count", count)],
                )
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:  # SQLite rolls back by itself on some errors (full disk)
                    db.execute("ROLLBACK")
                raise
            self.generation, self.count = generation, count
            self.max_aid = max([self.max_aid, *replaced])
            alive = [s.generation for s in list(self._snapshots)]
            self._purge(min([generation, *alive]))

    def restamp(self, entries: Sequence[Entry]) -> None:
        """New file stamps for articles whose content did not change (every view sees them)."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany(
                    "UPDATE catalog SET path=?, mtime_ns=?, size=? WHERE aid=? AND died IS NULL",
                    [(*_stamp(e), e.aid) for e in entries],
                )
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            for snap in list(self._snapshots):
                snap.forget(e.aid for e in entries)

    def _purge(self, oldest: int) -> None:
        """Delete the versions that died at or before generation ``oldest`` (the oldest live
        view): no view sees them."""
        with contextlib.suppress(sqlite3.OperationalError):  # busy: the next write tries again
            self.db.execute("DELETE FROM catalog WHERE died IS NOT NULL AND died <= ?", (oldest,))

    def close(self) -> None:
        with self.lock:
            self.db.close()


class Snapshot(Mapping[int, Entry]):
    """The catalog as a view of the index sees it: every article by its number, read from
    SQLite on demand and kept parsed for the articles asked for again."""

    def __init__(self, catalog: Catalog, generation: int, count: int) -> None:
        self.catalog = catalog
        self.generation = generation
        self.count = count
        self._cache: dict[int, Entry | None] = {}
        self.by_id = _ById(self)

    # a snapshot is itself, not its rows (comparing two would read both whole)
    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other

    def _query(self, sql: str, args: Sequence[object]) -> list[Any]:
        with self.catalog.lock:
            cursor = self.catalog.db.execute(sql, (*args, self.generation, self.generation))
            return cursor.fetchall()

    def __getitem__(self, aid: int) -> Entry:
        found: Entry | None = self.get(aid)
        if found is None:
            raise KeyError(aid)
        return found

    def get(self, aid: int, default: Any = None) -> Any:
        if not isinstance(aid, int):
            return default
        if aid in self._cache:
            found = self._cache[aid]
        else:
            rows = self._query(f"SELECT {_COLUMNS} FROM catalog WHERE aid=? AND {_SEEN}", (aid,))
            found = _entry(rows[0]) if rows else None
            if len(self._cache) >= CACHED:
                self._cache.clear()
            self._cache[aid] = found
        return default if found is None else found

    def __contains__(self, aid: object) -> bool:
        return isinstance(aid, int) and self.get(aid) is not None

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[int]:
        for entry in self.rows():
            yield entry.aid

    def rows(self) -> Iterator[Entry]:
        """Every entry, by number, read a page at a time."""
        last = -1
        while True:
            rows = self._page(last)
            if not rows:
                return
            yield from (_entry(row) for row in rows)
            last = rows[-1][0]

    def _page(self, last: int) -> list[Any]:
        with self.catalog.lock:
            return self.catalog.db.execute(
                f"SELECT {_COLUMNS} FROM catalog WHERE aid > ? AND {_SEEN} ORDER BY aid LIMIT ?",
                (last, self.generation, self.generation, PAGE),
            ).fetchall()

    def values(self) -> _Values:  # type: ignore[override]
        return _Values(self)

    def items(self) -> _Items:  # type: ignore[override]
        return _Items(self)

    def newest(self, limit: int) -> list[Entry]:
        """The ``limit`` articles with the latest dates, newest first (ties by title, as
        ``Engine.latest`` orders them: reversed); fewer when fewer are dated."""
        if limit <= 0:
            return []
        with self.catalog.lock:
            rows = self.catalog.db.execute(
                f"SELECT {_COLUMNS}, date FROM catalog WHERE date IS NOT NULL AND {_SEEN}"
                " ORDER BY date DESC LIMIT ?",
                (self.generation, self.generation, limit),
            ).fetchall()
            if len(rows) == limit:  # the ties with the last one, wherever they fall
                rows += self.catalog.db.execute(
                    f"SELECT {_COLUMNS}, date FROM catalog WHERE date = ? AND {_SEEN}",
                    (rows[-1][-1], self.generation, self.generation),
                ).fetchall()
        entries = {row[0]: _entry(row[:-1]) for row in rows}
        return list(entries.values())

    def undated(self, limit: int) -> list[Entry]:
        """The first ``limit`` undated articles by title (case-folded; ties in the order
        of their numbers), as ``Engine.latest`` lists them after the dated ones."""
        if limit <= 0:
            return []
        # Named, or SQLite reads every undated row through the date index to sort them.
        query = (
            f"SELECT {_COLUMNS} FROM catalog {{}} WHERE date IS NULL AND {_SEEN}"
            " ORDER BY title_key, aid LIMIT ?"
        )
        args = (self.generation, self.generation, limit)
        with self.catalog.lock:
            try:
                rows = self.catalog.db.execute(
                    query.format("INDEXED BY catalog_undated"), args
                ).fetchall()
            except sqlite3.OperationalError:  # a reader of a catalog its writer has not updated
                undated = (e for e in self.rows() if e.info.date is None)
                return sorted(undated, key=lambda e: e.info.title.casefold())[:limit]
        return [_entry(row) for row in rows]

    def by_author(self, names: Sequence[str], limit: int) -> list[Entry]:
        """The ``limit`` newest articles whose author's name (``author_key``) is one of
        ``names`` (the undated last, by title)."""
        keys = sorted({author_key(name) for name in names} - {""})
        if not keys or limit <= 0:
            return []
        marks = ", ".join("?" * len(keys))
        query = (
            f"SELECT {_COLUMNS} FROM catalog WHERE author_key IN ({marks}) AND {_SEEN}"
            " ORDER BY date IS NULL, date DESC, title_key LIMIT ?"
        )
        with self.catalog.lock:
            try:
                rows = self.catalog.db.execute(
                    query, (*keys, self.generation, self.generation, limit)
                ).fetchall()
            except sqlite3.OperationalError:  # a reader of a catalog its writer has not updated
                found = [e for e in self.rows() if author_key(e.info.author) in keys]
                found.sort(key=lambda e: e.info.title.casefold())
                found.sort(key=lambda e: e.info.date or dt.date.min, reverse=True)
                return found[:limit]
        return [_entry(row) for row in rows]

    def since(self, day: dt.date) -> list[Entry]:
        """The articles dated ``day`` or later, in no particular order."""
        with self.catalog.lock:
            rows = self.catalog.db.execute(
                f"SELECT {_COLUMNS} FROM catalog WHERE date >= ? AND {_SEEN}",
                (day.isoformat(), self.generation, self.generation),
            ).fetchall()
        return [_entry(row) for row in rows]

    def keywords(self) -> list[str]:
        """Every keyword of the articles, once, in order of the articles."""
        with self.catalog.lock:
            rows = self.catalog.db.execute(
                f"SELECT keywords FROM catalog WHERE keywords != '' AND {_SEEN} ORDER BY aid",
                (self.generation, self.generation),
            ).fetchall()
        return list(dict.fromkeys(k for (text,) in rows for k in text.split("\n")))

    def forget(self, aids: Iterable[int]) -> None:
        """Read these rows again when next asked for (their stamps changed)."""
        for aid in aids:
            self._cache.pop(aid, None)


class _Values(Iterable[Entry]):
    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot

    def __iter__(self) -> Iterator[Entry]:
        return self._snapshot.rows()

    def __len__(self) -> int:
        return len(self._snapshot)


class _Items(Iterable[tuple[int, Entry]]):
    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot

    def __iter__(self) -> Iterator[tuple[int, Entry]]:
        return ((e.aid, e) for e in self._snapshot.rows())

    def __len__(self) -> int:
        return len(self._snapshot)


class _ById(Mapping[str, int]):
    """Article numbers by article id, as a snapshot sees them."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._cache: dict[str, int | None] = {}

    def get(self, article_id: str, default: Any = None) -> Any:
        if not isinstance(article_id, str):
            return default
        if article_id in self._cache:
            found = self._cache[article_id]
        else:
            rows = self._snapshot._query(
                f"SELECT aid FROM catalog WHERE id=? AND {_SEEN}", (article_id,)
            )
            found = int(rows[0][0]) if rows else None
            if len(self._cache) >= CACHED:
                self._cache.clear()
            self._cache[article_id] = found
        return default if found is None else found

    def __getitem__(self, article_id: str) -> int:
        found = self.get(article_id)
        if found is None:
            raise KeyError(article_id)
        return int(found)

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self.get(article_id) is not None

    def __len__(self) -> int:
        return len(self._snapshot)

    def __iter__(self) -> Iterator[str]:
        return (e.info.id for e in self._snapshot.rows())


def _stamp(entry: Entry) -> tuple[str | None, int, int]:
    return entry.path, entry.mtime_ns, entry.size


def _row(
    aid: int, info: ArticleInfo, head: str, path: str | None, mtime_ns: int, size: int
) -> tuple[object, ...]:
    """The columns after ``born`` and ``died``, with the number first."""
    return (
        aid,
        info.id,
        _info_to_json(info),
        head,
        path,
        mtime_ns,
        size,
        info.date.isoformat() if info.date else None,
        "\n".join(info.keywords),
        *_keys(info).values(),
    )


def _keys(info: ArticleInfo) -> dict[str, str]:
    """The columns that find an article: its title case-folded, its author's words."""
    return {"title_key": info.title.casefold(), "author_key": author_key(info.author)}


def author_key(author: str | None) -> str:
    """An author's name as the catalog finds it: its words, folded ("Lei Xu": "lei xu")."""
    return " ".join(words(author or ""))


def _entry(row: Sequence[Any]) -> Entry:
    aid, _, info, head, path, mtime_ns, size = row
    return Entry(int(aid), _info_from_json(info), head, path, int(mtime_ns), int(size))


def _info_to_json(info: ArticleInfo) -> str:
    return json.dumps(
        {
            "id": info.id,
            "title": info.title,
            "author": info.author,
            "date": info.date.isoformat() if info.date else None,
            "url": info.url,
            "keywords": list(info.keywords),
            "summary": info.summary,
            "teaser": info.teaser,
            "hash": info.content_hash,
            "sentences": info.sentences,
        },
        ensure_ascii=False,
    )


def _info_from_json(text: str) -> ArticleInfo:
    data = json.loads(text)
    return ArticleInfo(
        id=data["id"],
        title=data["title"],
        author=data["author"],
        date=dt.date.fromisoformat(data["date"]) if data["date"] else None,
        url=data["url"],
        keywords=tuple(data["keywords"]),
        summary=data["summary"],
        teaser=data["teaser"],
        content_hash=data["hash"],
        sentences=int(data.get("sentences", 0)),
    )
