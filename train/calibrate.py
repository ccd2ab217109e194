"""Calibrate the reader's gate on the development sets: ``python -m train.calibrate``.

Every question of the development sets (the seed questions and their paraphrases, the SQuAD
questions and paraphrases, the SQuAD unanswerable set; clean and with typos on three seeds) is
answered once with the gate open, and the reader's confidence in its best sentence is kept.
Then, for each gate, the table shows what the bot would score: P@1 on the answerable
questions and the share refused of the unanswerable ones. ``READER_GATE`` in
bot/core/answer.py is set from this table by hand (a round value where refusals reach the bar
without costing right answers), so it describes the reader, not the questions.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

import bot.core.answer as answer_module
from bot.core.answer import Engine, EngineSettings
from bot.core.corpus import load_corpus
from bot.core.evaluate import Case, add_typos, is_correct, load_cases
from bot.runtime.process import embedder, reader

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SETS = (
    ("seeds", "eval/seed-questions.yaml", "seeds"),
    ("seed paraphrases", "eval/paraphrase-questions.yaml", "seeds"),
    ("squad", "eval/squad/questions.yaml", "eval/squad/articles"),
    ("squad paraphrases", "eval/squad/paraphrase-questions.yaml", "eval/squad/articles"),
    ("squad unanswerable", "eval/squad/unanswerable-questions.yaml", "eval/squad/articles"),
)
GATES = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


@dataclass(frozen=True)
class Outcome:
    answerable: bool
    right: bool  # answered, and right, with the gate open
    answered: bool  # not refused by anything but the gate
    confidence: float


def outcomes(engine: Engine, cases: list[Case]) -> list[Outcome]:
    out = []
    for case in cases:
        got = engine.ask(case.question)
        out.append(Outcome(case.answerable, is_correct(case, got), got.answered, got.confidence))
    return out


def table(name: str, results: list[Outcome]) -> list[str]:
    lines = []
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    for gate in GATES:
        right = sum(r.right and r.confidence >= gate for r in answerable)
        refused = sum(not r.answered or r.confidence < gate for r in unanswerable)
        line = f"{name:<34} gate {gate:.1f}"
        if answerable:
            line += f"  P@1 {right / len(answerable):.3f} ({right}/{len(answerable)})"
        if unanswerable:
            line += f"  refused {refused / len(unanswerable):.3f} ({refused}/{len(unanswerable)})"
        lines.append(line)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m train.calibrate", description=__doc__)
    parser.add_argument("--reader", default="default", help="default or a model folder")
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3], help="typo seeds")
    parser.add_argument(
        "--rank-weight", type=float, default=None, help="try this RANK_WEIGHT instead"
    )
    args = parser.parse_args(argv)
    answer_module.READER_GATE = 0.0  # every answer kept, with its confidence
    answer_module.CITE_GATE = 1.0
    if args.rank_weight is not None:
        answer_module.RANK_WEIGHT = args.rank_weight
    model, checker = embedder("minilm", 1), reader(args.reader, 1)
    engines: dict[str, Engine] = {}
    root = Path(__file__).resolve().parents[1]
    for name, questions, corpus in SETS:
        folder = root / corpus if corpus == "seeds" else SHARED / corpus
        if corpus not in engines:
            engines[corpus] = Engine.from_articles(
                load_corpus(folder).articles,
                EngineSettings(reader_decides=True),
                embedder=model,
                reader=checker,
            )
        cases = load_cases(SHARED / questions)
        for seed in [None, *args.seeds]:
            run = cases
            if seed is not None:
                rng = random.Random(seed)
                run = [
                    Case(add_typos(c.question, rng), c.expect, c.article, c.answerable)
                    for c in cases
                ]
            label = name if seed is None else f"{name} typos {seed}"
            for line in table(label, outcomes(engines[corpus], run)):
                print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
