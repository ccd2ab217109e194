"""Questions asking what a thing is, answered with and without the sentence defining it.

    .venv/bin/python -m bench.defined [--reader default|none|FOLDER] [--show]

Of the 8,522 training questions of ``../shared/train/squad-train.json``, those that ask only
what a thing is (``query.defined_asked``: "What is a statocyst?", "What was the Seven Years
War?") are asked of ``bench.archive``'s 42 articles twice in one process: as the bot answers
them, and with the definition rule off (``Engine._defined`` giving nothing), as before it.
For each: how many are answered, how many right (one of SQuAD's answers in the first
citation's quote), and how many mark exactly one of SQuAD's answers (``evaluate.exact_match``);
``--show`` prints each question whose answer differs. Training questions may be used to fit
and tune (see the data's README).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from bench.archive import archive
from bot.core.answer import Answer, Engine, EngineSettings
from bot.core.evaluate import exact_match
from bot.core.query import defined_asked
from bot.runtime.process import embedder as load_embedder
from bot.runtime.process import reader as load_reader


@dataclass(frozen=True)
class Verdict:
    answered: bool
    right: bool
    exact: bool
    quote: str
    marked: str


def judged(answer: Answer, expected: list[str]) -> Verdict:
    """One answer's verdict against SQuAD's answers."""
    quote = answer.citations[0].quote if answer.answered and answer.citations else ""
    right = any(e in quote for e in expected)
    span = answer.span if answer.answered else None
    marked = answer.text[span[0] : span[1]] if span else ""
    return Verdict(
        answer.answered, right, right and exact_match(marked, expected) == 1.0, quote, marked
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.defined", description=__doc__)
    parser.add_argument("--reader", default="default")
    parser.add_argument("--show", action="store_true", help="print the answers that differ")
    args = parser.parse_args(argv)
    data, articles = archive()
    engine = Engine.from_articles(
        articles,
        EngineSettings(),
        embedder=load_embedder("minilm", 2),
        reader=load_reader(args.reader, 2),
    )
    asked = [
        (qa["question"], [a["text"] for a in qa["answers"]])
        for doc in data["data"]
        for p in doc["paragraphs"]
        for qa in p["qas"]
        if defined_asked(qa["question"]) is not None
    ]
    runs: dict[str, list[Verdict]] = {}
    for mode in ("defined", "undefined"):
        if mode == "undefined":
            setattr(engine, "_defined", lambda query, ranked: None)  # noqa: B010
        runs[mode] = [judged(engine.ask(q), expected) for q, expected in asked]
        got = runs[mode]
        print(
            f"{mode:9}  of {len(asked)}: answered {sum(v.answered for v in got)}, "
            f"right {sum(v.right for v in got)}, marked exactly {sum(v.exact for v in got)}",
            flush=True,
        )
    if args.show:
        for (question, expected), now, before in zip(
            asked, runs["defined"], runs["undefined"], strict=True
        ):
            if now != before:
                print(f"{question} ({expected[0]})")
                print(f"  now:    {now.quote[:120]} [{now.marked}]")
                print(f"  before: {before.quote[:120]} [{before.marked}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
