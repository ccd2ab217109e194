"""Fit the answer check (bot/core/verify.py): ``python -m train.verifier``.

1. **Rows.** Every question of ``../shared/train/squad-train.json`` (and a typo'd copy of a
   third of them, as the bot repairs it) is put to the bot over those 37 articles; its best
   ``POOL`` candidates are read by the reader, and each becomes a row of the check's
   features. The sentence holding SQuAD's answer is a positive; other sentences holding the
   answer's words are left out; the rest are negatives. The pool is then read again without
   the answer and its holders, as a question the articles mention but do not answer: every
   row of it is a negative, and its best is what the gate must refuse.
2. **Fit.** A logistic model, standardised features, L2, by Newton's method (numpy only).
3. **Scores.** Four articles held out of the fit (the reader's own held-out four): how often
   the check picks the answer sentence, how often the pool without it is refused, at the gate.
4. **Gate.** The development sets (seed and SQuAD questions, their paraphrases, the SQuAD
   unanswerable set) are read the same way, and the table of P@1 and refusal per gate is
   printed; the gate written is ``--gate``, chosen from that table by hand.

Rows are cached in the work folder (a rerun refits at once). Needs the reader and the
embedding model, not torch.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.core.answer import Engine, distinct
from bot.core.corpus import load_corpus
from bot.core.dense import Embedder, model_files
from bot.core.evaluate import Case, add_typos, load_cases
from bot.core.rank import Candidate
from bot.core.read import Reader, ReaderFiles, reader_files
from bot.core.verify import FEATURES, REFUSAL_FEATURES, Checker, Linear, chosen, features
from train.reader import DATA, gold_sentence, held_out, squad_articles

log = logging.getLogger("train.verifier")

SHARED = DATA.parents[1]
ROOT = Path(__file__).resolve().parents[1]
POOL = 8  # candidates read per question (bot/core/answer.py reads as many)
DEV_SETS = (
    ("seeds", "eval/seed-questions.yaml", "seeds"),
    ("seed paraphrases", "eval/paraphrase-questions.yaml", "seeds"),
    ("squad", "eval/squad/questions.yaml", "eval/squad/articles"),
    ("squad paraphrases", "eval/squad/paraphrase-questions.yaml", "eval/squad/articles"),
    ("squad unanswerable", "eval/squad/unanswerable-questions.yaml", "eval/squad/articles"),
)


@dataclass
class Pool:
    """One question's rows: features, labels (1 answers, 0 not, -1 left out), its article,
    and whether it is the pool with the answer taken away."""

    group: str
    rows: np.ndarray
    labels: np.ndarray
    reduced: bool


def pool_of(engine: Engine, question: str) -> tuple[Any, list[Candidate]]:
    query = engine._parse(question)
    return query, distinct(engine.rank(query), POOL)


def read_pools(
    engine: Engine, reader: Reader, question: str, label: Any, group: str
) -> list[Pool]:
    """The question's pool, and the pool without its answer, as rows. ``label`` gives each
    candidate's label."""
    query, pool = pool_of(engine, question)
    if not pool:
        return []
    passages = [engine._passage(c) for c in pool]
    readings = reader.read(query.for_model or query.corrected, passages)
    labels = np.asarray([label(c) for c in pool], dtype=np.int64)
    out = [Pool(group, features(query, pool, readings), labels, False)]
    keep = [i for i, lab in enumerate(labels) if lab == 0]
    if len(keep) < len(pool) and keep:
        sub = [pool[i] for i in keep]
        out.append(
            Pool(
                group,
                features(query, sub, [readings[i] for i in keep]),
                np.zeros(len(sub), dtype=np.int64),
                True,
            )
        )
    return out


