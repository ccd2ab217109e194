"""Questions written blind, asked of the articles they were written about:

    .venv/bin/python -m bench.blind [--file train/wiki-train.json] [--reader default|FOLDER]
                                    [--typos 0.33 --seed 1] [--openings 12] [--dump FILE]

A SQuAD-layout file written here (``train/wiki-train.json``: encyclopedia articles on invented
subjects, ``train/news-train.json``: news), each question with its answers or marked
``is_impossible``: one the article only seems to answer. Every question about the articles
none of the reader's models trained on (``train.gate.unseen``: all of them for the shipped
models and the encyclopedia file) is asked of an engine holding those articles. An answerable
question is right as ``bot eval`` judges it (its article cited first, one of its answers in
the quote or the answer); an unanswerable one is right when refused; with ``--typos``, each
question is asked with that share of its words mistyped (``bot.core.evaluate.add_typos``,
seeded by ``--seed``). Printed: the answerable right and refused, the unanswerable refused,
and the unanswerable ones answered by their first two words ("how wide", "who paid"), the
commonest first: where the bot still guesses. About 6 minutes for the encyclopedia file
here. Nothing is tuned on it: the checks it led to are each verified on the training files'
answer sentences (docs/answers.md, "Unanswerable questions written blind").
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.core.answer import Engine, EngineSettings
from bot.core.evaluate import Case, add_typos, is_correct
from bot.core.read import reader_files
from bot.runtime.process import embedder as load_embedder
from bot.runtime.process import reader as load_reader
from train.gate import held_out_questions, model_metas, unseen
from train.reader import squad_articles

ROOT = Path(__file__).resolve().parents[1]
WIKI = ROOT / "train" / "wiki-train.json"


@dataclass(frozen=True)
class Asked:
    """One question's outcome."""

    question: str
    answerable: bool
    answered: bool
    right: bool
    text: str


def opening(question: str) -> str:
    """A question's first two words, folded: "How wide is …" is "how wide"."""
    return " ".join(question.lower().split()[:2])


def asked_all(engine: Engine, cases: Sequence[Case]) -> list[Asked]:
    """Each case put to the engine: an answerable one right as ``bot eval`` judges it
    (``is_correct``), an unanswerable one right when refused."""
    out = []
    for case in cases:
        got = engine.ask(case.question)
        right = is_correct(case, got) if case.answerable else not got.answered
        out.append(Asked(case.question, case.answerable, got.answered, right, got.text))
    return out


def summary(results: Sequence[Asked], openings: int) -> list[str]:
    """The lines printed for ``results``."""
    answerable = [r for r in results if r.answerable]
    other = [r for r in results if not r.answerable]
    lines = [
        f"answerable right {sum(r.right for r in answerable)}/{len(answerable)}, "
        f"refused {sum(not r.answered for r in answerable)}",
        f"unanswerable refused {sum(not r.answered for r in other)}/{len(other)}",
    ]
    asked = Counter(opening(r.question) for r in other)
    guessed = Counter(opening(r.question) for r in other if r.answered)
    for words, n in guessed.most_common(openings):
        lines.append(f"  {words!r}: {n} of {asked[words]} answered")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.blind", description=__doc__)
    parser.add_argument("--file", type=Path, default=WIKI)
    parser.add_argument("--reader", default="default")
    parser.add_argument("--typos", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--openings", type=int, default=12)
    parser.add_argument("--dump", type=Path, help="write each question's outcome as JSON")
    args = parser.parse_args(argv)
    files = reader_files(args.reader)
    if files is None:
        raise SystemExit("bench.blind reads with a reader: --reader default or a folder")
    data = json.loads(args.file.read_text(encoding="utf-8"))
    articles, _ = squad_articles(data)
    keep = unseen(model_metas(files.onnx.parent), args.file.name, [a.id for a in articles])
    if not keep:
        raise SystemExit(f"the reader's models trained on every article of {args.file}")
    engine = Engine.from_articles(
        [a for a in articles if a.id in keep],
        EngineSettings(),
        embedder=load_embedder("minilm", 1),
        reader=load_reader(args.reader, 1),
    )
    cases = [asked.case for asked in held_out_questions(data, "", keep)]
    if args.typos:
        rng = random.Random(args.seed)
        cases = [replace(c, question=add_typos(c.question, rng, args.typos)) for c in cases]
    results = asked_all(engine, cases)
    print(f"{args.file.name}: {len(keep)} articles none of the reader's models trained on")
    for line in summary(results, args.openings):
        print(line)
    if args.dump is not None:
        rows = [r.__dict__ for r in results]
        args.dump.write_text(json.dumps(rows, indent=0) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
