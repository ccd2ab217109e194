"""The SQLite store: schema versions, subscriptions, the outbox."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from bot.errors import BotError, StorageError
from bot.storage import MIGRATIONS, Storage


@pytest.fixture(name="store")
def fixture_store(tmp_path: Path) -> Storage:
    return Storage(tmp_path / "data" / "bot.sqlite3")


def test_created_in_wal_mode_at_the_latest_schema(store: Storage) -> None:
    assert store.path.exists()
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version == len(MIGRATIONS)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    with pytest.raises(BotError, match="newer than this bot knows"):
        Storage(path)


def test_subscribe_is_idempotent_and_per_topic(store: Storage) -> None:
    assert store.subscribe(-100, 0, "supergroup", "G")
    assert not store.subscribe(-100, 0, "supergroup", "G")
    assert store.subscribe(-100, 7, "supergroup", "G")
    assert {(s.chat_id, s.thread_id) for s in store.subscriptions(active_only=True)} == {
        (-100, 0),
        (-100, 7),
    }
    assert store.unsubscribe(-100) == 2
    assert store.subscriptions(active_only=True) == []


def test_enqueue_one_row_per_active_chat_and_deliver(store: Storage) -> None:
    for chat in (1, 2, 3):
        store.subscribe(chat, 0, "private", None)
    store.unsubscribe(3)
    assert store.enqueue("a1", "h1") == 2
    assert store.announced_hash("a1") == "h1"
    rows = store.due(time.time())
    store.delivered(rows[0])
    assert store.outbox_counts() == {"pending": 1, "sent": 1}


def test_three_refusals_deactivate_the_chat(store: Storage) -> None:
    store.subscribe(5, 0, "private", None)
    store.enqueue("a1", "h1")
    row = store.due(time.time())[0]
    assert not store.refused(row, "Forbidden", 3, 0)
    assert not store.refused(row, "Forbidden", 3, 0)
    assert store.refused(row, "Forbidden", 3, 0)
    assert store.subscription(5) is not None and not store.subscription(5).active  # type: ignore[union-attr]
    assert store.outbox_counts() == {"dropped": 1}


def test_a_success_resets_the_failure_count(store: Storage) -> None:
    store.subscribe(5, 0, "private", None)
    store.enqueue("a1", "h1")
    store.refused(store.due(time.time())[0], "Forbidden", 3, 0)
    store.delivered(store.due(time.time())[0])
    assert store.subscription(5).failures == 0  # type: ignore[union-attr]


def test_migrated_group_keeps_its_subscription(store: Storage) -> None:
    store.subscribe(-5, 0, "group", "G")
    store.enqueue("a1", "h1")
    store.migrate_chat(-5, -1005)
    assert store.subscription(-1005) is not None and store.subscription(-5) is None
    assert store.due(time.time())[0].chat_id == -1005


class TestFaults:
    """The database failing under the bot: every failure is a StorageError that says what
    happened, nothing is half-written, and nothing is confirmed that was not kept."""

    def test_one_owner_per_database(self, tmp_path: Path) -> None:
        owner = Storage(tmp_path / "bot.sqlite3", owner=True)
        with pytest.raises(BotError, match="another bot is already running"):
            Storage(tmp_path / "bot.sqlite3", owner=True)
        reader = Storage(tmp_path / "bot.sqlite3")  # the console may still look
        assert reader.subscriptions() == []
        reader.close()
        owner.close()
        Storage(tmp_path / "bot.sqlite3", owner=True).close()  # released on close

    def test_a_deleted_database_file_is_noticed(self, tmp_path: Path) -> None:
        storage = Storage(tmp_path / "bot.sqlite3")
        (tmp_path / "bot.sqlite3").unlink()
        with pytest.raises(StorageError, match="deleted while the bot was running"):
            storage.subscribe(1, 0, "private", None)
        storage.close()

    def test_a_replaced_database_file_is_noticed(self, tmp_path: Path) -> None:
        storage = Storage(tmp_path / "bot.sqlite3")
        (tmp_path / "other.sqlite3").write_bytes(b"")
        (tmp_path / "other.sqlite3").replace(tmp_path / "bot.sqlite3")
        with pytest.raises(StorageError, match="replaced"):
            storage.subscriptions()
        storage.close()

    def test_a_failed_write_is_rolled_back_whole_and_the_next_one_works(
        self, tmp_path: Path
    ) -> None:
        storage = Storage(tmp_path / "bot.sqlite3")
        storage.subscribe(1, 0, "private", None)
        storage.db.execute(
            "CREATE TRIGGER no_outbox BEFORE INSERT ON outbox "
            "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
        )
        with pytest.raises(StorageError, match="the disk is full"):
            storage.enqueue("a1", "h1")
        assert storage.announced_hash("a1") is None  # the first half was rolled back
        storage.db.execute("DROP TRIGGER no_outbox")
        assert storage.enqueue("a1", "h1") == 1
        storage.close()

    def test_a_failing_migration_reports_its_own_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Not "cannot rollback", which is what a half-done migration used to show."""
        import bot.storage

        monkeypatch.setattr(bot.storage, "MIGRATIONS", ("CREATE TABLE t (x); NONSENSE;",))
        with pytest.raises(StorageError) as info:
            Storage(tmp_path / "bot.sqlite3")
        assert "NONSENSE" in str(info.value) and "rollback" not in str(info.value)
