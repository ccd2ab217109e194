"""The deployment files in deploy/, checked as far as this machine allows.

There is no Docker engine here, so no image is built and no container runs. What is checked:
the compose file as YAML (and by ``docker compose config`` where a compose CLI is installed),
the systemd unit by ``systemd-analyze verify`` (where it exists) and by its keys, the
Dockerfile instruction by instruction, the configs by the bot's own loader, the env example
against the variables the code reads, and the container's health check script for real.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.redact import has_credentials
from bot.runtime.config import Settings, load_settings
from tests.support.paths import ROOT

DEPLOY = ROOT / "deploy"
IMAGE_CONFIG = "/etc/corpus-bot/bot.yaml"  # where the image and compose put the config
BOTS = ("bot-1", "bot-2", "bot-polling")
WEBHOOK_REPLICAS = ("bot-1", "bot-2")
# Read for the bot by a library, not by its own code; the bot's messages send people there.
LIBRARY_READS = {"PGPASSWORD"}  # libpq, under psycopg
SECRETS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "PGPASSWORD")
BOT_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}")
VENV_PYTHON = "/opt/corpus-bot/venv/bin/python"


def settings(name: str) -> Settings:
    """A config file of deploy/ as the bot reads it, with no environment."""
    return load_settings(DEPLOY / name, {})


def read(name: str) -> str:
    return (DEPLOY / name).read_text(encoding="utf-8")


# -- the compose file -----------------------------------------------------------------------


@pytest.fixture(name="compose", scope="module")
def fixture_compose() -> dict[str, Any]:
    document = yaml.safe_load(read("compose.yaml"))  # merges the x-bot anchor as compose does
    assert isinstance(document, dict)
    return document


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """A service's volumes: where each is mounted in the container → what is mounted."""
    found = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        found[target] = source
    return found


