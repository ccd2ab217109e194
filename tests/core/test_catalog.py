"""The catalog: rows read on demand, each view seeing the catalog of its own commit, old
versions deleted once no view sees them, the first layout carried over."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import bot.core.answer as answer_module
from bot.core.answer import Engine
from bot.core.catalog import Catalog, Snapshot
from bot.core.corpus import Article, Paragraph
from bot.core.errors import UnknownArticle
from bot.core.index import CorpusIndex, Stamp


def _article(
    article_id: str,
    title: str,
    date: dt.date | None = None,
    keywords: tuple[str, ...] = (),
    text: str = "The river floods in spring.",
) -> Article:
    return Article(article_id, title, (Paragraph(1, text, (text,)),), date=date, keywords=keywords)


def _rows(index: CorpusIndex) -> int:
    """Every version the catalog holds, alive or not."""
    return int(index.catalog.db.execute("SELECT count(*) FROM catalog").fetchone()[0])


def _walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one at each page of a walk through every row of a catalog."""
    read: list[int] = []
    real = Snapshot._page

    def counted(snapshot: Snapshot, last: int) -> Any:
        read.append(last)
        return real(snapshot, last)

    monkeypatch.setattr(Snapshot, "_page", counted)
    return read


class TestSnapshots:
    def test_a_view_keeps_the_catalog_of_its_commit(self) -> None:
        """A title changed and an article removed after a view was made: the view still
        sees the old title and the removed article; the new view sees neither."""
        index = CorpusIndex(None)
        index.apply([(_article("a", "Old title"), Stamp()), (_article("b", "Bees"), Stamp())])
        old = index.view
        aid_a, aid_b = old.by_id["a"], old.by_id["b"]
        index.apply([(_article("a", "New title"), Stamp())], removed=["b"])
        new = index.view
        assert old.entries[aid_a].info.title == "Old title"
        assert old.entries[aid_b].info.title == "Bees" and "b" in old.by_id
        assert len(old.entries) == 2 and sorted(old.entries) == [aid_a, aid_b]
        assert new.entries[aid_a].info.title == "New title"
        assert aid_b not in new.entries and "b" not in new.by_id and new.by_id.get("b") is None
        assert len(new.entries) == 1 and [e.info.id for e in new.entries.values()] == ["a"]
        assert new.article_count == 1 and new.entries.get(999) is None

    def test_versions_no_view_sees_are_deleted(self) -> None:
        index = CorpusIndex(None)
        index.apply([(_article("a", "One"), Stamp())])
        old = index.view
        index.apply([(_article("a", "Two"), Stamp())])
        assert _rows(index) == 2  # the old view still reads "One"
        assert old.entries[old.by_id["a"]].info.title == "One"
        del old
        gc.collect()
        index.apply([(_article("c", "Three"), Stamp())])
        assert _rows(index) == 2  # "Two" and "Three"
        assert sorted(e.info.title for e in index.view.entries.values()) == ["Three", "Two"]

    def test_a_restart_reads_rows_only_when_asked(self, tmp_path: Path) -> None:
        """Reopened, the index knows how many articles it holds and finds each by id; the
        numbers go on from the last one, and the generations from the last write."""
        folder = tmp_path / "index"
        first = CorpusIndex(folder)
        first.apply(
            [(_article(f"a{i}", f"Title {i}"), Stamp(f"/x/a{i}.txt", i, 9)) for i in range(5)]
        )
        first.apply([], removed=["a2"])
        generation = first.catalog.generation
        first.close()
        again = CorpusIndex(folder)
        view = again.view
        assert len(view.entries) == 4 and view.article_count == 4
        assert view.entries[view.by_id["a3"]].path == "/x/a3.txt"
        assert again.catalog.generation == generation
        again.apply([(_article("fresh", "Fresh"), Stamp())])
        assert again.view.by_id["fresh"] > max(view.entries)
        assert set(again.filed()) == {"a0", "a1", "a3", "a4", "fresh"}
        assert set(again.filed(["a1", "a2", "nope"])) == {"a1"}
        again.close()

    def test_restamped_rows_are_read_again(self) -> None:
        index = CorpusIndex(None)
        index.apply([(_article("a", "One"), Stamp("/x/a.txt", 1, 2))])
        view = index.view
        entry = view.entries[view.by_id["a"]]
        moved = type(entry)(entry.aid, entry.info, entry.head_text, "/y/a.txt", 3, 4)
        index.restamp([moved])
        assert view.entries[entry.aid].path == "/y/a.txt"
        assert index.filed()["a"].mtime_ns == 3


