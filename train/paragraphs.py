"""Train the paragraph reader: ``python -m train.paragraphs``.

The reader (``python -m train.reader``) reads one sentence at a time, with the one before it:
it cannot compare a sentence with the others of its paragraph. The paragraph reader reads a
whole paragraph with the question (``[CLS] question [SEP] paragraph [SEP] title [SEP]``,
``bot.core.read.Tokens.encode_paragraph``) and marks where the answer starts and ends, or
``[CLS]`` where the paragraph holds none; ``Reader.paragraph`` turns that into a log-odds per
sentence, which the rank weighs in (``answer.PARAGRAPH_WEIGHT``).

It starts from the span model shipped beside the reader (``spans.onnx``, all six layers of
MiniLM, already trained to mark answers in sentences) and trains one epoch on
``../shared/train/squad-train.json``'s questions, each with its own paragraph (the answer's
start and end) and, for ``--negative-share`` of them, another paragraph of the same article
that shares the most of the question's words (no answer); with ``--contrast-share``, that
share of them also made to ask what their paragraph does not state and read in it as holding
no answer (``contrasted_example``). The four articles the shipped
reader was kept from are kept from this one too, and scored at the end: how often the
sentence it reads likeliest in the answer's paragraph holds the answer, and in how many
paragraphs of another question's article it finds no answer (int8, as the bot runs it).
About 50 minutes on the AMD machine of docs/answers.md (16 questions a batch, 484 steps),
shared with evaluations. Checkpoints every ``--checkpoint-every`` steps (a rerun resumes),
progress on the terminal and in ``WORK/train.log``; writes ``paragraphs.onnx`` (int8) and
``paragraphs.json`` (data hash, seed, settings, scores) into ``--out``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.read import Passage, Reader, ReaderFiles, Tokens, batch_arrays, reader_files
from bot.core.text import terms, words
from train.reader import (
    DATA,
    _model,
    answer_span,
    contrasted,
    export,
    held_out,
    load_exported,
    logging_into,
    squad_articles,
)

log = logging.getLogger("train.paragraphs")
SHIPPED = Path(__file__).resolve().parent.parent / "bot" / "core" / "models" / "reader"


@dataclass(frozen=True)
class Example:
    question: str
    aid: str
    para: int
    span: tuple[int, int] | None  # the answer's characters in the paragraph; None: no answer


def examples(data: dict[str, Any], held: set[str]) -> tuple[list[Any], list[Example]]:
    """The articles, and every question of the articles not ``held`` with its answer's place
    in its paragraph (questions whose answer is not found there are left out)."""
    articles, gold = squad_articles(data)
    by_id = {a.id: a for a in articles}
    out = []
    for aid, para, context, qa in gold.values():
        if aid in held:
            continue
        span = answer_span(context, by_id[aid].paragraph(para).text, qa)
        if span is not None:
            out.append(Example(qa["question"], aid, para, span))
    return articles, out


def other_paragraph(articles: dict[str, Any], ex: Example, rng: random.Random) -> int | None:
    """The paragraph of the question's article, other than its own, sharing the most of the
    question's words (ties broken at random)."""
    asked = set(terms(ex.question))
    scored = [
        (len(asked & set(terms(p.text))) + rng.random() / 2, p.number)
        for p in articles[ex.aid].paragraphs
        if p.number != ex.para
    ]
    return max(scored)[1] if scored else None


def contrasted_example(
    articles: dict[str, Any], ex: Example, rng: random.Random, antonyms: Any
) -> Example | None:
    """The question made to ask what its paragraph does not state (``train.reader.contrasted``:
    a figure put for another, a word for its WordNet opposite, neither anywhere in the
    paragraph), to be read in its own paragraph as holding no answer; None where no word of
    it can be put otherwise."""
    article = articles[ex.aid]
    passage = Passage(article.paragraph(ex.para).text, None, article.title)
    model_text = " ".join(words(ex.question.lower()))
    other = contrasted(ex.question, model_text, passage, rng, antonyms)
    return None if other is None else Example(other, ex.aid, ex.para, None)


