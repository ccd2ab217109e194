"""The corpus through the database: the ingester records the folder's article files, each
process's mirror writes them into a folder of its own."""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.corpus import read_text
from bot.replicas import Ingester, Mirror
from bot.storage import Storage
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
    with caplog.at_level(logging.WARNING, logger="bot.replicas"):
        ingester.publish()
        ingester.publish()
    assert len([r for r in caplog.records if "broken.txt" in r.getMessage()]) == 1
    assert store.corpus_hashes() == {}
