"""Reading article files in both formats, and refusing broken ones with a clear reason."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import pytest
import yaml

from bot.core.corpus import LoadResult, content_digest, load_article, load_corpus, to_markdown
from bot.core.errors import ArticleError, CorpusError
from bot.sources.pages import html_paragraphs
from tests.core.test_safeyaml import BOMB
from tests.support.paths import SEEDS, SQUAD

MARKDOWN = """---
title: Rivers of Europe
date: 2021-05-04
author: Ada Writer
url: https://example.org/rivers
keywords: [rivers, Danube]
tags: geography
---

# A heading that is not a paragraph

The **Danube** is the second-longest river in Europe. It flows through ten countries.

- It rises in the [Black Forest](https://example.org/bf).
"""


class TestSeedFormat:
    def test_reads_date_title_author_and_paragraphs(self) -> None:
        """The seed article's first lines become its metadata, the rest numbered paragraphs."""
        article = load_article(SEEDS / "000_b5fdd6b8f40a688b.txt")
        assert article.id == "000_b5fdd6b8f40a688b"
        assert article.title == "Seize the Opportunities that the “New Infrastructure” Provides"
        assert article.author == "Lei Xu"
        assert article.date == dt.date(2020, 4, 7)
        assert article.paragraphs[0].number == 1
        assert article.paragraphs[0].sentences[0].startswith("Accelerating the development")

    def test_closing_parenthesised_note_is_kept_and_citable(self) -> None:
        """The note is the last paragraph, flagged, and keeps its text."""
        article = load_article(SEEDS / "000_b5fdd6b8f40a688b.txt")
        assert article.note is not None and article.note.startswith("(The author is CEO")
        assert article.paragraphs[-1].is_note

    def test_sentences_are_exact_slices_of_their_paragraph(self) -> None:
        """Quotes can be checked against the text: every sentence is found verbatim."""
        for path in SEEDS.iterdir():
            for para in load_article(path).paragraphs:
                for sentence in para.sentences:
                    assert sentence in para.text

    def test_no_byline_and_no_date_still_loads(self, tmp_path: Path) -> None:
        path = tmp_path / "plain.txt"
        path.write_text("A Title\n\nFirst paragraph here.\n\nSecond one.", encoding="utf-8")
        article = load_article(path)
        assert (article.title, article.author, article.date) == ("A Title", None, None)
        assert [p.number for p in article.paragraphs] == [1, 2]


class TestMarkdown:
    def test_front_matter_fields(self, tmp_path: Path) -> None:
        path = tmp_path / "rivers.md"
        path.write_text(MARKDOWN, encoding="utf-8")
        article = load_article(path)
        assert article.title == "Rivers of Europe"
        assert article.date == dt.date(2021, 5, 4)
        assert article.author == "Ada Writer"
        assert article.url == "https://example.org/rivers"
        assert article.keywords == ("rivers", "Danube", "geography")
        texts = [p.text for p in article.paragraphs]
        assert texts[0].startswith("The Danube is the second-longest")  # emphasis stripped
        assert texts[1] == "It rises in the Black Forest."  # link text kept, list marker gone
        assert all("heading" not in t for t in texts)

    def test_squad_articles_load(self) -> None:
        result = load_corpus(SQUAD / "articles")
        assert {a.id for a in result.articles} == {
            "computational_complexity_theory",
            "normans",
            "rhine",
        }
        assert result.warnings == ()


BROKEN = {
    "bad-encoding": (b"Apr 7, 2020|\n\nTitle\n\n\xff\xfe caf\xe9", "not UTF-8"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "empty": (b"  \n\n", "empty"),
    "date-only": (b"Apr 7, 2020|\n\n", "no title"),
    "title-only": (b"Just a title\n", "no text"),
}
BROKEN_MD = {
    "broken-yaml": ("---\ntitle: [unclosed\n---\nBody text.", "broken front matter"),
    "unclosed": ("---\ntitle: x\nBody text.", "no closing"),
    "not-a-mapping": ("---\n- a\n- b\n---\nBody text.", "mapping"),
    "no-title": ("---\nauthor: someone\n---\nBody text.", "no title"),
    "bad-keywords": ("---\ntitle: T\nkeywords: {a: 1}\n---\nBody.", "keywords"),
}


class TestMalformed:
    @pytest.mark.parametrize(("content", "reason"), BROKEN.values(), ids=list(BROKEN))
    def test_text_files(self, tmp_path: Path, content: bytes, reason: str) -> None:
        path = tmp_path / "broken.txt"
        path.write_bytes(content)
        with pytest.raises(ArticleError, match=reason) as info:
            load_article(path)
        assert "broken.txt" in str(info.value)

    @pytest.mark.parametrize(("content", "reason"), BROKEN_MD.values(), ids=list(BROKEN_MD))
    def test_markdown_files(self, tmp_path: Path, content: str, reason: str) -> None:
        path = tmp_path / "broken.md"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(ArticleError, match=reason):
            load_article(path)

    def test_huge_file(self, tmp_path: Path) -> None:
        path = tmp_path / "huge.txt"
        path.write_text("Title\n\n" + "word " * 1000, encoding="utf-8")
        with pytest.raises(ArticleError, match="too big"):
            load_article(path, max_bytes=100)

    def test_bad_front_matter_date_keeps_the_article(self, tmp_path: Path) -> None:
        path = tmp_path / "undated.md"
        path.write_text("---\ntitle: T\ndate: someday\n---\nBody text.", encoding="utf-8")
        assert load_article(path).date is None

    def test_corpus_skips_broken_files_with_one_warning_each(
        self, corpus_dir: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Every broken file is named once with its reason; the good articles all load."""
        for name, (content, _) in BROKEN.items():
            (corpus_dir / f"{name}.txt").write_bytes(content)
        for name, (text, _) in BROKEN_MD.items():
            (corpus_dir / f"{name}.md").write_text(text, encoding="utf-8")
        (corpus_dir / ".hidden.txt").write_text("ignored", encoding="utf-8")
        (corpus_dir / "notes.json").write_text("{}", encoding="utf-8")
        result = load_corpus(corpus_dir)
        assert len(result.articles) == 2
        assert len(result.warnings) == len(BROKEN) + len(BROKEN_MD)
        assert all(w.startswith("skipped ") for w in result.warnings)
        assert len([r for r in caplog.records if r.levelname == "WARNING"]) == len(result.warnings)

    def test_missing_folder_is_a_corpus_error(self, tmp_path: Path) -> None:
        with pytest.raises(CorpusError, match="does not exist"):
            load_corpus(tmp_path / "nowhere")


class TestHostileFiles:
    """Files that once stopped, froze or fooled the loader: each is skipped with one warning
    naming it, and the rest of the folder loads."""

    def _load(self, folder: Path) -> LoadResult:
        (folder / "good.txt").write_text("A title\n\nA sentence about bridges.\n", "utf-8")
        return load_corpus(folder)

    @pytest.mark.parametrize(
        ("name", "text", "reason"),
        [
            (
                "deep.md",
                "---\ntitle: x\nn: " + "[" * 3000 + "]" * 3000 + "\n---\nBody.\n",
                "nested",
            ),
            ("bomb.md", "---\n" + BOMB + "\ntitle: x\n---\nBody.\n", "aliases"),
        ],
        ids=["deeply-nested", "alias-bomb"],
    )
    def test_hostile_front_matter_is_skipped(
        self, tmp_path: Path, name: str, text: str, reason: str
    ) -> None:
        (tmp_path / name).write_text(text, "utf-8")
        result = self._load(tmp_path)
        assert [a.id for a in result.articles] == ["good"]
        assert len(result.warnings) == 1 and name in result.warnings[0]
        assert reason in result.warnings[0]

    def test_crlf_front_matter_is_read(self, tmp_path: Path) -> None:
        text = "---\r\ntitle: Windows article\r\nauthor: Ann\r\n---\r\nA line.\r\n\r\nMore.\r\n"
        (tmp_path / "win.md").write_text(text, "utf-8", newline="")
        article = load_article(tmp_path / "win.md")
        assert (article.title, article.author, len(article.paragraphs)) == (
            "Windows article",
            "Ann",
            2,
        )

    def test_a_link_out_of_the_folder_is_not_served(self, tmp_path: Path) -> None:
        secret = tmp_path / "outside.txt"
        secret.write_text("Secret title\n\nThe root password is hunter2.\n", "utf-8")
        folder = tmp_path / "corpus"
        folder.mkdir()
        (folder / "leak.txt").symlink_to(secret)
        (folder / "alias.txt").symlink_to(folder / "good.txt")  # inside: fine
        result = self._load(folder)
        assert sorted(a.id for a in result.articles) == ["alias", "good"]
        assert any("leak.txt" in w and "outside" in w for w in result.warnings)

    def test_a_pipe_is_skipped_without_waiting_on_it(self, tmp_path: Path) -> None:
        os.mkfifo(tmp_path / "pipe.txt")
        result = self._load(tmp_path)
        assert [a.id for a in result.articles] == ["good"]
        assert any("pipe.txt" in w and "not a regular file" in w for w in result.warnings)
        with pytest.raises(ArticleError, match="not a regular file"):
            load_article(tmp_path / "pipe.txt")

    def test_oversized_metadata_is_bounded_with_a_warning(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A 60,000-character title, 10,000-character author and summary, a 5,600-character
        url and thousands of keywords: the text is cut at a word, the url dropped rather
        than cut into a wrong link, the keywords bounded in number and length; each with a
        warning naming the article, which still loads."""
        words = " ".join(["word"] * 12_000)
        meta = {
            "title": words,
            "author": words[:10_000],
            "summary": words[:10_000],
            "url": "https://example.org/" + "a" * 5_600,
            "keywords": [f"k{i}" for i in range(5_000)] + ["x" * 500],
        }
        text = "---\n" + yaml.safe_dump(meta, width=1_000_000) + "---\n\nA sentence.\n"
        (tmp_path / "hostile.md").write_text(text, "utf-8")
        with caplog.at_level(logging.WARNING, logger="bot.core.corpus"):
            article = load_article(tmp_path / "hostile.md")
        assert len(article.title) <= 300 and article.title.endswith("word…")
        assert article.author is not None and len(article.author) <= 200
        assert article.summary is not None and len(article.summary) <= 2_000
        assert article.url is None
        assert len(article.keywords) == 50 and all(len(k) <= 100 for k in article.keywords)
        warnings = [r.getMessage() for r in caplog.records]
        assert len(warnings) == 5 and all(w.startswith("hostile: ") for w in warnings)
        assert any("url is 5,620 characters" in w for w in warnings)

    def test_a_seed_file_title_is_bounded_too(self, tmp_path: Path) -> None:
        (tmp_path / "long.txt").write_text("Title " * 10_000 + "\n\nA sentence.\n", "utf-8")
        assert len(load_article(tmp_path / "long.txt").title) <= 300

    def test_metadata_within_bounds_is_kept_whole(self, tmp_path: Path) -> None:
        url = "https://example.org/" + "a" * 2_000
        text = f"---\ntitle: {'t' * 300}\nurl: {url}\n---\n\nA sentence.\n"
        (tmp_path / "edge.md").write_text(text, "utf-8")
        article = load_article(tmp_path / "edge.md")
        assert (article.title, article.url) == ("t" * 300, url)

    def test_invisible_characters_and_wide_forms_are_normalised(self, tmp_path: Path) -> None:
        text = "\ufeffＢｒｉｄｇｅｓ\n\nThe bri\u200bdge opened in ﬁfteen\u2009days.\r\n"
        (tmp_path / "odd.txt").write_text(text, "utf-8")
        article = load_article(tmp_path / "odd.txt")
        assert article.title == "Bridges"
        assert article.paragraphs[0].text == "The bridge opened in fifteen days."


class TestWritingMarkdown:
    """Articles from feeds and pages are written as Markdown that reads back exactly."""

    TRICKY = (
        "# not a heading",
        "2020. The year it began.",
        "- not a list item",
        "Use *stars*, _underscores_, `ticks`, [brackets](x) and a back\\slash.",
        "| not a table",
        "---",
        "> not a quote",
        "1) not a numbered item",
        "<!-- not a comment -->",
        "~~~",
        "Plain words: with a colon, “quotes” and ünïcödé.",
    )

    def test_every_paragraph_and_field_reads_back(self, tmp_path: Path) -> None:
        text = to_markdown(
            'A title: with "quotes"\nand a line break',
            self.TRICKY,
            author="Kari Dahl",
            date=dt.date(2026, 11, 20),
            url="https://example.com/a?b=1#c",
            keywords=["robots", "parcels", "robots"],
            extra={"feed": "https://example.com/feed.xml"},
        )
        path = tmp_path / "tricky.md"
        path.write_text(text, encoding="utf-8")
        article = load_article(path)
        assert tuple(p.text for p in article.paragraphs) == self.TRICKY
        assert article.title == 'A title: with "quotes" and a line break'
        assert (article.author, article.date, article.url) == (
            "Kari Dahl",
            dt.date(2026, 11, 20),
            "https://example.com/a?b=1#c",
        )
        assert article.keywords == ("robots", "parcels")
        assert article.content_hash == content_digest(text)

    def test_paragraphs_of_html(self) -> None:
        fragment = (
            "<p>The ferry &amp; the <b>train</b>.</p><script>alert(1)</script>"
            "<ul><li>One stop</li><li>Two stops</li></ul>Plain tail<br>after a break"
        )
        assert html_paragraphs(fragment) == (
            "The ferry & the train.",
            "One stop",
            "Two stops",
            "Plain tail",
            "after a break",
        )
        assert html_paragraphs("Just text.\n\nTwo paragraphs.") == (
            "Just text.",
            "Two paragraphs.",
        )
        assert html_paragraphs("   ") == ()


def test_a_dateline_is_a_sentence_of_its_own_and_its_place_a_keyword(tmp_path: Path) -> None:
    """ "HARBOUR TOWN —" opens the first paragraph: split off its first sentence (so every
    question naming the place does not match that sentence) and kept as the article's
    keyword; the paragraph's text is as written."""
    text = "March 3, 2026|\n\nFerry Terminal Approved\n\nby Maria Lindqvist\n\n"
    text += "HARBOUR TOWN — The council voted 7 to 2. The terminal will cost 48 million euros.\n\n"
    text += "PARIS — is not a dateline past the first paragraph.\n"
    path = tmp_path / "001_ferry.txt"
    path.write_text(text, encoding="utf-8")
    article = load_article(path)
    first = article.paragraphs[0]
    assert first.sentences == (
        "HARBOUR TOWN —",
        "The council voted 7 to 2.",
        "The terminal will cost 48 million euros.",
    )
    assert " ".join(first.sentences) == first.text
    assert article.keywords == ("Harbour Town",)
    assert article.paragraphs[1].sentences[0].startswith("PARIS —")
    markdown = tmp_path / "002_ferry.md"
    markdown.write_text(
        "---\ntitle: Ferry\nkeywords: [ferries]\n---\n\n" + text.split("\n\n", 3)[3]
    )
    assert load_article(markdown).keywords == ("ferries", "Harbour Town")
