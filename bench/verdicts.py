"""The reader's verdict, the span model's, and the two weighed, on the held-out articles.

    .venv/bin/python -m bench.verdicts [--work data/train-reader] [--weights 0.3 0.5 0.7]

The candidate pools are those ``python -m train.reader`` builds (``candidates.jsonl`` in its
work folder; built here if missing, a few minutes): every training question put to the
bot's first stages. Only the four articles the shipped reader never trained on are read.
For each reader, ``train.reader.score``'s measures: how often the best-read candidate is
the answer sentence (read at 0.5 or more), and how often a pool without it is refused;
clean and with the typo'd copies. ``--weights`` are values of ``read.SPANS_VERDICT`` tried
(0: the reader alone; 1: the span model alone). Then, on the same articles, the questions
that look answerable and are not (``train.reader.transplanted``: another question of the
article asked of a name the answer sentence holds): how often that sentence is read as
answering one, against how often it is read as answering its own question.
``--reader`` names another reader folder (one with a span model, as the shipped one).
"""

from __future__ import annotations

import argparse
import collections
import random
from pathlib import Path

import bot.core.read as read_module
from bot.core.dense import Embedder, FloatArray, model_files
from bot.core.read import Passage, Reader, reader_files
from train.reader import (
    DATA,
    TRANSPLANT_LIKE,
    Item,
    build_candidates,
    held_out,
    load_items,
    score,
    transplanted,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.verdicts", description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("data/train-reader"))
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.3, 0.5, 0.7, 1.0])
    parser.add_argument("--reader", default="default")
    args = parser.parse_args(argv)
    cands = args.work / "candidates.jsonl"
    if not cands.is_file():
        args.work.mkdir(parents=True, exist_ok=True)
        build_candidates(DATA, cands, 13)
    files = reader_files(args.reader)
    assert files is not None and files.spans is not None, "the shipped reader has a span model"
    held = held_out(files.meta)
    items = [i for i in load_items(cands) if i.article in held]
    reader = Reader(files, 2)
    looks = _looks_answerable(items)
    for weight in args.weights:
        read_module.SPANS_VERDICT = weight
        clean = score(reader.read, items)
        typos = score(reader.read, items, typos=True)
        print(
            f"SPANS_VERDICT {weight}: answer sentence first {clean['sentence_p_at_1']:.3f} "
            f"(typos {typos['sentence_p_at_1']:.3f}), pools without it refused "
            f"{clean['pools_without_answer_refused']:.3f} "
            f"(typos {typos['pools_without_answer_refused']:.3f})"
        )
        own = [reader.read(q, [p])[0].answers >= 0.5 for q, p, label in looks if label]
        other = [reader.read(q, [p])[0].answers >= 0.5 for q, p, label in looks if not label]
        print(
            f"    its own question read as answered {sum(own) / len(own):.3f}; a question "
            f"that looks answerable {sum(other) / len(other):.3f} (of {len(other)})"
        )
    return 0


def _looks_answerable(items: list[Item]) -> list[tuple[str, Passage, bool]]:
    """Each answer sentence with its own question (True) and with one of the article's
    other questions made to ask of a name it holds (``train.reader.transplanted``: the
    name put in the likeliest of its names, by the embedder, and alike enough), or none
    where four draws make none (False); drawn with a fixed seed."""
    files = model_files("minilm")
    assert files is not None
    embedder = Embedder(files, threads=2)
    vectors: dict[str, FloatArray] = {}

    def like(old: str, names: list[str]) -> str | None:
        missing = [n for n in (old, *names) if n not in vectors]
        if missing:
            vectors.update(zip(missing, embedder.embed(missing, batch=64), strict=True))
        score, best = max((float(vectors[old] @ vectors[n]), n) for n in names)
        return best if score >= TRANSPLANT_LIKE else None

    by_article: dict[str, list[Item]] = collections.defaultdict(list)
    for item in items:
        by_article[item.article].append(item)
    rng = random.Random(5)
    pairs: list[tuple[str, Passage, bool]] = []
    for item in items:
        pos = next((c for c in item.cands if c.label == 1), None)
        if pos is None:
            continue
        passage = Passage(pos.sentence, pos.prev, pos.title)
        pairs.append((item.model_text, passage, True))
        for _ in range(4):
            other = rng.choice(by_article[item.article])
            question = None if other is item else transplanted(other, passage, rng, like)
            if question is not None:
                pairs.append((question, passage, False))
                break
    return pairs


if __name__ == "__main__":
    raise SystemExit(main())
