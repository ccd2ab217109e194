"""Fit the answer gate (bot/core/verify.py's ``Gate``): ``python -m train.gate``.

The gate is the last check of an answer: every rule of the engine has let it through, and
a logistic model over what the reader, the rank and the dense stage make of it
(``GATE_FEATURES``) gives the probability that the quote states what is asked.

1. **Rows.** The engine answers questions about articles the shipped models never trained
   on: the reader's four held-out SQuAD articles (asked among all 37 training articles),
   the span reader's held-out news articles of ``train/news-train.json`` (among all 96)
   and, with ``--sources squad news wiki``, the encyclopedia articles of
   ``train/wiki-train.json`` that none of the models trained on (all 96 for the shipped
   ones; ``unseen``), each question as written and with typos (``--typo-seeds``); each
   source's rows are cached on their own. It answers each a second
   time with every sentence holding the answer taken from its rank: what the articles
   mention but do not answer. Each answer the engine gives is a row, labelled 1 where it is
   right (``bot.core.evaluate.is_correct``), 0 where it is not, the news and
   encyclopedia files' unanswerable questions included. Refusals make no row: the gate
   never sees them.
2. **Fit.** Logistic, standardised features, L2, by Newton's method (numpy only).
3. **Scores.** Each article scored by a gate fitted without it: of the right answers, how
   many the gate keeps, and of the wrong ones how many it refuses, per gate.
4. **Gate.** ``--gate`` is written; it is chosen on the development sets with ``python -m
   bot eval`` (the gate's own figures are in docs/answers.md).

Rows are cached in the work folder (a rerun refits at once). Needs the reader and the
embedding model, not torch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from bot.core.answer import UNREAD_COSINE, Engine
from bot.core.dense import Embedder, model_files
from bot.core.evaluate import Case, add_typos, is_correct
from bot.core.query import Query
from bot.core.rank import Candidate
from bot.core.read import Passage, Reader
from bot.core.text import words
from bot.core.verify import GATE_FEATURES, Gate
from train.reader import (
    DATA,
    Synonyms,
    contrasted,
    extra_entries,
    extra_held_out,
    gold_sentence,
    held_out,
    meta_file,
    squad_articles,
)
from train.verifier import logistic, opened
from train.wordnet import WordNet

log = logging.getLogger("train.gate")

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "train" / "news-train.json"
NEWS_PREFIX = "extra-"  # the span reader's ids for the news file's articles
# Encyclopedia articles on invented subjects, written blind to the bot (train/wiki-train.json):
# 480 of their questions ask what the articles only seem to answer.
WIKI = ROOT / "train" / "wiki-train.json"
WIKI_PREFIX = "wiki-"
SOURCES = ("squad", "news", "wiki")
# What the shipped gate was fitted on. The encyclopedia articles change little where the gate
# reads (docs/answers.md, "Unanswerable questions written blind"), so they are asked only
# when named (``--sources squad news wiki``).
DEFAULT_SOURCES = ("squad", "news")
GATES = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)


class Hiding(Engine):
    """An engine whose rank leaves out the sentences ``hidden`` holds true of, where set."""

    hidden: Callable[[Candidate], bool] | None = None

    def rank(self, query: Query, within: Sequence[str] = ()) -> list[Candidate]:
        ranked = super().rank(query, within)
        hidden = self.hidden
        return ranked if hidden is None else [c for c in ranked if not hidden(c)]


@dataclass
class Rows:
    """Each answer given: its features, whether it is right, its article and its set."""

    rows: list[np.ndarray]
    labels: list[int]
    articles: list[str]
    sets: list[str]

    def add(self, row: np.ndarray, label: int, article: str, name: str) -> None:
        self.rows.append(row)
        self.labels.append(label)
        self.articles.append(article)
        self.sets.append(name)

    def extend(self, other: Rows) -> None:
        self.rows += other.rows
        self.labels += other.labels
        self.articles += other.articles
        self.sets += other.sets


@dataclass(frozen=True)
class Asked:
    """A question of a held-out article: its case, and the passage that answers it (None
    for one the article does not answer)."""

    article: str
    case: Case
    passage: Passage | None


def held_out_questions(data: dict[str, Any], prefix: str, keep: set[str]) -> list[Asked]:
    """Every question of ``keep``'s articles."""
    articles, gold = squad_articles(data, prefix)
    by_id = {a.id: a for a in articles}
    out = []
    for aid, para, context, qa in gold.values():
        if aid not in keep:
            continue
        question = " ".join(qa["question"].split())
        texts = tuple(dict.fromkeys(" ".join(a["text"].split()) for a in qa["answers"]))
        answerable = bool(texts) and not qa.get("is_impossible", False)
        passage = None
        paragraph = by_id[aid].paragraph(para)
        found = gold_sentence(paragraph, context, qa) if answerable else None
        if found is not None:
            at = found[0]
            before = paragraph.sentences[at - 1] if at > 0 else None
            passage = Passage(paragraph.sentences[at], before, by_id[aid].title)
        out.append(Asked(aid, Case(question, texts, aid, answerable), passage))
    return out


