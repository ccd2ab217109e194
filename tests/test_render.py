"""Rendering: escaping and splitting for Telegram, plain text for the console."""

from __future__ import annotations

import dataclasses
import re

import pytest

from bot.core.answer import Answer, Citation, Engine
from bot.runtime.render import answer_html, answer_text, esc, split_html


def test_html_escapes_user_and_article_text() -> None:
    assert esc("<b>x</b> & <script>") == "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;"


def test_answer_html_has_citation(seed_engine: Engine) -> None:
    html = answer_html(seed_engine.ask("what did JD Health do during the epidemic"))
    assert "10 million" in html and "paragraph 4" in html and "Ella Kidron" in html


def test_console_answer_has_citation(seed_engine: Engine) -> None:
    text = answer_text(seed_engine.ask("nordic region countries"))
    assert "Norway" in text and "paragraph 1" in text


class TestMarkedWords:
    """The words the reader marked are set in bold, escaped like the rest."""

    def _answer(self) -> Answer:
        text = "Ships <and> boats: Da Bai & co delivered them."
        quote = Citation("a", "T", None, None, None, 1, text)
        return Answer("who?", True, text, (quote,), span=(19, 30), quote_span=(19, 30))

    def test_html_bolds_the_span_and_escapes_around_it(self) -> None:
        html = answer_html(self._answer())
        assert html.startswith("Ships &lt;and&gt; boats: <b>Da Bai &amp; co</b> delivered")
        assert well_formed(html)

    def test_console_marks_the_span_with_asterisks(self) -> None:
        assert answer_text(self._answer()).startswith("Ships <and> boats: **Da Bai & co** ")

    def test_no_span_no_bold(self) -> None:
        plain = dataclasses.replace(self._answer(), span=None, quote_span=None)
        assert "<b>" not in answer_html(plain).split("\n\n")[0]
        assert "**" not in answer_text(plain)


def well_formed(html: str) -> bool:
    """Whole tags and entities only, each tag closed in order: what Telegram's parser takes."""
    stack: list[str] = []
    for m in re.finditer(r"<(/?)([a-z-]+)[^<>]*>|&(?:[a-z]+|#\d+);|[<>&]", html):
        if m.group(2) is None:
            if m.group(0) in "<>&":
                return False  # a tag or an entity cut in two
        elif not m.group(1):
            stack.append(m.group(2))
        elif not stack or stack.pop() != m.group(2):
            return False
    return not stack


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

    @pytest.mark.parametrize("words", range(170, 200, 3))
    def test_a_tag_across_the_limit_is_never_cut(self, words: int) -> None:
        """Wherever a link falls against the limit, the cut comes before or after it."""
        link = '<a href="https://example.org/' + "p" * 150 + '">the link &amp; its text</a>'
        text = "word " * words + link + " more" * 400
        chunks = split_html(text, limit=1000)
        assert len(chunks) > 1 and all(len(c) <= 1000 and well_formed(c) for c in chunks)
        assert sum(c.count("<a href") for c in chunks) >= 1

    def test_an_entity_across_the_limit_is_never_cut(self) -> None:
        chunks = split_html("&amp;" * 3000, limit=1000)
        assert all(well_formed(c) for c in chunks) and "".join(chunks) == "&amp;" * 3000

    def test_a_link_too_long_to_carry_is_dropped_and_its_text_kept(self) -> None:
        """A link whose tag alone is longer than a message (a 5,600-character address) can
        be neither cut nor opened again in each chunk: the answer goes out without the link,
        its text kept, every chunk whole HTML."""
        url = "https://example.org/" + "a" * 5_600
        text = f'The answer.\n\n— <a href="{url}">The title</a>, by Ada\n' + "More. " * 900
        chunks = split_html(text)
        assert len(chunks) == 2 and all(len(c) <= 4096 and well_formed(c) for c in chunks)
        assert "— The title, by Ada" in chunks[0] and "href" not in "".join(chunks)

    def test_a_link_that_fits_is_kept_whole_and_opened_again(self) -> None:
        link = '<a href="https://example.org/x">' + "linked words " * 200 + "</a>"
        chunks = split_html(link, limit=1000)
        assert len(chunks) > 1 and all(
            c.startswith('<a href="https://example.org/x">') for c in chunks
        )
        assert all(well_formed(c) for c in chunks)
