"""The live corpus: a folder reconciled with its persistent index, at start and while running."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

import bot.library
from bot.core.answer import EngineSettings
from bot.library import Library, index_folder
from tests.support.paths import SEEDS

NEW_ARTICLE = """Mar 3, 2021|
Ferries of the north
by Ola Berg

The night ferry to Tromsø carries reindeer cheese and forty passengers.
"""


def _open(corpus: Path, index: Path, settle: float = 0.0) -> Library:
    return Library(corpus, EngineSettings(), 2_000_000, index, settle_seconds=settle)


@pytest.fixture(name="reads")
def fixture_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every article file the library parses."""
    seen: list[Path] = []
    real = bot.library.load_article

    def counting(path: Path, max_bytes: int) -> object:
        seen.append(path)
        return real(path, max_bytes)

    monkeypatch.setattr(bot.library, "load_article", counting)
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
        with caplog.at_level(logging.INFO, logger="bot.library"):
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