def holding(case: Case, engine: Engine) -> Callable[[Candidate], bool]:
    """Whether a candidate is of the case's article and holds one of its answers."""
    answers = [a.casefold() for a in case.expect]

    def holds(c: Candidate) -> bool:
        info = engine.view.entries[c.sentence.aid].info
        return info.id == case.article and any(a in c.sentence.text.casefold() for a in answers)

    return holds


def collect(
    engine: Hiding,
    questions: Sequence[Asked],
    name: str,
    typo_seeds: Sequence[int],
    antonyms: Synonyms | None = None,
) -> Rows:
    """Rows of every answer the engine gives to ``questions``, as written and with each
    typo seed's typos; again with their answers hidden from the rank; and, with
    ``antonyms``, each answerable one contrasted (``train.reader.contrasted``: a word it
    shares with its answer sentence put otherwise, so that the sentence no longer answers
    it), where every answer given is wrong."""
    out = Rows([], [], [], [])
    seen: list[np.ndarray] = []
    engine.gate_seen = seen.append
    started = time.monotonic()
    for seed in (None, *typo_seeds):
        rng = random.Random(seed)
        suffix = "" if seed is None else f"-typos{seed}"
        for n, asked in enumerate(questions):
            case = asked.case
            typed = case.question if seed is None else add_typos(case.question, rng)
            tries: list[tuple[str, str, bool]] = [(typed, "", case.answerable)]
            if case.answerable:
                tries.append((typed, "-hidden", True))
            if antonyms is not None and asked.passage is not None:
                plain = " ".join(words(case.question))
                other = contrasted(case.question, plain, asked.passage, rng, antonyms)
                if other is not None:
                    other = other if seed is None else add_typos(other, rng)
                    tries.append((other, "-contrasted", False))
            for question, mode, answerable in tries:
                engine.hidden = holding(case, engine) if mode == "-hidden" else None
                seen.clear()
                answer = engine.ask(question)
                if answer.answered and seen:
                    right = answerable and is_correct(case, answer)
                    out.add(seen[-1], int(right), asked.article, f"{name}{mode}{suffix}")
            if n % 200 == 0:
                log.info(
                    "%s%s: %d/%d questions, %d rows (%.0f s)",
                    name,
                    "" if seed is None else f" typos {seed}",
                    n,
                    len(questions),
                    len(out.rows),
                    time.monotonic() - started,
                )
    engine.hidden = None
    engine.gate_seen = None
    return out


def _save(path: Path, rows: Rows) -> None:
    np.savez_compressed(
        path.with_suffix(".tmp.npz"),
        rows=np.asarray(rows.rows).reshape(len(rows.rows), len(GATE_FEATURES)),
        labels=np.asarray(rows.labels),
        articles=np.asarray(rows.articles),
        sets=np.asarray(rows.sets),
    )
    path.with_suffix(".tmp.npz").replace(path)


def _load(path: Path) -> Rows:
    with np.load(path) as z:
        return Rows(
            list(z["rows"]),
            [int(x) for x in z["labels"]],
            [str(x) for x in z["articles"]],
            [str(x) for x in z["sets"]],
        )


def model_metas(folder: Path) -> list[dict[str, Any]]:
    """What each model in a reader's folder records of its training (``meta.json`` beside
    ``model.onnx``, ``spans.json`` beside ``spans.onnx``…)."""
    metas = (meta_file(onnx) for onnx in sorted(folder.glob("*.onnx")))
    return [json.loads(m.read_text(encoding="utf-8")) for m in metas if m.is_file()]


def _bare(article: str) -> str:
    """An article's id without the prefix a run gave its file ("extra2-016_x": "016_x")."""
    return article.split("-", 1)[1] if "-" in article.split("_", 1)[0] else article


def unseen(metas: Sequence[dict[str, Any]], name: str, articles: Sequence[str]) -> set[str]:
    """The articles (ids as ``articles`` has them) of the ``--extra`` file called ``name``
    that none of the models ``metas`` describe trained on: all of them where none names the
    file, else those every one that names it was kept from."""
    kept = {_bare(a) for a in articles}
    for meta in metas:
        if any(e.get("file") == name for e in extra_entries(meta)):
            kept &= {_bare(a) for a in extra_held_out(meta, name)}
    return {a for a in articles if _bare(a) in kept}


def all_rows(
    work: Path,
    reader: Reader,
    folder: Path,
    typo_seeds: Sequence[int],
    contrast: bool,
    sources: Sequence[str] = DEFAULT_SOURCES,
) -> Rows:
    """Every row, each source's from its cache in ``work`` where it is there (``folder``
    holds the reader's models and what each was kept from)."""
    seeds = "-".join(map(str, typo_seeds)) or "clean"
    metas = model_metas(folder)
    spans_meta = (folder / "spans.json").read_text(encoding="utf-8")
    out = Rows([], [], [], [])
    embedder: Embedder | None = None
    antonyms: Synonyms | None = None
    for name in sources:
        cache = work / f"gate-rows-{name}-{seeds}{'-contrasted' if contrast else ''}.npz"
        if cache.is_file():
            rows = _load(cache)
            if all(len(r) == len(GATE_FEATURES) for r in rows.rows):
                out.extend(rows)
                continue
            log.info("%s holds rows of other features: asking again", cache)
        path, prefix = {"squad": (DATA, ""), "news": (NEWS, NEWS_PREFIX)}.get(
            name, (WIKI, WIKI_PREFIX)
        )
        data = json.loads(path.read_text(encoding="utf-8"))
        articles, _ = squad_articles(data, prefix)
        if name == "squad":
            held = held_out(reader.meta)
        elif name == "news":
            held = extra_held_out(json.loads(spans_meta), NEWS.name)
        else:
            held = unseen(metas, WIKI.name, [a.id for a in articles])
        if not held:
            raise SystemExit(f"the reader's models leave no {name} articles to fit the gate on")
        if embedder is None:  # loaded once, and only where some source is not cached
            files = model_files("minilm")
            assert files is not None
            embedder = Embedder(files, threads=2)
            antonyms = WordNet().antonyms if contrast else None
        log.info("%s: embedding %d articles", name, len(articles))
        engine = Hiding.from_articles(articles, embedder=embedder, reader=reader)
        rows = collect(engine, held_out_questions(data, prefix, held), name, typo_seeds, antonyms)
        _save(cache, rows)
        out.extend(rows)
    return out


