"""How much a span model's exact match moves with what its int8 arithmetic reads beside.

    .venv/bin/python -m bench.spanbatch [--work data/train-reader] MODEL.onnx [MODEL.onnx ...]

onnxruntime's dynamic int8 quantization scales each activation tensor by its own range, over
the whole batch, so the words a span model marks in one sentence depend on the sentences it
is read with (and the padding to the longest of them). For each model (a ``spans.onnx``,
a ``model.onnx``, or the fp32 export ``train.reader`` leaves in its work folder), on the
four held-out articles of ``train.reader --split-seed``: span exact match and token F1 with
each answer sentence read alone (a batch of one, as the bot reads every passage now:
``read.READ_BATCH``) and read in one run with its candidate pool (as the bot read them
before). An fp32 model reads the same either way.

The pools are those of ``candidates.jsonl`` in ``--work`` (any ``train.reader`` work folder;
built here if missing, a few minutes).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import bot.core.read as read_module
from bot.core.read import Reader, ReaderFiles
from train.reader import DATA, SPLIT_SEED, build_candidates, draw_held_out, load_items, score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.spanbatch", description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("data/train-reader"))
    parser.add_argument("models", type=Path, nargs="+")
    args = parser.parse_args(argv)
    cands = args.work / "candidates.jsonl"
    if not cands.is_file():
        args.work.mkdir(parents=True, exist_ok=True)
        build_candidates(DATA, cands, 13)
    items = load_items(cands)
    held = draw_held_out(sorted({i.article for i in items}), SPLIT_SEED)
    items = [i for i in items if i.article in held]
    print(f"{len(items)} held-out questions ({', '.join(sorted(held))})")
    for model in args.models:
        reader = Reader(ReaderFiles(model, {}))
        alone = score(reader.read, items, spans_only=True)
        shipped, read_module.READ_BATCH = read_module.READ_BATCH, 0  # the pool in one run
        try:
            pooled = score(reader.read, items)
        finally:
            read_module.READ_BATCH = shipped
        print(
            f"{model}: exact match alone {alone['span_exact_match']:.3f} "
            f"(F1 {alone['span_f1']:.3f}), in its pool {pooled['span_exact_match']:.3f} "
            f"(F1 {pooled['span_f1']:.3f})",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
