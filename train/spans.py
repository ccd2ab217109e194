"""Train the span model shipped beside the reader, in one command: ``python -m train.spans``.

The reader (``model.onnx``, ``python -m train.reader``) decides which sentence answers and
whether any does; the span model (``spans.onnx``) marks the answer's words in the sentence
chosen. It is all six layers of MiniLM, trained in two stages by ``train.reader``:

1. **A span reader** (``--span-only``): three epochs marking SQuAD's answer in the answer
   sentences alone, sixteen questions a batch (1,452 steps; about 45 minutes on the AMD
   machine of docs/answers.md, 18 in fp32 and 15 in bf16 on the Intel one).
2. **A whole reader from it** (``--init`` the span reader): one plain epoch of verdict and
   span together, four negatives a question (1,935 steps; about 77 minutes on the AMD machine,
   shared with other work; about 31 in fp32 and 26 in bf16 on the Intel one). Learning which
   sentences do not answer sharpens where the answer lies in the one that does: on the four
   held-out articles its span is exact 66.5% of the time against the span reader's 63.6%.

Each stage resumes from its own work folder, so a rerun goes on where it stopped; the first
is skipped when its model is already exported, and the second reuses the first's candidates.
The second stage's model and ``meta.json`` (with the first stage's settings under
``started_from``) are then copied into ``--out`` as ``spans.onnx`` and ``spans.json``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from train import recipe

SPAN_STAGE = ["--span-only", "--layers", "6", "--epochs", "3"]
SPAN_STAGE += ["--questions-per-batch", "16", "--lr", "1e-4"]
WHOLE_STAGE = ["--layers", "6", "--epochs", "1", "--hard-epochs", "0", "--negatives", "4"]
WHOLE_STAGE += ["--questions-per-batch", "4", "--lr", "8e-5"]
# Written into spans.json: its "init" names the first stage's model, not a shipped one.
MADE_BY = (
    "python -m train.spans: its second stage, trained on from the span reader its first stage "
    "made (settings.init; that run's settings under started_from)"
)


def _folders(work: Path) -> tuple[Path, Path, Path, Path]:
    """Under ``work``: the first stage's work folder and model, the second's."""
    return (
        work / "span-stage",
        work / "span-reader",
        work / "whole-stage",
        work / "whole-reader",
    )


def stages(data: Path, work: Path) -> list[list[str]]:
    """The ``train.reader`` command lines still to run, in order: the span reader's (unless
    it is already exported) and, always last, the whole reader's (``_folders``)."""
    span_work, first, whole_work, whole = _folders(work)
    into = ["--work", str(whole_work), "--out", str(whole)]
    return recipe.stages(
        data,
        [*SPAN_STAGE, "--work", str(span_work), "--out", str(first)],
        (first / "spans.onnx", first / "spans.json"),
        [*WHOLE_STAGE, "--init", str(first / "spans.onnx"), *into],
    )


def _ship(made: Path, out: Path) -> None:
    """The whole reader's model and ``meta.json``, as the span model beside the reader."""
    shutil.copyfile(made / "model.onnx", out / "spans.onnx")
    meta = json.loads((made / "meta.json").read_text(encoding="utf-8"))
    meta["made_by"] = MADE_BY
    (out / "spans.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    return recipe.main(
        "python -m train.spans", __doc__, "data/train-spans", argv, _folders, stages, _ship
    )


if __name__ == "__main__":
    raise SystemExit(main())