def train_pools(work: Path, reader: Reader, seed: int, typo_share: float) -> list[Pool]:
    cache = work / "verifier-train.npz"
    if cache.is_file():
        return _load(cache)
    data = json.loads(DATA.read_text(encoding="utf-8"))
    articles, gold = squad_articles(data)
    by_id = {a.id: a for a in articles}
    files = model_files("minilm")
    assert files is not None
    log.info("embedding %d articles", len(articles))
    engine = Engine.from_articles(articles, embedder=Embedder(files, threads=2))
    rng = random.Random(seed)
    pools: list[Pool] = []
    started = time.monotonic()
    for n, (aid, para, context, qa) in enumerate(gold.values()):
        paragraph = by_id[aid].paragraph(para)
        found = gold_sentence(paragraph, context, qa)
        if found is None:
            continue
        sentence = paragraph.sentences[found[0]]
        answers = {" ".join(a["text"].split()).casefold() for a in qa["answers"]}
        index_aid = engine.view.by_id[aid]

        def label(
            c: Candidate,
            key: tuple[int, int, str] = (index_aid, para, sentence),
            answers: set[str] = answers,
        ) -> int:
            s = c.sentence
            if (s.aid, s.para, s.text) == key:
                return 1
            return -1 if any(a in s.text.casefold() for a in answers) else 0

        question = " ".join(qa["question"].split())
        pools.extend(read_pools(engine, reader, question, label, aid))
        if rng.random() < typo_share:
            pools.extend(read_pools(engine, reader, add_typos(question, rng), label, aid))
        if n % 500 == 0:
            log.info("rows: %d/%d questions (%.0f s)", n, len(gold), time.monotonic() - started)
    _save(cache, pools)
    return pools


def dev_pools(work: Path, reader: Reader, typo_seed: int | None) -> dict[str, list[Pool]]:
    """Per development set, each question's pool (no reduced pools): labels 1 where the
    sentence is a right answer, and an unanswerable question's pool all 0."""
    out: dict[str, list[Pool]] = {}
    files = model_files("minilm")
    assert files is not None
    embedder = Embedder(files, threads=2)
    engines: dict[str, Engine] = {}
    for name, questions, corpus in DEV_SETS:
        suffix = "" if typo_seed is None else f"-typos{typo_seed}"
        cache = work / f"verifier-dev-{name.replace(' ', '_')}{suffix}.npz"
        if cache.is_file():
            out[name] = _load(cache)
            continue
        folder = ROOT / corpus if corpus == "seeds" else SHARED / corpus
        if corpus not in engines:
            engines[corpus] = Engine.from_articles(load_corpus(folder).articles, embedder=embedder)
        engine = engines[corpus]
        cases = load_cases(SHARED / questions)
        rng = random.Random(typo_seed)
        pools = []
        for case in cases:
            q = case.question if typo_seed is None else add_typos(case.question, rng)
            group = "answerable" if case.answerable else "unanswerable"
            got = read_pools(engine, reader, q, _dev_label(engine, case), group)
            empty = Pool(group, np.zeros((0, len(FEATURES))), np.zeros(0), False)
            pools.extend(got[:1] or [empty])
        _save(cache, pools)
        out[name] = pools
    return out


def _dev_label(engine: Engine, case: Case) -> Any:
    def label(c: Candidate) -> int:
        if not case.answerable:
            return 0
        info = engine.view.entries[c.sentence.aid].info
        if case.article is not None and info.id != case.article:
            return 0
        text = c.sentence.text.casefold()
        return int(any(e.casefold() in text for e in case.expect))

    return label


def _save(path: Path, pools: list[Pool]) -> None:
    np.savez_compressed(
        path.with_suffix(".tmp.npz"),
        rows=np.concatenate([p.rows for p in pools]) if pools else np.zeros((0, len(FEATURES))),
        labels=np.concatenate([p.labels for p in pools]) if pools else np.zeros(0),
        sizes=np.asarray([len(p.labels) for p in pools]),
        groups=np.asarray([p.group for p in pools]),
        reduced=np.asarray([p.reduced for p in pools]),
    )
    path.with_suffix(".tmp.npz").replace(path)


def _load(path: Path) -> list[Pool]:
    with np.load(path) as z:
        rows, labels = z["rows"], z["labels"]
        sizes, groups, reduced = z["sizes"], z["groups"], z["reduced"]
    out = []
    at = 0
    for size, group, cut in zip(sizes, groups, reduced, strict=True):
        out.append(Pool(str(group), rows[at : at + size], labels[at : at + size], bool(cut)))
        at += size
    return out


