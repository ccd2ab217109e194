"""Where the test data lives."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
SEED_QUESTIONS = SHARED / "eval" / "seed-questions.yaml"
SQUAD = SHARED / "eval" / "squad"
BENCH = ROOT / "bench"
