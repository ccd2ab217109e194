"""The tantivy index: what it stores, what a view returns, and how it survives restarts."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.corpus import Article, Paragraph, load_corpus
from bot.core.index import (
    SCHEMA_VERSION,
    CorpusIndex,
    IndexBusy,
    IndexDamaged,
    Stamp,
    content_hash,
)
from tests.support.disk import fill, junk_at, junk_inside, small_disk
from tests.support.paths import SEEDS


def _article(article_id: str, *paragraphs: tuple[str, ...], title: str = "Bridges") -> Article:
    paras = tuple(
        Paragraph(n, " ".join(sentences), sentences, is_note=sentences[0].startswith("("))
        for n, sentences in enumerate(paragraphs, start=1)
    )
    return Article(article_id, title, paras, author="Ann Lee", keywords=("rivers",))


BRIDGE = _article(
    "bridge",
    ("The bridge opened in 1954.", "Engineers rebuilt it after the flood."),
    ("Tourists cross the old bridge daily.",),
    ("(Ann Lee writes about towns.)",),
)


@pytest.fixture(name="index")
def fixture_index() -> CorpusIndex:
    index = CorpusIndex(None)
    index.apply([(BRIDGE, Stamp())])
    return index


class TestView:
    def test_search_finds_sentences_with_their_place(self, index: CorpusIndex) -> None:
        """A hit says which article, sentence and paragraph it is, and its text and its
        neighbours come from the same paragraph only."""
        view = index.view
        hits = view.search(((("rebuilt", 1.0),),), limit=10)
        assert [(h.seq, h.para) for h in hits] == [(1, 1)]
        (sentence,) = view.sentences(hits)
        assert sentence.text == "Engineers rebuilt it after the flood."
        assert sentence.prev == "The bridge opened in 1954." and sentence.next is None

    def test_typo_weights_lower_a_hit(self, index: CorpusIndex) -> None:
        """A term looked up with a typo's weight scores lower than the exact term."""
        view = index.view
        exact = view.search(((("flood", 1.0),),), limit=1)[0].score
        typo = view.search(((("flood", 0.6),),), limit=1)[0].score
        assert typo == pytest.approx(0.6 * exact)

    def test_article_round_trips_with_its_note(self, index: CorpusIndex) -> None:
        aid = index.view.by_id["bridge"]
        article = index.view.article(aid)
        assert article is not None
        assert [p.sentences for p in article.paragraphs] == [
            p.sentences for p in BRIDGE.paragraphs
        ]
        assert article.note == "(Ann Lee writes about towns.)"
        assert (article.author, article.keywords) == ("Ann Lee", ("rivers",))

    def test_titles_and_keywords_are_searchable(self, index: CorpusIndex) -> None:
        view = index.view
        assert view.titles(((("river", 1.0),),), 5) == [view.by_id["bridge"]]
        assert view.head_freq("bridg") == 1 and view.doc_freq("bridg") == 2

    def test_words_are_known_as_written_and_terms_as_stemmed(self, index: CorpusIndex) -> None:
        view = index.view
        assert view.known("bridg") and not view.written("bridg")  # a stem, never written
        assert view.written("bridge") and not view.written("bridgez")

    def test_words_side_by_side_are_found_as_written(self, index: CorpusIndex) -> None:
        """What a typo is read beside its neighbour with: two words one right after the
        other in a sentence, a stop word too; not in the other order, nor apart."""
        view = index.view
        assert view.written_together("old", "bridge")
        assert view.written_together("the", "flood")  # a stop word beside a content word
        assert not view.written_together("bridge", "old")
        assert not view.written_together("tourists", "bridge")  # the same sentence, apart
        assert not view.written_together("the", "of")  # stop words only: nothing to look up

    def test_sentences_holding_two_terms_are_counted(self, index: CorpusIndex) -> None:
        """What a typo's context is read with: sentences holding both terms, either order."""
        view = index.view
        assert view.co_freq("bridg", "old") == 1 == view.co_freq("old", "bridg")
        assert view.co_freq("bridg", "flood") == 0
        assert view.co_freq("bridg", "nowher") == 0

    def test_dense_stage_finds_sentences_by_content_hash(self, index: CorpusIndex) -> None:
        found = index.view.by_hash([content_hash("Tourists cross the old bridge daily.")], 5)
        assert [(s.seq, s.para) for s in found] == [(2, 2)]

    def test_vocabulary_holds_words_and_stems(self, index: CorpusIndex) -> None:
        """Typos are matched against the words as written and, failing that, the stems."""
        words = dict(index.view.vocabulary())
        assert words["engineers"] == 1 and words["engin"] == 1 and words["bridge"] == 2


