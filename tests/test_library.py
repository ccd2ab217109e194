"""The live corpus: a folder reconciled with its persistent index, at start and while running."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import bot.runtime.library
from bot.core.answer import EngineSettings
from bot.core.dense import Embedder, VectorStore
from bot.core.errors import CorpusError
from bot.core.index import CorpusIndex, IndexDamaged, vectors_key
from bot.runtime.library import Library, index_folder
from tests.support.disk import fill, junk_at, junk_inside, small_disk
from tests.support.paths import SEEDS

NEW_ARTICLE = """Mar 3, 2021|
Ferries of the north
by Ola Berg

The night ferry to Tromsø carries reindeer cheese and forty passengers.
"""


AUTHOR_QUESTION = "who is the author of the new infrastructure article"


def _open(
    corpus: Path, index: Path, settle: float = 0.0, embedder: Embedder | None = None
) -> Library:
    return Library(
        corpus, EngineSettings(), 2_000_000, index, settle_seconds=settle, embedder=embedder
    )


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.fixture(name="reads")
def fixture_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every article file the library parses."""
    seen: list[Path] = []
    real = bot.runtime.library.load_article

    def counting(path: Path, max_bytes: int) -> object:
        seen.append(path)
        return real(path, max_bytes)

    monkeypatch.setattr(bot.runtime.library, "load_article", counting)
    return seen


