"""Answers on the four training articles the shipped reader never saw:

    .venv/bin/python -m bench.heldout [--typos 0.33 --seed 1] [--reader default|none|FOLDER]
                                      [--no-switch] [--unanswerable [a|b|c]] [--dump FILE]

``python -m train.reader`` keeps four of the 37 articles of ``../shared/train/squad-train.json``
out of training (they are named in the reader's ``meta.json``). Their 783 SQuAD questions are
asked of an engine holding those four articles, as the development sets are asked of theirs,
so a rule that uses the reader can be measured on questions neither it nor the reader was
fitted on. A question is right when one of SQuAD's answers is in the first citation's quote;
of the right answers, how many mark their answer's words, and the exact match and token F1
of those words over all right answers (unmarked ones count as 0), as ``bot eval`` gives.
``--unanswerable`` asks instead ``bench/heldout-unanswerable.yaml``: questions about those
four articles that look answerable but ask what they do not state, written without running
the bot, and answerable controls (``--unanswerable b``: a second such set, written later,
whose misses were read once while rules were changed, see docs/answers.md; ``c``: a third,
written blind to the bot's code and rules after that, the clean one to measure); it prints
the share refused and the controls right, as ``bot eval`` does for the development set.
``--no-switch`` turns off the reader's overruling of the rank (``SWITCH_BELOW``,
``SWITCH_DOUBT``), to compare.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import replace
from pathlib import Path

import bot.core.answer as answer_module
from bench import dump
from bot.core.answer import Engine, EngineSettings
from bot.core.dense import Embedder
from bot.core.evaluate import add_typos, evaluate, holding, load_cases, marked_scores
from bot.core.read import Reader, reader_files
from bot.runtime.process import embedder as load_embedder
from bot.runtime.process import reader as load_reader
from train.reader import held_out, held_out_of, squad_articles

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "train" / "squad-train.json"
UNANSWERABLE = {
    "a": ROOT / "bench" / "heldout-unanswerable.yaml",
    "b": ROOT / "bench" / "heldout-unanswerable-b.yaml",
    "c": ROOT / "bench" / "heldout-unanswerable-c.yaml",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.heldout", description=__doc__)
    parser.add_argument("--reader", default="default")
    parser.add_argument("--typos", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--show",
        action="store_true",
        help="print the refused questions (with --unanswerable: those answered, controls missed)",
    )
    parser.add_argument("--no-switch", action="store_true")
    parser.add_argument(
        "--dump", type=Path, help="write each SQuAD question's verdict to this file (bench.dump)"
    )
    parser.add_argument(
        "--unanswerable",
        nargs="?",
        const="a",
        choices=sorted(UNANSWERABLE),
        help="ask bench/heldout-unanswerable.yaml (a), or the second (b) or third (c) set "
        "written after it",
    )
    args = parser.parse_args(argv)
    if args.no_switch:
        answer_module.SWITCH_BELOW = answer_module.SWITCH_DOUBT = 0.0
    files = reader_files("default" if args.reader == "none" else args.reader)
    assert files is not None
    held = held_out(files.meta)
    if not held:
        raise SystemExit("the reader's meta.json names no held-out articles")
    if files.spans is not None:
        # A span model kept from other articles was trained on some of these: its marks
        # would score as if unseen.
        spans_held = held_out_of(files.spans)
        if spans_held is None:
            raise SystemExit(f"{files.spans}: its .json beside it names no held-out articles")
        if spans_held != held:
            raise SystemExit(
                f"{files.spans} was kept from other articles than the reader "
                f"({', '.join(sorted(spans_held))} against {', '.join(sorted(held))})"
            )
    engine, questions = held_out_asked(
        held, load_embedder("minilm", 2), load_reader(args.reader, 2)
    )
    rng = random.Random(args.seed)
    if args.unanswerable:
        return _unanswerable(UNANSWERABLE[args.unanswerable], engine, rng, args.typos, args.show)
    right = refused = asked = marked = further = further_holding = 0
    exact = f1 = 0.0
    with dump.opened(args.dump) as out:
        for asked_as, expected in questions:
            question = add_typos(asked_as, rng, args.typos) if args.typos else asked_as
            got = engine.ask(question)
            asked += 1
            refused += not got.answered
            if args.show and not got.answered:
                print(f"  refused: {question} -> {got.text[:100]}")
            quote = got.citations[0].quote if got.answered and got.citations else ""
            ok = any(e in quote for e in expected)
            dump.write(out, got, ok)
            right += ok
            beside, holds = holding(got, expected)
            further += beside
            further_holding += holds if ok else 0
            scored = marked_scores(got, expected) if ok else None
            if scored is not None:
                marked += 1
                exact += scored[0]
                f1 += scored[1]
    print(f"held-out articles: {', '.join(sorted(held))}")
    print(f"right {right}/{asked} ({right / asked:.3f}), refused {refused}")
    if right:
        print(
            f"answer words marked: {marked}/{right} of the right answers; exact match"
            f" {exact / right:.3f}, token F1 {f1 / right:.3f}"
        )
    print(
        f"citations beside the answers: {further}, {further_holding} of them holding an"
        " expected answer beside a right one"
    )
    return 0


def held_out_asked(
    held: set[str], embedder: Embedder | None, reader: Reader | None
) -> tuple[Engine, list[tuple[str, list[str]]]]:
    """An engine holding the ``held`` articles of ../shared/train, and their SQuAD questions,
    each with its answers' words, in the file's order."""
    articles, gold = squad_articles(json.loads(DATA.read_text(encoding="utf-8")))
    engine = Engine.from_articles(
        [a for a in articles if a.id in held], EngineSettings(), embedder=embedder, reader=reader
    )
    asked = [
        (qa["question"], [a["text"] for a in qa["answers"]])
        for aid, _, _, qa in gold.values()
        if aid in held
    ]
    return engine, asked


def _unanswerable(path: Path, engine: Engine, rng: random.Random, typos: float, show: bool) -> int:
    cases = load_cases(path)
    if typos:
        cases = [replace(c, question=add_typos(c.question, rng, typos)) for c in cases]
    report = evaluate(engine, cases)
    if show:
        for miss in report.misses:
            got = miss.answer
            quote = got.citations[0].quote[:100] if got.answered and got.citations else "-"
            kind = "control" if miss.case.answerable else "answered"
            print(f"  {kind}: {miss.case.question} -> {quote}")
    print(
        f"unanswerable refused {report.refused}/{report.unanswerable} ({report.refusal_rate:.3f})"
    )
    print(f"controls right {report.correct}/{report.answerable}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