def encoded(tokens: Tokens, articles: dict[str, Any], ex: Example) -> tuple[Any, int, int, int]:
    """The model's input for an example, how many paragraph tokens it reads, and the
    answer's start and end positions (0, 0: ``[CLS]``, no answer or cut off)."""
    article = articles[ex.aid]
    paragraph = article.paragraph(ex.para)
    enc, owner = tokens.encode_paragraph(ex.question, article.title, paragraph.sentences)
    if ex.span is None:
        return enc, len(owner), 0, 0
    # The paragraph reader reads the sentences joined by single spaces: so is the text.
    starts = [k for k, (_, hi) in enumerate(enc.offsets) if hi > ex.span[0]]
    ends = [k for k, (lo, _) in enumerate(enc.offsets) if lo < ex.span[1]]
    if not starts or not ends or starts[0] > ends[-1]:
        return enc, len(owner), 0, 0
    return enc, len(owner), enc.first + starts[0], enc.first + ends[-1]


def train(data: dict[str, Any], work: Path, args: argparse.Namespace) -> tuple[Any, set[str]]:
    import numpy as np
    import torch
    from tqdm import tqdm

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    files = reader_files(str(args.held_from)) if args.held_from else reader_files("default")
    held = held_out(files.meta) if files is not None else set()
    articles, exs = examples(data, held)
    if args.questions is not None:
        exs = random.Random(args.seed).sample(exs, min(args.questions, len(exs)))
    by_id = {a.id: a for a in articles}
    log.info("%d questions to train on; held out: %s", len(exs), ", ".join(sorted(held)))
    tokens = Tokens()
    model = _model(6)
    per_epoch = (len(exs) + args.questions_per_batch - 1) // args.questions_per_batch
    total = per_epoch * args.epochs
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * total)) * max(0.0, 1 - s / total)
    )
    ckpt = work / "checkpoint.pt"
    step = 0
    if ckpt.is_file():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        log.info("resumed at step %d of %d", step, total)
    else:
        load_exported(model, args.init)
        log.info("starting from %s", args.init)
    antonyms = None
    if args.contrast_share > 0:
        import functools

        from train.wordnet import WordNet

        antonyms = functools.lru_cache(maxsize=None)(WordNet().antonyms)
    ce = torch.nn.CrossEntropyLoss()
    model.train()
    bar = tqdm(total=total, initial=step, desc="training", unit="batch", file=sys.stderr)
    losses: list[float] = []
    started = time.monotonic()
    while step < total:
        epoch, k = divmod(step, per_epoch)
        order = list(range(len(exs)))
        random.Random(args.seed * 1000 + epoch).shuffle(order)
        chunk = [exs[i] for i in order[k * args.questions_per_batch :][: args.questions_per_batch]]
        rng = random.Random(args.seed * 100_000 + step)
        batch = list(chunk)
        for ex in chunk:
            if rng.random() < args.negative_share:
                other = other_paragraph(by_id, ex, rng)
                if other is not None:
                    batch.append(Example(ex.question, ex.aid, other, None))
            if antonyms is not None and rng.random() < args.contrast_share:
                made = contrasted_example(by_id, ex, rng, antonyms)
                if made is not None:
                    batch.append(made)
        rows = [encoded(tokens, by_id, ex) for ex in batch]
        ids, mask, types = (torch.from_numpy(a) for a in batch_arrays([r[0] for r in rows]))
        readable = torch.zeros(ids.shape, dtype=torch.bool)
        starts = torch.tensor([r[2] for r in rows])
        ends = torch.tensor([r[3] for r in rows])
        for row, (enc, n, _, _) in enumerate(rows):
            readable[row, 0] = True  # [CLS]: no answer here
            readable[row, enc.first : enc.first + n] = True
        _, start_logits, end_logits = model(ids, mask, types)
        start_logits = start_logits.masked_fill(~readable, -1e4)
        end_logits = end_logits.masked_fill(~readable, -1e4)
        loss = (ce(start_logits, starts) + ce(end_logits, ends)) / 2
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        step += 1
        losses.append(float(loss.detach()))
        bar.update(1)
        if step % 20 == 0:
            log.info(
                "step %d of %d: loss %.3f, %.1f s a step",
                step,
                total,
                float(np.mean(losses[-20:])),
                (time.monotonic() - started) / len(losses),
            )
        if step % args.checkpoint_every == 0 or step == total:
            state = {"model": model.state_dict(), "opt": opt.state_dict()}
            torch.save({**state, "sched": sched.state_dict(), "step": step}, ckpt)
    bar.close()
    model.eval()
    return model, held


