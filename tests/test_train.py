"""The reader's training data: questions put to the bot's own stages, candidates labelled
from SQuAD's answer spans (the training itself needs torch, an extra the tests don't install)."""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core.corpus import load_corpus
from bot.core.evaluate import Case
from bot.core.read import Passage, Reading
from bot.core.verify import GATE_FEATURES
from tests.support.paths import SEEDS
from train.gate import Asked, Hiding, held_out_questions, holding
from train.gate import collect as gate_collect
from train.reader import (
    DATA,
    HELD_OUT,
    SPLIT_SEED,
    Cand,
    Item,
    _groups,
    build_candidates,
    draw_held_out,
    exported_model,
    extra_held_out,
    held_out_of,
    load_items,
    logging_into,
    score,
    span_examples,
    squad_articles,
)

CONTEXT_1 = (
    "The Ludendorff Bridge crossed the Rhine at Remagen. In March 1945 it was captured "
    "intact by the 9th Armored Division. The bridge collapsed ten days later."
)
CONTEXT_2 = (
    "Cologne is the largest city on the Rhine in Germany. About one million people live in "
    "Cologne. Its cathedral took more than six hundred years to finish."
)


def _squad(tmp_path: Path) -> Path:
    def qa(qid: str, question: str, answer: str, context: str) -> dict[str, object]:
        return {
            "id": qid,
            "question": question,
            "answers": [{"text": answer, "answer_start": context.index(answer)}],
        }

    data = {
        "version": "1.1",
        "data": [
            {
                "title": "Bridges_of_the_Rhine",
                "paragraphs": [
                    {
                        "context": CONTEXT_1,
                        "qas": [
                            qa("b1", "Who captured the bridge?", "9th Armored Division", CONTEXT_1)
                        ],
                    }
                ],
            },
            {
                "title": "Cologne",
                "paragraphs": [
                    {
                        "context": CONTEXT_2,
                        "qas": [
                            qa("c1", "How many people live in Cologne?", "one million", CONTEXT_2)
                        ],
                    }
                ],
            },
        ],
    }
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _root_logger_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A recipe's ``main`` sets the root logger up for the terminal (``log_to_terminal``): its
    level and handlers go back as they were after each test, not on into the next ones."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)


@pytest.fixture(name="items", scope="module")
def fixture_items(tmp_path_factory: pytest.TempPathFactory) -> list[Item]:
    tmp = tmp_path_factory.mktemp("train")
    out = tmp / "candidates.jsonl"
    build_candidates(_squad(tmp), out, seed=1)
    return load_items(out)


class TestCandidates:
    def test_the_answer_sentence_is_the_one_positive_with_its_span(
        self, items: list[Item]
    ) -> None:
        """The sentence holding SQuAD's answer span is labelled 1, and the span marks the
        answer's characters within it."""
        bridge = next(i for i in items if i.qid == "b1")
        positives = [c for c in bridge.cands if c.label == 1]
        assert len(positives) == 1
        gold = positives[0]
        assert gold.span is not None
        assert gold.sentence[gold.span[0] : gold.span[1]] == "9th Armored Division"
        assert gold.title == "Bridges of the Rhine"
        assert gold.prev == "The Ludendorff Bridge crossed the Rhine at Remagen."

    def test_sentences_about_the_same_thing_are_negatives(self, items: list[Item]) -> None:
        """The next sentence is a negative: it shares the entity, not what is asked."""
        bridge = next(i for i in items if i.qid == "b1")
        negatives = {c.sentence for c in bridge.cands if c.label == 0}
        assert "The bridge collapsed ten days later." in negatives

    def test_another_sentence_with_the_answer_words_is_not_trained_on(
        self, items: list[Item]
    ) -> None:
        """ "one million" elsewhere could answer too: such sentences get -1, never 0."""
        cologne = next(i for i in items if i.qid == "c1")
        for c in cologne.cands:
            if "one million" in c.sentence.casefold() and c.label != 1:
                assert c.label == -1

    def test_questions_are_kept_as_the_bot_gives_them_to_models(self, items: list[Item]) -> None:
        cologne = next(i for i in items if i.qid == "c1")
        assert "cologne" in cologne.model_text.casefold()
        assert cologne.typo_text  # a typo'd copy, repaired as the bot repairs it


