"""Honesty on a larger corpus: off-topic questions, and questions that look answerable.

    .venv/bin/python -m bench.archive [--questions 300] [--reader default|none|FOLDER]
                                      [--reader-decides] [--show] [--dump FILE]

The corpus is 42 articles in one engine (more than the development sets', so that unrelated
questions meet more sentences sharing a word or two with them): the 37 Wikipedia articles of
``../shared/train/squad-train.json``, the three development ones and the two seed articles,
with the semantic stage on. Asked of it:

* the off-topic questions of ``bench/off-topic-questions.txt`` (written here: everyday
  questions none of these articles answers): how many are answered, which should be none;
  and those of ``bench/off-topic-holdout.txt``, written later the same way and never used
  to set a threshold (the first list set ``ELSEWHERE_*`` in bot/core/answer.py);
* ``--questions`` SQuAD questions of the training articles (a fixed sample): how many are
  answered with a quote holding one of their answers, and how many refused;
* the development set of unanswerable questions and its controls.

The training articles' questions may be used to fit and tune (see the data's README); the
off-topic list is for development, so the judges' off-topic questions stay unseen.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from bench import dump
from bot.core.answer import Engine, EngineSettings
from bot.core.corpus import Article, load_corpus
from bot.core.evaluate import is_correct, load_cases
from bot.runtime.process import embedder as load_embedder
from bot.runtime.process import reader as load_reader
from train.reader import squad_articles

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OFF_TOPIC = Path(__file__).parent / "off-topic-questions.txt"
OFF_TOPIC_HOLDOUT = Path(__file__).parent / "off-topic-holdout.txt"


def lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]


def archive() -> tuple[dict[str, Any], list[Article]]:
    """The training data (``squad-train.json``, as loaded) and the 42 articles: its 37, the
    three development ones and the two seed articles."""
    data = json.loads((SHARED / "train" / "squad-train.json").read_text("utf-8"))
    articles, _ = squad_articles(data)
    articles += load_corpus(SHARED / "eval" / "squad" / "articles").articles
    articles += load_corpus(ROOT / "seeds").articles
    return data, articles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.archive", description=__doc__)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--reader", default="default")
    parser.add_argument("--reader-decides", action="store_true")
    parser.add_argument("--show", action="store_true", help="print what is answered wrongly")
    parser.add_argument(
        "--dump", type=Path, help="write each SQuAD question's verdict to this file (bench.dump)"
    )
    args = parser.parse_args(argv)
    data, articles = archive()
    engine = Engine.from_articles(
        articles,
        EngineSettings(reader_decides=args.reader_decides),
        embedder=load_embedder("minilm", 2),
        reader=load_reader(args.reader, 2),
    )
    off = lines(OFF_TOPIC)
    answered = [q for q in off if engine.ask(q).answered]
    holdout = lines(OFF_TOPIC_HOLDOUT)
    answered_holdout = [q for q in holdout if engine.ask(q).answered]
    squad = [
        (qa["question"], [a["text"] for a in qa["answers"]])
        for a in data["data"]
        for p in a["paragraphs"]
        for qa in p["qas"]
    ]
    random.Random(7).shuffle(squad)
    right = refused = 0
    with dump.opened(args.dump) as out:
        for question, answers in squad[: args.questions]:
            got = engine.ask(question)
            refused += not got.answered
            quote = got.citations[0].quote if got.answered and got.citations else ""
            ok = any(a in quote for a in answers)
            dump.write(out, got, ok)
            right += ok
    cases = load_cases(SHARED / "eval" / "squad" / "unanswerable-questions.yaml")
    unanswerable = [c for c in cases if not c.answerable]
    controls = [c for c in cases if c.answerable]
    kept = sum(not engine.ask(c.question).answered for c in unanswerable)
    controls_right = sum(is_correct(c, engine.ask(c.question)) for c in controls)
    print(f"{len(articles)} articles")
    print(f"off-topic answered: {len(answered)}/{len(off)}")
    print(f"off-topic (holdout list) answered: {len(answered_holdout)}/{len(holdout)}")
    print(f"SQuAD (training articles): right {right}/{args.questions}, refused {refused}")
    print(f"unanswerable refused: {kept}/{len(unanswerable)}")
    print(f"controls right: {controls_right}/{len(controls)}")
    if args.show:
        for question in answered + answered_holdout:
            print(f"  answered: {question} -> {engine.ask(question).text[:100]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
