"""The corpus through the database: the ingester records the folder's article files, each
process's mirror writes them into a folder of its own."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.core.corpus import read_text
from bot.runtime.replicas import Ingester, Mirror
from bot.store.storage import Storage
from tests.support.paths import SEEDS


@pytest.fixture(name="store")
def fixture_store(tmp_path: Path) -> Iterator[Storage]:
    store = Storage(tmp_path / "bot.sqlite3")
    yield store
    store.close()


def settled(folder: Path) -> None:
    """Every file written a while ago, so that none is taken for one still being written."""
    old = time.time() - 60
    for path in folder.iterdir():
        os.utime(path, (old, old))


def test_the_folder_reaches_the_mirror_and_the_back_catalogue_is_known(
    store: Storage, tmp_path: Path
) -> None:
    source = tmp_path / "corpus"
    shutil.copytree(SEEDS, source)
    settled(source)
    ingester = Ingester(store, source, 2_000_000)
    ingester.publish()
    names = sorted(p.name for p in source.iterdir())
    assert sorted(store.corpus_hashes()) == names
    assert all(store.announced_hash(Path(n).stem) for n in names)  # known, not news
    mirror = Mirror(store, tmp_path / "mirror")
    assert mirror.pull() == set(names)
    for name in names:
        # the same text, as the corpus reads it (normalised)
        assert read_text(mirror.folder / name, 2_000_000) == read_text(source / name, 2_000_000)
    (source / names[0]).unlink()
    ingester.publish({names[0]})
    assert mirror.pull() == {names[0]} and not (mirror.folder / names[0]).exists()
    assert Mirror(store, mirror.folder).pull() == set()  # its version is kept on disk


def test_a_broken_file_is_warned_of_once_and_not_recorded(
    store: Storage, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "corpus"
    source.mkdir()
    (source / "broken.txt").write_bytes(b"\xff\xfe\x00 not text")
    settled(source)
    ingester = Ingester(store, source, 2_000_000)
    with caplog.at_level(logging.WARNING, logger="bot.runtime.replicas"):
        ingester.publish()
        ingester.publish()
    assert len([r for r in caplog.records if "broken.txt" in r.getMessage()]) == 1
    assert store.corpus_hashes() == {}


def article(title: str, body: str) -> str:
    return f"{title}\n\n{body}\n"


def write(folder: Path, name: str, text: str, age: float = 60.0) -> None:
    """Write an article file, modified ``age`` seconds ago (long enough to be settled)."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    when = time.time() - age
    os.utime(path, (when, when))


A = article("Night ferries", "The night ferry carries reindeer cheese to Tromsø.")
B = article("Drones over the fjord", "Drones count the seals along the fjord in spring.")


def test_a_new_ingester_deletes_only_what_it_saw_go_from_its_own_folder(
    pg_url: str, tmp_path: Path
) -> None:
    """The first ingester records A and B; the second, whose folder holds only A, takes over
    and deletes nothing; A deleted from its folder afterwards is deleted from the record."""
    with closing(Storage(pg_url)) as first, closing(Storage(pg_url)) as second:
        write(tmp_path / "one", "a.txt", A)
        write(tmp_path / "one", "b.txt", B)
        Ingester(first, tmp_path / "one", 2_000_000).publish()
        mirror = Mirror(first, tmp_path / "mirror")
        assert mirror.pull() == {"a.txt", "b.txt"}

        write(tmp_path / "two", "a.txt", A)
        taker = Ingester(second, tmp_path / "two", 2_000_000)
        taker.take_role()
        taker.publish()
        taker.publish({"b.txt"})  # as a file event naming it would
        assert sorted(second.corpus_hashes()) == ["a.txt", "b.txt"]
        assert mirror.pull() == set() and (mirror.folder / "b.txt").exists()
        assert Mirror(second, tmp_path / "mirror2").pull() == {"a.txt", "b.txt"}

        (tmp_path / "two" / "a.txt").unlink()
        taker.publish({"a.txt"})
        assert sorted(second.corpus_hashes()) == ["b.txt"]
        assert mirror.pull() == {"a.txt"} and not (mirror.folder / "a.txt").exists()


