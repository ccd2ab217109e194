"""``python -m bench.blind``: questions written blind, asked of their articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.blind import Asked, main, opening, summary


def test_a_question_opens_with_its_first_two_words() -> None:
    assert opening("How wide is the Ormaz Fault?") == "how wide"
    assert opening("Who paid for the statue?") == "who paid"


def test_the_summary_counts_answers_refusals_and_guesses_by_opening() -> None:
    results = [
        Asked("How long is the river?", True, True, True, "It is 1,146 km long."),
        Asked("Who built the bridge?", True, False, False, "I don't know."),
        Asked("How wide is the river?", False, True, False, "It is 1,146 km long."),
        Asked("How wide is the lake?", False, False, True, "don't give the width"),
        Asked("Who paid for the statue?", False, True, False, "A statue by Brannock."),
    ]
    lines = summary(results, 5)
    assert lines[0] == "answerable right 1/2, refused 1"
    assert lines[1] == "unanswerable refused 1/3"
    assert "  'how wide': 1 of 2 answered" in lines
    assert "  'who paid': 1 of 1 answered" in lines


def test_the_articles_are_asked_what_they_answer_and_what_they_do_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = (
        "The Temmerin River is a river in western Varnholt. It flows for 1,146 kilometres "
        "from the Orlen Hills to the Gulf of Sarrow. The river is 30 metres long at its "
        "narrowest gorge, where a ferry crosses it."
    )
    start = context.index("1,146 kilometres")
    data = {
        "version": "test",
        "data": [
            {
                "title": "Temmerin River",
                "paragraphs": [
                    {
                        "context": context,
                        "qas": [
                            {
                                "id": "q1",
                                "question": "How long is the Temmerin River?",
                                "answers": [{"text": "1,146 kilometres", "answer_start": start}],
                                "is_impossible": False,
                            },
                            {
                                "id": "u1",
                                "question": "Who paid for the ferry at the narrowest gorge?",
                                "answers": [],
                                "is_impossible": True,
                            },
                        ],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "blind-test.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    dumped = tmp_path / "dump.json"
    assert main(["--file", str(path), "--dump", str(dumped)]) == 0
    out = capsys.readouterr().out
    assert "1 articles none of the reader's models trained on" in out
    assert "answerable right 1/1, refused 0" in out
    assert "unanswerable refused 1/1" in out
    rows = json.loads(dumped.read_text(encoding="utf-8"))
    assert [r["right"] for r in rows] == [True, True]
    # with typos, the questions are asked as mistyped
    assert main(["--file", str(path), "--typos", "1", "--seed", "3", "--dump", str(dumped)]) == 0
    typed = [r["question"] for r in json.loads(dumped.read_text(encoding="utf-8"))]
    assert typed != [r["question"] for r in rows] and len(typed) == 2
