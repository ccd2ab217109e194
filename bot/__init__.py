"""A bot that answers questions about a folder of articles, with citations."""

__version__ = "0.1.0"

from bot.core.answer import Answer, Citation, Engine, EngineSettings
from bot.core.corpus import Article, Paragraph, load_article, load_corpus

__all__ = [
    "Answer",
    "Article",
    "Citation",
    "Engine",
    "EngineSettings",
    "Paragraph",
    "load_article",
    "load_corpus",
]
