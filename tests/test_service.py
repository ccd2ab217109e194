"""The service: the corpus, the storage and the planning of announcements, together."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from bot.core.errors import StorageError
from bot.runtime.config import load_settings
from bot.runtime.service import Service, last_schedule, period_key, period_window, zone_of
from tests.test_library import NEW_ARTICLE


def drop(folder: Path) -> None:
    """A new article file, written a while ago (so it has settled)."""
    path = folder / "ferries.txt"
    path.write_text(NEW_ARTICLE, encoding="utf-8")
    then = path.stat().st_mtime - 60
    os.utime(path, (then, then))


@pytest.fixture(name="settings")
def fixture_settings(corpus_dir: Path, tmp_path: Path) -> object:
    settings = load_settings(None, {}, base=tmp_path / "config")
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

    def test_a_period_runs_from_schedule_to_schedule_when_the_clocks_change(self) -> None:
        oslo = zone_of("Europe/Oslo")  # summer time began at 02:00 on 29 March 2026
        end = last_schedule(dt.datetime(2026, 3, 29, 9, tzinfo=oslo), "daily", 8, 0)
        mode, start, stop = period_window(period_key("daily", end, 8, 0))
        assert (start.isoformat(), stop.isoformat()) == (
            "2026-03-28T08:00:00+01:00",
            "2026-03-29T08:00:00+02:00",
        )
        assert mode == "daily" and stop - start == dt.timedelta(hours=23)

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
            now = dt.datetime.now(zone_of("Asia/Tokyo"))
            eight = now.replace(hour=8, minute=0, second=0, microsecond=0)
            if eight <= now:  # the next eight o'clock: the first digest after subscribing
                eight += dt.timedelta(days=1)
            assert service.queue_digests(eight - dt.timedelta(minutes=1)) == 0  # not yet
            assert service.queue_digests(eight + dt.timedelta(minutes=1)) == 1
            assert service.queue_digests(eight + dt.timedelta(minutes=2)) == 0  # once
            assert service.queue_digests(eight + dt.timedelta(days=1)) == 1  # the next day's
            assert service.queue_digests(eight + dt.timedelta(days=1, hours=5)) == 0
            rows = sorted((r for r in storage.due(time.time()) if r.kind == "digest"), key=str)
            assert len(rows) == 2
            found = []
            for row in rows:
                mode, start, end = period_window(row.article_id)
                assert mode == "daily" and end - start == dt.timedelta(days=1)
                found.append(
                    [i.id for _, i in service.digest_articles(start.timestamp(), end.timestamp())]
                )
            assert sorted(found) == [[], ["ferries"]]  # in the first day's digest, not twice

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
