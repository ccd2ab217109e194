"""The held-out unanswerable sets ``bench.heldout --unanswerable [b]`` asks: about the four
training articles the shipped reader never saw, each question once, the controls' answers
in the very article they name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import dump, heldout
from bench.heldout import DATA, UNANSWERABLE
from bot.core.answer import Answer
from bot.core.evaluate import load_cases
from bot.core.read import reader_files
from train.reader import squad_articles


@pytest.fixture(scope="module")
def held_out_texts() -> dict[str, str]:
    files = reader_files("default")
    assert files is not None
    held = set(files.meta["data"]["held_out_articles"])
    articles, _ = squad_articles(json.loads(DATA.read_text(encoding="utf-8")))
    return {
        a.id: " ".join((a.title, *(p.text for p in a.paragraphs)))
        for a in articles
        if a.id in held
    }


@pytest.mark.parametrize("name", sorted(UNANSWERABLE))
def test_a_set_asks_sixty_unanswerable_questions_and_twenty_controls(
    name: str, held_out_texts: dict[str, str]
) -> None:
    cases = load_cases(UNANSWERABLE[name])
    controls = [c for c in cases if c.answerable]
    assert len(cases) - len(controls) == 60 and len(controls) == 20
    for case in controls:
        assert case.article in held_out_texts, case.question
        assert any(e in held_out_texts[case.article] for e in case.expect), case.question


def test_no_question_is_asked_twice() -> None:
    asked = [c.question.casefold() for path in UNANSWERABLE.values() for c in load_cases(path)]
    assert len(asked) == len(set(asked))


def test_a_span_model_kept_from_other_articles_is_not_measured(tmp_path: Path) -> None:
    """A span model trained on from another seed saw some of the reader's held-out
    articles: bench.heldout says so instead of scoring its marks as unseen."""
    files = reader_files("default")
    assert files is not None
    (tmp_path / "model.onnx").symlink_to(files.onnx.resolve())
    (tmp_path / "meta.json").write_text(json.dumps(files.meta), encoding="utf-8")
    (tmp_path / "spans.onnx").write_bytes(b"not read")
    other = {"data": {"held_out_articles": ["019_immune_system", "023_jacksonville_florida"]}}
    (tmp_path / "spans.json").write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(SystemExit, match="kept from other articles than the reader"):
        heldout.main(["--reader", str(tmp_path)])


def test_a_dump_gives_each_question_one_line_with_its_verdict(tmp_path: Path) -> None:
    """``--dump`` writes a verdict, the question and the reply's start per question, on one
    line each whatever newlines or tabs they hold, so two runs compare with diff."""
    path = tmp_path / "verdicts.txt"
    answered = Answer("who is\nthe CEO?", True, "Lei Xu\tis " + "CEO " * 100)
    refused = Answer("what is the price?", False, "The articles don't give it.")
    with dump.opened(path) as out:
        assert out is not None
        dump.write(out, answered, True)
        dump.write(out, answered, False)
        dump.write(out, refused, False)
    rows = [line.split("\t") for line in path.read_text("utf-8").splitlines()]
    assert [row[0] for row in rows] == ["right", "wrong", "refused"]
    assert all(len(row) == 3 for row in rows)
    assert rows[0][1] == "who is the CEO?"
    assert rows[0][2].startswith("Lei Xu is CEO") and len(rows[0][2]) == dump.REPLY_CHARS
    with dump.opened(None) as nothing:
        assert nothing is None
        dump.write(nothing, answered, True)  # no dump asked for: nothing written, no error


def test_the_large_news_set_is_whole() -> None:
    """bench/news5: every article loads with its title, and every answerable question's
    words are in a paragraph of the article it names (nearly always in one sentence: a
    quotation may run over two); about a third of the questions are unanswerable."""
    from bot.core.corpus import load_corpus

    root = Path(__file__).resolve().parents[1] / "bench"
    loaded = load_corpus(root / "news5")
    assert not loaded.warnings and len(loaded.articles) == 64
    articles = {a.id: a for a in loaded.articles}
    cases = load_cases(root / "news5-questions.yaml")
    answerable = [c for c in cases if c.answerable]
    assert len(answerable) == 768 and len(cases) - len(answerable) == 320
    within = 0
    for case in answerable:
        assert case.article in articles, case.question
        (words,) = case.expect
        paragraphs = articles[case.article].paragraphs
        assert any(words in p.text for p in paragraphs), (case.question, words)
        within += any(words in s for p in paragraphs for s in p.sentences)
    assert within >= 0.97 * len(answerable)
