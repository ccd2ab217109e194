"""Where the answer sentence stands among the rank's best, and how well the cues choose it.

    .venv/bin/python -m bench.pools [--pool 12] [--reader default|FOLDER]

For each of SQuAD's 583 development questions (../shared/eval/squad) and ``bench.heldout``'s
783 (the four training articles the shipped readers never trained on): the bot's answer,
right or not as ``bot eval`` and ``bench.heldout`` judge it, and the rank's ``--pool`` best
distinct sentences, each read by the readers and marked as holding one of the expected
answers or not (loosely: any sentence holding the words counts). Printed per set:

- how often a sentence holding the answer is among the best 1, 2, 3, 4, 8 and ``--pool``
  (what any choice among them could reach), the reader's likeliest of the best eight, and
  the bot's right answers;
- a listwise logistic choice over the rank's and the readers' cues of each candidate
  (``CUES``), fitted on one set's pools and scored on the other's: how far a better way of
  weighing what the bot already reads would go, against how far a better reader must.

About 7 minutes here. Nothing is tuned on it; it measures.
"""

from __future__ import annotations

import argparse
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.heldout import held_out_asked
from bot.core.answer import Answer, Engine, EngineSettings, _sentence_first, distinct
from bot.core.corpus import load_corpus
from bot.core.evaluate import is_correct, load_cases
from bot.core.read import Reader, reader_files
from bot.core.verify import logit
from bot.runtime.process import embedder as load_embedder
from bot.runtime.process import reader as load_reader
from train.reader import held_out

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SQUAD = SHARED / "eval" / "squad"
DEPTHS = (1, 2, 3, 4, 8)
READ_OF = 8  # the reader's likeliest among this many of the best
CUES = (
    "score / best score",
    "log(1 + place)",
    "verdict (log-odds)",
    "reader's own logit",
    "cosine",
    "coverage",
    "absent",
    "says enough",
    "span confidence",
    "first",
)


@dataclass(frozen=True)
class Pool:
    """One question's best candidates: their cues, whether each holds an answer, and
    whether the bot's answer was right."""

    cues: npt.NDArray[np.float64]
    holds: npt.NDArray[np.float64]
    right: bool


def pools(
    engine: Engine,
    reader: Reader,
    asked: Sequence[tuple[str, Sequence[str], Callable[[Answer], bool]]],
    size: int,
) -> list[Pool]:
    """Each question's pool (questions the rank finds nothing for are left out)."""
    out = []
    for question, expected, judge in asked:
        got = engine.ask(question)
        query = engine._parse(question)
        ranked = engine.rank(query)
        best = distinct(_sentence_first(ranked), size) if ranked else []
        if not best:
            continue
        readings = reader.read(query.for_reader, [engine._passage(c) for c in best])
        top = best[0].score or 1.0
        rows, holds = [], []
        for place, (cand, reading) in enumerate(zip(best, readings, strict=True)):
            rows.append(
                [
                    cand.score / top,
                    math.log1p(place),
                    logit(reading.answers),
                    reading.own,
                    cand.cosine or 0.0,
                    cand.coverage,
                    cand.absent,
                    float(engine._supported(cand, len(query.terms))),
                    reading.span_confidence,
                    float(place == 0),
                ]
            )
            text = cand.sentence.text.casefold()
            holds.append(float(any(e.casefold() in text for e in expected)))
        out.append(Pool(np.array(rows), np.array(holds), judge(got)))
    return out


def fit(train: Sequence[Pool], l2: float = 0.01, steps: int = 400) -> Callable[[Pool], int]:
    """A listwise logistic choice (softmax over a pool, standardised cues, L2, gradient
    descent) fitted on the pools holding an answer; returns the chooser."""
    every = np.concatenate([p.cues for p in train])
    mean, scale = every.mean(0), every.std(0) + 1e-9
    weights = np.zeros(every.shape[1])
    usable = [p for p in train if p.holds.sum()]
    for _ in range(steps):
        grad = l2 * weights
        for p in usable:
            z = (p.cues - mean) / scale
            s = z @ weights
            e = np.exp(s - s.max())
            grad += z.T @ (e / e.sum() - p.holds / p.holds.sum()) / len(usable)
        weights -= 0.5 * grad
    return lambda p: int(np.argmax(((p.cues - mean) / scale) @ weights))


def report(name: str, got: Sequence[Pool], chooser: Callable[[Pool], int], asked: int) -> None:
    reach = {k: sum(bool(p.holds[:k].any()) for p in got) for k in (*DEPTHS, 10**6)}
    read = sum(p.holds[int(np.argmax(p.cues[:READ_OF, 2]))] for p in got)
    chosen = sum(p.holds[chooser(p)] for p in got)
    print(
        f"{name}: {asked} questions, bot right {sum(p.right for p in got)}; "
        + ", ".join(f"answer among best {k} {reach[k]}" for k in DEPTHS)
        + f", among all {reach[10**6]}; reader's likeliest of {READ_OF} {read:.0f}; "
        f"fitted choice (on the other set) {chosen:.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pools", description=__doc__)
    parser.add_argument("--pool", type=int, default=12)
    parser.add_argument("--reader", default="default")
    args = parser.parse_args(argv)
    embedder = load_embedder("minilm", 2)
    reader = load_reader(args.reader, 2)
    assert reader is not None, "bench.pools reads with a reader"
    squad_engine = Engine.from_articles(
        load_corpus(SQUAD / "articles").articles, EngineSettings(), embedder, reader=reader
    )
    cases = load_cases(SQUAD / "questions.yaml")
    squad = pools(
        squad_engine,
        reader,
        [(c.question, c.expect, functools.partial(is_correct, c)) for c in cases],
        args.pool,
    )
    files = reader_files("default" if args.reader == "none" else args.reader)
    assert files is not None
    held_engine, held_asked = held_out_asked(held_out(files.meta), embedder, reader)

    def quoted(expected: list[str]) -> Callable[[Answer], bool]:
        def judge(got: Answer) -> bool:
            quote = got.citations[0].quote if got.answered and got.citations else ""
            return any(e in quote for e in expected)

        return judge

    asked = [(question, expected, quoted(expected)) for question, expected in held_asked]
    heldout = pools(held_engine, reader, asked, args.pool)
    report("SQuAD development", squad, fit(heldout), len(cases))
    report("bench.heldout", heldout, fit(squad), len(asked))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
