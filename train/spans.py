"""Train the span models shipped beside the reader, in one command: ``python -m train.spans``.

The reader (``model.onnx``, ``python -m train.reader``) decides which sentence answers and
whether any does. Two more models, all six layers of MiniLM, ship beside it: the span model
(``spans.onnx``), whose verdict is weighed with the reader's, and the marker (``marks.onnx``),
which marks the answer's words in the sentence chosen. ``train.reader`` makes them in three
stages:

1. **A span reader** (``--span-only``): three epochs marking SQuAD's answer in the answer
   sentences alone, sixteen questions a batch (1,452 steps; about 45 minutes on the AMD
   machine of docs/answers.md, 18 in fp32 and 15 in bf16 on the Intel one).
2. **A whole reader from it** (``--init`` the span reader): one plain epoch of verdict and
   span together, four negatives a question (1,935 steps; about 77 minutes on the AMD machine,
   shared with other work; about 31 in fp32 and 26 in bf16 on the Intel one). Learning which
   sentences do not answer sharpens where the answer lies in the one that does: on the four
   held-out articles its span is exact 66.5% of the time against the span reader's 63.6%.
   It ships as the marker.
3. **The whole reader on news too** (``--init`` the whole reader): one more epoch at a lower
   rate, half of the questions reworded (as ``train.shipped``'s second stage; WordNet's
   database needed), with the news articles written here (``train/news-train.json``) twice
   over beside SQuAD's, their unanswerable questions among them, their verdicts trained but
   not their spans (``--no-extra-spans``: news answers are marked by other conventions than
   SQuAD's). About 30 minutes in bf16 on the Intel machine. In the bot it reads news better
   (held-out news questions, bench/news4: 38 to 43 of 55 right) and marks SQuAD's answers a
   little worse (exact match 0.707 to 0.699), so it ships as the span model, for its verdicts,
   and the second stage marks.

Each stage resumes from its own work folder, so a rerun goes on where it stopped; a stage is
skipped when its model is already exported, and the later ones reuse the first's candidates.
The third stage's model and ``meta.json`` (the earlier stages' settings under
``started_from``) are copied into ``--out`` as ``spans.onnx`` and ``spans.json``, the
second's as ``marks.onnx`` and ``marks.json``.
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
NEWS = Path(__file__).resolve().parent / "news-train.json"
NEWS_STAGE = ["--layers", "6", "--epochs", "1", "--hard-epochs", "0", "--negatives", "4"]
NEWS_STAGE += ["--questions-per-batch", "4", "--lr", "3e-5", "--reword-share", "0.5"]
NEWS_STAGE += ["--extra", str(NEWS), "--extra-repeat", "2", "--no-extra-spans"]
# Written into marks.json and spans.json: their "init" names the stage before's model, not a
# shipped one.
MARKS_MADE_BY = (
    "python -m train.spans: its second stage, trained on from the span reader its first stage "
    "made (settings.init; that run's settings under started_from)"
)
MADE_BY = (
    "python -m train.spans: its third stage, trained on news too from the whole reader its "
    "second stage made (settings.init, shipped as marks.onnx; the earlier runs' settings "
    "under started_from)"
)


def _folders(work: Path) -> tuple[Path, Path, Path, Path, Path, Path]:
    """Under ``work``: each stage's work folder and model, in order."""
    return (
        work / "span-stage",
        work / "span-reader",
        work / "whole-stage",
        work / "whole-reader",
        work / "news-stage",
        work / "news-reader",
    )


def stages(data: Path, work: Path) -> list[list[str]]:
    """The ``train.reader`` command lines still to run, in order: the span reader's and the
    whole reader's (each unless it is already exported) and, always last, the news one's
    (``_folders``)."""
    span_work, first, whole_work, whole, news_work, news = _folders(work)
    into_whole = ["--work", str(whole_work), "--out", str(whole)]
    into_news = ["--work", str(news_work), "--out", str(news)]
    return recipe.stages(
        data,
        [
            (
                [*SPAN_STAGE, "--work", str(span_work), "--out", str(first)],
                (first / "spans.onnx", first / "spans.json"),
            ),
            (
                [*WHOLE_STAGE, "--init", str(first / "spans.onnx"), *into_whole],
                (whole / "model.onnx", whole / "meta.json"),
            ),
        ],
        [*NEWS_STAGE, "--init", str(whole / "model.onnx"), *into_news],
    )


def _ship(work: Path, out: Path) -> None:
    """The whole reader as the marker beside the reader, the news one as its span model."""
    _, _, _, whole, _, news = _folders(work)
    for made, name, made_by in ((whole, "marks", MARKS_MADE_BY), (news, "spans", MADE_BY)):
        shutil.copyfile(made / "model.onnx", out / f"{name}.onnx")
        meta = json.loads((made / "meta.json").read_text(encoding="utf-8"))
        meta["made_by"] = made_by
        (out / f"{name}.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    return recipe.main(
        "python -m train.spans",
        __doc__,
        "data/train-spans",
        argv,
        lambda work: _folders(work)[0],
        stages,
        _ship,
    )


if __name__ == "__main__":
    raise SystemExit(main())