def _mode(name: str) -> str:
    """How a set's questions were asked: "", "-hidden" or "-contrasted"."""
    return next((m for m in ("-hidden", "-contrasted") if m in name), "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m train.gate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--work", type=Path, default=Path("data/train-gate"))
    parser.add_argument("--reader", default="default", help="default or a reader model folder")
    parser.add_argument("--out", type=Path, default=None, help="default: gate.json beside it")
    parser.add_argument("--typo-seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument(
        "--contrast",
        action="store_true",
        help="also ask each answerable question contrasted (needs WordNet; measured and "
        "not used: see docs/answers.md)",
    )
    parser.add_argument(
        "--sources",
        nargs="+",
        choices=SOURCES,
        default=list(DEFAULT_SOURCES),
        help="the files whose held-out articles are asked (wiki: train/wiki-train.json)",
    )
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--gate", type=float, default=0.1, help="the gate written")
    parser.add_argument(
        "--cosine",
        type=float,
        default=UNREAD_COSINE,
        help="the gate reads only answers whose sentence is less close in meaning than this",
    )
    parser.add_argument("--no-write", action="store_true", help="print the scores only")
    args = parser.parse_args(argv)
    files = opened(args.work, args.reader)
    # Without the gate beside it (a stale one too): the rows are of every answer the rules
    # let through.
    reader = Reader(replace(files, gate=None), threads=2)
    rows = all_rows(
        args.work, reader, files.onnx.parent, args.typo_seeds, args.contrast, args.sources
    )
    # The gate reads only answers less close in meaning than --cosine (Gate.doubts).
    every = np.asarray(rows.rows)
    near = every[:, GATE_FEATURES.index("cosine")] >= args.cosine
    x = every[~near]
    y = np.asarray(rows.labels, dtype=np.float64)[~near]
    arts = np.asarray(rows.articles)[~near]
    sets = np.asarray(rows.sets)[~near]
    log.info("%d answers at cosine %.2f or more are left to the rules", near.sum(), args.cosine)
    for name in sorted(set(sets)):
        here = sets == name
        log.info("%-22s %5d answers, %5d right", name, here.sum(), int(y[here].sum()))
    p_out = np.zeros(len(y))
    for article in sorted(set(arts)):  # each article scored by a gate fitted without it
        fold = arts == article
        weigh = logistic(x[~fold], y[~fold], args.l2)
        p_out[fold] = 1.0 / (1.0 + np.exp(-weigh(x[fold])))
    cross: dict[str, dict[str, float]] = {}
    for kind in SOURCES:
        for mode in ("", "-hidden", "-contrasted"):
            here = np.asarray([s.startswith(kind) and _mode(s) == mode for s in sets], dtype=bool)
            if not here.any():
                continue
            key = f"{kind}{mode.replace('-', ' ')}"
            cross[key] = {"answers": int(here.sum()), "right": int(y[here].sum())}
            for g in GATES:
                kept = p_out >= g
                cross[key][f"right_kept_{g}"] = int((kept & here & (y == 1)).sum())
                cross[key][f"wrong_refused_{g}"] = int((~kept & here & (y == 0)).sum())
    for key, table in cross.items():
        log.info("leave one article out, %s: %s", key, table)
    weigh = logistic(x, y, args.l2)
    for name, weight in zip(GATE_FEATURES, weigh.weights, strict=True):
        log.info("  %-20s %+.3f", name, weight)
    if not args.no_write:
        out = args.out or files.onnx.parent / "gate.json"
        meta: dict[str, object] = {
            "fitted_on": {
                "squad": DATA.name,
                "news": NEWS.name,
                "sources": list(args.sources),
                "articles": sorted(set(arts)),
                "answers": len(y),
                "right": int(y.sum()),
                "typo_seeds": args.typo_seeds,
                "l2": args.l2,
            },
            "leave_one_article_out": cross,
            # The models whose readings it was fitted to (another reader needs its own gate).
            "models": {
                f.name: hashlib.sha256(f.read_bytes()).hexdigest()[:16]
                for f in sorted(files.onnx.parent.glob("*.onnx"))
            },
        }
        gate = Gate(weigh, args.gate, args.cosine, meta)
        out.write_text(gate.to_json() + "\n", encoding="utf-8")
        log.info("wrote %s", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
