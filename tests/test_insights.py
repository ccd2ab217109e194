"""What the readers asked (``bot.runtime.insights``): the figures, the grouping of the
questions the bot could not answer, the storage that keeps them (and keeps nothing when
off), the console report, and the page as a real browser draws it."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from bot.console.cli import main
from bot.core.records import Asked
from bot.runtime import insights
from bot.runtime.config import load_settings
from bot.runtime.insights import chat_key, group_refused, report
from bot.store.storage import Storage
from tests.support.paths import SEEDS

UTC = dt.UTC
TODAY = dt.date(2026, 11, 30)


def at(day: dt.date, hour: int = 12) -> float:
    return dt.datetime.combine(day, dt.time(hour), UTC).timestamp()


def asked(day: dt.date, question: str, answered: bool, article: str | None = None) -> Asked:
    return Asked(at(day), "c1", question, answered, article, 0.05)


class TestReport:
    def test_counts_per_day_groups_and_articles(self) -> None:
        yesterday = TODAY - dt.timedelta(days=1)
        rows = [
            asked(TODAY, "who wrote about robots?", True, "a1"),
            asked(TODAY, "when did the robots start?", True, "a1"),
            asked(yesterday, "what does the drone cost?", True, "a2"),
            asked(yesterday, "How much does a ticket cost?", False),
            asked(TODAY, "how much does a ticket cost", False),
            asked(TODAY, "what is the price of a ticket?", False),
            asked(TODAY, "who won the football match?", False),
            asked(TODAY - dt.timedelta(days=9), "too old to count", False),
        ]
        r = report(
            rows,
            days=7,
            today=TODAY,
            zone=UTC,
            titles={"a1": "Robots", "a2": "Drones"}.get,
            subscribed=[(at(yesterday, 1), True, None), (at(TODAY, 1), False, at(TODAY, 2))],
            delivered=[at(TODAY), at(TODAY), at(yesterday)],
        )
        assert r.days[-1] == TODAY.isoformat() and len(r.days) == 7
        assert r.answered[-2:] == [1, 2] and r.refused[-2:] == [1, 3]
        assert sum(r.answered) + sum(r.refused) == r.questions == 7
        assert r.cited == [("a1", "Robots", 2), ("a2", "Drones", 1)]
        assert r.groups[0].count == 2  # the same question asked twice, in other case
        assert r.groups[0].examples[0].casefold().startswith("how much does a ticket cost")
        assert sum(g.count for g in r.groups) == 4
        assert r.subscribers[-2:] == [1, 1]  # the second ended on the day it began
        assert r.deliveries[-2:] == [1, 2]
        assert r.p50_ms == 50.0

    def test_similar_questions_group_by_meaning_with_the_model(self) -> None:
        from bot.runtime.process import embedder

        model = embedder("minilm", 1)
        assert model is not None
        groups = group_refused(
            [
                "how much does a ticket cost",
                "what is the price of a ticket",
                "ticket price?",
                "who won the football match",
            ],
            model.embed,
        )
        assert [g.count for g in groups] == [3, 1]

    def test_a_chat_is_kept_as_a_salted_hash(self) -> None:
        key = chat_key("salt-one", 123456789)
        assert "123456789" not in key and key != chat_key("salt-two", 123456789)
        assert key == chat_key("salt-one", 123456789)

    def test_the_short_text(self) -> None:
        r = report(
            [asked(TODAY, "what is the price of a ticket", False)],
            days=7,
            today=TODAY,
            zone=UTC,
            titles=lambda _: None,
        )
        text = insights.text(r)
        assert "1 questions" not in text
        assert "what is the price of a ticket" in text
        empty = report([], days=3, today=TODAY, zone=UTC, titles=lambda _: None)
        assert insights.text(empty) == "No questions were asked in the last 3 days."


class TestStorage:
    def test_kept_pruned_and_the_salt_stays(self, tmp_path: Path) -> None:
        storage = Storage(tmp_path / "bot.sqlite3")
        salt = storage.insights_salt()
        assert len(salt) >= 16 and storage.insights_salt() == salt
        now = time.time()
        storage.record_question(Asked(now - 40 * 86400, "k", "old", False, None, 0.1))
        storage.record_question(Asked(now, "k", "new", True, "a1", 0.2))
        assert [q.question for q in storage.questions_since(now - 90 * 86400)] == ["old", "new"]
        assert storage.forget_questions(now - 30 * 86400) == 1
        assert [q.question for q in storage.questions_since(0)] == ["new"]
        storage.close()


def write_config(tmp_path: Path, enabled: bool) -> Path:
    config = tmp_path / "bot.yaml"
    config.write_text(
        f"corpus:\n  folder: {SEEDS}\nstorage:\n  path: {tmp_path / 'bot.sqlite3'}\n"
        f"insights:\n  enabled: {'true' if enabled else 'false'}\n  keep_days: 30\n",
        encoding="utf-8",
    )
    return config


def test_settings_are_checked(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path, True))
    assert settings.insights.enabled and settings.insights.keep_days == 30
    assert not load_settings(write_config(tmp_path, False)).insights.enabled


BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


def rendered(page: Path, profile: Path) -> str:
    """The page's DOM after its scripts ran, as headless Chromium has it."""
    assert BROWSER, "Chromium is not installed: scripts/check installs Debian's chromium"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1200,1600",
    ]
    done = subprocess.run(
        [BROWSER, *flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def bars(dom: str, svg: str) -> dict[tuple[str, str], int]:
    """(series, day) -> value of each bar drawn in the chart ``svg``."""
    chart = re.search(rf'<svg id="{svg}".*?</svg>', dom, re.S)
    assert chart, f"the chart {svg} is not in the page"
    found = {}
    for rect in re.finditer(r"<rect ([^>]*)>", chart.group(0)):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', rect.group(1)))
        found[(attrs["data-series"], attrs["data-day"])] = int(attrs["data-value"])
    return found


def test_the_report_in_a_browser_holds_the_database_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, True)
    storage = Storage(tmp_path / "bot.sqlite3")
    now = time.time()
    today = dt.datetime.fromtimestamp(now).date()
    rows = [
        Asked(now - 3600, "k1", "who wrote about the HP event?", True, "hp_event", 0.04),
        Asked(now - 7200, "k2", "what does a ticket cost?", False, None, 0.03),
        Asked(now - 86400, "k1", "ticket price <b>please</b>", False, None, 0.02),
        Asked(now - 86400, "k3", "when did JD start deliveries?", True, "jd", 0.05),
    ]
    for row in rows:
        storage.record_question(row)
    storage.subscribe(-100, 0, "supergroup", "Readers")
    storage.close()
    out = tmp_path / "report.html"
    assert main(["--config", str(config), "insights", "--days", "3", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "4 questions" in printed
    dom = rendered(out, tmp_path / "profile")
    assert 'data-drawn="yes"' in dom
    drawn = bars(dom, "questions")
    day = dt.timedelta(days=1)
    want_answered = {today.isoformat(): 0, (today - day).isoformat(): 0}
    want_refused = dict(want_answered)
    for row in rows:
        key = dt.datetime.fromtimestamp(row.at).date().isoformat()
        (want_answered if row.answered else want_refused)[key] += 1
    for key, n in want_answered.items():
        assert drawn[("answered", key)] == n
    for key, n in want_refused.items():
        assert drawn[("refused", key)] == n
    assert drawn[("answered", (today - 2 * day).isoformat())] == 0
    assert bars(dom, "audience")[("subscribers", today.isoformat())] == 1
    figures = json.loads(
        re.search(r'<script id="figures"[^>]*>(.*?)</script>', dom, re.S).group(1)  # type: ignore[union-attr]
    )
    assert sum(figures["refused"]) == 2
    assert "<b>please</b>" not in dom.split('<script id="figures"')[0]  # escaped, not markup
    assert "ticket price &lt;b&gt;please&lt;/b&gt;" in dom
