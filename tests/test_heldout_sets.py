"""The held-out unanswerable sets ``bench.heldout --unanswerable [b]`` asks: about the four
training articles the shipped reader never saw, each question once, the controls' answers
in the very article they name."""

from __future__ import annotations

import json

import pytest

from bench.heldout import DATA, UNANSWERABLE
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
