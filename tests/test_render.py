"""Rendering: escaping and splitting for Telegram, plain text for the console."""

from __future__ import annotations

import re

from bot.core.answer import Engine
from bot.render import answer_html, answer_text, esc, split_html


def test_html_escapes_user_and_article_text() -> None:
    assert esc("<b>x</b> & <script>") == "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;"


def test_answer_html_has_citation(seed_engine: Engine) -> None:
    html = answer_html(seed_engine.ask("what did JD Health do during the epidemic"))
    assert "10 million" in html and "paragraph 4" in html and "Ella Kidron" in html


def test_console_answer_has_citation(seed_engine: Engine) -> None:
    text = answer_text(seed_engine.ask("nordic region countries"))
    assert "Norway" in text and "paragraph 1" in text


class TestSplit:
    def test_short_text_is_one_chunk(self) -> None:
        assert split_html("hello") == ["hello"]

    def test_long_text_splits_below_limit_at_boundaries(self) -> None:
        text = "\n\n".join(f"<b>Part {i}</b> " + "Sentence &amp; more. " * 40 for i in range(20))
        chunks = split_html(text)
        assert len(chunks) > 1 and all(len(c) <= 4096 for c in chunks)
        for chunk in chunks:
            assert not re.search(r"&[#\w]*$", chunk)  # no entity cut in half
            assert chunk.count("<b>") == chunk.count("</b>")

    def test_open_tag_is_closed_and_reopened(self) -> None:
        text = "<i>" + "word " * 2000 + "</i>"
        chunks = split_html(text, limit=1000)
        assert all(c.startswith("<i>") and c.endswith("</i>") for c in chunks)
        assert "".join(re.sub(r"</?i>", "", c) + " " for c in chunks).split() == ["word"] * 2000

    def test_text_without_spaces_still_splits(self) -> None:
        chunks = split_html("x" * 10000)
        assert all(len(c) <= 4096 for c in chunks) and "".join(chunks) == "x" * 10000