class TestCompose:
    def test_has_the_database_two_replicas_the_proxy_and_a_polling_one(
        self, compose: dict[str, Any]
    ) -> None:
        """PostgreSQL, two webhook replicas behind a proxy, and the polling alternative."""
        assert set(compose["services"]) == {"db", *BOTS, "proxy"}

    def test_database_is_postgresql_16_with_its_password_from_the_env_file(
        self, compose: dict[str, Any]
    ) -> None:
        """The database's password is interpolated from PGPASSWORD (``--env-file``) and the
        bots wait for its health check."""
        db = compose["services"]["db"]
        assert db["image"].startswith("postgres:16")
        assert db["environment"]["POSTGRES_PASSWORD"].startswith("${PGPASSWORD:?")
        assert "pg_isready" in db["healthcheck"]["test"]
        assert "db-data" in mounts(db).values()

    @pytest.mark.parametrize("name", BOTS)
    def test_bot_shares_the_database_with_no_password_in_its_url(
        self, compose: dict[str, Any], name: str
    ) -> None:
        """Every bot reaches the one database through BOT_DATABASE_URL, the password left to
        PGPASSWORD; secrets come from the env file, never from the compose file."""
        bot = compose["services"][name]
        url = bot["environment"]["BOT_DATABASE_URL"]
        assert urllib.parse.urlsplit(url).scheme == "postgresql"
        assert urllib.parse.urlsplit(url).hostname == "db"
        assert not has_credentials(url)
        assert bot["env_file"] == "bot.env"
        assert not set(SECRETS) & set(bot["environment"])
        assert bot["depends_on"]["db"]["condition"] == "service_healthy"

    def test_each_bot_has_its_own_data_volume(self, compose: dict[str, Any]) -> None:
        """/data (index, vectors, this process's copy of the corpus) is never shared."""
        volumes = [mounts(compose["services"][name])["/data"] for name in BOTS]
        assert len(set(volumes)) == len(BOTS)
        assert set(volumes) <= set(compose["volumes"])

    @pytest.mark.parametrize("name", BOTS)
    def test_bot_has_the_corpus_folder(self, compose: dict[str, Any], name: str) -> None:
        """The ingester role goes to whichever process takes it first, so every bot that may
        hold it has the corpus folder at the config's corpus.folder."""
        config = settings("bot-webhook.yaml" if name in WEBHOOK_REPLICAS else "bot.yaml")
        assert str(config.corpus.folder) in mounts(compose["services"][name])

    def test_webhook_replicas_run_the_webhook_config(self, compose: dict[str, Any]) -> None:
        """The replicas mount deploy/bot-webhook.yaml over the image's config, and always run."""
        for name in WEBHOOK_REPLICAS:
            replica = compose["services"][name]
            assert mounts(replica)[IMAGE_CONFIG] == "./bot-webhook.yaml"
            assert "profiles" not in replica
        assert settings("bot-webhook.yaml").telegram.mode == "webhook"

    def test_polling_bot_runs_the_image_config_only_when_asked(
        self, compose: dict[str, Any]
    ) -> None:
        """The polling bot keeps the image's own config (polling) and sits in a profile, so a
        plain ``up`` never runs it beside the webhook replicas."""
        polling = compose["services"]["bot-polling"]
        assert polling["profiles"] == ["polling"]
        assert IMAGE_CONFIG not in mounts(polling)
        assert settings("bot.yaml").telegram.mode == "polling"

    def test_proxy_serves_https_round_robin_to_each_replica_webhook_port(
        self, compose: dict[str, Any]
    ) -> None:
        """Caddy publishes 443 for the name in telegram.webhook_url and spreads /telegram over
        both replicas' webhook port, checking their /healthz."""
        proxy = compose["services"]["proxy"]
        assert "443:443" in proxy["ports"]
        assert mounts(proxy)["/etc/caddy/Caddyfile"] == "./Caddyfile"
        webhook = settings("bot-webhook.yaml").telegram
        assert webhook.webhook_url is not None
        caddyfile = read("Caddyfile")
        site = re.search(r"^(\S+) \{$", caddyfile, re.MULTILINE)
        assert site is not None
        assert site.group(1) == urllib.parse.urlsplit(webhook.webhook_url).hostname
        upstreams = re.search(r"reverse_proxy (.+) \{", caddyfile)
        assert upstreams is not None
        expected = [f"{name}:{webhook.webhook_port}" for name in WEBHOOK_REPLICAS]
        assert upstreams.group(1).split() == expected
        assert "lb_policy round_robin" in caddyfile
        assert "health_uri /healthz" in caddyfile

    def test_interpolates_only_variables_of_the_env_file(self, compose: dict[str, Any]) -> None:
        """Whatever compose interpolates comes from ``--env-file deploy/bot.env``."""
        interpolated = set(re.findall(r"\$\{([A-Z_]+)", read("compose.yaml")))
        assert interpolated
        assert interpolated <= env_example_names()


@pytest.fixture(name="unit", scope="module")
def fixture_unit() -> dict[str, dict[str, list[str]]]:
    """The unit's sections, each key with its values in order (a key may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, line in enumerate(read("corpus-bot.service").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, equals, value = line.partition("=")
        assert current is not None and equals and key.strip() == key, f"line {number}: {line}"
        current.setdefault(key, []).append(value)
    return sections


class TestSystemdUnit:
    def test_systemd_analyze_verify_finds_nothing_wrong(self, tmp_path: Path) -> None:
        """The unit passes ``systemd-analyze verify`` with no warning (unknown keys and bad
        values are warnings). The venv is not installed here, so the copy checked starts this
        test's Python instead: that is the one thing verify would otherwise report."""
        if shutil.which("systemd-analyze") is None:
            pytest.skip("no systemd-analyze here: the unit was checked by its keys only")
        text = read("corpus-bot.service")
        assert f"ExecStart={VENV_PYTHON} " in text
        copy = tmp_path / "corpus-bot.service"
        copy.write_text(text.replace(f"ExecStart={VENV_PYTHON} ", f"ExecStart={sys.executable} "))
        result = subprocess.run(
            ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, check=False
        )
        assert (result.returncode, result.stderr.strip()) == (0, "")

    def test_has_the_three_sections(self, unit: dict[str, dict[str, list[str]]]) -> None:
        """[Unit], [Service] and [Install], the service wanted by multi-user.target."""
        assert set(unit) == {"Unit", "Service", "Install"}
        assert unit["Install"]["WantedBy"] == ["multi-user.target"]

    def test_runs_the_venv_bot_as_its_own_user(
        self, unit: dict[str, dict[str, list[str]]]
    ) -> None:
        """A dedicated user (never root) runs the venv's ``python -m bot run --config``, and is
        restarted on failure."""
        service = unit["Service"]
        assert service["User"] == ["corpus-bot"]
        assert service["ExecStart"] == [f"{VENV_PYTHON} -m bot run --config {IMAGE_CONFIG}"]
        assert service["Restart"] == ["on-failure"]

    def test_takes_secrets_from_an_environment_file_only(
        self, unit: dict[str, dict[str, list[str]]]
    ) -> None:
        """The token comes from ``EnvironmentFile=``; no ``Environment=`` line holds a secret."""
        service = unit["Service"]
        assert service["EnvironmentFile"] == ["/etc/corpus-bot/bot.env"]
        for line in service.get("Environment", []):
            assert not any(name in line for name in SECRETS)
        assert not BOT_TOKEN.search(read("corpus-bot.service"))

    def test_is_hardened_and_writes_only_the_data_and_corpus_folders(
        self, unit: dict[str, dict[str, list[str]]]
    ) -> None:
        """The file system is read-only but for the folders the host config names for the
        database (and indexes) and the corpus."""
        service = {key: values[-1] for key, values in unit["Service"].items()}
        for key in ("NoNewPrivileges", "PrivateTmp", "ProtectHome", "PrivateDevices"):
            assert service[key] == "yes", key
        assert service["ProtectSystem"] == "strict"
        host = settings("bot-host.yaml")
        writable = service["ReadWritePaths"].split()
        assert writable == [str(host.storage.folder), str(host.corpus.folder)]
        assert Path("/var/lib", service["StateDirectory"]) == host.storage.folder


# -- the Dockerfile -------------------------------------------------------------------------

INSTRUCTIONS = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
    "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip


@pytest.fixture(name="dockerfile", scope="module")
def fixture_dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in read("Dockerfile").splitlines():
        if line.lstrip().startswith("#") or (not line.strip() and not pending):
            continue
        pending += line.strip()
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip() + " "
            continue
        keyword, _, arguments = pending.partition(" ")
        instructions.append((keyword, arguments.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def arguments(dockerfile: list[tuple[str, str]], keyword: str) -> list[str]:
    return [rest for name, rest in dockerfile if name == keyword]


class TestDockerfile:
    def test_every_instruction_is_a_known_upper_case_one(
        self, dockerfile: list[tuple[str, str]]
    ) -> None:
        """Each line opens with an instruction Docker knows, spelt in capitals."""
        assert {keyword for keyword, _ in dockerfile} <= INSTRUCTIONS

    def test_starts_from_python_3_11_slim_in_every_stage(
        self, dockerfile: list[tuple[str, str]]
    ) -> None:
        """FROM comes first, and every stage builds on python:3.11-slim (the same image, so
        the virtualenv copied between them finds its interpreter)."""
        assert dockerfile[0][0] == "FROM"
        stages = arguments(dockerfile, "FROM")
        assert len(stages) == 2
        assert all(stage.split()[0] == "python:3.11-slim" for stage in stages)

    def test_runs_as_a_user_that_is_not_root(self, dockerfile: list[tuple[str, str]]) -> None:
        """The last USER, the one the bot runs as, is neither root nor uid 0."""
        user = arguments(dockerfile, "USER")[-1].split(":")[0]
        assert user not in ("root", "0")

    def test_installs_the_package_with_pip(self, dockerfile: list[tuple[str, str]]) -> None:
        """The bot is installed (not run from a source tree) with ``pip install .``, and the
        installed package's models are checked at build time."""
        runs = arguments(dockerfile, "RUN")
        assert any(run.endswith("pip install .") for run in runs)
        assert any("reader_files('default')" in run and "model_files" in run for run in runs)

    def test_keeps_data_and_corpus_in_volumes(self, dockerfile: list[tuple[str, str]]) -> None:
        """/data and /articles are volumes, and the image's config puts the database under
        /data and the corpus at /articles."""
        assert json.loads(arguments(dockerfile, "VOLUME")[0]) == ["/data", "/articles"]
        config = settings("bot.yaml")
        assert config.storage.folder == Path("/data")
        assert config.corpus.folder == Path("/articles")

    def test_runs_the_bot_with_the_config_it_copies(
        self, dockerfile: list[tuple[str, str]]
    ) -> None:
        """The entrypoint is ``python -m bot --config`` the file deploy/bot.yaml is copied to,
        and the default command ``run``."""
        assert json.loads(arguments(dockerfile, "ENTRYPOINT")[0]) == [
            "python", "-m", "bot", "--config", IMAGE_CONFIG,
        ]  # fmt: skip
        assert json.loads(arguments(dockerfile, "CMD")[0]) == ["run"]
        assert f"deploy/bot.yaml {IMAGE_CONFIG}" in arguments(dockerfile, "COPY")

    def test_health_check_runs_the_copied_script(self, dockerfile: list[tuple[str, str]]) -> None:
        """HEALTHCHECK runs deploy/healthcheck.py, copied into the image, on the image's
        config."""
        (check,) = arguments(dockerfile, "HEALTHCHECK")
        command = json.loads(check.split(" CMD ", 1)[1])
        assert command == ["python", "/opt/corpus-bot/healthcheck.py", IMAGE_CONFIG]
        assert "deploy/healthcheck.py /opt/corpus-bot/healthcheck.py" in arguments(
            dockerfile, "COPY"
        )

    def test_bakes_in_no_secret(self, dockerfile: list[tuple[str, str]]) -> None:
        """No ENV or ARG sets a variable of the env file, and nothing looks like a token."""
        for keyword in ("ENV", "ARG"):
            for line in arguments(dockerfile, keyword):
                assert not any(name in line for name in env_example_names())
        assert not BOT_TOKEN.search(read("Dockerfile"))

    def test_copies_only_files_that_exist_and_the_context_lets_in(
        self, dockerfile: list[tuple[str, str]]
    ) -> None:
        """Each COPY from the context names files of the repository that
        Dockerfile.dockerignore admits."""
        admitted = {
            line[1:].rstrip("/")
            for line in read("Dockerfile.dockerignore").splitlines()
            if line.startswith("!")
        }
        for copy in arguments(dockerfile, "COPY"):
            if copy.startswith("--from="):
                continue
            for source in copy.split()[:-1]:
                assert (ROOT / source).exists(), source
                assert source.rstrip("/") in admitted, source


# -- the configs and the environment --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mode"),
    [("bot.yaml", "polling"), ("bot-webhook.yaml", "webhook"), ("bot-host.yaml", "polling")],
    ids=["image", "webhook-replicas", "systemd-host"],
)
def test_every_config_in_deploy_is_one_the_bot_accepts(name: str, mode: str) -> None:
    """The bot's own loader takes each config, with absolute paths and no secret in it."""
    config = settings(name)
    assert config.telegram.mode == mode
    assert config.storage.path.is_absolute() and config.corpus.folder.is_absolute()
    assert config.storage.url is None


def env_example_names() -> set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", read("bot.env.example"), re.MULTILINE))


def read_by_the_code() -> set[str]:
    """The variables bot/ reads from the environment (``setdefault``, which only gives a
    library a default, is not a read)."""
    found: set[str] = set()
    pattern = re.compile(
        r"""(?:\benv(?:iron)?\.get\(|\bgetenv\(|\benviron\[)\s*["']([A-Z][A-Z0-9_]*)["']"""
    )
    for path in (ROOT / "bot").rglob("*.py"):
        found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return found


class TestEnvExample:
    def test_names_every_variable_the_code_reads_and_no_other(self) -> None:
        """The example lists exactly what bot/ reads, plus what libpq reads for it."""
        code = read_by_the_code()
        assert "TELEGRAM_BOT_TOKEN" in code  # the search finds the reads it is meant to
        assert env_example_names() == code | LIBRARY_READS

    def test_library_variables_are_the_ones_the_bot_points_to(self) -> None:
        """PGPASSWORD is where the bot's own messages send a database password."""
        sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot").rglob("*.py"))
        for name in LIBRARY_READS:
            assert name in sources

    def test_holds_no_value_and_explains_each_variable(self) -> None:
        """Every variable is left empty (no secret, real or sample, to leak or to keep by
        mistake) and has a comment right above it."""
        lines = read("bot.env.example").splitlines()
        for number, line in enumerate(lines):
            if re.match(r"[A-Z][A-Z0-9_]*=", line):
                assert line.endswith("="), line
                assert lines[number - 1].startswith("#"), line


# -- the health check -----------------------------------------------------------------------


class _Healthz(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        body = b'{"status": "unavailable"}' if self.status == 503 else b'{"status": "ok"}'
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(name="healthz")
def fixture_healthz() -> Iterator[http.server.ThreadingHTTPServer]:
    """A stand-in for the bot's webhook server, answering ``/healthz`` on 127.0.0.1."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Healthz)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def health(tmp_path: Path, config: str, **environ: str) -> tuple[int, str]:
    """Run deploy/healthcheck.py as the image does: its status and its one line."""
    path = tmp_path / "bot.yaml"
    path.write_text(config, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    result = subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py"), str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, **environ},
        timeout=60,
        check=False,
    )
    assert result.stderr == ""
    return result.returncode, result.stdout.strip()


def webhook_config(port: int, storage: Path) -> str:
    return (
        f"telegram: {{mode: webhook, webhook_listen: 0.0.0.0, webhook_port: {port}}}\n"
        f"storage: {{path: {storage}}}\n"
    )


class TestHealthCheck:
    def test_webhook_mode_is_healthy_when_healthz_answers_200(
        self, tmp_path: Path, healthz: http.server.ThreadingHTTPServer
    ) -> None:
        """In webhook mode the check asks the bot's /healthz (on 127.0.0.1 when it listens
        on every address)."""
        _Healthz.status = 200
        port = healthz.server_address[1]
        assert health(tmp_path, webhook_config(port, tmp_path / "db.sqlite3")) == (0, "ok")

    def test_webhook_mode_is_unhealthy_when_healthz_answers_503(
        self, tmp_path: Path, healthz: http.server.ThreadingHTTPServer
    ) -> None:
        """A 503 is unhealthy, and the check's line carries the bot's reason."""
        _Healthz.status = 503
        try:
            port = healthz.server_address[1]
            status, line = health(tmp_path, webhook_config(port, tmp_path / "db.sqlite3"))
        finally:
            _Healthz.status = 200
        assert status == 1
        assert "503" in line and "unavailable" in line

    def test_webhook_mode_is_unhealthy_when_nothing_listens(self, tmp_path: Path) -> None:
        """No server on the webhook port (the bot is still starting, or stuck) is unhealthy."""
        status, line = health(tmp_path, webhook_config(1, tmp_path / "db.sqlite3"))
        assert status == 1 and "did not answer" in line

    def test_polling_mode_is_healthy_when_the_sqlite_database_answers(
        self, tmp_path: Path
    ) -> None:
        """With no HTTP server, the check asks whether the bot's database answers."""
        database = tmp_path / "bot.sqlite3"
        sqlite3.connect(database).close()
        config = f"telegram: {{mode: polling}}\nstorage: {{path: {database}}}\n"
        assert health(tmp_path, config) == (0, "ok")

    def test_polling_mode_is_unhealthy_and_creates_nothing_without_the_database(
        self, tmp_path: Path
    ) -> None:
        """A database the bot has not made yet is unhealthy, and the check does not make an
        empty one in its place."""
        database = tmp_path / "bot.sqlite3"
        config = f"telegram: {{mode: polling}}\nstorage: {{path: {database}}}\n"
        status, line = health(tmp_path, config)
        assert status == 1 and "does not exist" in line
        assert not database.exists()

    def test_polling_mode_is_unhealthy_when_postgresql_does_not_answer(
        self, tmp_path: Path
    ) -> None:
        """On PostgreSQL (BOT_DATABASE_URL) the check connects as the bot would, and says so
        when it cannot, without the password."""
        url = "postgresql://bot@127.0.0.1:1/bot"
        config = f"telegram: {{mode: polling}}\nstorage: {{path: {tmp_path / 'x.sqlite3'}}}\n"
        status, line = health(tmp_path, config, BOT_DATABASE_URL=url, PGPASSWORD="hunter2")
        assert status == 1 and "did not answer" in line
        assert "hunter2" not in line
