"""YAML from files: bounded, so a hostile document is an error with a line, never a crash."""

from __future__ import annotations

import time

import pytest

from bot.core.safeyaml import MAX_ALIASES, YamlError, load

BOMB = "\n".join(
    [
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
        *(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


class TestLimits:
    def test_plain_documents_load(self) -> None:
        assert load("title: Bridges\ntags: [a, b]\n") == {"title": "Bridges", "tags": ["a", "b"]}

    def test_deep_nesting_is_an_error_not_a_recursion_error(self) -> None:
        with pytest.raises(YamlError, match="nested more than"):
            load("x: " + "[" * 5000 + "]" * 5000)

    def test_an_alias_bomb_is_refused_at_once(self) -> None:
        """Nine levels of nine aliases would be 387 million strings; it is refused while
        it is read, well within a second."""
        start = time.perf_counter()
        with pytest.raises(YamlError, match=f"more than {MAX_ALIASES} aliases"):
            load(BOMB)
        assert time.perf_counter() - start < 1.0

    def test_invalid_yaml_names_its_line_and_column(self) -> None:
        with pytest.raises(YamlError) as info:
            load("title: a\nsummary: [unclosed\n", first_line=2)
        assert info.value.line is not None and info.value.line >= 3
        assert "line" in str(info.value) and "column" in str(info.value)