class TestEpochs:
    def test_each_group_starts_with_its_answer_and_holds_negatives(self) -> None:
        import random

        cands = [Cand(f"s{i}", None, "t", 0, None, i) for i in range(10)]
        cands.append(Cand("gold", None, "t", 1, (0, 4), 3))
        cands.append(Cand("maybe", None, "t", -1, None, 1))
        item = Item("q", "a", "question", "question", "qeustion", ["x"], cands)
        (group,) = _groups([item], random.Random(1), typo_share=0.0, negatives=4)
        assert group[0][2] == 1 and group[0][1].sentence == "gold"
        assert [ex[2] for ex in group[1:]] == [0, 0, 0, 0]
        assert all(ex[1].sentence != "maybe" for ex in group)

    def test_a_hard_epoch_adds_other_answers_and_a_swapped_question(self) -> None:
        """Other questions' answer sentences from the same article that don't hold this
        answer join its group as negatives; the question with a name swapped for another
        of the article's names is a group of its own, read against its own answer sentence
        as a negative."""
        import random

        from train.reader import _hard_groups

        def item(qid: str, question: str, gold: str, answer: str) -> Item:
            model_text = question.lower().rstrip("?")
            return Item(
                qid,
                "rhine",
                question,
                model_text,
                model_text,
                [answer],
                [
                    Cand(gold, None, "Rhine", 1, (0, 1), 0),
                    Cand("noise", None, "Rhine", 0, None, 1),
                ],
            )

        items = [
            item(
                "q1",
                "Which army captured the Ludendorff Bridge?",
                "The Ludendorff Bridge was captured by the 9th Armored Division.",
                "9th armored division",
            ),
            item(
                "q2",
                "How many people live in Cologne?",
                "About one million people live in Cologne.",
                "one million",
            ),
        ]
        groups = _hard_groups(items, random.Random(3), typo_share=0.0, negatives=1)
        first = next(g for g in groups if g[0][0].startswith("which army") and len(g) > 1)
        assert first[0][2] == 1
        others = [ex[1].sentence for ex in first[1:] if ex[2] == 0]
        assert "About one million people live in Cologne." in others
        swapped = [g[0] for g in groups if len(g) == 1]
        assert ("which army captured the cologne", 0) in {(q, lab) for q, _, lab, _ in swapped}
        for _q, passage, label, span in swapped:
            assert label == 0 and span is None
            assert passage.sentence in {items[0].cands[0].sentence, items[1].cands[0].sentence}

    def test_a_question_is_made_to_ask_of_a_name_the_sentence_holds(self) -> None:
        """Another question of the article, with the name it asks about swapped for the name
        of the sentence most like it: the sentence then mentions what the question is about
        and not what it asks. None where nothing is alike enough, or the other question's
        answer is in the sentence."""
        import random

        from train.reader import transplanted

        def other(question: str, answer: str) -> Item:
            text = question.lower().rstrip("?")
            return Item("q", "super_bowl", question, text, text, [answer], [])

        sentence = "Denver linebacker Von Miller was named MVP, recording five solo tackles."
        passage = Passage(sentence, None, "Super Bowl 50")
        alike = {("Cam Newton", "Von Miller"): 0.6, ("Cam Newton", "Denver"): 0.2}

        def like(old: str, names: list[str]) -> str | None:
            score, best = max((alike.get((old, n), 0.0), n) for n in names)
            return best if score >= 0.35 else None

        asked = other("How many touchdowns has Cam Newton thrown?", "35")
        made = transplanted(asked, passage, random.Random(1), like)
        assert made == "how many touchdowns has von miller thrown"
        # Nothing alike: no question.
        stadium = other("Who built Levi's Stadium?", "the 49ers")
        assert transplanted(stadium, passage, random.Random(1), like) is None
        # Its answer is in the sentence: it may be answered there.
        tackles = other("How many solo tackles did Cam Newton make?", "five")
        assert transplanted(tackles, passage, random.Random(1), like) is None

    def test_a_hard_epoch_reads_the_answer_sentence_without_its_answer(self) -> None:
        """The answer sentence with the answer's words cut out (and the word leading into
        them) joins the question's group as a negative: it still mentions all the question
        does, and no longer says what it asks."""
        import random

        from train.reader import _hard_groups, ablated

        gold = "The Ludendorff Bridge was captured by the 9th Armored Division in March."
        start = gold.index("the 9th")
        span = (start, start + len("the 9th Armored Division"))
        assert ablated(gold, span, ["the 9th armored division"]) == (
            "The Ludendorff Bridge was captured in March."
        )
        assert ablated("It was Rollo (Rollo).", (6, 11), ["rollo"]) is None  # still there
        assert ablated("In 911.", (3, 6), ["911"]) is None  # too little left
        knee = "Basel lies on the Rhine knee (Rheinknie)."
        at = knee.index("Rheinknie")
        assert ablated(knee, (at, at + len("Rheinknie")), ["rheinknie"]) == (
            "Basel lies on the Rhine knee."
        )
        cands = [Cand(gold, None, "Rhine", 1, span, 0), Cand("noise", None, "Rhine", 0, None, 1)]
        item = Item(
            "q",
            "rhine",
            "Who captured the bridge?",
            "who captured the bridge",
            "who captured the bridge",
            ["the 9th armored division"],
            cands,
        )
        (group,) = [g for g in _hard_groups([item], random.Random(1), 0.0, 1) if len(g) > 1]
        assert group[0][2] == 1
        assert ("The Ludendorff Bridge was captured in March.", 0) in {
            (p.sentence, label) for _, p, label, _ in group
        }
        plain = _hard_groups([item], random.Random(1), 0.0, 1, ablate=False)
        assert all("captured in March" not in p.sentence for g in plain for _, p, _, _ in g)


class TestSpanReader:
    """``--span-only``: a model that learns only to mark the answer's words."""

    def _item(self) -> Item:
        cands = [Cand(f"s{i}", None, "t", 0, None, i) for i in range(4)]
        cands.append(Cand("gold words here", None, "t", 1, (0, 4), 2))
        cands.append(Cand("gold too", None, "t", -1, None, 1))
        return Item("q", "a", "question", "question", "qeustion", ["gold"], cands)

    def test_it_trains_on_answer_sentences_with_a_span_only(self) -> None:
        import random

        item = self._item()
        spanless = Item("q2", "a", "q", "q", "q", ["x"], [Cand("no span", None, "t", 1, None, 0)])
        (group,) = _groups([item], random.Random(1), typo_share=0.0, negatives=0)
        assert [ex[1].sentence for ex in span_examples(group)] == ["gold words here"]
        groups = _groups([item, spanless], random.Random(1), typo_share=0.0, negatives=3)
        kept = span_examples([ex for g in groups for ex in g])
        assert [ex[1].sentence for ex in kept] == ["gold words here"]

    def test_its_scores_read_the_answer_sentences_alone(self) -> None:
        read: list[str] = []

        def predict(question: str, passages: list[Passage]) -> list[Reading]:
            read.extend(p.sentence for p in passages)
            return [Reading(0.0, (0, 4), 0.9) for _ in passages]

        got = score(predict, [self._item()], spans_only=True)
        assert read == ["gold words here"]
        assert got == {"questions": 1, "span_exact_match": 1.0, "span_f1": 1.0}
        read.clear()
        full = score(predict, [self._item()])
        assert len(read) == 5 and full["sentence_p_at_1"] == 0.0


class TestPrecision:
    """``--precision``: bfloat16 autocast where the CPU does it in hardware (auto), or as asked."""

    def test_every_stage_of_both_recipes_gets_the_precision_and_seed_asked(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from train import models

        def export(out: Path, first: bool, argv: list[str]) -> None:
            (out / "model.onnx").write_bytes(b"model")
            (out / "meta.json").write_text("{}", encoding="utf-8")
            if first and "--span-only" in argv:
                (out / "spans.onnx").write_bytes(b"span reader")
                (out / "spans.json").write_text("{}", encoding="utf-8")

        ran = _fake_reader(monkeypatch, lambda argv: "--init" not in argv, export)
        argv = ["--work", str(tmp_path / "work"), "--out", str(tmp_path / "out")]
        assert models.main([*argv, "--precision", "fp32"]) == 0
        assert len(ran) == 5
        assert [a[a.index("--precision") + 1] for a in ran] == ["fp32"] * 5
        assert not any("--seed" in a for a in ran)  # each stage's own
        ran.clear()
        assert models.main([*argv, "--seed", "5"]) == 0  # each stage decides by its CPU
        assert [a[a.index("--precision") + 1] for a in ran] == ["auto"] * 2
        assert [a[a.index("--seed") + 1] for a in ran] == ["5"] * 2

    @pytest.mark.parametrize(
        ("asked", "hardware", "chosen", "warned"),
        [
            ("auto", True, "bf16", False),
            ("auto", False, "fp32", False),
            ("fp32", True, "fp32", False),
            ("bf16", False, "bf16", True),
        ],
    )
    def test_auto_follows_the_cpu_and_bf16_without_it_is_warned_of(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture,
        asked: str,
        hardware: bool,
        chosen: str,
        warned: bool,
    ) -> None:
        from train import reader

        got: list[str] = []
        monkeypatch.setattr(reader, "bf16_in_hardware", lambda: hardware)
        monkeypatch.setattr(reader, "_run", lambda args: got.append(args.precision) or 0)
        with caplog.at_level(logging.INFO):
            assert reader.main(["--work", str(tmp_path), "--precision", asked]) == 0
        assert got == [chosen]
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert [r.getMessage() for r in warnings] == (
            ["this CPU has no bfloat16 arithmetic: --precision bf16 will be slower"]
            if warned
            else []
        )


class TestLog:
    """One process runs several stages (``train.shipped``, ``train.models``)."""

    def test_each_stage_logs_into_its_own_folder_and_the_terminal_once(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        root = logging.getLogger()
        monkeypatch.setattr(root, "handlers", [])
        log = logging.getLogger("train.reader")
        first, second = tmp_path / "first.log", tmp_path / "second.log"
        with logging_into(first):
            log.info("first stage")
            logging.getLogger().info("quantizer chatter")
        with logging_into(second):
            log.info("second stage")
        log.info("after both")
        assert "first stage" in first.read_text(encoding="utf-8")
        assert "second stage" not in first.read_text(encoding="utf-8")
        assert "chatter" not in first.read_text(encoding="utf-8")
        assert "second stage" in second.read_text(encoding="utf-8")
        assert "after both" not in second.read_text(encoding="utf-8")
        assert [type(h) for h in root.handlers] == [logging.StreamHandler]


class TestInit:
    def test_it_names_a_folder_or_a_model_file(self, tmp_path: Path) -> None:
        assert exported_model(tmp_path) == tmp_path / "model.onnx"
        spans = tmp_path / "spans.onnx"
        spans.write_bytes(b"onnx")
        assert exported_model(spans) == spans

    def test_a_model_trained_on_keeps_the_articles_it_was_kept_from(self, tmp_path: Path) -> None:
        """Drawn anew by another seed, the held-out articles would include ones the model
        started from was trained on, and its scores (and bench.heldout's) would count them as
        unseen."""
        held = {"data": {"held_out_articles": ["011_law", "014_geology"]}}
        (tmp_path / "meta.json").write_text(json.dumps(held), encoding="utf-8")
        (tmp_path / "spans.json").write_text(
            json.dumps({"data": {"held_out_articles": ["019_immune"]}}), encoding="utf-8"
        )
        assert held_out_of(tmp_path) == {"011_law", "014_geology"}
        assert held_out_of(tmp_path / "model.onnx") == {"011_law", "014_geology"}
        assert held_out_of(tmp_path / "spans.onnx") == {"019_immune"}
        assert held_out_of(tmp_path / "elsewhere.onnx") is None  # no meta: drawn by the seed
        (tmp_path / "meta.json").write_text("{not json", encoding="utf-8")
        assert held_out_of(tmp_path) is None


class TestSplit:
    """The held-out articles are drawn by ``--split-seed``, not by the training ``--seed``."""

    def _trained_on(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
    ) -> set[str]:
        from types import SimpleNamespace

        from train import reader

        class Trained(Exception):
            pass

        def train(items: list[SimpleNamespace], work: Path, args: object) -> None:
            raise Trained({i.article for i in items})

        articles = [f"{n:03d}_article" for n in range(12)]
        monkeypatch.setattr(
            reader, "load_items", lambda path: [SimpleNamespace(article=a) for a in articles]
        )
        monkeypatch.setattr(reader, "train", train)
        (tmp_path / "candidates.jsonl").write_text("", encoding="utf-8")
        with pytest.raises(Trained) as trained:
            reader.main(["--work", str(tmp_path), "--precision", "fp32", *argv])
        return set(trained.value.args[0])

    def test_another_training_seed_holds_out_the_same_articles(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        by_default = self._trained_on(tmp_path, monkeypatch, [])
        assert len(by_default) == 12 - HELD_OUT
        assert self._trained_on(tmp_path, monkeypatch, ["--seed", "2"]) == by_default
        assert self._trained_on(tmp_path, monkeypatch, ["--split-seed", "2"]) != by_default

    def test_the_default_split_is_the_shipped_models_one(self) -> None:
        """Both shipped models were made with seed 13 drawing their held-out articles; the
        split seed's default draws the same ones, so bench.heldout's articles stay unseen."""
        articles, _ = squad_articles(json.loads(DATA.read_text(encoding="utf-8")))
        drawn = draw_held_out(sorted({a.id for a in articles}), SPLIT_SEED)
        shipped = Path(__file__).resolve().parents[1] / "bot" / "core" / "models" / "reader"
        assert drawn == held_out_of(shipped) == held_out_of(shipped / "spans.onnx")


class TestExtra:
    """``--extra``: a second file (news written here), whose questions may be unanswerable."""

    def _extra(self, tmp_path: Path) -> Path:
        context = (
            "OSLO — The city council voted 31 to 20 on Tuesday to close the old ferry pier. "
            "Its chairwoman, Ingrid Moe, said the repairs would cost too much."
        )
        docs = [
            {
                "title": f"Pier story {n}",
                "paragraphs": [
                    {
                        "context": context,
                        "qas": [
                            {
                                "id": f"x{n}",
                                "question": "How many councillors voted against closing it?",
                                "answers": [{"text": "20", "answer_start": context.index("20")}],
                            },
                            {
                                "id": f"u{n}",
                                "question": "How old is Ingrid Moe?",
                                "answers": [],
                                "is_impossible": True,
                            },
                        ],
                    }
                ],
            }
            for n in range(9)
        ]
        path = tmp_path / "extra.json"
        path.write_text(json.dumps({"version": "x", "data": docs}), encoding="utf-8")
        return path

    def test_an_unanswerable_question_has_only_negatives(self, tmp_path: Path) -> None:
        out = tmp_path / "extra.jsonl"
        build_candidates(self._extra(tmp_path), out, seed=1, prefix="extra-")
        items = {i.qid: i for i in load_items(out)}
        unanswered = items["u0"]
        assert unanswered.answers == []
        assert unanswered.cands and all(c.label == 0 for c in unanswered.cands)
        assert any("Ingrid Moe" in c.sentence for c in unanswered.cands)
        assert unanswered.article.startswith("extra-")
        assert [c.label for c in items["x0"].cands].count(1) == 1
        # With no answer sentence, a group is its negatives alone.
        groups = _groups([unanswered], random.Random(1), 0.0, 6)
        assert groups and all(label == 0 for _, _, label, _ in groups[0])

    @pytest.mark.parametrize("name", ["news-train.json", "wiki-train.json"])
    def test_the_articles_written_here_are_well_formed(self, name: str) -> None:
        """train/news-train.json and train/wiki-train.json: every answer where its offset
        says, every unanswerable question without one, ids unique, and about a third of the
        questions unanswerable."""
        path = Path(__file__).resolve().parents[1] / "train" / name
        data = json.loads(path.read_text(encoding="utf-8"))
        ids: set[str] = set()
        answerable = unanswerable = 0
        for doc in data["data"]:
            assert doc["title"]
            for p in doc["paragraphs"]:
                for qa in p["qas"]:
                    assert qa["id"] not in ids and qa["question"].strip()
                    ids.add(qa["id"])
                    if qa.get("is_impossible"):
                        assert qa["answers"] == []
                        unanswerable += 1
                        continue
                    answerable += 1
                    for a in qa["answers"]:
                        start = a["answer_start"]
                        assert p["context"][start : start + len(a["text"])] == a["text"]
        assert len(data["data"]) >= 48 and answerable >= 500
        assert 0.2 < unanswerable / (answerable + unanswerable) < 0.4

    def test_its_questions_are_repeated_and_one_article_in_eight_held_out(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from train import reader

        class Trained(Exception):
            pass

        def train(items: list[Item], work: Path, args: object) -> None:
            raise Trained(items)

        monkeypatch.setattr(reader, "train", train)
        monkeypatch.setattr(reader, "HELD_OUT", 1)  # of the two articles of _squad
        work = tmp_path / "work"
        work.mkdir()
        build_candidates(_squad(tmp_path), work / "candidates.jsonl", seed=1)
        argv = ["--work", str(work), "--precision", "fp32", "--split-seed", "3"]
        argv += ["--extra", str(self._extra(tmp_path)), "--extra-repeat", "2"]
        with pytest.raises(Trained) as trained:
            reader.main(argv)
        items = trained.value.args[0]
        extra = [i for i in items if i.article.startswith("extra-")]
        articles = {i.article for i in extra}
        assert len(articles) == 9 - 1  # one of nine held out (one in EXTRA_HELD_OUT)
        assert len(extra) == 2 * 2 * len(articles)  # two questions each, twice
        assert sum(not i.answers for i in extra) == len(extra) // 2
        assert any(c.span is not None for i in extra for c in i.cands)
        with pytest.raises(Trained) as trained:
            reader.main([*argv, "--no-extra-spans"])
        extra = [i for i in trained.value.args[0] if i.article.startswith("extra-")]
        assert extra and all(c.span is None for i in extra for c in i.cands)
        assert any(c.label == 1 for i in extra for c in i.cands)  # the verdicts stay
        squad = [i for i in trained.value.args[0] if not i.article.startswith("extra-")]
        assert any(c.span is not None for i in squad for c in i.cands)

    def test_a_models_extra_held_out_articles_are_read_from_either_record(self) -> None:
        """meta.json records one --extra file as an entry, several as a list; the gate
        (train.gate) reads the news file's held-out articles from either."""
        news = {"file": "news-train.json", "held_out_articles": ["extra-001_a"]}
        wiki = {"file": "wiki-train.json", "held_out_articles": ["extra2-004_b"]}
        assert extra_held_out({"extra": news}, "news-train.json") == {"extra-001_a"}
        assert extra_held_out({"extra": [news, wiki]}, "news-train.json") == {"extra-001_a"}
        assert extra_held_out({"extra": [news, wiki]}, "wiki-train.json") == {"extra2-004_b"}
        assert extra_held_out({"extra": None}, "news-train.json") == set()
        assert extra_held_out({}, "news-train.json") == set()

    def test_the_gate_is_fitted_on_the_extra_articles_no_model_trained_on(self) -> None:
        """train.gate asks the encyclopedia articles none of the reader's models trained on:
        all of them where none names the file, else those each one naming it was kept
        from, whatever prefix a run gave the file's ids."""
        from train.gate import unseen

        ids = ["wiki-001_a", "wiki-002_b", "wiki-003_c"]
        plain = {"data": {"held_out_articles": ["011_x"]}}
        assert unseen([plain, {}], "wiki-train.json", ids) == set(ids)
        one = {"extra": [{"file": "wiki-train.json", "held_out_articles": ["extra2-002_b"]}]}
        assert unseen([plain, one], "wiki-train.json", ids) == {"wiki-002_b"}
        other = {"extra": {"file": "wiki-train.json", "held_out_articles": ["extra-003_c"]}}
        assert unseen([one, other], "wiki-train.json", ids) == set()
        news = {"extra": {"file": "news-train.json", "held_out_articles": ["extra-001_a"]}}
        assert unseen([news], "wiki-train.json", ids) == set(ids)

    def test_meta_records_one_extra_file_as_one_entry_and_several_as_a_list(self) -> None:
        from train.reader import _recorded

        news = {"file": "news-train.json", "held_out_articles": ["extra-001_a"], "test": []}
        wiki = {"file": "wiki-train.json", "held_out_articles": ["extra2-004_b"], "test": []}
        assert _recorded([]) is None
        one = _recorded([news])
        assert isinstance(one, dict) and "test" not in one and one["file"] == "news-train.json"
        both = _recorded([news, wiki])
        assert isinstance(both, list) and [e["file"] for e in both] == [news["file"], wiki["file"]]
        assert extra_held_out({"extra": both}, "wiki-train.json") == {"extra2-004_b"}

    def test_each_extra_file_keeps_its_own_held_out_articles(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Two ``--extra`` files: each has one article in eight held out, drawn from its own
        articles, and the first keeps the ids, and so the held-out articles, it has alone."""
        from train import reader

        class Trained(Exception):
            pass

        def train(items: list[Item], work: Path, args: object) -> None:
            raise Trained(items)

        monkeypatch.setattr(reader, "train", train)
        monkeypatch.setattr(reader, "HELD_OUT", 1)
        first, second = tmp_path / "first", tmp_path / "second"
        first.mkdir()
        second.mkdir()
        news = self._extra(first)
        for work in (first, second):
            build_candidates(_squad(tmp_path), work / "candidates.jsonl", seed=1)
        argv = ["--precision", "fp32", "--split-seed", "3", "--extra-repeat", "1"]
        with pytest.raises(Trained) as alone:
            reader.main([*argv, "--work", str(first), "--extra", str(news)])
        with pytest.raises(Trained) as both:
            reader.main(
                [*argv, "--work", str(second), "--extra", str(news), str(self._extra(second))]
            )
        trained_alone = {i.article for i in alone.value.args[0] if i.article.startswith("extra-")}
        trained = {i.article for i in both.value.args[0]}
        assert trained_alone == {a for a in trained if a.startswith("extra-")}
        assert len(trained_alone) == 8
        assert len({a for a in trained if a.startswith("extra2-")}) == 8


def _fake_reader(
    monkeypatch: pytest.MonkeyPatch,
    is_first: Callable[[list[str]], bool],
    export: Callable[[Path, bool, list[str]], None],
) -> list[list[str]]:
    """Stands in for ``train.reader.main`` in a recipe's run: each command line is recorded
    (in the list returned) and its folders made; a first stage leaves candidates in its work
    folder, a later one must find them in its own (copied over), and ``export`` writes the
    stage's model into its ``--out`` folder. The gate's fit is stood in for too (it
    succeeds)."""
    ran: list[list[str]] = []

    def fake_main(argv: list[str]) -> int:
        ran.append(argv)
        work, out = Path(argv[argv.index("--work") + 1]), Path(argv[argv.index("--out") + 1])
        work.mkdir(parents=True, exist_ok=True)
        out.mkdir(parents=True, exist_ok=True)
        first = is_first(argv)
        if first:
            (work / "candidates.jsonl").write_text("{}\n", encoding="utf-8")
        else:
            assert (work / "candidates.jsonl").read_text(encoding="utf-8") == "{}\n"
        export(out, first, argv)
        return 0

    monkeypatch.setattr("train.reader.main", fake_main)
    # ``train.models`` ends by fitting the gate to the models made: none are real here.
    monkeypatch.setattr("train.gate.main", lambda argv: 0)
    return ran


class TestSpanRecipe:
    """``python -m train.spans``: a span reader, a whole reader started from it (shipped
    beside the reader as its marker), then the whole reader on the news written here too
    (shipped as its span model)."""

    def test_each_stage_starts_from_the_one_before(self, tmp_path: Path) -> None:
        from train.spans import NEWS, stages

        first, second, third = stages(Path("squad.json"), tmp_path)
        assert "--span-only" in first and "--span-only" not in second + third
        spans = first[first.index("--out") + 1]
        assert second[second.index("--init") + 1] == str(Path(spans) / "spans.onnx")
        whole = second[second.index("--out") + 1]
        assert third[third.index("--init") + 1] == str(Path(whole) / "model.onnx")
        works = {argv[argv.index("--work") + 1] for argv in (first, second, third)}
        assert len(works) == 3
        for argv in (first, second, third):
            assert argv[argv.index("--layers") + 1] == "6"
        # Only the last reads the news, for its verdicts and not its spans.
        assert "--extra" not in first + second
        assert third[third.index("--extra") + 1] == str(NEWS) and NEWS.is_file()
        assert "--no-extra-spans" in third and float(third[third.index("--reword-share") + 1])

    def test_a_rerun_skips_what_is_exported_and_ships_the_marker_and_the_span_model(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from train import spans

        def export(out: Path, first: bool, argv: list[str]) -> None:
            if first:
                (out / "spans.onnx").write_bytes(b"span reader")
                (out / "spans.json").write_text("{}", encoding="utf-8")
            else:
                made = "news" if "--extra" in argv else "whole"
                (out / "model.onnx").write_bytes(f"{made} reader".encode())
                (out / "meta.json").write_text(json.dumps({"made": made}), encoding="utf-8")

        ran = _fake_reader(monkeypatch, lambda argv: "--span-only" in argv, export)
        work, out = tmp_path / "work", tmp_path / "out"
        assert spans.main(["--work", str(work), "--out", str(out)]) == 0
        assert [("--span-only" in argv, "--extra" in argv) for argv in ran] == [
            (True, False),
            (False, False),
            (False, True),
        ]
        assert (out / "spans.onnx").read_bytes() == b"news reader"
        assert (out / "marks.onnx").read_bytes() == b"whole reader"
        shipped = json.loads((out / "spans.json").read_text(encoding="utf-8"))
        assert shipped == {"made": "news", "made_by": spans.MADE_BY}
        marker = json.loads((out / "marks.json").read_text(encoding="utf-8"))
        assert marker == {"made": "whole", "made_by": spans.MARKS_MADE_BY}
        assert not (out / "model.onnx").exists()
        ran.clear()
        assert spans.main(["--work", str(work), "--out", str(out)]) == 0
        assert ["--extra" in argv for argv in ran] == [True]

    def test_a_failing_stage_stops_the_recipe(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from train import spans

        ran: list[list[str]] = []

        def failing_second(argv: list[str]) -> int:
            ran.append(argv)
            out = Path(argv[argv.index("--out") + 1])
            out.mkdir(parents=True, exist_ok=True)
            return 0 if "--span-only" in argv else 5

        monkeypatch.setattr("train.reader.main", failing_second)
        out = tmp_path / "out"
        assert spans.main(["--work", str(tmp_path / "work"), "--out", str(out)]) == 5
        assert len(ran) == 2 and not out.exists()


class TestShippedRecipe:
    """``python -m train.shipped``: a reader from MiniLM, then the same reader a further
    epoch on reworded questions, shipped as the reader."""

    def test_the_reworded_stage_starts_from_the_first_reader(self, tmp_path: Path) -> None:
        from train.shipped import stages

        first, second = stages(Path("squad.json"), tmp_path)
        assert "--init" not in first and "--reword-share" not in first
        assert second[second.index("--init") + 1] == first[first.index("--out") + 1]
        assert float(second[second.index("--reword-share") + 1]) > 0
        assert first[first.index("--work") + 1] != second[second.index("--work") + 1]
        for argv in (first, second):
            assert argv[argv.index("--hard-epochs") + 1] == "0"

    def test_a_rerun_skips_the_first_reader_and_ships_the_reworded_one(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from train import shipped

        def export(out: Path, first: bool, argv: list[str]) -> None:
            (out / "model.onnx").write_bytes(b"first reader" if first else b"reworded reader")
            (out / "meta.json").write_text(json.dumps({"init": "--init" in argv}), "utf-8")

        ran = _fake_reader(monkeypatch, lambda argv: "--init" not in argv, export)
        work, out = tmp_path / "work", tmp_path / "out"
        out.mkdir()
        (out / "spans.onnx").write_bytes(b"span model")
        assert shipped.main(["--work", str(work), "--out", str(out)]) == 0
        assert ["--init" in argv for argv in ran] == [False, True]
        assert (out / "model.onnx").read_bytes() == b"reworded reader"
        assert json.loads((out / "meta.json").read_text(encoding="utf-8")) == {"init": True}
        assert (out / "spans.onnx").read_bytes() == b"span model"  # left as it is
        ran.clear()
        assert shipped.main(["--work", str(work), "--out", str(out)]) == 0
        assert ["--init" in argv for argv in ran] == [True]


class TestBothModels:
    """``python -m train.models``: the reader's recipe, then the span model's, into one
    folder."""

    def test_both_recipes_run_in_turn_and_ship_into_one_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from train import models

        def export(out: Path, first: bool, argv: list[str]) -> None:
            made = "spans" if "--layers" in argv else "reader"
            made += " news" if "--extra" in argv else ""
            (out / "model.onnx").write_bytes(f"{made} {first}".encode())
            (out / "meta.json").write_text("{}", encoding="utf-8")
            if first and made == "spans":  # the span reader is exported under its own name
                (out / "spans.onnx").write_bytes(b"span reader")
                (out / "spans.json").write_text("{}", encoding="utf-8")

        ran = _fake_reader(monkeypatch, lambda argv: "--init" not in argv, export)
        gated: list[list[str]] = []
        monkeypatch.setattr("train.gate.main", lambda argv: gated.append(argv) or 0)
        work, out = tmp_path / "work", tmp_path / "out"
        assert models.main(["--work", str(work), "--out", str(out)]) == 0
        # Then the gate, fitted to the models just made.
        assert gated == [["--reader", str(out.resolve()), "--work", str(work / "gate")]]
        works = [Path(argv[argv.index("--work") + 1]).parent for argv in ran]
        assert works == [work / "reader"] * 2 + [work / "spans"] * 3
        assert ["--span-only" in argv for argv in ran] == [False, False, True, False, False]
        assert (out / "model.onnx").read_bytes() == b"reader False"
        assert (out / "spans.onnx").read_bytes() == b"spans news False"
        assert (out / "marks.onnx").read_bytes() == b"spans False"
        ran.clear()
        assert models.main(["--work", str(work), "--out", str(out)]) == 0
        assert ["--init" in argv for argv in ran] == [True, True]  # the first stages are done

    def test_a_failing_recipe_stops_it_with_its_status(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from train import models

        ran: list[list[str]] = []

        def failing(argv: list[str]) -> int:
            ran.append(argv)
            return 3

        monkeypatch.setattr("train.reader.main", failing)
        monkeypatch.setattr("train.gate.main", lambda argv: ran.append(argv) or 0)
        assert models.main(["--work", str(tmp_path), "--out", str(tmp_path / "out")]) == 3
        assert len(ran) == 1  # neither the span recipe nor the gate started


class TestReworded:
    """Questions trained on in other words than their answer sentence's (--reword-share)."""

    QUESTION = "Who captured the Ludendorff Bridge in 1945?"
    TEXT = "who captured the ludendorff bridge in 1945"
    SENTENCE = "The Ludendorff Bridge was captured in 1945 by the 9th Armored Division."

    @staticmethod
    def _synonyms(table: dict[str, list[str]]) -> Callable[[str], list[str]]:
        return lambda word: table.get(word, [])

    def test_a_shared_word_is_swapped_and_names_and_figures_stay(self) -> None:
        """Only "captured" is shared and not a name or a figure; a synonym the sentence
        holds a form of ("capture") is never taken."""
        from train.reader import reworded

        synonyms = self._synonyms({"captured": ["capture", "seize"]})
        seen = {
            reworded(self.QUESTION, self.TEXT, self.SENTENCE, random.Random(n), synonyms)
            for n in range(40)
        }
        assert seen == {None, "who seize the ludendorff bridge in 1945"}

    def test_a_word_without_a_synonym_is_left_out_unless_nothing_is_left(self) -> None:
        from train.reader import reworded

        none = self._synonyms({})
        seen = {
            reworded(
                "How many people live in Cologne?",
                "how many people live in cologne",
                "About one million people live in Cologne.",
                random.Random(n),
                none,
            )
            for n in range(40)
        }
        assert seen == {
            None,
            "how many live in cologne",
            "how many people in cologne",
            "how many in cologne",
        }
        alone = {
            reworded("When was it finished?", "when was it finished", "It was finished.", r, none)
            for r in map(random.Random, range(20))
        }
        assert alone == {None}  # only question words would be left

    def test_a_reworded_question_is_read_against_all_of_its_candidates(self) -> None:
        cands = [Cand(self.SENTENCE, None, "Rhine", 1, (4, 22), 0)]
        cands += [Cand(f"other {i}", None, "Rhine", 0, None, i + 1) for i in range(3)]
        item = Item("q", "rhine", self.QUESTION, self.TEXT, self.TEXT, ["9th"], cands)
        synonyms = self._synonyms({"captured": ["seize"]})
        groups = [
            _groups([item], random.Random(n), 0.0, 3, reword_share=1.0, synonyms=synonyms)[0]
            for n in range(20)
        ]
        questions = [{q for q, _, _, _ in g} for g in groups]
        assert all(len(qs) == 1 for qs in questions)
        assert {"who seize the ludendorff bridge in 1945"} in questions
        plain = _groups([item], random.Random(1), 0.0, 3, reword_share=0.0, synonyms=synonyms)
        assert {q for q, _, _, _ in plain[0]} == {self.TEXT}


class TestContrasted:
    """Questions made to ask what their answer sentence does not state (--contrast-share)."""

    SENTENCE = "In 1985 Greenland signed a treaty naming three sources of primary law."

    @staticmethod
    def _passage(sentence: str) -> Passage:
        return Passage(sentence, None, "European Union law")

    def _made(self, question: str, sentence: str, table: dict[str, list[str]]) -> set[str | None]:
        from train.reader import contrasted

        text = " ".join(re.findall(r"\w+", question.lower()))
        return {
            contrasted(
                question, text, self._passage(sentence), random.Random(n), self._opposites(table)
            )
            for n in range(60)
        }

    @staticmethod
    def _opposites(table: dict[str, list[str]]) -> Callable[[str], list[str]]:
        return lambda word: table.get(word, [])

    def test_a_figure_is_put_otherwise_and_names_stay(self) -> None:
        """ "three" becomes another number word, "1985" another year near it; "Greenland"
        (a name) and "treaty" (no opposite) stay, as the question's other words."""
        made = self._made(
            "Which country signed in 1985 a treaty of three sources?", self.SENTENCE, {}
        )
        assert None not in made and len(made) > 5
        for question in made:
            assert question is not None
            changed = [
                (a, b)
                for a, b in zip(
                    "which country signed in 1985 a treaty of three sources".split(),
                    question.split(),
                    strict=True,
                )
                if a != b
            ]
            assert len(changed) == 1
            old, new = changed[0]
            assert old in {"1985", "three"} and new not in self.SENTENCE.lower()
            if old == "1985":
                assert new.isdigit() and 1 <= abs(int(new) - 1985) <= 10

    def test_a_word_becomes_its_opposite_unless_the_sentence_holds_it(self) -> None:
        table = {"primary": ["secondary"], "signed": ["unsigned"]}
        made = self._made("What is the primary law?", self.SENTENCE, table)
        assert made == {"what is the secondary law"}
        said = self.SENTENCE.replace("three", "secondary and three")
        assert self._made("What is the primary law?", said, table) == {None}

    def test_nothing_shared_nothing_made(self) -> None:
        assert self._made("Who wrote it?", self.SENTENCE, {"wrote": ["erased"]}) == {None}

    def test_each_answerable_question_may_add_a_group_of_its_own_a_negative(self) -> None:
        cands = [Cand(self.SENTENCE, None, "European Union law", 1, (22, 31), 0)]
        cands += [Cand(f"other {i}", None, "European Union law", 0, None, i + 1) for i in range(3)]
        text = "who signed the treaty in 1985"
        item = Item("q", "eu", "Who signed the treaty in 1985?", text, text, ["Greenland"], cands)
        unanswerable = Item(
            "u", "eu", "Who wrote it?", "who wrote it", "who wrote it", [], cands[1:]
        )
        opposites = self._opposites({})
        groups = _groups(
            [item, unanswerable], random.Random(3), 0.0, 3, contrast_share=1.0, antonyms=opposites
        )
        assert len(groups) == 3
        (alone,) = [g for g in groups if len(g) == 1]
        question, passage, label, span = alone[0]
        assert label == 0 and span is None and passage.sentence == self.SENTENCE
        assert question.startswith("who signed the treaty in ") and question != text
        assert len(_groups([item, unanswerable], random.Random(3), 0.0, 3)) == 2


def _wordnet(
    folder: Path,
    parts: dict[str, tuple[list[list[str]], dict[str, list[int]]]],
    opposites: dict[str, list[tuple[int, int, int, int]]] | None = None,
) -> Path:
    """A WordNet database in its own file layout (index.<part>, data.<part>, <part>.exc),
    holding the given senses: per part, its synsets' words and each word's senses; and per
    part, antonym pointers (synset, its word, other synset, its word; words from 1, 0 for
    the whole synset)."""
    from train.wordnet import PARTS

    folder.mkdir()
    for part in PARTS:
        synsets, index = parts.get(part, ([], {}))
        pointers: dict[int, list[tuple[int, int, int]]] = {}
        for one, word, other, theirs in (opposites or {}).get(part, []):
            pointers.setdefault(one, []).append((other, word, theirs))
        head = "  1 This software and database is being provided\n"

        offsets = [0] * len(synsets)  # every offset is written in 8 digits: lengths hold
        at = len(head.encode("latin-1"))
        for n, line in enumerate(_synset_lines(part, synsets, pointers, offsets)):
            offsets[n] = at
            at += len(line.encode("latin-1"))
        data = head + "".join(_synset_lines(part, synsets, pointers, offsets))
        (folder / f"data.{part}").write_text(data, encoding="latin-1")
        rows = ["  1 This software and database is being provided"]
        for lemma, senses in sorted(index.items()):
            found = " ".join(f"{offsets[s]:08d}" for s in senses)
            rows.append(f"{lemma} {part[0]} {len(senses)} 1 @ {len(senses)} 0 {found}")
        (folder / f"index.{part}").write_text("\n".join(rows) + "\n", encoding="latin-1")
    (folder / "noun.exc").write_text("geese goose\n", encoding="latin-1")
    return folder


def _synset_lines(
    part: str,
    synsets: list[list[str]],
    pointers: dict[int, list[tuple[int, int, int]]],
    offsets: list[int],
) -> list[str]:
    """data.<part>'s lines for these synsets at these offsets, with their antonym pointers
    (other synset, this one's word, the other's word)."""
    out = []
    for n, words in enumerate(synsets):
        listed = " ".join(f"{w} 0" for w in words)
        ptrs = [f"! {offsets[o]:08d} {part[0]} {w:02x}{t:02x}" for o, w, t in pointers.get(n, [])]
        out.append(
            f"{offsets[n]:08d} 29 {part[0]} {len(words):02x} {listed} "
            f"{len(ptrs):03d}{''.join(' ' + x for x in ptrs)} | a gloss\n"
        )
    return out


class TestWordNet:
    def test_synonyms_come_from_a_words_commonest_senses_in_its_base_form(
        self, tmp_path: Path
    ) -> None:
        from train.wordnet import WordNet

        folder = _wordnet(
            tmp_path / "wn",
            {
                "verb": (
                    [["capture", "seize"], ["capture", "enamour"]],
                    {"capture": [0, 1], "seize": [0]},
                ),
                "noun": (
                    [["goose", "fathead"], ["species"], ["specie", "coin"], ["host", "emcee"]],
                    {"goose": [0], "species": [1], "specie": [2], "host": [3]},
                ),
            },
        )
        wordnet = WordNet(folder)
        assert wordnet.base_forms("captured") == [("verb", "capture")]
        assert wordnet.synonyms("captured") == ["seize"]
        assert wordnet.synonyms("captured", senses=2) == ["seize", "enamour"]
        assert wordnet.synonyms("geese") == ["fathead"]  # an exception's base form
        assert wordnet.synonyms("hosts") == ["emcee"]
        # A word WordNet holds as it is is not taken for another's inflection.
        assert wordnet.base_forms("species") == [("noun", "species")]
        assert wordnet.synonyms("unknown") == []

    def test_antonyms_are_a_words_own_opposites_never_its_synonyms(self, tmp_path: Path) -> None:
        """An antonym pointer between two words leads from that word only ("deep" to
        "shallow", not "abysmal" to it); one between whole synsets from each of its words;
        a word that is also a synonym of the word in another sense is no opposite."""
        from train.wordnet import WordNet

        folder = _wordnet(
            tmp_path / "wn",
            {
                "adj": (
                    [["deep", "abysmal"], ["shallow"], ["primary", "main"], ["secondary"]],
                    {"deep": [0], "abysmal": [0], "shallow": [1], "primary": [2], "main": [2]},
                ),
                "verb": (
                    [["include"], ["exclude", "include"]],
                    {"include": [0, 1], "exclude": [1]},
                ),
            },
            {"adj": [(0, 1, 1, 1), (2, 0, 3, 0)], "verb": [(0, 1, 1, 1)]},
        )
        wordnet = WordNet(folder)
        assert wordnet.antonyms("deep") == ["shallow"]
        assert wordnet.antonyms("abysmal") == []
        assert wordnet.antonyms("main") == ["secondary"]
        assert wordnet.antonyms("includes") == []  # "exclude" is also one of its senses
        assert wordnet.synonyms("deep") == ["abysmal"]  # pointers leave synonyms as they were

    def test_without_the_database_it_says_how_to_get_it(self, tmp_path: Path) -> None:
        from train.wordnet import WordNet, WordNetMissing

        with pytest.raises(WordNetMissing, match="apt-get install wordnet-base"):
            WordNet(tmp_path)


class TestGateRows:
    """``python -m train.gate``'s rows: each answer the engine gives, labelled right or
    wrong, to questions as asked, with their answers hidden from the rank, and contrasted."""

    def test_questions_carry_their_answer_passage(self, tmp_path: Path) -> None:
        data = json.loads(_squad(tmp_path).read_text(encoding="utf-8"))
        data["data"][1]["paragraphs"][0]["qas"].append(
            {
                "id": "c2",
                "question": "How deep is the Rhine at Cologne?",
                "answers": [],
                "is_impossible": True,
            }
        )
        articles, _ = squad_articles(data)
        cologne = next(a.id for a in articles if a.title == "Cologne")
        asked = held_out_questions(data, "", {cologne})
        assert [a.case.question for a in asked] == [
            "How many people live in Cologne?",
            "How deep is the Rhine at Cologne?",
        ]
        first, second = asked
        assert first.case.answerable and first.case.expect == ("one million",)
        assert first.passage is not None
        assert first.passage.sentence == "About one million people live in Cologne."
        assert first.passage.prev == "Cologne is the largest city on the Rhine in Germany."
        assert first.passage.title == "Cologne" and first.case.article == cologne
        assert not second.case.answerable and second.passage is None

    def test_each_answer_given_is_a_labelled_row(self) -> None:
        from bot.runtime.process import embedder as load_embedder
        from bot.runtime.process import reader as load_reader

        articles = load_corpus(SEEDS).articles
        engine = Hiding.from_articles(
            articles, embedder=load_embedder("minilm", 1), reader=load_reader("default", 1)
        )
        sentence = (
            "From January 20th to February 28th, JD supplied 220 million food items weighing "
            "290,000 tons."
        )
        article = next(a for a in articles if any(sentence in p.text for p in a.paragraphs))
        case = Case("How many food items did JD supply?", ("220 million",), article.id)
        asked = Asked(article.id, case, Passage(sentence, None, article.title))
        engine.hidden = holding(case, engine)
        query = engine._parse(case.question)
        assert engine.rank(query) and all(
            "220 million" not in c.sentence.text for c in engine.rank(query)
        )
        engine.hidden = None
        rows = gate_collect(
            engine, [asked], "t", [], antonyms=lambda w: ["drink"] if w == "food" else []
        )
        assert len(rows.rows) == len(rows.labels) == len(rows.sets)
        got = dict(zip(rows.sets, rows.labels, strict=True))
        assert got["t"] == 1  # answered right as asked
        assert got.get("t-contrasted", 0) == 0  # "how many drink items": never right
        assert all(r.shape == (len(GATE_FEATURES),) for r in rows.rows)
        assert engine.hidden is None and engine.gate_seen is None


class TestParagraphReader:
    """``python -m train.paragraphs``: each question with its whole paragraph, the answer's
    first and last tokens as targets, and another paragraph of its article with none."""

    @staticmethod
    def _data(tmp_path: Path) -> dict[str, Any]:
        data = json.loads(_squad(tmp_path).read_text(encoding="utf-8"))
        bridges = data["data"][0]["paragraphs"]
        bridges.append({"context": "Remagen is a town. It has a museum on the bridge.", "qas": []})
        bridges.append({"context": "The Rhine flows north. Barges carry coal.", "qas": []})
        return dict(data)

    def test_each_question_keeps_its_answer_and_held_articles_are_left_out(
        self, tmp_path: Path
    ) -> None:
        from train.paragraphs import examples

        data = self._data(tmp_path)
        articles, exs = examples(data, set())
        texts = {a.id: a for a in articles}
        assert len(exs) == 2
        for ex in exs:
            text = texts[ex.aid].paragraph(ex.para).text
            assert ex.span is not None
            assert text[ex.span[0] : ex.span[1]] in ("9th Armored Division", "one million")
        cologne = next(a.id for a in articles if "cologne" in a.id)
        assert [ex.aid for ex in examples(data, {cologne})[1]] == [exs[0].aid]

    def test_targets_point_at_the_answers_tokens_or_at_cls(self, tmp_path: Path) -> None:
        import random

        from bot.core.read import Tokens
        from train.paragraphs import Example, encoded, examples, other_paragraph

        articles, exs = examples(self._data(tmp_path), set())
        by_id = {a.id: a for a in articles}
        tokens = Tokens()
        bridge = next(ex for ex in exs if ex.question.startswith("Who captured"))
        enc, n, start, end = encoded(tokens, by_id, bridge)
        text = " ".join(by_id[bridge.aid].paragraph(bridge.para).sentences)
        first, last = enc.offsets[start - enc.first], enc.offsets[end - enc.first]
        assert text[first[0] : last[1]] == "9th Armored Division"
        assert enc.first < start <= end < enc.first + n
        # The other paragraph sharing most of the question's words ("bridge"), no answer.
        other = other_paragraph(by_id, bridge, random.Random(0))
        assert other == 2
        _, _, start, end = encoded(
            tokens, by_id, Example(bridge.question, bridge.aid, other, None)
        )
        assert (start, end) == (0, 0)

    def test_a_contrasted_question_is_read_in_its_own_paragraph_as_holding_none(
        self, tmp_path: Path
    ) -> None:
        import random

        from train.paragraphs import contrasted_example, examples

        articles, exs = examples(self._data(tmp_path), set())
        by_id = {a.id: a for a in articles}
        bridge = next(ex for ex in exs if ex.question.startswith("Who captured"))
        opposites = {"captured": ["freed"]}
        made = contrasted_example(by_id, bridge, random.Random(0), lambda w: opposites.get(w, []))
        assert made is not None
        assert made.question == "who freed the bridge"
        assert (made.aid, made.para, made.span) == (bridge.aid, bridge.para, None)
        # A word the paragraph holds anyway is never put in: nothing to ask otherwise.
        held = {"captured": ["crossed"]}
        assert (
            contrasted_example(by_id, bridge, random.Random(0), lambda w: held.get(w, [])) is None
        )
