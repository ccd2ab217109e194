"""Loading and checking the config; secrets from the environment only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.runtime.config import load_settings
from tests.support.paths import ROOT

TOKEN = "123456:ABC-secret-token"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class TestLoading:
    def test_committed_config_is_valid(self) -> None:
        settings = load_settings(ROOT / "config" / "bot.yaml", {})
        assert settings.corpus.folder == ROOT / "articles"
        assert settings.token is None

    def test_missing_keys_take_defaults(self, tmp_path: Path) -> None:
        settings = load_settings(write(tmp_path, "answers:\n  summary_sentences: 5\n"), {})
        assert settings.answers.summary_sentences == 5
        assert settings.telegram.mode == "polling"

    def test_environment_overrides(self, tmp_path: Path) -> None:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}
        settings = load_settings(write(tmp_path, ""), env)
        assert settings.token == TOKEN
        assert settings.telegram.base_url == "http://127.0.0.1:9/bot"

    def test_token_never_shows_in_repr(self, tmp_path: Path) -> None:
        settings = load_settings(write(tmp_path, ""), {"TELEGRAM_BOT_TOKEN": TOKEN})
        assert "secret" not in repr(settings) and "secret" not in str(settings)


class TestRejects:
    @pytest.mark.parametrize(
        ("text", "needle"),
        [
            ("answers:\n  bogus: 1\n", "answers.bogus"),
            ("nonsense:\n  a: 1\n", "nonsense"),
            ("answers:\n  summary_sentences: many\n", "'many'"),
            ("answers:\n  min_confidence: 3\n", "at most 1"),
            ("telegram:\n  mode: carrier-pigeon\n", "polling, webhook"),
            ("announcements:\n  enabled: yes please\n", "true or false"),
            ("corpus: [1, 2]\n", "expected a mapping"),
            ("answers: {summary_sentences: [\n", "not valid YAML"),
            ("- just\n- a list\n", "mapping of sections"),
        ],
        ids=[
            "unknown-key",
            "unknown-section",
            "wrong-type",
            "out-of-range",
            "bad-choice",
            "bad-bool",
            "section-not-mapping",
            "broken-yaml",
            "not-a-mapping",
        ],
    )
    def test_invalid_config_names_the_key_and_value(
        self, tmp_path: Path, text: str, needle: str
    ) -> None:
        with pytest.raises(ConfigError, match=needle):
            load_settings(write(tmp_path, text), {})

    def test_malformed_token_is_rejected_without_echoing_it(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError) as info:
            load_settings(write(tmp_path, ""), {"TELEGRAM_BOT_TOKEN": "not a token hunter2"})
        assert "hunter2" not in str(info.value)


class TestHostileValues:
    @pytest.mark.parametrize(
        ("text", "needle"),
        [
            ("answers:\n  min_confidence: .nan\n", "expected a number"),
            ("corpus:\n  rescan_seconds: .inf\n", "expected a number"),
            ('storage:\n  path: "data/\\0bot.sqlite3"\n', "NUL"),
            ("corpus:\n  folder: ~no-such-user-here/seeds\n", "no such user"),
            ("telegram:\n  webhook_port: 99999999999999999999\n", "at most 65535"),
            ("x: " + "[" * 2000 + "]" * 2000 + "\n", "nested"),
        ],
        ids=["nan", "inf", "nul-in-path", "unknown-user", "huge-port", "deep-nesting"],
    )
    def test_rejected_with_one_line(self, tmp_path: Path, text: str, needle: str) -> None:
        with pytest.raises(ConfigError, match=needle) as info:
            load_settings(write(tmp_path, text), {})
        assert "\n" not in str(info.value)

    def test_invalid_yaml_names_file_line_and_column(self, tmp_path: Path) -> None:
        path = write(tmp_path, "answers:\n  summary_sentences: [3,\ncorpus: {\n")
        with pytest.raises(ConfigError) as info:
            load_settings(path, {})
        message = str(info.value)
        assert str(path) in message and "line" in message and "column" in message
        assert "\n" not in message

    def test_home_folder_is_expanded(self, tmp_path: Path) -> None:
        settings = load_settings(write(tmp_path, "corpus:\n  folder: ~/articles\n"), {})
        assert settings.corpus.folder == Path.home() / "articles"

    def test_settings_are_typed_and_frozen(self, tmp_path: Path) -> None:
        settings = load_settings(write(tmp_path, ""), {})
        assert isinstance(settings.telegram.flood_seconds, float)
        with pytest.raises(AttributeError):
            settings.corpus.folder = Path("/")  # type: ignore[misc]


class TestFeeds:
    def test_urls_or_mappings_with_their_own_interval(self, tmp_path: Path) -> None:
        text = (
            "corpus:\n  feed_interval: 600\n  feeds:\n    - https://a.example/feed.xml\n"
            "    - url: http://b.example/atom\n      interval: 60\n"
            "    - {url: http://c.example/rss, interval: 5m}\n"
            "    - {url: http://d.example/rss, every: 1.5h}\n"
        )
        corpus = load_settings(write(tmp_path, text), {}).corpus
        assert [(f.url, corpus.interval(f)) for f in corpus.feeds] == [
            ("https://a.example/feed.xml", 600.0),
            ("http://b.example/atom", 60.0),
            ("http://c.example/rss", 300.0),
            ("http://d.example/rss", 5400.0),
        ]

    @pytest.mark.parametrize(
        ("feeds", "needle"),
        [
            ("42", "expected a list of URLs"),
            ("[ftp://a.example/feed]", "item 1, is 'ftp://a.example/feed'; expected an http"),
            (
                "[https://a.example/f, https://a.example/f]",
                "item 2, https://a.example/f is listed twice",
            ),
            ("[{url: https://a.example/f, interval: 0}]", "interval is 0; expected seconds"),
            ("[{url: https://a.example/f, interval: soon}]", "'soon'; expected seconds"),
            ("[{url: https://a.example/f, often: 1}]", "has the key 'often'"),
            ("[{interval: 60}]", "item 1, is None; expected an http"),
            ('["https://a.example/f g"]', "expected an http or https URL"),
        ],
        ids=[
            "not-a-list",
            "not-http",
            "twice",
            "interval-zero",
            "interval-word",
            "unknown-key",
            "no-url",
            "space",
        ],
    )
    def test_a_wrong_feed_is_named(self, tmp_path: Path, feeds: str, needle: str) -> None:
        with pytest.raises(ConfigError, match=re.escape(needle)):
            load_settings(write(tmp_path, f"corpus:\n  feeds: {feeds}\n"), {})


class TestFeedCredentials:
    def test_a_feed_is_shown_without_its_credentials_and_fetched_with_them(
        self, tmp_path: Path
    ) -> None:
        url = "https://reader:hunter2@news.example/feed.xml?key=s3cret&lang=en"
        text = f"corpus:\n  feeds: ['{url}']\n"
        (feed,) = load_settings(write(tmp_path, text), {}).corpus.feeds
        assert feed.url == "https://***@news.example/feed.xml?key=***&lang=en"
        assert feed.fetch_url == url and "hunter2" not in repr(feed)

    def test_a_wrong_feed_is_named_without_its_credentials(self, tmp_path: Path) -> None:
        text = "corpus:\n  feeds: ['ftp://reader:hunter2@news.example/feed.xml']\n"
        with pytest.raises(ConfigError, match="expected an http or https URL") as info:
            load_settings(write(tmp_path, text), {})
        assert "hunter2" not in str(info.value)


class TestDatabase:
    def test_sqlite_by_default_postgresql_by_url(self, tmp_path: Path) -> None:
        default = load_settings(write(tmp_path, ""), {}).storage.database
        assert isinstance(default, Path) and default.name == "bot.sqlite3"
        text = "storage:\n  url: postgresql://bot@db.example/bot\n"
        assert load_settings(write(tmp_path, text), {}).storage.database == (
            "postgresql://bot@db.example/bot"
        )

    def test_the_environment_may_hold_the_whole_url_with_its_password(
        self, tmp_path: Path
    ) -> None:
        env = {"BOT_DATABASE_URL": "postgresql://bot:hunter2@db.example/bot"}
        settings = load_settings(write(tmp_path, ""), env)
        assert settings.storage.database == env["BOT_DATABASE_URL"]

    def test_a_password_in_the_config_file_is_refused(self, tmp_path: Path) -> None:
        text = "storage:\n  url: postgresql://bot:hunter2@db.example/bot\n"
        with pytest.raises(ConfigError, match="PGPASSWORD") as info:
            load_settings(write(tmp_path, text), {})
        assert "hunter2" not in str(info.value)

    def test_a_sqlite_url_names_the_file(self, tmp_path: Path) -> None:
        text = "storage:\n  url: sqlite:///state/bot.store.db\n"
        settings = load_settings(write(tmp_path, text), {}, base=tmp_path)
        assert settings.storage.database == tmp_path / "state" / "bot.store.db"

    def test_a_password_parameter_in_the_config_file_is_refused(self, tmp_path: Path) -> None:
        text = "storage:\n  url: postgresql://bot@db.example/bot?password=hunter2\n"
        with pytest.raises(ConfigError, match="PGPASSWORD") as info:
            load_settings(write(tmp_path, text), {})
        assert "hunter2" not in str(info.value)

    def test_the_environment_may_hold_a_password_parameter(self, tmp_path: Path) -> None:
        env = {"BOT_DATABASE_URL": "postgresql://bot@db.example/bot?password=hunter2"}
        assert load_settings(write(tmp_path, ""), env).storage.database == env["BOT_DATABASE_URL"]

    @pytest.mark.parametrize(
        "url",
        ["sqlite://bot:hunter2@x", "//bot:hunter2@db.example/bot", "mysql://bot:hunter2@x/y"],
        ids=["sqlite", "no-scheme", "mysql"],
    )
    def test_a_wrong_url_from_the_environment_is_named_without_its_password(
        self, tmp_path: Path, url: str
    ) -> None:
        with pytest.raises(ConfigError, match="BOT_DATABASE_URL") as info:
            load_settings(write(tmp_path, ""), {"BOT_DATABASE_URL": url})
        assert "hunter" not in str(info.value)  # not even the start of it

    @pytest.mark.parametrize("url", ["mysql://x/y", "sqlite:/x", "db.example"])
    def test_other_urls_are_refused(self, tmp_path: Path, url: str) -> None:
        with pytest.raises(ConfigError, match=r"storage\.url"):
            load_settings(write(tmp_path, f"storage:\n  url: '{url}'\n"), {})


class TestPaths:
    def test_relative_paths_follow_the_config_file_not_the_current_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        home = tmp_path / "site" / "config"
        home.mkdir(parents=True)
        config = home / "bot.yaml"
        config.write_text(
            "corpus: {folder: ../articles}\nstorage: {path: ../data/bot.sqlite3}\n", "utf-8"
        )
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        monkeypatch.chdir(elsewhere)
        settings = load_settings(config)
        assert settings.corpus.folder == tmp_path / "site" / "articles"
        assert settings.storage.path == tmp_path / "site" / "data" / "bot.sqlite3"

    def test_the_shipped_config_is_found_from_any_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        settings = load_settings(environ={})
        assert settings.source == ROOT / "config" / "bot.yaml"
        assert settings.corpus.folder == ROOT / "articles"  # outside the tracked seeds/
        assert settings.storage.path == ROOT / "data" / "bot.sqlite3"


def test_a_missing_corpus_folder_is_made_with_the_examples(tmp_path: Path) -> None:
    from bot.runtime.service import make_corpus

    folder = tmp_path / "deep" / "articles"
    make_corpus(folder)
    shipped = sorted(p.name for p in (ROOT / "seeds").iterdir())
    assert sorted(p.name for p in folder.iterdir()) == shipped
    (folder / shipped[0]).unlink()
    make_corpus(folder)  # an existing folder is the operator's: left as it is
    assert len(list(folder.iterdir())) == len(shipped) - 1


def test_a_corpus_folder_that_cannot_be_made_is_one_clear_error(tmp_path: Path) -> None:
    from bot.core.errors import CorpusError
    from bot.runtime.service import make_corpus

    (tmp_path / "a-file").write_text("not a folder", "utf-8")
    with pytest.raises(CorpusError, match="cannot be made"):
        make_corpus(tmp_path / "a-file" / "articles")
