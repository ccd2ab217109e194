"""Time per question on a development set's real questions, one thread, reader on:

    .venv/bin/python -m bench.asking [--questions FILE] [--corpus DIR]
                                     [--compare NAME=VALUE ...] [--reader DIR]

``bench.semantic`` times generated questions on generated articles, where the reader rarely
doubts the rank's choice; real questions make it read more (a third of SQuAD's look for
another answer among eight passages, ``_switch``). This asks every question of a set (SQuAD's
583 by default) of an engine holding its articles and prints p50 / p90 / p99 and the mean
per question, and the passages the reader and the span reader read a question.

``--compare`` measures settings of ``bot/core/answer.py`` or ``bot/core/read.py`` against
the shipped ones in the same process, each question asked both ways in turn (the order
alternating), so that the machine's noise falls on both alike: ``--compare SWITCH_SPANS=100``.
``--reader`` times another reader model (a folder, as ``bot eval --reader`` takes): two
readers are compared by a run each, one after the other on a quiet machine; the passages
read a question do not depend on the machine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

import bot.core.answer as answer_module
import bot.core.read as read_module
from bot.core.answer import Engine
from bot.core.corpus import load_corpus
from bot.core.evaluate import load_cases
from bot.core.read import Reader
from bot.runtime.process import embedder as load_embedder
from bot.runtime.process import reader as load_reader

ROOT = Path(__file__).resolve().parents[1]
SQUAD = ROOT.parent / "shared" / "eval" / "squad"


class Counted:
    """An onnxruntime session that counts the passages it reads."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.rows = 0

    def run(self, outputs: Any, feed: dict[str, Any]) -> Any:
        self.rows += len(feed["input_ids"])
        return self.session.run(outputs, feed)


def _setting(text: str) -> tuple[Any, str, Any]:
    name, _, value = text.partition("=")
    for module in (answer_module, read_module):
        if hasattr(module, name):
            kind = type(getattr(module, name))
            return module, name, kind(value)
    raise SystemExit(f"no setting {name!r} in bot/core/answer.py or bot/core/read.py")


def count_reads(reader: Reader | None) -> dict[str, Counted]:
    """The reader's models (reader, span model, marker: those it has), each put in its place
    counting the passages it reads: how many a question reads says where the time goes (the
    more the reader doubts the rank's choice, the more it reads, ``_switch``)."""
    if reader is None:
        return {}
    counted = {}
    for name, attribute in (("reader", "_session"), ("spans", "_spans"), ("marks", "_marks")):
        session = getattr(reader, attribute)
        if session is not None:
            counted[name] = Counted(session)
            setattr(reader, attribute, counted[name])
    return counted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.asking", description=__doc__)
    parser.add_argument("--questions", type=Path, default=SQUAD / "questions.yaml")
    parser.add_argument("--corpus", type=Path, default=SQUAD / "articles")
    parser.add_argument("--compare", nargs="*", default=[], metavar="NAME=VALUE")
    parser.add_argument(
        "--reader",
        default="default",
        help="the reader model: default or a folder (as --reader "
        "of bot eval); two readers are compared by a run each, on a quiet machine",
    )
    args = parser.parse_args(argv)
    changes = [_setting(text) for text in args.compare]
    shipped = [(module, name, getattr(module, name)) for module, name, _ in changes]
    reader = load_reader(args.reader, 1)
    if reader is None:
        parser.error("it times the reader's part: --reader none has no reader to time")
    engine = Engine.from_articles(
        load_corpus(args.corpus).articles, embedder=load_embedder("minilm", 1), reader=reader
    )
    counted = count_reads(reader)
    cases = load_cases(args.questions)
    engine.ask(cases[0].question)  # warm
    runs = {"shipped": shipped, "compared": changes} if changes else {"shipped": shipped}
    times: dict[str, list[float]] = {name: [] for name in runs}
    reads: dict[str, list[tuple[int, int]]] = {name: [] for name in runs}
    for i, case in enumerate(cases):
        order = list(runs) if i % 2 == 0 else list(runs)[::-1]
        for name in order:
            for module, setting, value in runs[name]:
                setattr(module, setting, value)
            for session in counted.values():
                session.rows = 0
            start = time.perf_counter()
            engine.ask(case.question)
            times[name].append(1000 * (time.perf_counter() - start))
            spans = counted.get("spans")  # a reader folder without a span model reads none
            reads[name].append((counted["reader"].rows, spans.rows if spans else 0))
    for module, setting, value in shipped:
        setattr(module, setting, value)
    print(f"{len(cases)} questions of {args.questions.name}, {args.corpus}, reader {args.reader}")
    for name in runs:
        ms = np.array(times[name])
        read = np.array(reads[name], dtype=float).mean(axis=0)
        label = "settings as shipped" if name == "shipped" else " ".join(args.compare)
        print(
            f"{label}: p50 {np.percentile(ms, 50):.1f} ms, p90 {np.percentile(ms, 90):.1f},"
            f" p99 {np.percentile(ms, 99):.1f}, mean {ms.mean():.1f}; passages a question:"
            f" reader {read[0]:.2f}, span reader"
            f" {read[1]:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
