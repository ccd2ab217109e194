"""Answer quality on every development set, in one table:

    .venv/bin/python -m bench.quality [--modes checks marks none] [--seeds 1 2 3]
                                      [--reader default|FOLDER]

Each set (the seed questions and their paraphrases, the 583 SQuAD questions and their
paraphrases, the SQuAD unanswerable set with its controls) is asked clean and with a typo in
a third of the longer words (one run per seed), with the reader in each mode:

- ``checks``: the reader reads the best candidates and its answer check chooses and refuses
  (``answers.reader_decides: true``);
- ``marks``: the rank chooses and refuses, the reader only reads its choice (to refuse or
  switch) and marks the answer's words (the default, ``answers.reader_decides: false``);
- ``none``: no reader (``answers.reader_model: none``).

Per row: P@1 on the answerable questions, the share refused of the unanswerable ones, and
of the right answers how many have their words marked, with those words' exact match and
token F1 against SQuAD's answers (a right answer left unmarked counts as 0).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from bot.core.answer import Engine, EngineSettings
from bot.core.corpus import load_corpus
from bot.core.evaluate import Case, add_typos, evaluate, load_cases
from bot.runtime.process import embedder as load_embedder
from bot.runtime.process import reader as load_reader

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SETS = (
    ("seed questions", "eval/seed-questions.yaml", ROOT / "seeds"),
    ("seed paraphrases", "eval/paraphrase-questions.yaml", ROOT / "seeds"),
    ("squad", "eval/squad/questions.yaml", SHARED / "eval/squad/articles"),
    ("squad paraphrases", "eval/squad/paraphrase-questions.yaml", SHARED / "eval/squad/articles"),
    (
        "squad unanswerable",
        "eval/squad/unanswerable-questions.yaml",
        SHARED / "eval/squad/articles",
    ),
)


def typo_cases(cases: list[Case], seed: int) -> list[Case]:
    rng = random.Random(seed)
    return [Case(add_typos(c.question, rng), c.expect, c.article, c.answerable) for c in cases]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    parser.add_argument("--modes", nargs="*", default=["checks", "marks", "none"])
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3])
    parser.add_argument("--reader", default="default")
    parser.add_argument("--sets", nargs="*", default=None, help="names of the sets to run")
    args = parser.parse_args(argv)
    embedder = load_embedder("minilm", 1)
    assert embedder is not None
    reader = load_reader(args.reader, 1)
    base: dict[Path, Engine] = {}
    print(f"{'set':<20} {'mode':<7} {'run':<8} {'P@1':>13} {'refused':>9} marked  EM    F1")
    for name, questions, corpus in SETS:
        if args.sets and name not in args.sets:
            continue
        if corpus not in base:
            base[corpus] = Engine.from_articles(load_corpus(corpus).articles, embedder=embedder)
        plain = base[corpus]
        cases = load_cases(SHARED / questions)
        for mode in args.modes:
            engine = Engine(
                plain.view,
                plain.lexicon,
                EngineSettings(reader_decides=mode == "checks"),
                plain.semantic,
                None if mode == "none" else reader,
            )
            for seed in [None, *args.seeds]:
                run = cases if seed is None else typo_cases(cases, seed)
                report = evaluate(engine, run)
                p1 = f"{report.precision_at_1:.3f} ({report.correct}/{report.answerable})"
                refused = f"{report.refused}/{report.unanswerable}" if report.unanswerable else "-"
                label = "clean" if seed is None else f"typos {seed}"
                print(
                    f"{name:<20} {mode:<7} {label:<8} {p1:>13} {refused:>9} "
                    f"{report.marked:>6} {report.exact_match:.3f} {report.token_f1:.3f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
