"""Benchmark: what ``python -m bot index`` embeds a second, against onnxruntime alone.

    .venv/bin/python -m bench.indexing [--sentences 3000] [--threads 1 2] [--rounds 3]

The sentences are real English: the SQuAD training articles of ``../shared/train`` (Wikipedia,
CC BY-SA 4.0), written as article files. For each thread count, each round measures, in
this one process and in turn:

- **raw**: the same int8 all-MiniLM-L6-v2 file in a bare onnxruntime session with that many
  intra-op threads, fed the same dense units (tokenized with the same vocabulary, sorted by
  length, in batches of 8: what a careful hand-written loop does) and mean-pooled;
- **bot index**: ``Library.embed_pending`` (what ``bot index --threads N`` runs) on a fresh
  vector store over the same corpus: tokenizing, running the model, hashing, storing the
  vectors in usearch and saving them.

Both are reported in tokens a second (the model's own tokens, [CLS] and [SEP] included), as
medians over the rounds, with the ratio of one to the other and of two threads to one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bot.core.answer import EngineSettings
from bot.core.corpus import load_article
from bot.core.dense import DEFAULT_MODEL, Embedder, model_files, onnx_session
from bot.core.index import unit_text
from bot.core.text import split_sentences
from bot.runtime.library import Library
from bot.runtime.process import embedder as load_embedder

SQUAD_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "train" / "squad-train.json"


def write_squad_corpus(folder: Path, sentences: int) -> int:
    """The SQuAD training articles as article files, cut to about ``sentences`` sentences;
    returns how many article files were written."""
    data = json.loads(SQUAD_TRAIN.read_text(encoding="utf-8"))["data"]
    folder.mkdir(parents=True, exist_ok=True)
    count = written = 0
    for number, article in enumerate(data):
        paragraphs = [p["context"].strip() for p in article["paragraphs"]]
        kept: list[str] = []
        for paragraph in paragraphs:
            if count >= sentences:
                break
            kept.append(paragraph)
            count += len(split_sentences(paragraph))
        if not kept:
            break
        title = article["title"].replace("_", " ")
        text = f"2024-01-{1 + number % 28:02d}\n{title}\nby Wikipedia\n\n" + "\n\n".join(kept)
        (folder / f"squad-{number:02d}.txt").write_text(text + "\n", encoding="utf-8")
        written += 1
    return written


def dense_units(folder: Path) -> list[str]:
    """Every sentence's dense unit, as the bot embeds them (each distinct one once)."""
    units: dict[str, None] = {}
    for path in sorted(folder.iterdir()):
        article = load_article(path)
        for paragraph in article.paragraphs:
            for i, sentence in enumerate(paragraph.sentences):
                units[unit_text(sentence, paragraph.sentences[i - 1] if i else None)] = None
    return list(units)


def raw_tokens_per_second(units: list[str], threads: int, embedder: Embedder) -> float:
    """onnxruntime alone, with the bot's tokenizer (its encodings, not its code)."""
    files = model_files(DEFAULT_MODEL)
    assert files is not None
    session = onnx_session(files.onnx, threads)
    names = {i.name for i in session.get_inputs()}
    encodings = embedder._tokenizer.encode_batch(units)  # the same ids the bot feeds
    tokens = sum(len(e.ids) for e in encodings)
    order = sorted(range(len(units)), key=lambda i: len(encodings[i].ids))
    start = time.perf_counter()
    for at in range(0, len(order), 8):
        chunk = [encodings[i].ids for i in order[at : at + 8]]
        width = max(len(ids) for ids in chunk)
        ids = np.zeros((len(chunk), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, seq in enumerate(chunk):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feeds)[0]
        if hidden.ndim == 3:
            hidden = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    return tokens / (time.perf_counter() - start)


def bot_tokens_per_second(corpus: Path, home: Path, threads: int, tokens: int) -> float:
    """``Library.embed_pending`` on a fresh vector store: what ``bot index`` times."""
    index = home / "index"
    shutil.rmtree(index.with_name("index.vectors"), ignore_errors=True)
    library = Library(
        corpus, EngineSettings(), 2_000_000, index, embedder=load_embedder(DEFAULT_MODEL, threads)
    )
    try:
        start = time.perf_counter()
        assert library.embed_pending(save_every=30.0)
        return tokens / (time.perf_counter() - start)
    finally:
        library.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-indexing-") as tmp:
        home = Path(tmp)
        corpus = home / "corpus"
        articles = write_squad_corpus(corpus, args.sentences)
        units = dense_units(corpus)
        probe = load_embedder(DEFAULT_MODEL, 1)
        tokens = sum(len(e.ids) for e in probe._tokenizer.encode_batch(units))
        print(f"{articles} articles, {len(units):,} sentences, {tokens:,} tokens")
        results: dict[int, dict[str, float]] = {}
        for threads in args.threads:
            raw: list[float] = []
            bot: list[float] = []
            for _ in range(args.rounds):
                raw.append(raw_tokens_per_second(units, threads, probe))
                bot.append(bot_tokens_per_second(corpus, home, threads, tokens))
            results[threads] = {"raw": statistics.median(raw), "bot": statistics.median(bot)}
            r = results[threads]
            print(
                f"{threads} thread(s): raw onnxruntime {r['raw']:,.0f} tokens/s, "
                f"bot index {r['bot']:,.0f} tokens/s ({r['bot'] / r['raw']:.0%} of raw)"
                f"  [rounds: raw {[round(x) for x in raw]}, bot {[round(x) for x in bot]}]"
            )
        if 1 in results:
            for threads, r in results.items():
                if threads != 1:
                    print(
                        f"{threads} threads over 1: bot index "
                        f"{r['bot'] / results[1]['bot']:.2f}x, raw "
                        f"{r['raw'] / results[1]['raw']:.2f}x"
                    )


if __name__ == "__main__":
    main()
