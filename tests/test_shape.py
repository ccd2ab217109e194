"""The house's shape, read from the syntax tree: the package's rooms (core, sources, store,
runtime, and the fronts: Telegram and the console) import only the rooms below them, without
a circle; nothing on the event loop calls the synchronous store; the commands come from one
table; and the Telegram front is made of short functions."""

from __future__ import annotations

import ast
import collections
from pathlib import Path

from tests.support.paths import ROOT

PACKAGE = ROOT / "bot"
TOP = ("bot.telegram", "bot.console", "bot.__main__")


def _module(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    deps.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_no_import_circle() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                raise AssertionError(" -> ".join([*path[path.index(dep) :], dep]))
            if dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


# The rooms, and the rooms each may import from: the core is pure; the sources (the folder
# watcher, feeds, web pages) and the store (the databases and the store's async face) stand
# on it alone; the runtime (the service, the live library, the fleet's roles, the
# background work, the settings) brings them together; the fronts (Telegram, the console)
# stand on the runtime and never reach past it.
ROOMS = {
    "bot.core": {"bot.core"},
    "bot.sources": {"bot.core", "bot.sources"},
    "bot.store": {"bot.core", "bot.store"},
    "bot.runtime": {"bot.core", "bot.sources", "bot.store", "bot.runtime", "bot"},
    "bot.telegram": {"bot.core", "bot.runtime", "bot.telegram"},
    # the command line is also what starts the Telegram front (``run``, ``announce --now``)
    "bot.console": {"bot.core", "bot.runtime", "bot.console", "bot.telegram"},
    "bot.__main__": {"bot.console"},
}


def _room(module: str) -> str | None:
    return next((room for room in ROOMS if _under(module, (room,))), None)


def test_every_module_is_in_a_room() -> None:
    loose = [m for m in _graph() if m != "bot" and _room(m) is None]
    assert loose == [], "modules outside the rooms: " + ", ".join(loose)


def test_each_room_imports_only_the_rooms_below_it() -> None:
    wrong = []
    for module, deps in _graph().items():
        room = _room(module)
        if room is None:
            continue
        wrong += [
            f"{module} imports {dep}"
            for dep in sorted(deps)
            if (_room(dep) or dep) not in ROOMS[room]
        ]
    assert wrong == []


def test_imports_never_run_back_up_a_floor() -> None:
    for module, deps in _graph().items():
        if not _under(module, TOP):
            above = [d for d in deps if _under(d, TOP)]
            assert above == [], f"{module} imports {above}"


def test_telegram_functions_are_short() -> None:
    long = []
    for path in (PACKAGE / "telegram").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > 50:
                    long.append(f"{path.name}:{node.name} ({lines} lines)")
    assert long == []


# -- the event loop never waits for the database -------------------------------------------

NO_DATABASE_CALL = {"leader"}  # Storage methods that only make an object


def _storage_methods(package: Path) -> set[str]:
    """The synchronous store's methods that call the database."""
    tree = ast.parse((package / "store" / "storage.py").read_text(encoding="utf-8"))
    (storage,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Storage"]
    return {
        node.name
        for node in storage.body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        and not any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)
    } - NO_DATABASE_CALL


def _named(node: ast.expr) -> str | None:
    """The last name of an expression: ``storage`` for ``self.service.storage``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _database_calls(node: ast.AST, methods: set[str]) -> list[ast.Attribute]:
    """Where ``node`` uses one of the synchronous store's methods through a name
    ``storage`` (``self.service.storage.claim``), called or handed on."""
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute) and n.attr in methods and _named(n.value) == "storage"
    ]


def _calls(node: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call)]


def _functions(package: Path) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    out = []
    for path in sorted(package.rglob("*.py")):
        if not _under(_module(path, package.parent), ("bot.core",)):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    out.append((path.name, node))
    return out


def _blocking(
    functions: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]], methods: set[str]
) -> set[str]:
    """The synchronous functions that use the synchronous store, by name: directly, or by
    calling one that does (through names defined once in the package, so that a common
    name such as ``get`` is not taken for another function of that name)."""
    sync = [
        f for _, f in functions if isinstance(f, ast.FunctionDef) and not f.name.startswith("__")
    ]
    defined = collections.Counter(f.name for _, f in functions)
    blocking = {f.name for f in sync if _database_calls(f, methods)}
    while True:
        more = {
            f.name
            for f in sync
            if f.name not in blocking
            and any(_named(c.func) in blocking and defined[_named(c.func)] == 1 for c in _calls(f))
        }
        if not more:
            return blocking
        blocking |= more


def blocking_calls_on_the_loop(package: Path) -> list[str]:
    """Every place an ``async def`` in the package uses the synchronous store, directly or
    by calling a synchronous function of the package that does, instead of awaiting the
    store's async face (``bot.store.face.Store``)."""
    methods = _storage_methods(package)
    functions = _functions(package)
    blocking = _blocking(functions, methods)
    found = []
    for file, f in functions:
        if isinstance(f, ast.AsyncFunctionDef):
            found += [
                f"{file}:{n.lineno} {f.name}: {ast.unparse(n)}"
                for n in _database_calls(f, methods)
            ]
            found += [
                f"{file}:{c.lineno} {f.name}: {ast.unparse(c.func)}(…)"
                for c in _calls(f)
                if _named(c.func) in blocking
            ]
    return found


def test_no_async_def_calls_the_synchronous_store() -> None:
    """Nothing on the event loop waits for the database: coroutines await the store's async
    face (``await store.claim(…)``, ``await store.run(service.queue_digests)``), which owns
    the hop to a worker thread; they never call a ``Storage`` method, or a synchronous
    function that calls one, themselves."""
    assert blocking_calls_on_the_loop(PACKAGE) == []


# -- one command table ---------------------------------------------------------------------


def test_commands_come_from_the_one_table() -> None:
    """No front names a slash command of its own: Telegram's CommandHandlers and the menu
    take their names from ``bot.runtime.commands.COMMANDS``, and the console's chat too (the
    handler maps are keyed by the table's names, checked in tests/telegram/test_commands.py)."""
    literal = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and _named(node.func) in ("CommandHandler", "BotCommand")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                literal.append(f"{path.name}:{node.lineno}")
    assert literal == []


def test_benches_and_helpers_import_no_test_module() -> None:
    """What benches share with tests lives in ``tests/support/``, never in a test module."""
    wrong = []
    for folder in (ROOT / "bench", ROOT / "tests" / "support"):
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
                if module.startswith("tests.") and not module.startswith("tests.support"):
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []
