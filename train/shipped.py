"""Train the reader as shipped, in one command: ``python -m train.shipped``.

The shipped reader (``model.onnx`` beside ``meta.json``) was made by ``train.reader`` in two
stages, which this runs in order:

1. **A reader** from MiniLM: two plain epochs, six negatives a question, no hard epoch
   (3,870 steps; 86 minutes on the AMD machine below, shared with other work).
2. **The same reader on reworded questions** (``--init`` the first, ``--reword-share 0.5``):
   one more epoch at a lower rate, half of the questions read without typos asked in other
   words than their answer sentence (1,935 steps; 61 minutes there with its scores and
   export). It needs WordNet's database: ``apt-get install wordnet-base``.

From nothing (the candidates built too), on a 2-core Intel Xeon (Sapphire Rapids), 63 minutes
(40 + 23) in bf16, ``--precision auto``'s choice there, and 1 hour 28 minutes (57 + 30) in
fp32; about two and a half hours on a 2-core AMD EPYC with AVX2, which has no bf16
(docs/answers.md, "The recipe on two machines" and "bfloat16 autocast"). Shorter recipes
read worse: one run from MiniLM with ``--reword-share 0.5`` throughout (SQuAD's exact match
0.699 against 0.707, 42 of the 60 unanswerable questions refused against 45), or a first
stage of one epoch (its held-out answer sentence first 66.9% of the time against 74.0%).

Each stage resumes from its own work folder, so a rerun goes on where it stopped; the first
is skipped when its model is already exported, and the second reuses the first's candidates
and keeps its held-out articles. The second stage's ``model.onnx`` and ``meta.json`` (the
first stage's settings under ``started_from``) are then copied into ``--out``; the span
model beside them (``python -m train.spans``) is left as it is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from train import recipe

FIRST_STAGE = ["--epochs", "2", "--hard-epochs", "0", "--negatives", "6", "--lr", "8e-5"]
REWORD_STAGE = ["--epochs", "1", "--hard-epochs", "0", "--lr", "3e-5", "--reword-share", "0.5"]


def _folders(work: Path) -> tuple[Path, Path, Path, Path]:
    """Under ``work``: the first stage's work folder and model, the second's."""
    return work / "first-stage", work / "first-reader", work / "reword-stage", work / "reader"


def stages(data: Path, work: Path) -> list[list[str]]:
    """The ``train.reader`` command lines still to run, in order: the first reader's (unless
    it is already exported) and, always last, the reworded one's (``_folders``)."""
    first_work, first, reword_work, made = _folders(work)
    return recipe.stages(
        data,
        [
            (
                [*FIRST_STAGE, "--work", str(first_work), "--out", str(first)],
                (first / "model.onnx", first / "meta.json"),
            )
        ],
        [*REWORD_STAGE, "--init", str(first), "--work", str(reword_work), "--out", str(made)],
    )


def _ship(work: Path, out: Path) -> None:
    """The reworded reader's model and ``meta.json``, into the reader's folder."""
    *_, made = _folders(work)
    for name in ("model.onnx", "meta.json"):
        shutil.copyfile(made / name, out / name)


def main(argv: list[str] | None = None) -> int:
    return recipe.main(
        "python -m train.shipped",
        __doc__,
        "data/train-shipped",
        argv,
        lambda work: _folders(work)[0],
        stages,
        _ship,
    )


if __name__ == "__main__":
    raise SystemExit(main())
