"""Fixtures shared by the whole suite."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.answer import Engine
from bot.core.corpus import load_corpus
from bot.core.dense import DEFAULT_MODEL, Embedder
from bot.runtime.process import embedder as load_embedder
from bot.runtime.process import library_defaults
from tests.support.fake_site import FakeSite
from tests.support.paths import SEEDS
from tests.support.postgres import new_database, start_postgres

library_defaults()  # as the bot's entry point does, before any test imports telegram

pytest_plugins = ("tests.support.reading",)  # the sources' tests' settings and service


@pytest.fixture(name="seed_engine", scope="session")
def fixture_seed_engine() -> Engine:
    return Engine.from_articles(load_corpus(SEEDS).articles)


@pytest.fixture(name="embedder", scope="session")
def fixture_embedder() -> Embedder:
    """The embedding model the bot ships, loaded once for the session (one thread)."""
    model = load_embedder(DEFAULT_MODEL, 1)
    assert model is not None
    return model


@pytest.fixture(name="corpus_dir")
def fixture_corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture(name="site")
async def fixture_site() -> AsyncIterator[FakeSite]:
    """A web site on 127.0.0.1 serving what the test sets up."""
    site = FakeSite()
    await site.start()
    yield site
    await site.stop()


@pytest.fixture(name="inner_site")
async def fixture_inner_site() -> AsyncIterator[FakeSite]:
    """Another host's site, on 127.0.0.2 (Linux routes all of 127/8 to loopback): an inner
    address that links and redirects from ``site`` must not reach."""
    site = FakeSite("127.0.0.2")
    await site.start()
    yield site
    await site.stop()


@pytest.fixture(name="postgres", scope="session")
def fixture_postgres(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PostgreSQL server for the session (its administrator's URL)."""
    return start_postgres(tmp_path_factory.mktemp("postgres"))


@pytest.fixture(name="pg_url")
def fixture_pg_url(postgres: str) -> str:
    """A fresh database on the session's PostgreSQL server."""
    return new_database(postgres)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the PostgreSQL server is marked ``postgres`` (``-m "not postgres"``
    runs without starting it). The slow tests (fleets, outages, kills: each counts what
    arrives in a second, and starts processes of its own) are one group for pytest-xdist,
    run one after another on one worker, so that no two of them load the machine at once."""
    for item in items:
        if "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
        if item.get_closest_marker("slow") is not None:
            item.add_marker(pytest.mark.xdist_group("slow"))