def score(reader: Reader, data: dict[str, Any], held: set[str]) -> dict[str, float | int]:
    """On the held-out articles' questions, as the bot reads them (``Reader.paragraph``):
    how often the sentence read likeliest in the answer's paragraph holds the answer, and
    how often another paragraph of the article (``other_paragraph``) is read as holding none
    (every sentence below even odds)."""
    articles, gold = squad_articles(data)
    by_id = {a.id: a for a in articles}
    questions = right = others = refused = 0
    rng = random.Random(0)
    for aid, para, context, qa in gold.values():
        if aid not in held:
            continue
        article = by_id[aid]
        paragraph = article.paragraph(para)
        span = answer_span(context, paragraph.text, qa)
        if span is None:
            continue
        questions += 1
        odds = reader.paragraph(qa["question"], article.title, paragraph.sentences)
        best = max(range(len(odds)), key=odds.__getitem__)
        right += qa["answers"][0]["text"].strip() in paragraph.sentences[best] or (
            paragraph.text[span[0] : span[1]] in paragraph.sentences[best]
        )
        other = other_paragraph(by_id, Example(qa["question"], aid, para, span), rng)
        if other is not None:
            others += 1
            sentences = article.paragraph(other).sentences
            refused += max(reader.paragraph(qa["question"], article.title, sentences)) < 0
    return {
        "questions": questions,
        "answer_sentence_first_in_its_paragraph": round(right / max(questions, 1), 4),
        "other_paragraphs": others,
        "other_paragraphs_read_as_holding_none": round(refused / max(others, 1), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m train.paragraphs", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=Path("data/train-paragraphs"))
    parser.add_argument("--out", type=Path, default=Path("data/paragraphs"))
    parser.add_argument("--init", type=Path, default=SHIPPED / "spans.onnx")
    parser.add_argument(
        "--held-from",
        type=Path,
        default=None,
        help="the reader folder whose held-out articles are kept out (the shipped one)",
    )
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--questions-per-batch", type=int, default=16)
    parser.add_argument("--negative-share", type=float, default=0.3)
    parser.add_argument(
        "--contrast-share",
        type=float,
        default=0.0,
        help="share of questions also read in their own paragraph made to ask what it does "
        "not state, as holding no answer (needs Debian's wordnet-base)",
    )
    parser.add_argument(
        "--questions", type=int, default=None, help="train on this many questions only (a trial)"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"no training data at {args.data}", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    with logging_into(args.work / "train.log"):
        started = time.monotonic()
        data = json.loads(args.data.read_text(encoding="utf-8"))
        model, held = train(data, args.work, args)
        onnx_file = export(model, args.out, args.work, name="paragraphs.onnx")
        shipped = reader_files("default")
        assert shipped is not None
        reader = Reader(ReaderFiles(shipped.onnx, {}, paragraphs=onnx_file), threads=args.threads)
        scores = score(reader, data, held)
        log.info("held-out scores: %s", scores)
        meta = {
            "base_model": "the span model shipped beside the reader (spans.onnx), all six "
            "layers of sentence-transformers/all-MiniLM-L6-v2",
            "data": {
                "file": args.data.name,
                "sha256": hashlib.sha256(args.data.read_bytes()).hexdigest(),
                "held_out_articles": sorted(held),
            },
            "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "scores": {"held_out_int8": scores},
            "minutes": round((time.monotonic() - started) / 60, 1),
        }
        (args.out / "paragraphs.json").write_text(json.dumps(meta, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