# -- fit --------------------------------------------------------------------------------------


def _standard(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def fit_choose(pools: list[Pool], l2: float, steps: int = 400) -> Linear:
    """Listwise: per pool holding the answer, a softmax over its candidates (those left out
    masked), the answer's log-probability maximised, by gradient descent."""
    pools = [p for p in pools if (p.labels == 1).any()]
    width = max(len(p.labels) for p in pools)
    mean, scale = _standard(np.concatenate([p.rows for p in pools]))
    x = np.zeros((len(pools), width, len(FEATURES)))
    mask = np.zeros((len(pools), width), dtype=bool)
    y = np.zeros((len(pools), width))
    for i, p in enumerate(pools):
        n = len(p.labels)
        x[i, :n] = (p.rows - mean) / scale
        mask[i, :n] = p.labels >= 0
        y[i, :n] = p.labels == 1
    y /= y.sum(axis=1, keepdims=True)
    w = np.zeros(len(FEATURES))
    for _ in range(steps):
        z = np.where(mask, x @ w, -np.inf)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        prob = e / e.sum(axis=1, keepdims=True)
        grad = np.einsum("pk,pkf->f", prob - y, x) / len(pools) + l2 * w / len(pools)
        w -= 2.0 * grad
    return Linear(mean, scale, w)


def refusal_rows(choose: Linear, pools: list[Pool]) -> tuple[np.ndarray, np.ndarray]:
    """Per pool, what the refusal reads of the chosen candidate, and whether it answers."""
    rows, labels = [], []
    for p in pools:
        if not len(p.labels):
            continue
        best, _, row = chosen(choose, p.rows)
        rows.append(row)
        labels.append(float(p.labels[best] == 1))
    return np.asarray(rows), np.asarray(labels)


def fit_refuse(choose: Linear, pools: list[Pool], l2: float) -> Linear:
    """Logistic, by Newton's method, on the chosen candidate of every pool (with the answer
    and without it)."""
    x, y = refusal_rows(choose, pools)
    return logistic(x, y, l2)


def logistic(x: np.ndarray, y: np.ndarray, l2: float) -> Linear:
    """A logistic model of ``y`` (0 or 1) from the rows ``x``, standardised, with an L2
    penalty on every weight but the bias, by Newton's method."""
    mean, scale = _standard(x)
    xs = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(xs.shape[1])
    penalty = l2 * np.diag(np.r_[np.ones(len(w) - 1), 0.0])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(xs @ w)))
        grad = xs.T @ (p - y) + penalty @ w
        hess = (xs * (p * (1 - p))[:, None]).T @ xs + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Linear(mean, scale, w[:-1], float(w[-1]))


def fit(pools: list[Pool], l2: float, gate: float) -> Checker:
    choose = fit_choose(pools, l2)
    return Checker(choose, fit_refuse(choose, pools, l2), gate, {})


def decide(checker: Checker, pool: Pool, gate: float) -> int | None:
    """The row the check answers with, or None for a refusal."""
    if not len(pool.rows):
        return None
    best, sure, _ = checker.decide(pool.rows)
    return best if sure >= gate else None


def scores(checker: Checker, pools: list[Pool], gate: float) -> dict[str, float]:
    full = [p for p in pools if not p.reduced and (p.labels == 1).any()]
    reduced = [p for p in pools if p.reduced]
    picked = sum(p.labels[checker.decide(p.rows)[0]] == 1 for p in full)
    right = sum(
        (pick := decide(checker, p, gate)) is not None and p.labels[pick] == 1 for p in full
    )
    refused = sum(decide(checker, p, gate) is None for p in reduced)
    return {
        "answer_pools": len(full),
        "rank_p_at_1": round(float(np.mean([p.labels[0] == 1 for p in full])), 4),
        "chosen_p_at_1": round(picked / max(1, len(full)), 4),
        "p_at_1_at_gate": round(right / max(1, len(full)), 4),
        "pools_without_answer": len(reduced),
        "refused_at_gate": round(refused / max(1, len(reduced)), 4),
    }


