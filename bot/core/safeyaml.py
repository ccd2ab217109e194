"""YAML from files a person or a program wrote: bounded, so that no file can stop the bot.

PyYAML's safe loader builds only plain data, but it builds all of it: a document nested
thousands of levels deep overflows the stack, and a few anchors that alias each other (a
"billion laughs") expand into gigabytes the moment the data is walked. This loader refuses
both while it reads: it counts nesting depth, aliases and nodes, and a document past any
limit is an error naming the line, never a crash or a hang.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 32
MAX_ALIASES = 64
MAX_NODES = 100_000


class YamlError(ValueError):
    """A document that is not valid YAML or is past the loader's limits."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None) -> None:
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(f"{problem}{where}")
        self.problem = problem
        self.line = line
        self.column = column


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                self._fail(f"more than {MAX_ALIASES} aliases")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            self._fail(f"more than {MAX_NODES:,} values")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            self._fail(f"nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _fail(self, problem: str) -> None:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        raise YamlError(problem, mark.line + 1, mark.column + 1)


def load(text: str, *, first_line: int = 1) -> Any:
    """The data of one YAML document; YamlError says what is wrong and where.

    ``first_line`` is the line of the file the text starts on, so that a problem in front
    matter is reported at its line in the article file.
    """
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except YamlError as exc:
        line = None if exc.line is None else exc.line + first_line - 1
        raise YamlError(exc.problem, line, exc.column) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = str(exc.problem or exc.context or "invalid YAML")
        line = None if mark is None else mark.line + first_line
        raise YamlError(problem, line, None if mark is None else mark.column + 1) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise YamlError(f"invalid YAML ({type(exc).__name__})") from None
    finally:
        loader.dispose()
