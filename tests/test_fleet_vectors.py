"""A fleet embeds each sentence once: replicas on one PostgreSQL split the sentences that
wait (claimed with FOR UPDATE SKIP LOCKED), take the vectors the others made into their own
nearest-neighbour index, and a replica that starts later embeds nothing."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

import bot.runtime.library
from bot.core.answer import EngineSettings
from bot.core.dense import Embedder
from bot.core.index import content_hash
from bot.runtime.library import Library
from bot.runtime.replicas import SharedVectors
from bot.store.storage import Storage
from tests.support.paths import SEEDS, SQUAD


@pytest.fixture(name="corpus")
def fixture_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    shutil.copy(SQUAD / "articles" / "normans.md", folder)
    return folder


def replica(corpus: Path, home: Path, storage: Storage, embedder: Embedder) -> Library:
    return Library(
        corpus,
        EngineSettings(),
        2_000_000,
        home / "index",
        embedder=embedder,
        share=SharedVectors(storage, embedder.id),
    )


def distinct_units(library: Library) -> set[int]:
    view = library.index.view
    return {content_hash(u) for aid in view.entries for u in view.units(aid)}


def test_two_replicas_split_the_work_and_a_late_one_embeds_nothing(
    pg_url: str,
    corpus: Path,
    tmp_path: Path,
    embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # claims of 16 sentences, so that two replicas share a corpus of a few hundred
    monkeypatch.setattr(bot.runtime.library, "EMBED_CLAIM", 16)
    storages = [Storage(pg_url) for _ in range(3)]
    first, second = (
        replica(corpus, tmp_path / f"replica{n}", storages[n], embedder) for n in (0, 1)
    )
    errors: list[BaseException] = []

    def embed(library: Library) -> None:
        try:
            assert library.embed_pending()
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=embed, args=(lib,)) for lib in (first, second)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert errors == []
    units = distinct_units(first)
    # each sentence embedded once in the fleet, and both replicas did part of it
    assert first.embedded + second.embedded == len(units)
    assert first.embedded > 0 and second.embedded > 0
    rows = storages[0].db.read(
        "SELECT COUNT(*), COUNT(DISTINCT embedded_by) FROM sentence_vectors"
        " WHERE vector IS NOT NULL"
    )
    assert rows == [(len(units), 2)]
    question = "Who was the duke in the battle of Hastings?"
    for library in (first, second):
        assert library.engine.semantic is not None
        assert library.pending_sentences() == 0
    assert first.engine.ask(question) == second.engine.ask(question)

    late = replica(corpus, tmp_path / "replica2", storages[2], embedder)
    assert late.embed_pending()
    assert late.embedded == 0  # every vector fetched, none made
    assert late.engine.ask(question) == first.engine.ask(question)
    for library in (first, second, late):
        library.close()
    for storage in storages:
        storage.close()


def test_a_replica_that_dies_mid_batch_lets_go_of_its_sentences(
    pg_url: str, corpus: Path, tmp_path: Path, embedder: Embedder
) -> None:
    """A batch claimed by a process that fails while embedding it is rolled back with its
    transaction: another replica takes those sentences."""
    storage, other = Storage(pg_url), Storage(pg_url)
    share = SharedVectors(storage, embedder.id)
    share.offer_sentences([(1, "The ferry carries cheese.", 5), (2, "It sails at dawn.", 4)])

    def dies(units: list[str]) -> object:
        raise RuntimeError("killed mid-batch")

    with pytest.raises(RuntimeError):
        share.embed_waiting(8, dies)  # type: ignore[arg-type]
    taken = SharedVectors(other, embedder.id).embed_waiting(8, embedder.embed)
    assert sorted(h for h, _ in taken) == [1, 2]
    assert set(share.vectors_for([1, 2])) == {1, 2}
    storage.close()
    other.close()