def dev_table(checker: Checker, dev: dict[str, list[Pool]], gates: list[float]) -> list[str]:
    lines = []
    for gate in gates:
        parts = [f"gate {gate:.2f}"]
        for name, pools in dev.items():
            ans = [p for p in pools if p.group == "answerable"]
            una = [p for p in pools if p.group == "unanswerable"]
            cell = name
            if ans:
                right = sum(
                    (k := decide(checker, p, gate)) is not None and p.labels[k] == 1 for p in ans
                )
                cell += f" {right / len(ans):.3f}"
            if una:
                refused = sum(decide(checker, p, gate) is None for p in una)
                cell += f" refused {refused}/{len(una)}"
            parts.append(cell)
        lines.append(" | ".join(parts))
    return lines


def opened(work: Path, reader: str) -> ReaderFiles:
    """The files of the reader a fit reads (``default`` or a folder), with ``work`` made
    and progress logged: how ``train.verifier`` and ``train.gate`` start."""
    work.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    files = reader_files(reader)
    if files is None:
        raise SystemExit(f"no reader model in {reader}")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m train.verifier", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--work", type=Path, default=Path("data/train-reader"))
    parser.add_argument("--reader", default="default", help="default or a reader model folder")
    parser.add_argument(
        "--out", type=Path, default=None, help="default: verifier.json beside the reader"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--typo-share", type=float, default=0.3)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--gate", type=float, default=0.5, help="the refusal gate written")
    parser.add_argument("--typo-seeds", type=int, nargs="*", default=[], help="dev typo runs")
    parser.add_argument("--no-write", action="store_true", help="print the tables only")
    args = parser.parse_args(argv)
    files = opened(args.work, args.reader)
    reader = Reader(files, threads=2)
    pools = train_pools(args.work, reader, args.seed, args.typo_share)
    # Fitted only on articles the reader never trained on: on its own training articles its
    # verdicts are surer than they will be on anyone's.
    unseen = held_out(files.meta)
    fit_on = [p for p in pools if p.group in unseen] if unseen else pools
    articles = sorted({p.group for p in fit_on})
    log.info("fitting on %d pools of %s", len(fit_on), ", ".join(articles))
    folds = []
    for article in articles:  # each article scored by a check fitted without it
        check = fit([p for p in fit_on if p.group != article], args.l2, args.gate)
        folds.append(scores(check, [p for p in fit_on if p.group == article], args.gate))
    cross = {
        key: round(
            float(np.average([f[key] for f in folds], weights=[f[weight] for f in folds])), 4
        )
        for key, weight in (
            ("rank_p_at_1", "answer_pools"),
            ("chosen_p_at_1", "answer_pools"),
            ("p_at_1_at_gate", "answer_pools"),
            ("refused_at_gate", "pools_without_answer"),
        )
    }
    log.info("leave one article out, at gate %.2f: %s", args.gate, cross)
    checker = fit(fit_on, args.l2, args.gate)
    for name, weight in zip(FEATURES, checker.choose.weights, strict=True):
        log.info("  choose %-14s %+.3f", name, weight)
    for name, weight in zip(REFUSAL_FEATURES, checker.refuse.weights, strict=True):
        log.info("  refuse %-14s %+.3f", name, weight)
    gates = [0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5]
    for seed in [None, *args.typo_seeds]:
        dev = dev_pools(args.work, reader, seed)
        print(f"-- development sets{'' if seed is None else f', typos seed {seed}'}")
        for line in dev_table(checker, dev, gates):
            print(line, flush=True)
    if not args.no_write:
        out = args.out or files.onnx.parent / "verifier.json"
        meta = {
            "fitted_on": {"file": DATA.name, "articles": articles, "pools": len(fit_on)},
            "leave_one_article_out": cross,
            "reader": str(files.meta.get("base_model", args.reader)),
            "seed": args.seed,
        }
        final = Checker(checker.choose, checker.refuse, args.gate, meta)
        out.write_text(final.to_json() + "\n", encoding="utf-8")
        log.info("wrote %s", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
