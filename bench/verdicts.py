"""The reader's verdict, the span model's, and the two weighed, on the held-out articles.

    .venv/bin/python -m bench.verdicts [--work data/train-reader] [--weights 0.3 0.5 0.7]

The candidate pools are those ``python -m train.reader`` builds (``candidates.jsonl`` in its
work folder; built here if missing, a few minutes): every training question put to the
bot's first stages. Only the four articles the shipped reader never trained on are read.
For each reader, ``train.reader.score``'s measures: how often the best-read candidate is
the answer sentence (read at 0.5 or more), and how often a pool without it is refused;
clean and with the typo'd copies. ``--weights`` are values of ``read.SPANS_VERDICT`` tried
(0: the reader alone; 1: the span model alone).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import bot.core.read as read_module
from bot.core.read import Reader, reader_files
from train.reader import DATA, build_candidates, held_out, load_items, score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.verdicts", description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("data/train-reader"))
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.3, 0.5, 0.7, 1.0])
    args = parser.parse_args(argv)
    cands = args.work / "candidates.jsonl"
    if not cands.is_file():
        args.work.mkdir(parents=True, exist_ok=True)
        build_candidates(DATA, cands, 13)
    files = reader_files("default")
    assert files is not None and files.spans is not None, "the shipped reader has a span model"
    held = held_out(files.meta)
    items = [i for i in load_items(cands) if i.article in held]
    reader = Reader(files, 2)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