class TestRestart:
    def test_restart_reads_no_file_and_answers(
        self, corpus_dir: Path, tmp_path: Path, reads: list[Path]
    ) -> None:
        """A restart with nothing changed opens the index as it is: no file is parsed."""
        first = _open(corpus_dir, tmp_path / "index")
        assert len(reads) == 2
        first.close()
        reads.clear()
        again = _open(corpus_dir, tmp_path / "index")
        assert reads == []
        assert (
            "Lei Xu"
            in again.engine.ask("who is the author of the new infrastructure article").text
        )
        again.close()

    def test_touched_file_is_read_but_not_reindexed(
        self, corpus_dir: Path, tmp_path: Path, reads: list[Path]
    ) -> None:
        """Same content under a new modification time: hashed, found unchanged, and its new
        stamp recorded, so the next restart reads nothing again."""
        _open(corpus_dir, tmp_path / "index").close()
        path = next(corpus_dir.iterdir())
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
        reads.clear()
        library = _open(corpus_dir, tmp_path / "index")
        assert reads == [path]
        library.close()
        reads.clear()
        _open(corpus_dir, tmp_path / "index").close()
        assert reads == []

    def test_changes_while_stopped_are_reconciled(
        self, corpus_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        _open(corpus_dir, tmp_path / "index").close()
        removed = sorted(corpus_dir.iterdir())[0]
        removed.unlink()
        (corpus_dir / "ferries.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        with caplog.at_level(logging.INFO, logger="bot.runtime.library"):
            library = _open(corpus_dir, tmp_path / "index")
        assert {a.id for a in library.engine.articles} == {
            "ferries",
            *(p.stem for p in corpus_dir.glob("0*")),
        }
        assert "1 new, 0 changed, 1 removed" in caplog.text
        assert "reindeer cheese" in library.engine.ask("what does the night ferry carry").text
        library.close()

    def test_index_lives_under_the_storage_folder_per_corpus(self, tmp_path: Path) -> None:
        one = index_folder(tmp_path, SEEDS)
        other = index_folder(tmp_path, tmp_path / "seeds")
        assert one.parent == other.parent == tmp_path / "index" and one != other


class TestReload:
    async def test_new_article_becomes_answerable(self, corpus_dir: Path, tmp_path: Path) -> None:
        library = _open(corpus_dir, tmp_path / "index")
        before = library.engine
        (corpus_dir / "ferries.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        changes = await library.reload_async()
        assert [a.id for a in changes.added] == ["ferries"] and not changes.changed
        assert library.engine.ask("reindeer cheese on the ferry").answered
        assert not before.ask("reindeer cheese on the ferry").answered  # old answers unchanged
        # Typos in the new article's own words are understood at once.
        assert library.engine.ask("raindeer cheeze on the ferry").answered
        library.close()

    async def test_changed_and_removed_articles(self, corpus_dir: Path, tmp_path: Path) -> None:
        library = _open(corpus_dir, tmp_path / "index")
        first, second = sorted(corpus_dir.iterdir())
        text = first.read_text(encoding="utf-8") + "\nThe zeppelin depot moved to Hamburg.\n"
        first.write_text(text, encoding="utf-8")
        second.unlink()
        changes = await library.reload_async()
        assert [a.id for a in changes.changed] == [first.stem]
        assert changes.removed == (second.stem,)
        assert "Hamburg" in library.engine.ask("where did the zeppelin depot move").text
        assert library.engine.get(second.stem) is None
        library.close()

    async def test_watched_names_are_reconciled_alone(
        self, corpus_dir: Path, tmp_path: Path, reads: list[Path]
    ) -> None:
        """The watcher names the files that changed: only those are looked at, a deleted one
        removes its article, and a full rescan later finds nothing left to do."""
        library = _open(corpus_dir, tmp_path / "index")
        (corpus_dir / "ferries.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        gone = sorted(corpus_dir.glob("0*"))[0]
        gone.unlink()
        reads.clear()
        changes = await library.reload_async(["ferries.txt"])
        assert [a.id for a in changes.added] == ["ferries"] and not changes.removed
        assert reads == [corpus_dir / "ferries.txt"]
        changes = await library.reload_async([gone.name])
        assert changes.removed == (gone.stem,) and not changes.added
        assert not await library.reload_async()
        library.close()

    async def test_file_still_being_written_waits(self, corpus_dir: Path, tmp_path: Path) -> None:
        library = _open(corpus_dir, tmp_path / "index", settle=5.0)
        (corpus_dir / "ferries.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        changes = await library.reload_async()
        assert not changes and 4.0 < changes.unsettled <= 5.0
        library.close()

    async def test_broken_file_warns_once_and_drops_its_article(
        self, corpus_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        library = _open(corpus_dir, tmp_path / "index")
        victim = sorted(corpus_dir.iterdir())[0]
        victim.write_bytes(b"\xff\xfe broken")
        with caplog.at_level(logging.WARNING):
            changes = await library.reload_async()
            again = await library.reload_async()
        assert changes.removed == (victim.stem,) and not again
        assert caplog.text.count(victim.name) == 1
        library.close()


def _junk_opening_misses(index: Path, scratch: Path) -> None:
    """Junk deep in a term dictionary: at the first place, tried in turn on a copy, where
    the index opens as it is (no rebuild) but reading its whole vocabulary fails."""
    for term in sorted(index.glob("*.term")):
        for offset in range(0, term.stat().st_size - 100, 13):
            shutil.rmtree(scratch, ignore_errors=True)
            shutil.copytree(index, scratch)
            junk_at(scratch / term.name, offset)
            trial = CorpusIndex(scratch)
            try:
                missed = trial.view.article_count > 0 and _vocabulary_fails(trial)
            finally:
                trial.close()
            if missed:
                junk_at(term, offset)
                return
    raise AssertionError("no place found where junk passes the open and fails the vocabulary")


def _vocabulary_fails(index: CorpusIndex) -> bool:
    try:
        index.view.vocabulary()
    except IndexDamaged:
        return True
    return False


class TestDamage:
    @pytest.mark.parametrize(
        "damage",
        [
            pytest.param(lambda d: (d / "VERSION").write_bytes(b"\xff\xfe\x00junk"), id="version"),
            pytest.param(lambda d: junk_inside(max(d.glob("*.term"))), id="in-terms"),
            pytest.param(lambda d: junk_at(max(d.glob("*.term"))), id="terms-start"),
            pytest.param(lambda d: junk_inside(max(d.glob("*.idx"))), id="in-postings"),
        ],
    )
    def test_damaged_index_is_rebuilt_from_the_files_at_start(
        self,
        corpus_dir: Path,
        tmp_path: Path,
        caplog: pytest.LogCaptureFixture,
        damage: Callable[[Path], object],
    ) -> None:
        """Junk in the index's files costs one warning line: the index is rebuilt from the
        article files and the answers are right."""
        _open(corpus_dir, tmp_path / "index").close()
        damage(tmp_path / "index")
        with caplog.at_level(logging.WARNING):
            library = _open(corpus_dir, tmp_path / "index")
            answer = library.engine.ask(AUTHOR_QUESTION)
        assert "Lei Xu" in answer.text
        (warning,) = _warnings(caplog)
        assert warning.startswith("rebuilding the index")
        library.close()

    async def test_damage_a_question_meets_is_rebuilt_at_the_next_rescan(
        self, corpus_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Damage found while running fails that question with IndexDamaged (not a panic
        that escapes every handler); the next rescan rebuilds the index from the files."""
        library = _open(corpus_dir, tmp_path / "index")
        for stored in (tmp_path / "index").glob("*.store"):
            junk_inside(stored)
        with pytest.raises(IndexDamaged):
            library.engine.ask(AUTHOR_QUESTION)
        with caplog.at_level(logging.WARNING):
            await library.reload_async()
        (warning,) = _warnings(caplog)
        assert warning.startswith("rebuilding the index") and "damaged" in warning
        assert "Lei Xu" in library.engine.ask(AUTHOR_QUESTION).text
        assert not await library.reload_async()
        library.close()

    def test_damage_deeper_than_the_open_looks_is_rebuilt_at_start(
        self, corpus_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Junk the open does not notice but reading the vocabulary (at start) trips on: the
        index is rebuilt from the files then and there, with one warning line."""
        _open(corpus_dir, tmp_path / "index").close()
        _junk_opening_misses(tmp_path / "index", tmp_path / "scratch")
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            library = _open(corpus_dir, tmp_path / "index")
        (warning,) = _warnings(caplog)
        assert warning.startswith("rebuilding the index") and "damaged" in warning
        assert "Lei Xu" in library.engine.ask(AUTHOR_QUESTION).text
        library.close()


async def test_indexing_goes_on_once_a_full_disk_has_room(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """On a real full disk (a small tmpfs) a rescan fails and kills tantivy's writer; once
    there is room again the next rescan indexes what failed, without a restart."""
    with small_disk(tmp_path / "disk") as disk:
        library = _open(corpus_dir, disk / "index")
        (corpus_dir / "ferries.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        filler = fill(disk)
        with pytest.raises(ValueError):
            await library.reload_async()
        with pytest.raises(ValueError):
            await library.reload_async()
        filler.unlink()
        changes = await library.reload_async()
        assert [a.id for a in changes.added] == ["ferries"]
        assert "reindeer cheese" in library.engine.ask("what does the night ferry carry").text
        library.close()


FERRY = """2026-11-20
Night ferries return to the north
by Ola Berg

The night ferry to Tromsø carries reindeer cheese and forty passengers again.

The route was closed for three winters while the harbour was rebuilt with new cranes.
"""
ROBOTS = """2020-01-05
Robots sort parcels in Oslo
by Kari Nordmann

A warehouse in Oslo now sorts parcels with forty robots that never sleep.

The robots were built by a firm in Bergen and cost twelve million kroner.
"""


class TestUpgrade:
    def test_sentences_split_otherwise_by_a_new_schema_are_embedded(
        self, tmp_path: Path, embedder: Embedder
    ) -> None:
        """Vectors recorded as covering an article by an older schema (which kept its
        content hash alone) do not cover it now: the index rebuilt by this schema may split
        the same file into other sentences ("A CORUÑA, Spain — Storm …" became the dateline
        and "Storm …"), and a sentence without a vector was ranked by its words alone, so
        "how many homes lost power" was refused until the file changed."""
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "ferry.txt").write_text(FERRY, encoding="utf-8")
        library = _open(corpus, tmp_path / "index", embedder=embedder)
        assert library.embed_pending()
        (info,) = library.engine.articles
        library.close()
        store = VectorStore(tmp_path / "index.vectors", embedder.id, embedder.dim)
        assert store.covers(info.id, vectors_key(info))
        store.cover(info.id, info.content_hash)  # as written before the key held the schema
        store.save()
        again = _open(corpus, tmp_path / "index", embedder=embedder)
        assert again.pending_sentences() > 0
        assert again.embed_pending() and again.pending_sentences() == 0
        again.close()


class TestProgressive:
    """The semantic stage is on from the first embedded article, the newest first; a
    question about an article not yet embedded is answered as a lexical engine would."""

    def test_meaning_is_used_article_by_article_the_newest_first(
        self, tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # one article a pool (a real folder's articles are pooled by the hundred)
        monkeypatch.setattr(bot.runtime.library, "EMBED_POOL", 1)
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "robots.txt").write_text(ROBOTS, encoding="utf-8")
        (corpus / "ferry.txt").write_text(FERRY, encoding="utf-8")
        library = _open(corpus, tmp_path / "index", embedder=embedder)
        lexical = _open(corpus, tmp_path / "lexical")
        assert library.engine.semantic is None  # nothing embedded: nothing to use
        stop = threading.Event()
        assert not library.embed_pending(lambda done, total: stop.set(), stop)
        store = VectorStore(tmp_path / "index.vectors", embedder.id, embedder.dim)
        covered = [a.id for a in library.engine.articles if store.covers(a.id, vectors_key(a))]
        assert covered == ["ferry"]  # the newer article first
        assert library.engine.semantic is not None

        paraphrase = "why was the route shut"  # no word of the answer but "route"
        assert not lexical.engine.ask(paraphrase).answered
        assert "three winters" in library.engine.ask(paraphrase).text
        for question in ("how much did the robots cost", "who built the robots"):
            assert library.engine.ask(question) == lexical.engine.ask(question)
        by_meaning = "What did the machines cost?"
        assert not library.engine.ask(by_meaning).answered  # its article has no vectors yet

        assert library.embed_pending()
        assert "twelve million" in library.engine.ask(by_meaning).text
        library.close()
        lexical.close()


class TestKeptLexicon:
    def test_a_restart_reads_the_lexicon_and_a_changed_index_builds_it_again(
        self, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The typo lexicon is built once and kept beside the index; a restart with the index
        unchanged builds nothing, and one whose index changed builds it anew."""
        _open(corpus_dir, tmp_path / "index").close()
        assert (tmp_path / "index.lexicon" / "stamp").is_file()
        built: list[int] = []
        real = bot.runtime.library.lexicon_of

        def counting(view: object) -> object:
            built.append(1)
            return real(view)  # type: ignore[arg-type]

        monkeypatch.setattr(bot.runtime.library, "lexicon_of", counting)
        again = _open(corpus_dir, tmp_path / "index")
        typos = "who is the autor of the new infrastucture article"
        assert built == [] and "Lei Xu" in again.engine.ask(typos).text
        again.close()
        (corpus_dir / "ferries.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        changed = _open(corpus_dir, tmp_path / "index")
        assert built == [1] and "reindeer" in changed.engine.lexicon
        changed.close()


class TestAnswerFirst:
    async def test_a_restart_may_answer_before_it_looks_at_the_files(
        self, corpus_dir: Path, tmp_path: Path
    ) -> None:
        """``reconcile=False`` (the bot, whose watcher rescans as it starts): the index is
        used as it is, and what changed while it was closed comes with the first rescan. An
        empty index is built all the same."""
        first = Library(corpus_dir, EngineSettings(), 2_000_000, tmp_path / "i", reconcile=False)
        assert len(first.engine.articles) == len(list(corpus_dir.iterdir()))  # built
        first.close()
        (corpus_dir / "ferries.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        again = Library(corpus_dir, EngineSettings(), 2_000_000, tmp_path / "i", reconcile=False)
        assert "ferries" not in {a.id for a in again.engine.articles}
        assert [a.id for a in (await again.reload_async(settle=False)).added] == ["ferries"]
        assert "reindeer cheese" in again.engine.ask("what does the night ferry carry").text
        again.close()


class TestClose:
    def test_close_stops_and_waits_for_the_background_embedding(
        self, corpus_dir: Path, tmp_path: Path, embedder: Embedder
    ) -> None:
        """Closing while the embedder runs (and saves) stops it and waits: nothing fails,
        the saved vectors are whole, and the index is free for the next process."""
        library = _open(corpus_dir, tmp_path / "index", embedder=embedder)
        articles = library.engine.articles
        running, errors = threading.Event(), []

        def progress(done: int, total: int) -> None:
            running.set()
            time.sleep(0.2)  # a loaded machine: close comes while this article's save runs

        def embed() -> None:
            try:
                library.embed_pending(progress, save_every=0.0)
            except Exception as exc:  # reported below
                errors.append(exc)

        worker = threading.Thread(target=embed)
        worker.start()
        assert running.wait(60)
        library.close()
        assert not worker.is_alive()
        worker.join()
        assert errors == []
        store = VectorStore(tmp_path / "index.vectors", embedder.id, embedder.dim)
        assert len(store) > 0
        assert any(store.covers(a.id, vectors_key(a)) for a in articles)
        CorpusIndex(tmp_path / "index").close()  # writable: the lock was released

    async def test_close_releases_the_index_when_the_vectors_cannot_be_saved(
        self, corpus_dir: Path, tmp_path: Path, embedder: Embedder
    ) -> None:
        """A save that fails (the vectors' folder is a file now) is reported, and the index
        is released all the same."""
        library = _open(corpus_dir, tmp_path / "index", embedder=embedder)
        assert library.embed_pending()
        shutil.rmtree(tmp_path / "index.vectors")
        (tmp_path / "index.vectors").write_text("not a folder")
        sorted(corpus_dir.iterdir())[0].unlink()
        await library.reload_async()  # the vectors forget an article: there is something to save
        with pytest.raises(OSError):
            library.close()
        CorpusIndex(tmp_path / "index").close()


def test_a_reader_of_the_index_sees_what_its_owner_has_still_to_do(
    corpus_dir: Path, tmp_path: Path, embedder: Embedder
) -> None:
    """A process that reads another's index can tell what that one has not yet indexed
    (new or changed files; not a broken one, which its owner skips too, nor one only
    touched) or embedded, so that a console command can say so."""
    owner = _open(corpus_dir, tmp_path / "index", embedder=embedder)
    assert owner.embed_pending()
    assert owner.unfinished() == (0, 0)  # it writes: nothing waits on another
    reader = _open(corpus_dir, tmp_path / "index", embedder=embedder)
    assert reader.read_only
    assert reader.unfinished() == (0, 0)
    first = sorted(corpus_dir.iterdir())[0]
    os.utime(first, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns + 10**9))
    (corpus_dir / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n")
    shutil.copy(SEEDS / next(SEEDS.iterdir()).name, corpus_dir / "copy.txt")
    assert reader.unfinished() == (1, 0)
    reader.close()
    asyncio.run(owner.reload_async(settle=False))
    reader = _open(corpus_dir, tmp_path / "index", embedder=embedder)  # sees it as it is now
    waiting, sentences = reader.unfinished()
    assert waiting == 0 and sentences > 0  # indexed, not embedded yet
    reader.close()
    assert owner.embed_pending()
    reader = _open(corpus_dir, tmp_path / "index", embedder=embedder)
    assert reader.read_only and reader.unfinished() == (0, 0)
    reader.close()
    owner.close()


def test_a_reader_counts_what_its_own_view_lacks(corpus_dir: Path, tmp_path: Path) -> None:
    """A file the owner indexed after this process opened the index is in the catalog but
    not in the view this process answers from: it is still waiting, as this one sees it
    (before, it counted as done, and an eval run beside a starting owner answered from an
    empty view with no word said)."""
    owner = _open(corpus_dir, tmp_path / "index")
    reader = _open(corpus_dir, tmp_path / "index")
    assert reader.read_only and reader.unfinished() == (0, 0)
    shutil.copy(SEEDS / next(SEEDS.iterdir()).name, corpus_dir / "copy.txt")
    asyncio.run(owner.reload_async(settle=False))
    assert "copy" in owner.index.filed()
    assert reader.unfinished() == (1, 0)
    reader.close()
    owner.close()


@pytest.mark.parametrize("ready_after", [2, None])
def test_an_index_its_owner_is_still_creating_is_waited_for(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ready_after: int | None
) -> None:
    """Opened while the process that owns it has not yet written its files (a first run): a
    second process waits a moment for them, then reads it; if they never come, it says so
    (before: a traceback, "no such table: catalog_meta")."""
    owner = _open(corpus_dir, tmp_path / "index")
    real = bot.runtime.library.open_index
    tries: list[bool] = []

    def starting(folder: Path | None, *, writable: bool = True) -> object:
        tries.append(writable)
        if not writable and (ready_after is None or len(tries) <= ready_after):
            raise sqlite3.OperationalError("no such table: catalog_meta")
        return real(folder, writable=writable)

    monkeypatch.setattr(bot.runtime.library, "open_index", starting)
    monkeypatch.setattr(bot.runtime.library, "CREATING_WAIT", 0.3)
    if ready_after is None:
        with pytest.raises(CorpusError, match="has not finished creating it"):
            _open(corpus_dir, tmp_path / "index")
    else:
        reader = _open(corpus_dir, tmp_path / "index")
        assert reader.read_only and reader.engine.article_count == owner.engine.article_count
        assert tries == [True, False, False]
        reader.close()
    owner.close()


def test_second_process_reads_the_index_as_it_is(corpus_dir: Path, tmp_path: Path) -> None:
    """A console command next to a running bot answers from the bot's index, and leaves
    writing to it."""
    owner = _open(corpus_dir, tmp_path / "index")
    shutil.copy(SEEDS / next(SEEDS.iterdir()).name, corpus_dir / "copy.txt")
    reader = _open(corpus_dir, tmp_path / "index")
    assert reader.read_only
    assert {a.id for a in reader.engine.articles} == {a.id for a in owner.engine.articles}
    assert reader.engine.ask("who is the author of the new infrastructure article").answered
    reader.close()
    owner.close()