@pytest.mark.parametrize("folder", ["empty", "missing"])
def test_an_empty_or_missing_folder_deletes_nothing(
    store: Storage, tmp_path: Path, folder: str
) -> None:
    """A new ingester whose folder is empty, or missing, deletes nothing on taking over."""
    write(tmp_path / "one", "a.txt", A)
    Ingester(store, tmp_path / "one", 2_000_000).publish()
    if folder == "empty":
        (tmp_path / "two").mkdir()
    taker = Ingester(store, tmp_path / "two", 2_000_000)
    taker.publish()
    taker.publish({"a.txt"})
    assert list(store.corpus_hashes()) == ["a.txt"]


def test_an_older_copy_found_on_taking_the_role_does_not_replace_the_record(
    store: Storage, tmp_path: Path
) -> None:
    """The new ingester's folder holds older copies of A and B, written before it started:
    the record keeps the newer ones, B's going is no deletion, and A is recorded once it is
    written again."""
    newer_a = article("Night ferries", "The night ferry carries cheese and forty passengers.")
    newer_b = article("Drones over the fjord", "Drones count the seals and the eagles.")
    write(tmp_path / "one", "a.txt", newer_a)
    write(tmp_path / "one", "b.txt", newer_b)
    Ingester(store, tmp_path / "one", 2_000_000).publish()
    recorded = store.corpus_hashes()
    write(tmp_path / "two", "a.txt", A, age=600)
    write(tmp_path / "two", "b.txt", B, age=600)
    taker = Ingester(store, tmp_path / "two", 2_000_000)
    taker.publish()
    taker.publish({"a.txt", "b.txt"})
    assert store.corpus_hashes() == recorded

    (tmp_path / "two" / "b.txt").unlink()  # a copy the record never took: not the article
    taker.publish({"b.txt"})
    assert store.corpus_hashes() == recorded

    edited = article("Night ferries", "The night ferry carries cheese, and now bicycles.")
    write(tmp_path / "two", "a.txt", edited, age=30)  # written since the ingester looked
    taker.publish({"a.txt"})
    mirror = Mirror(store, tmp_path / "mirror")
    mirror.pull()
    assert "bicycles" in (mirror.folder / "a.txt").read_text(encoding="utf-8")
    assert "eagles" in (mirror.folder / "b.txt").read_text(encoding="utf-8")


def test_a_file_written_after_the_ingester_started_replaces_the_record(
    store: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feed writing a newer version of a recorded article into the new ingester's empty
    folder: written after it started, so it is no older copy."""
    monkeypatch.setattr("bot.runtime.replicas.SETTLE_SECONDS", 0.0)
    write(tmp_path / "one", "a.txt", A)
    Ingester(store, tmp_path / "one", 2_000_000).publish()
    (tmp_path / "two").mkdir()
    taker = Ingester(store, tmp_path / "two", 2_000_000)
    taker.publish()
    edited = article("Night ferries", "The night ferry carries cheese, and now bicycles.")
    write(tmp_path / "two", "a.txt", edited, age=0)
    taker.publish({"a.txt"})
    mirror = Mirror(store, tmp_path / "mirror")
    mirror.pull()
    assert "bicycles" in (mirror.folder / "a.txt").read_text(encoding="utf-8")


async def test_each_tenure_starts_afresh(store: Storage, tmp_path: Path) -> None:
    """Within one tenure (one watcher task) a file seen and then gone is deleted; a process
    that takes the role again (a new task) has forgotten what its folder held before."""
    source = tmp_path / "one"
    for name, text in [("a.txt", A), ("b.txt", B)]:
        write(source, name, text)
    ingester = Ingester(store, source, 2_000_000)

    async def tenure(*steps: Path) -> None:
        for gone in steps:
            await ingester.publish_async()
            gone.unlink()
        await ingester.publish_async()

    await asyncio.create_task(tenure(source / "a.txt"))
    assert list(store.corpus_hashes()) == ["b.txt"]
    (source / "b.txt").unlink()  # while another process held the role
    await asyncio.create_task(tenure())
    assert list(store.corpus_hashes()) == ["b.txt"]


def test_an_emptied_folder_is_taken_for_one_not_mounted(
    store: Storage, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A rescan finding every file gone at once (no file event named them) deletes nothing
    and says so once."""
    source = tmp_path / "one"
    write(source, "a.txt", A)
    ingester = Ingester(store, source, 2_000_000)
    ingester.publish()
    (source / "a.txt").unlink()
    with caplog.at_level(logging.WARNING, logger="bot.runtime.replicas"):
        ingester.publish()
        ingester.publish()
    assert list(store.corpus_hashes()) == ["a.txt"]
    assert len([r for r in caplog.records if "not mounted" in r.getMessage()]) == 1
