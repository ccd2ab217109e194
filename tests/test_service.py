"""The service: the corpus, the storage and the planning of announcements, together."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import StorageError
from bot.service import Service
from tests.test_library import NEW_ARTICLE


def drop(folder: Path) -> None:
    """A new article file, written a while ago (so it has settled)."""
    path = folder / "ferries.txt"
    path.write_text(NEW_ARTICLE, encoding="utf-8")
    then = path.stat().st_mtime - 60
    os.utime(path, (then, then))


@pytest.fixture(name="settings")
def fixture_settings(corpus_dir: Path, tmp_path: Path) -> object:
    settings = load_settings(None, {}, base=tmp_path)
    return settings.replace(
        **{
            "corpus.folder": corpus_dir,
            "storage.path": tmp_path / "bot.sqlite3",
            "answers.embedding_model": "none",
        }
    )


class TestAnnouncements:
    async def test_back_catalogue_then_news(self, settings: object, corpus_dir: Path) -> None:
        with Service.open(settings, semantic=False) as service:  # type: ignore[arg-type]
            service.storage.subscribe(42, 0, "private", None)
            assert service.queue_new() == 0  # the first start: all back catalogue
            drop(corpus_dir)
            changes = await service.rescan({"ferries.txt"})
            assert [a.id for a in changes.added] == ["ferries"]
            assert service.storage.pending_count() == 1

    async def test_an_announcement_the_database_refused_is_queued_when_it_recovers(
        self, settings: object, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A full disk when the article arrived: the article is answerable at once, and its
        announcement is queued at the next rescan that finds the database working."""
        with Service.open(settings, semantic=False) as service:  # type: ignore[arg-type]
            service.storage.subscribe(42, 0, "private", None)
            service.queue_new()
            real = service.storage.enqueue

            def full(article_id: str, content_hash: str) -> int:
                raise StorageError("the database cannot be written: the disk is full")

            monkeypatch.setattr(service.storage, "enqueue", full)
            drop(corpus_dir)
            await service.rescan({"ferries.txt"})
            assert service.engine.get("ferries") is not None
            assert service.storage.pending_count() == 0
            monkeypatch.setattr(service.storage, "enqueue", real)
            await service.rescan()  # the periodic rescan: nothing new on disk
            assert service.storage.pending_count() == 1
            await service.rescan()
            assert service.storage.pending_count() == 1  # and only once
