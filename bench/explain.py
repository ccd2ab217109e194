"""Why the bot answers a question as it does: the answer, how the question was read, and the
rank's best candidates with what the reader makes of each.

    .venv/bin/python -m bench.explain [--corpus seeds] [--pool 8] [--reader default|none|DIR]
                                      QUESTION [QUESTION ...]

For each question: the answer (or the refusal and its suggestions); the question as parsed
(its kind, its terms with their expansions, the text the reader reads); then the ``--pool``
best distinct candidates in the rank's order, each with its rank score, cosine to the
question, share of the question's weight it covers, share left out (``absent``), whether
it says enough to be an answer (``Engine._supported``), the reader's verdict and its
answer words. The semantic stage is on, as in the bot. For studying a miss; nothing here
is measured.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.core.answer import Engine, EngineSettings, _sentence_first, distinct
from bot.core.corpus import load_corpus
from bot.core.read import Reading
from bot.runtime.process import embedder as load_embedder
from bot.runtime.process import reader as load_reader

ROOT = Path(__file__).resolve().parents[1]


def explain(engine: Engine, question: str, pool_size: int = 8) -> list[str]:
    """The lines that explain one question's answer."""
    got = engine.ask(question)
    lines = [f"Q: {question}"]
    if got.answered:
        lines.append(f"answer ({got.kind}, {got.confidence:.2f}): {got.text[:200]}")
    else:
        lines.append(f"refused: {got.text or '(no text)'}; suggests {list(got.suggestions)[:3]}")
    query = engine._parse(question)
    terms = ", ".join(
        f"{qt.word}{'' if qt.known else '?'}="
        + "/".join(f"{t}:{w:.1f}" for t, w in qt.expansions[:3])
        for qt in query.terms
    )
    lines.append(f"  kind {query.kind}; terms {terms}")
    lines.append(f"  read as: {query.for_reader}")
    ranked = engine.rank(query)
    if not ranked:
        lines.append("  no candidates")
        return lines
    pool = distinct(_sentence_first(ranked), pool_size)
    readings: list[Reading | None] = [None] * len(pool)
    if engine.reader is not None:
        readings = [*engine.reader.read(query.for_reader, [engine._passage(c) for c in pool])]
    lines.append("  score  cosine cover absent ok  read  | sentence [answer words]")
    for cand, reading in zip(pool, readings, strict=True):
        text = cand.sentence.text
        cosine = "  -  " if cand.cosine is None else f"{cand.cosine:5.2f}"
        ok = "yes" if engine._supported(cand, len(query.terms)) else "no "
        read, words = "  -  ", ""
        if reading is not None:
            read = f"{reading.answers:5.2f}"
            span = reading.span
            words = f" [{text[span[0] : span[1]]}]" if span else ""
        lines.append(
            f"  {cand.score:5.2f}  {cosine}  {cand.coverage:4.2f}  {cand.absent:4.2f}  {ok} "
            f"{read} | {text[:110]}{words}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__)
    parser.add_argument("questions", nargs="+", metavar="QUESTION")
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument("--pool", type=int, default=8, help="candidates shown")
    parser.add_argument("--reader", default="default", help="default, none or a folder")
    args = parser.parse_args(argv)
    engine = Engine.from_articles(
        load_corpus(args.corpus).articles,
        EngineSettings(),
        embedder=load_embedder("minilm", 2),
        reader=load_reader(args.reader, 2),
    )
    for question in args.questions:
        print("\n".join(explain(engine, question, args.pool)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
