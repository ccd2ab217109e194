"""The store, on both databases: schema versions, subscriptions, the outbox and its leases,
the corpus for several processes, and faults."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.core.errors import BotError, StorageError
from bot.store.storage import MIGRATIONS, PG_MIGRATIONS, Storage


@pytest.fixture(name="store", params=["sqlite", "postgresql"])
def fixture_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    """The same tests on SQLite and on a real PostgreSQL."""
    if request.param == "sqlite":
        store = Storage(tmp_path / "data" / "bot.sqlite3")
    else:
        store = Storage(request.getfixturevalue("pg_url"))
    yield store
    store.close()


def test_created_at_the_latest_schema(store: Storage) -> None:
    scripts = PG_MIGRATIONS if store.shared else MIGRATIONS
    assert store.schema_version == len(scripts)


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    store = Storage(tmp_path / "data" / "bot.sqlite3")
    assert (tmp_path / "data" / "bot.sqlite3").exists()
    assert store.db.read("PRAGMA journal_mode") == [("wal",)]
    store.close()


def test_sqlite_url_and_path_are_the_same_database(tmp_path: Path) -> None:
    with closing(Storage(tmp_path / "bot.sqlite3")) as store:
        store.subscribe(1, 0, "private", None)
    with closing(Storage(f"sqlite:///{tmp_path}/bot.sqlite3")) as store:
        assert len(store.subscriptions()) == 1


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    with pytest.raises(BotError, match="newer than this bot knows"):
        Storage(path)


def test_newer_schema_is_refused_on_postgresql(pg_url: str) -> None:
    with closing(Storage(pg_url)) as store, store.db.write() as db:
        db.execute("INSERT INTO schema_version VALUES (99)")
    with pytest.raises(BotError, match="newer than this bot knows"):
        Storage(pg_url)


def test_replicas_starting_together_migrate_once(pg_url: str) -> None:
    with closing(Storage(pg_url)) as first, closing(Storage(pg_url)) as second:
        assert first.schema_version == second.schema_version == len(PG_MIGRATIONS)
        assert first.db.read("SELECT COUNT(*) FROM schema_version") == [(len(PG_MIGRATIONS),)]


def test_an_unreachable_postgresql_is_one_clear_line(tmp_path: Path) -> None:
    url = f"postgresql://bot:hunter2@/nothing?host={tmp_path}&connect_timeout=1"
    with pytest.raises(StorageError) as info:
        Storage(url)
    message = str(info.value)
    assert message.startswith("cannot reach the database postgresql://bot@")
    assert "hunter2" not in message and "\n" not in message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://bot@/nothing?host={folder}&password=hunter2&connect_timeout=1",
        "postgresql://bot:hunter2@[nothing/bot",  # libpq quotes a URL it cannot parse
    ],
    ids=["password-parameter", "unparsable"],
)
def test_a_password_is_never_in_a_storage_error(tmp_path: Path, url: str) -> None:
    with pytest.raises(StorageError) as info:
        Storage(url.format(folder=tmp_path))
    message = str(info.value)
    assert message.startswith("cannot reach the database postgresql://bot@")
    assert "hunter2" not in message and "\n" not in message


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


def test_enqueue_once_per_version_unless_asked_again(store: Storage) -> None:
    """Of several bots that see the same new article, exactly one queues it."""
    store.subscribe(1, 0, "private", None)
    assert store.enqueue("a1", "h1") == 1
    assert store.enqueue("a1", "h1") == 0  # the second bot
    assert store.enqueue("a1", "h2") == 1  # a new version, when announced again
    assert store.enqueue("a1", "h2", again=True) == 1  # an operator's own request
    assert store.outbox_counts() == {"pending": 3}


def test_a_claim_holds_rows_for_its_lease(store: Storage) -> None:
    for chat in range(1, 6):
        store.subscribe(chat, 0, "private", None)
    store.enqueue("a1", "h1")
    now = time.time()
    first = store.claim(now, "one", lease=30, limit=3)
    second = store.claim(now, "two", lease=30)
    assert [d.chat_id for d in first] == [1, 2, 3] and [d.chat_id for d in second] == [4, 5]
    assert store.claim(now, "three", lease=30) == []  # all held
    assert store.due(now) == []
    store.delivered(first[0])
    store.retry_later(first[1], now, "flood")  # settled: free for anyone again
    assert [d.chat_id for d in store.claim(now, "three", lease=30)] == [2]
    later = store.claim(now + 31, "three", lease=30)  # the holders died: leases ran out
    assert [d.chat_id for d in later] == [2, 3, 4, 5]


def test_a_message_on_its_way_when_its_sender_died_is_not_sent_again(store: Storage) -> None:
    for chat in range(1, 5):
        store.subscribe(chat, 0, "private", None)
    store.enqueue("a1", "h1")
    now = time.time()
    held = store.claim(now, "dead", lease=30)
    store.sending(held[0])  # the request left; the process died before the answer
    store.sending(held[1])
    store.retry_later(held[1], now, "timed out")  # an outcome: back to pending
    store.sending(held[2])
    store.delivered(held[2])
    assert store.settle_in_flight("alive") == 1  # only chat 1 was on its way
    store.release_claims("alive")
    again = store.claim(now + 1, "alive", lease=30)
    assert [d.chat_id for d in again] == [2, 4]
    assert store.outbox_counts() == {"pending": 2, "sent": 2}
    mine = again[0]
    store.sending(mine)
    assert store.settle_in_flight("alive") == 0  # the live sender's own rows are left alone
    assert store.pending_count() == 1


def test_a_sender_marks_and_puts_back_only_the_rows_it_still_holds(store: Storage) -> None:
    """A sender cut off from the database may write late, once another has taken its rows
    over: its mark fails (it must not send), and its "try again later" changes nothing."""
    for chat in range(1, 4):
        store.subscribe(chat, 0, "private", None)
    store.enqueue("a1", "h1")
    now = time.time()
    old = store.claim(now, "old", lease=30)
    assert store.release_claims("new") == 3
    new = store.claim(now, "new", lease=30)
    assert [d.chat_id for d in new] == [1, 2, 3]
    assert store.sending(new[0], "new")
    assert not store.sending(old[0], "old")  # sent by the new sender
    assert not store.sending(old[1], "old")  # the new sender's now
    store.retry_later(old[0], now + 60, "late", "old")
    store.retry_later(old[1], now + 60, "late", "old")
    assert store.outbox_counts() == {"pending": 2, "sending": 1}
    assert store.sending(new[1], "new") and store.sending(new[2], "new")


def test_the_corpus_is_published_in_versions(store: Storage) -> None:
    v1 = store.publish([("a.txt", "A", "ha"), ("b.txt", "B", "hb")], known=[("a", "ha")])
    assert store.announced_hash("a") == "ha" and store.corpus_hashes() == {
        "a.txt": "ha",
        "b.txt": "hb",
    }
    v2 = store.publish([("a.txt", None, "-"), ("c.md", "C", "hc")])
    assert v2 == v1 + 1
    assert store.corpus_since(v1) == [("a.txt", None, v2), ("c.md", "C", v2)]
    assert [n for n, _, _ in store.corpus_since(0)] == ["b.txt", "a.txt", "c.md"]
    assert store.corpus_hashes() == {"b.txt": "hb", "c.md": "hc"}


def test_one_process_at_a_time_holds_a_role_on_postgresql(pg_url: str) -> None:
    with closing(Storage(pg_url)) as store:
        one, two, other = store.leader("sender"), store.leader("sender"), store.leader("ingester")
        try:
            assert one.acquire() and one.held()
            assert not two.acquire() and not two.held()
            assert other.acquire()  # another role is another lock
            one._conn.close()  # type: ignore[attr-defined]  # as if its process died
            assert not one.held()
            deadline = time.monotonic() + 5  # the server lets go once it sees the connection go
            while not two.acquire() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert two.held()
            two.release()
            assert one.acquire()
        finally:
            for role in (one, two, other):
                role.release()


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
        self, store: Storage
    ) -> None:
        store.subscribe(1, 0, "private", None)
        with store.db.write() as db:
            if store.shared:
                db.execute(
                    "CREATE FUNCTION full() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION"
                    " 'could not extend file: No space left on device, the disk is full';"
                    " END $$ LANGUAGE plpgsql"
                )
                db.execute(
                    "CREATE TRIGGER no_outbox BEFORE INSERT ON outbox"
                    " FOR EACH ROW EXECUTE FUNCTION full()"
                )
            else:
                db.execute(
                    "CREATE TRIGGER no_outbox BEFORE INSERT ON outbox "
                    "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
                )
        with pytest.raises(StorageError, match="the disk is full"):
            store.enqueue("a1", "h1")
        assert store.announced_hash("a1") is None  # the first half was rolled back
        with store.db.write() as db:
            db.execute("DROP TRIGGER no_outbox" + (" ON outbox" if store.shared else ""))
        assert store.enqueue("a1", "h1") == 1

    def test_a_failing_migration_reports_its_own_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Not "cannot rollback", which is what a half-done migration used to show."""
        import bot.store.storage

        monkeypatch.setattr(bot.store.storage, "MIGRATIONS", ("CREATE TABLE t (x); NONSENSE;",))
        with pytest.raises(StorageError) as info:
            Storage(tmp_path / "bot.sqlite3")
        assert "NONSENSE" in str(info.value) and "rollback" not in str(info.value)


def test_migrate_command_brings_postgresql_up_to_date(
    pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.console.cli import main

    monkeypatch.setenv("BOT_DATABASE_URL", pg_url)
    assert main(["migrate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("the database postgresql://") and out.endswith(
        f"is at schema version {len(PG_MIGRATIONS)}\n"
    )
    with closing(Storage(pg_url)) as store:
        assert store.subscriptions() == []
