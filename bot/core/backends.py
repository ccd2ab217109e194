"""The two seams a second backend plugs into, and the one place the backends are built.

``SearchIndex`` is the index a live corpus writes and reads: the tantivy ``CorpusIndex`` is
the one there is; a search cluster's client (OpenSearch, Elasticsearch, Quickwit) would be
another, its views implementing ``Retriever`` (docs/scale.md says how each request maps).
``Vectors`` is the store of sentence embeddings: usearch's ``VectorStore`` here; a cluster's
kNN search could be another. ``open_index`` and ``open_vectors`` build them, for the live
library and for an engine made from articles alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from bot.core.catalog import Entry, Filed
from bot.core.corpus import Article
from bot.core.dense import FloatArray, VectorStore
from bot.core.index import CorpusIndex, Retriever, Stamp


class SearchIndex(Protocol):
    """An index of a corpus's sentences, titles and keywords, with its catalog of articles."""

    @property
    def view(self) -> Retriever:
        """The latest committed state, to answer from."""
        ...

    @property
    def entries(self) -> Mapping[int, Entry]: ...

    def filed(self, article_ids: Iterable[str] | None = None) -> dict[str, Filed]:
        """The indexed articles (all, or those of these ids) by id, with their files."""
        ...

    @property
    def damaged(self) -> str | None:
        """What a view found damaged since the index was opened (None: nothing)."""
        ...

    def rebuild(self) -> None: ...

    def apply(
        self, added: Sequence[tuple[Article, Stamp]], removed: Sequence[str] = ()
    ) -> Retriever:
        """Replace or add ``added``, delete ``removed`` (article ids), commit: the new view."""
        ...

    def restamp(self, entries: Sequence[Entry]) -> None: ...

    def close(self) -> None: ...


class Vectors(Protocol):
    """Sentence embeddings by content hash, with the articles they cover."""

    def __len__(self) -> int: ...

    def covers(self, article_id: str, content_hash: str) -> bool: ...

    def missing(self, hashes: Sequence[int]) -> list[int]: ...

    def add(self, hashes: Sequence[int], vectors: FloatArray) -> None: ...

    def cover(self, article_id: str, content_hash: str) -> None: ...

    def forget(self, article_ids: Iterable[str]) -> None: ...

    def search(self, vector: FloatArray, k: int) -> list[tuple[int, float]]: ...

    def cosines(self, vector: FloatArray, hashes: Sequence[int]) -> dict[int, float]: ...

    def save(self) -> None: ...


def open_index(folder: Path | None, *, writable: bool = True) -> SearchIndex:
    """The index in ``folder`` (None: in memory)."""
    return CorpusIndex(folder, writable=writable)


def open_vectors(
    folder: Path | None, model_id: str, dim: int, *, read_only: bool = False
) -> Vectors:
    """The vectors in ``folder`` (None: in memory) for the model ``model_id``."""
    return VectorStore(folder, model_id, dim, read_only=read_only)
