"""Tokens, stems, sentences and typo budgets."""

from __future__ import annotations

import pytest

from bot.core.text import (
    dateline,
    dateline_place,
    is_dateline,
    split_sentences,
    terms,
    typo_budget,
    words,
)


class TestWords:
    def test_words_are_runs_of_letters_and_digits(self) -> None:
        """The index's tokenizer: separators split numbers and possessives, whose "s" is a
        stop word, so questions and sentences meet on the same terms."""
        assert words("JD supplied 290,000 tons; China’s C2M economy") == [
            "jd",
            "supplied",
            "290",
            "000",
            "tons",
            "china",
            "s",
            "c2m",
            "economy",
        ]
        assert terms("China’s economy") == ["china", "economi"]

    def test_accents_fold(self) -> None:
        assert words("Hervé") == ["herve"]

    def test_terms_drop_stop_words_and_stem(self) -> None:
        assert terms("What are the delivery robots?") == ["deliveri", "robot"]


class TestSentences:
    def test_abbreviations_and_initials_do_not_split(self) -> None:
        text = "Dr. Smith met J. R. Jones in the U.S. yesterday. They talked."
        assert split_sentences(text) == [
            "Dr. Smith met J. R. Jones in the U.S. yesterday.",
            "They talked.",
        ]

    def test_reference_marks_stay_with_their_sentence(self) -> None:
        text = "It is long.[note 2] It is wide."
        assert split_sentences(text) == ["It is long.[note 2]", "It is wide."]


@pytest.mark.parametrize(
    ("word", "budget"), [("jd", 0), ("rhine", 1), ("boutrup", 1), ("computational", 2)]
)
def test_typo_budget_grows_with_length(word: str, budget: int) -> None:
    assert typo_budget(word) == budget


@pytest.mark.parametrize(
    ("paragraph", "opening", "place"),
    [
        ("HARBOUR TOWN — The council voted 7 to 2.", "HARBOUR TOWN —", "Harbour Town"),
        ("BEIJING, Oct. 3 (Reuters) - China said so.", "BEIJING, Oct. 3 (Reuters) -", "Beijing"),
        ("SAN FRANCISCO, Calif. — A judge ruled.", "SAN FRANCISCO, Calif. —", "San Francisco"),
        ("WASHINGTON (AP) — The Senate passed it.", "WASHINGTON (AP) —", "Washington"),
        ("The Rhine — a river — flows north.", None, None),  # no capitals
        ("JD participated in an event.", None, None),
        ("US — the rest", None, None),  # two letters: too short to be a place
        ("A CORUÑA, Spain — Storm Odile hit.", "A CORUÑA, Spain —", "A Coruña"),
        ("ŁÓDŹ — The mayor resigned.", "ŁÓDŹ —", "Łódź"),
        ("A man — tall — walked in.", None, None),
    ],
)
def test_a_news_dateline_is_found(paragraph: str, opening: str | None, place: str | None) -> None:
    assert dateline(paragraph) == opening
    assert dateline_place(paragraph) == place
    if opening is not None:
        assert is_dateline(opening) and not is_dateline(paragraph)
