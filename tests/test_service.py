"""The service: the corpus, the storage and the planning of announcements, together."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import StorageError
from bot.service import Service, last_schedule, period_window, zone_of
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

            def full(article_id: str, content_hash: str, recipients: object = None) -> int:
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


class TestDigests:
    @pytest.mark.parametrize(
        ("local", "mode", "expected"),
        [
            ("2026-11-25T09:30", "daily", "2026-11-25T08:00"),
            ("2026-11-25T07:59", "daily", "2026-11-24T08:00"),
            ("2026-11-25T09:30", "weekly", "2026-11-23T08:00"),  # the Monday before
            ("2026-11-23T07:00", "weekly", "2026-11-16T08:00"),
        ],
    )
    def test_the_latest_schedule(self, local: str, mode: str, expected: str) -> None:
        zone = zone_of("Europe/Oslo")
        at = last_schedule(dt.datetime.fromisoformat(local).replace(tzinfo=zone), mode, 8, 0)
        assert at == dt.datetime.fromisoformat(expected).replace(tzinfo=zone)

    async def test_a_daily_digest_is_queued_once_per_day(
        self, settings: object, corpus_dir: Path
    ) -> None:
        with Service.open(settings, semantic=False) as service:  # type: ignore[arg-type]
            service.queue_new()
            storage = service.storage
            storage.subscribe(42, 0, "private", None, "daily")
            storage.set_timezone(42, "Asia/Tokyo")
            drop(corpus_dir)
            await service.rescan({"ferries.txt"})
            assert storage.pending_count() == 0  # a digest subscriber gets no single message
            zone = zone_of("Asia/Tokyo")
            tomorrow = dt.datetime.now(zone) + dt.timedelta(days=1)
            at_eight = tomorrow.replace(hour=8, minute=0, second=0, microsecond=0)
            assert service.queue_digests(at_eight - dt.timedelta(minutes=1)) == 1  # today's
            assert service.queue_digests(at_eight - dt.timedelta(seconds=30)) == 0
            assert service.queue_digests(at_eight) == 1  # tomorrow's
            assert service.queue_digests(at_eight + dt.timedelta(hours=5)) == 0
            (row,) = [r for r in storage.due(time.time()) if r.kind == "digest"][:1]
            mode, start, end = period_window(row.article_id)
            found = service.digest_articles(start.timestamp(), end.timestamp())
            assert mode == "daily" and [info.id for _, info in found] == ["ferries"]

    async def test_topic_filters_pick_the_chats(self, settings: object, corpus_dir: Path) -> None:
        """A chat subscribed to topics gets the articles about them (through typos); one
        subscribed to everything gets everything."""
        with Service.open(settings, semantic=False) as service:  # type: ignore[arg-type]
            service.queue_new()
            storage = service.storage
            storage.subscribe(1, 0, "private", None, "each", ("ferrys",))  # a typo
            storage.subscribe(2, 0, "private", None, "each", ("pizza", "weather"))
            storage.subscribe(3, 0, "private", None)
            drop(corpus_dir)
            await service.rescan({"ferries.txt"})
            chats = sorted(r.chat_id for r in storage.due(time.time()))
            assert chats == [1, 3]