class TestQueries:
    def test_latest_with_a_limit_reads_only_the_newest(self) -> None:
        """``Engine.latest(n)`` from the catalog's newest rows equals the first n of the
        whole ordering: dated ones newest first (ties as ordered there), undated after."""
        day = dt.date(2024, 5, 1)
        articles = [
            _article("old", "Old", day - dt.timedelta(days=9)),
            _article("t1", "Apple", day),
            _article("t2", "banana", day),
            _article("t3", "Cherry", day),
            _article("mid", "Mid", day - dt.timedelta(days=2)),
            _article("none1", "Zed"),
            _article("none2", "Ada"),
        ]
        engine = Engine.from_articles(articles)
        whole = [a.id for a in engine.latest()]
        assert whole == ["t3", "t2", "t1", "mid", "old", "none2", "none1"]
        for limit in range(len(articles) + 2):
            assert [a.id for a in engine.latest(limit)] == whole[:limit], limit

    def test_latest_lists_undated_articles_by_title_without_reading_every_row(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Undated articles come after the dated ones by case-folded title (accents and all,
        as Python orders them), read a page at a time from the catalog."""
        titles = ["zed", "Ærø ferry", "apple", "Äpfel", "ada", "Bridge", "bridge", "Ørsted"]
        articles = [_article(f"u{i}", t) for i, t in enumerate(titles)]
        articles.append(_article("dated", "Dated", dt.date(2024, 1, 1)))
        engine = Engine.from_articles(articles)
        whole = [a.id for a in engine.latest()]
        assert whole[0] == "dated"
        assert [a.title for a in engine.latest()[1:]] == sorted(titles, key=str.casefold)
        read = _walks(monkeypatch)
        for limit in range(len(articles) + 2):
            assert [a.id for a in engine.latest(limit)] == whole[:limit], limit
        assert read == []

    def test_dated_since_reads_the_days_asked_for(self) -> None:
        """``Engine.dated_since`` (what /digest reads) holds exactly the articles dated that
        day or later, newest first, and no undated one."""
        day = dt.date(2024, 5, 1)
        articles = [
            _article("old", "Old", day - dt.timedelta(days=9)),
            _article("edge", "Edge", day - dt.timedelta(days=2)),
            _article("t1", "Apple", day),
            _article("t2", "banana", day),
            _article("none", "Zed"),
        ]
        engine = Engine.from_articles(articles)
        since = [a.id for a in engine.dated_since(day - dt.timedelta(days=2))]
        assert since == ["t2", "t1", "edge"]
        assert [a.id for a in engine.dated_since(day + dt.timedelta(days=1))] == []
        assert len(engine.dated_since(dt.date(1900, 1, 1))) == 4

    def test_a_title_in_a_large_catalog_is_found_without_reading_every_row(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Past FUZZY_TITLES articles, a fuzzy title is matched against the titles that share
        its words (typos repaired), never against a list of every article."""
        articles = [_article(f"a{i}", f"Harbour report number {i}") for i in range(30)]
        articles.append(_article("ferry", "Night ferries return to Tromsø"))
        engine = Engine.from_articles(articles)
        monkeypatch.setattr(answer_module, "FUZZY_TITLES", 10)
        read = _walks(monkeypatch)
        assert engine.find_article("night feries return").id == "ferry"
        assert engine.find_article("Harbour report number 7").id == "a7"
        with pytest.raises(UnknownArticle):
            engine.find_article("volcano eruptions")
        assert read == []

    def test_keywords_once_in_article_order(self) -> None:
        engine = Engine.from_articles(
            [
                _article("a", "A", keywords=("rivers", "floods")),
                _article("b", "B"),
                _article("c", "C", keywords=("floods", "dams")),
            ]
        )
        assert engine.view.keywords == ["rivers", "floods", "dams"]


def test_the_first_layout_is_carried_over(tmp_path: Path) -> None:
    """A catalog written before rows were versioned (one ``articles`` table) opens with its
    rows, which the next write versions."""
    path = tmp_path / "catalog.sqlite3"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE articles (aid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, info TEXT"
        " NOT NULL, head TEXT NOT NULL, path TEXT, mtime_ns INTEGER NOT NULL, size INTEGER"
        " NOT NULL)"
    )
    info = (
        '{"id": "bridge", "title": "Bridges", "author": "Ann", "date": "2024-01-02",'
        ' "url": null, "keywords": ["rivers"], "summary": null, "teaser": "T",'
        ' "hash": "h1", "sentences": 3}'
    )
    db.execute(
        "INSERT INTO articles VALUES (4, 'bridge', ?, 'bridg river', '/x/b.txt', 5, 6)", (info,)
    )
    db.commit()
    db.close()
    catalog = Catalog(path)
    snap = catalog.snapshot()
    entry = snap[snap.by_id["bridge"]]
    assert (entry.aid, entry.info.title, entry.info.date, entry.head) == (
        4,
        "Bridges",
        dt.date(2024, 1, 2),
        frozenset({"bridg", "river"}),
    )
    assert len(snap) == 1 and catalog.max_aid == 4 and snap.keywords() == ["rivers"]
    assert [e.info.id for e in snap.newest(5)] == ["bridge"]
    catalog.write([], [4])
    assert len(catalog.snapshot()) == 0 and len(snap) == 1
    catalog.close()


def _older(folder: Path, index: str, column: str) -> Catalog:
    """The index's catalog as a version before ``column`` (and its ``index``) wrote it, opened
    by a reader."""
    db = sqlite3.connect(folder / "catalog.sqlite3")
    db.execute(f"DROP INDEX {index}")
    db.execute(f"ALTER TABLE catalog DROP COLUMN {column}")
    db.commit()
    db.close()
    return Catalog(folder / "catalog.sqlite3", writable=False)


def test_a_catalog_without_title_keys_gets_them(tmp_path: Path) -> None:
    """A catalog written before undated articles were listed by title is given the column
    at its next open, and lists them as a new one does."""
    folder = tmp_path / "index"
    index = CorpusIndex(folder)
    index.apply([(_article(f"a{i}", t), Stamp()) for i, t in enumerate(["b", "C", "a"])])
    index.close()
    reader = _older(folder, "catalog_undated", "title_key")  # before its writer opens
    assert [e.info.title for e in reader.snapshot().undated(5)] == ["a", "b", "C"]
    again = CorpusIndex(folder)
    assert [e.info.title for e in again.view.entries.undated(5)] == ["a", "b", "C"]
    assert [e.info.title for e in reader.snapshot().undated(2)] == ["a", "b"]
    reader.close()
    again.close()


def test_articles_are_found_by_their_author(tmp_path: Path) -> None:
    """An author's articles, by their name's words (case and accents folded), newest first
    and the undated last; a catalog written before authors were looked up gets the column
    at its writer's next open (a reader before that reads every row instead)."""
    folder = tmp_path / "index"
    index = CorpusIndex(folder)
    written = [
        ("old", "Hélène Dupont", dt.date(2020, 1, 1)),
        ("new", "Hélène Dupont", dt.date(2024, 5, 1)),
        ("undated", "helene dupont", None),
        ("other", "Lei Xu", dt.date(2023, 1, 1)),
    ]
    index.apply(
        [
            (dataclasses.replace(_article(aid, aid.title()), author=who, date=day), Stamp())
            for aid, who, day in written
        ]
    )
    found = [info.id for info in index.view.by_author(["Helene Dupont", "xu"], 5)]
    assert found == ["new", "old", "undated"]
    assert [info.id for info in index.view.by_author(["LEI XU"], 5)] == ["other"]
    assert [info.id for info in index.view.by_author(["helene dupont"], 1)] == ["new"]
    assert index.view.by_author(["dupont"], 5) == [] and index.view.by_author([], 5) == []
    index.close()
    reader = _older(folder, "catalog_author", "author_key")  # before its writer opens
    assert [e.info.id for e in reader.snapshot().by_author(["helene dupont"], 5)] == [
        "new",
        "old",
        "undated",
    ]
    again = CorpusIndex(folder)
    assert [e.info.id for e in again.view.entries.by_author(["hélène dupont"], 2)] == [
        "new",
        "old",
    ]
    again.apply([(dataclasses.replace(_article("newest", "N"), author="Lei Xu"), Stamp())])
    assert [info.id for info in again.view.by_author(["lei xu"], 5)] == ["other", "newest"]
    reader.close()
    again.close()
