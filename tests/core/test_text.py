"""Tokens, stems, sentences and typo budgets."""

from __future__ import annotations

import pytest

from bot.core.text import split_sentences, terms, typo_budget, words


class TestWords:
    def test_numbers_lose_separators_and_possessives_drop(self) -> None:
        assert words("JD supplied 290,000 tons; China’s economy") == [
            "jd",
            "supplied",
            "290000",
            "tons",
            "china",
            "economy",
        ]

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
