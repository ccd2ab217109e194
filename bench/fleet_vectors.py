"""Benchmark: a fleet on PostgreSQL embeds each sentence once, and sooner than one replica.

    .venv/bin/python -m bench.fleet_vectors [--articles 2000] [--replicas 2] [--keep DIR]

The articles are real English: the paragraphs of the SQuAD training articles
(``../shared/train``, Wikipedia, CC BY-SA 4.0), each written as an article of its own. Every
replica is a process of its own with one thread for the model (as ``answers.embedding_threads:
1`` runs it), its own index and its own nearest-neighbour index, on a PostgreSQL server the
bench starts (the one the tests use). Measured:

- **alone**: one replica without a fleet, from its start until every sentence has a vector;
- **fleet**: ``--replicas`` replicas started together on a fresh database, each until it
  answers semantically over the whole corpus; the time until the last one does, how many
  sentences each embedded, and how many vectors the database holds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.indexing import SQUAD_TRAIN
from bot.core.answer import EngineSettings
from bot.core.dense import DEFAULT_MODEL
from bot.runtime.library import Library
from bot.runtime.process import embedder as load_embedder
from bot.runtime.replicas import SharedVectors
from bot.store.storage import Storage

ROOT = Path(__file__).resolve().parents[1]


def write_paragraph_articles(folder: Path, count: int) -> int:
    """Up to ``count`` SQuAD training paragraphs, each an article; returns how many."""
    data = json.loads(SQUAD_TRAIN.read_text(encoding="utf-8"))["data"]
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for article in data:
        title = article["title"].replace("_", " ")
        for number, paragraph in enumerate(article["paragraphs"], start=1):
            if written >= count:
                return written
            day = 1 + written % 28
            text = f"2024-{1 + written % 12:02d}-{day:02d}\n{title}, part {number}\nby Wikipedia"
            (folder / f"p{written:05d}.txt").write_text(
                f"{text}\n\n{paragraph['context'].strip()}\n", encoding="utf-8"
            )
            written += 1
    return written


def child(corpus: Path, home: Path, pg_url: str | None, started: float) -> dict[str, float]:
    """One replica: index, then embed (alone, or with the fleet); the seconds from the
    common start until it answers semantically over everything."""
    storage = Storage(pg_url) if pg_url else None
    model = load_embedder(DEFAULT_MODEL, 1)
    assert model is not None
    share = SharedVectors(storage, model.id) if storage is not None else None
    library = Library(
        corpus, EngineSettings(), 2_000_000, home / "index", embedder=model, share=share
    )
    indexed = time.time() - started
    assert library.embed_pending(save_every=60.0)
    assert library.engine.semantic is not None and library.pending_sentences() == 0
    done = time.time() - started
    out = {"indexed_s": round(indexed, 1), "semantic_s": round(done, 1)}
    out["embedded"] = library.embedded
    library.close()
    if storage is not None:
        storage.close()
    return out


def start_child(corpus: Path, home: Path, pg_url: str, started: float) -> subprocess.Popen[str]:
    command = ["-m", "bench.fleet_vectors", "--child", str(corpus), str(home), pg_url]
    return subprocess.Popen(
        [sys.executable, *command, repr(started)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def result(process: subprocess.Popen[str]) -> dict[str, float]:
    out, _ = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"a replica failed ({process.returncode})")
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the corpus and the server here")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        corpus, home, pg_url, started = args.child
        print(json.dumps(child(Path(corpus), Path(home), pg_url or None, float(started))))
        return
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import new_database, start_postgres

    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        home = args.keep or Path(tmp)
        corpus = home / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        articles = write_paragraph_articles(corpus, args.articles)
        admin = start_postgres(home / "postgres")
        print(f"{articles:,} articles (SQuAD training paragraphs)")

        for name in ("alone", *(f"replica{n}" for n in range(args.replicas))):
            shutil.rmtree(home / name, ignore_errors=True)
        started = time.time()
        alone = result(start_child(corpus, home / "alone", "", started))
        print(f"alone: semantic after {alone['semantic_s']} s, {alone['embedded']:,} embedded")

        pg_url = new_database(admin)
        started = time.time()
        fleet = [
            start_child(corpus, home / f"replica{n}", pg_url, started)
            for n in range(args.replicas)
        ]
        results = [result(p) for p in fleet]
        last = max(r["semantic_s"] for r in results)
        embedded = sum(int(r["embedded"]) for r in results)
        storage = Storage(pg_url)
        ((stored,),) = storage.db.read(
            "SELECT COUNT(*) FROM sentence_vectors WHERE vector IS NOT NULL"
        )
        storage.close()
        for n, r in enumerate(results):
            print(f"replica{n}: semantic after {r['semantic_s']} s, {r['embedded']:,} embedded")
        print(
            f"fleet of {args.replicas}: every replica semantic after {last} s "
            f"({last / alone['semantic_s']:.2f} of one alone); {embedded:,} sentences "
            f"embedded fleet-wide for {stored:,} vectors stored "
            f"({embedded / max(1, stored):.2f} embeddings a sentence; alone: "
            f"{alone['embedded']:,})"
        )


if __name__ == "__main__":
    main()
