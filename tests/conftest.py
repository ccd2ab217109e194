"""Fixtures shared by the whole suite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.answer import Engine
from bot.core.corpus import load_corpus
from bot.process import library_defaults
from tests.support.paths import SEEDS

library_defaults()  # as the bot's entry point does, before any test imports telegram


@pytest.fixture(name="seed_engine", scope="session")
def fixture_seed_engine() -> Engine:
    return Engine.from_articles(load_corpus(SEEDS).articles)


@pytest.fixture(name="corpus_dir")
def fixture_corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder
