"""Train both models of the reader's folder, in one command: ``python -m train.models``.

The reader's folder (``bot/core/models/reader``) ships two models that ``train.reader``
makes, each in two stages: the reader (``model.onnx``, ``python -m train.shipped``), which
decides which sentence answers and whether any does, and the span model (``spans.onnx``,
``python -m train.spans``), which marks the answer's words. This runs the two recipes one
after the other, each in its own folder under ``--work`` and both shipping into ``--out``,
and logs how long each took. A rerun goes on where it stopped: each stage resumes from its
checkpoint, and a stage whose model is exported is skipped. ``--precision`` is passed to
every stage (``train.reader``): by default bf16 where the CPU has bfloat16 arithmetic, both
models in 1 h 45 min against about 2 h 17 in fp32 on a 2-core Sapphire Rapids, as good.
``--seed`` too, if given: another seed trains otherwise but holds out the same articles.

Then the answer gate (``gate.json``, ``python -m train.gate``) is fitted to the new models,
on the articles they were kept from (about 11 minutes here). ``verifier.json`` and
``NOTICE`` beside them are not made here: the first is fitted by ``python -m
train.verifier`` on a reader's verdicts (it weighs in only with ``answers.reader_decides``),
the second is written by hand.
"""

from __future__ import annotations

import logging
import time

from train import gate, reader, recipe, shipped, spans

log = logging.getLogger("train.models")


def main(argv: list[str] | None = None) -> int:
    args = recipe.arguments("python -m train.models", __doc__, "data/train-models", argv)
    reader.log_to_terminal()
    common = ["--data", str(args.data), "--out", str(args.out), *recipe.passed_on(args)]
    started = time.monotonic()
    for name, run in (("reader", shipped.main), ("spans", spans.main)):
        began = time.monotonic()
        if (status := run([*common, "--work", str(args.work / name)])) != 0:
            log.error("the %s recipe failed (status %d); a rerun goes on from here", name, status)
            return status
        log.info("the %s recipe took %.0f minutes", name, (time.monotonic() - began) / 60)
    log.info("both models took %.0f minutes", (time.monotonic() - started) / 60)
    fitted = ["--reader", str(args.out.resolve()), "--work", str(args.work / "gate")]
    if (status := gate.main(fitted)) != 0:
        log.error("fitting the answer gate failed (status %d)", status)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