class TestWrites:
    def test_writing_an_article_again_replaces_it(self, index: CorpusIndex) -> None:
        """Documents are deleted by article id before they are added: a write repeated (as
        after a crash) leaves one copy."""
        before = index.view.sentence_count
        view = index.apply([(BRIDGE, Stamp())])
        assert view.sentence_count == before == 4
        assert len(view.search(((("tourist", 1.0),),), limit=10)) == 1

    def test_removal_deletes_the_documents_and_the_catalog_row(self, index: CorpusIndex) -> None:
        view = index.apply([], ["bridge"])
        assert view.search(((("tourist", 1.0),),), limit=10) == []
        assert view.article_count == 0 and "bridge" not in view.by_id

    def test_a_view_is_a_snapshot(self, index: CorpusIndex) -> None:
        """An answer in progress keeps reading the view it started with."""
        old = index.view
        index.apply([(_article("other", ("Tourists love ferries.",)), Stamp())])
        assert len(old.search(((("tourist", 1.0),),), limit=10)) == 1
        assert len(index.view.search(((("tourist", 1.0),),), limit=10)) == 2


class TestOnDisk:
    def test_reopening_finds_articles_and_catalog(self, tmp_path: Path) -> None:
        folder = tmp_path / "index"
        first = CorpusIndex(folder)
        first.apply([(BRIDGE, Stamp("/x/bridge.txt", 7, 9))])
        first.close()
        again = CorpusIndex(folder)
        entry = next(iter(again.entries.values()))
        assert (entry.info.id, entry.path, entry.mtime_ns, entry.size) == (
            "bridge",
            "/x/bridge.txt",
            7,
            9,
        )
        assert len(again.view.search(((("flood", 1.0),),), limit=10)) == 1
        again.close()

    def test_second_writer_is_refused(self, tmp_path: Path) -> None:
        """One process writes to an index; another may only read it."""
        first = CorpusIndex(tmp_path / "index")
        first.apply([(BRIDGE, Stamp())])
        with pytest.raises(IndexBusy):
            CorpusIndex(tmp_path / "index")
        reader = CorpusIndex(tmp_path / "index", writable=False)
        assert reader.view.article_count == 1
        with pytest.raises(IndexBusy):
            reader.apply([(BRIDGE, Stamp())])
        first.close()

    @pytest.mark.parametrize(
        "damage",
        [
            pytest.param(lambda d: (d / "VERSION").write_text("0\n"), id="older-version"),
            pytest.param(lambda d: (d / "meta.json").write_text("{garbage"), id="broken-meta"),
            pytest.param(
                lambda d: (d / "catalog.sqlite3").write_bytes(b"not a database" * 100),
                id="broken-catalog",
            ),
            pytest.param(
                lambda d: (d / "VERSION").write_bytes(b"\xff\xfe\x00junk"), id="junk-version"
            ),
            pytest.param(lambda d: (d / "VERSION").write_text("two\n"), id="text-version"),
            pytest.param(lambda d: junk_inside(max(d.glob("*.term"))), id="junk-in-terms"),
            pytest.param(lambda d: junk_at(max(d.glob("*.term"))), id="junk-terms-start"),
            pytest.param(lambda d: junk_inside(max(d.glob("*.idx"))), id="junk-in-postings"),
            pytest.param(lambda d: max(d.glob("*.store")).write_bytes(b"junk"), id="cut-store"),
        ],
    )
    def test_damaged_or_old_index_is_rebuilt_with_one_log_line(
        self, tmp_path: Path, damage: object, caplog: pytest.LogCaptureFixture
    ) -> None:
        folder = tmp_path / "index"
        index = CorpusIndex(folder)
        index.apply([(BRIDGE, Stamp())])
        index.close()
        damage(folder)  # type: ignore[operator]
        with caplog.at_level(logging.WARNING):
            rebuilt = CorpusIndex(folder)
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1 and "rebuilding the index" in warnings[0].getMessage()
        assert rebuilt.view.article_count == 0  # empty: the library indexes the files again
        assert (folder / "VERSION").read_text().strip() == str(SCHEMA_VERSION)
        rebuilt.apply([(BRIDGE, Stamp())])
        assert rebuilt.view.article_count == 1
        rebuilt.close()

    def test_damage_a_read_meets_is_noted_for_a_rebuild(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Damage found after the index was opened (tantivy panics on it) is an IndexDamaged,
        an ordinary exception, and is noted: the owner rebuilds with one log line."""
        index = CorpusIndex(tmp_path / "index")
        index.apply([(BRIDGE, Stamp())])
        for stored in (tmp_path / "index").glob("*.store"):
            junk_inside(stored)
        hits = index.view.search(((("flood", 1.0),),), limit=10)
        with pytest.raises(IndexDamaged):
            index.view.sentences(hits)
        assert index.damaged is not None
        with caplog.at_level(logging.WARNING):
            index.rebuild()
        (warning,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert "rebuilding the index" in warning.getMessage() and "damaged" in warning.getMessage()
        assert index.damaged is None and index.view.article_count == 0
        view = index.apply([(BRIDGE, Stamp())])
        (sentence,) = view.sentences(view.search(((("flood", 1.0),),), limit=10))
        assert sentence.text == "Engineers rebuilt it after the flood."
        index.close()


class TestFullDisk:
    """On a real full file system: a small tmpfs filled to the last byte."""

    def test_a_write_that_failed_for_space_does_not_stop_the_next(self, tmp_path: Path) -> None:
        """A write error kills tantivy's writer for good; the index drops it, records
        nothing of the failed write, and the next write (space back) opens a new writer."""
        with small_disk(tmp_path / "disk") as disk:
            index = CorpusIndex(disk / "index")
            filler = fill(disk)
            with pytest.raises(ValueError):
                index.apply([(BRIDGE, Stamp())])
            assert not index.entries and index.view.article_count == 0
            filler.unlink()
            assert index.apply([(BRIDGE, Stamp())]).article_count == 1
            index.close()
            again = CorpusIndex(disk / "index")
            assert len(again.view.search(((("flood", 1.0),),), limit=10)) == 1
            again.close()


def test_seed_corpus_indexes_every_sentence() -> None:
    articles = load_corpus(SEEDS).articles
    view = CorpusIndex(None).apply([(a, Stamp()) for a in articles])
    total = sum(len(p.sentences) for a in articles for p in a.paragraphs)
    assert view.sentence_count == total and view.article_count == len(articles)


def test_bm25_s_average_sentence_length_is_the_same_in_every_process() -> None:
    """The index's threads lay out segments differently from run to run (here, with
    another hash seed); the average sentence length BM25 uses, a sample's, must not change
    with them, or the same question gets another answer after a restart."""
    script = (
        "from bot.core.answer import Engine; from bot.core.corpus import load_corpus; "
        "from tests.support.paths import SQUAD; "
        "print(Engine.from_articles(load_corpus(SQUAD / 'articles').articles)"
        ".view.average_length)"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout.strip()
        for seed in (1, 2, 3, 4)
    }
    assert len(seen) == 1, seen
