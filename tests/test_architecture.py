"""The tree is the architecture: these tests fail when the code stops matching it.

- The layer and purity contracts in pyproject.toml (`[tool.importlinter]`) hold, checked by
  import-linter on the real import graph (function-level imports included); and import-linter
  is shown to catch a violation, so a green run means something.
- No import cycle among nudger's and the adapters' modules (imports under TYPE_CHECKING aside:
  they never run).
- No module in `nudger/` over 400 lines; no CLI command body over 25 lines; no SQL outside
  the log package, and no transaction opened in the CLI.
"""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grimp
import pytest
import typer.main

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "nudger"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_MODULE_LINES = 400
MAX_COMMAND_BODY_LINES = 25


def lint_imports(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    done = lint_imports()
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_linter_sees_a_broken_contract(tmp_path: Path) -> None:
    """A contract the code is known to break (the CLI uses nudger.errors) must be reported, or
    the green run above would prove nothing."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["nudger"]\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "a contract made to fail"\n'
        'type = "forbidden"\n'
        'source_modules = ["nudger.cli"]\n'
        'forbidden_modules = ["nudger.errors"]\n',
        encoding="utf-8",
    )
    done = lint_imports("--config", str(config))
    assert done.returncode == 1
    assert "a contract made to fail BROKEN" in done.stdout


def cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module) & modules:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_there_is_no_import_cycle() -> None:
    graph = grimp.build_graph("nudger", "integrations", exclude_type_checking_imports=True)
    modules = {m for m in graph.modules if m.split(".")[0] in {"nudger", "integrations"}}
    assert cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c", "d"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    graph.add_import(importer="c", imported="d")
    assert cycles(graph, {"a", "b", "c", "d"}) == [["a", "b", "c"]]


def modules() -> Iterator[Path]:
    yield from sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every leaf command of the real command tree, by its words, with its function."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), inspect.unwrap(command.callback)


def body_lines(function: Callable[..., Any]) -> int:
    """Lines of the function's body after its docstring (blank lines and comments included)."""
    source = textwrap.dedent(inspect.getsource(function))
    definition = ast.parse(source).body[0]
    assert isinstance(definition, ast.FunctionDef)
    body = definition.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return 0
    end = body[-1].end_lineno
    assert end is not None
    return end - body[0].lineno + 1


def test_no_command_body_is_over_25_lines() -> None:
    from nudger.cli import load_commands

    bodies = {
        name: body_lines(function)
        for name, function in commands(typer.main.get_command(load_commands()))
    }
    assert len(bodies) > 30  # the whole tree was walked: the check is not vacuous
    assert {name: lines for name, lines in bodies.items() if lines > MAX_COMMAND_BODY_LINES} == {}


SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|DROP|ALTER|PRAGMA|BEGIN)\b")
SQL_CALLS = {"execute", "executemany", "executescript"}


def sql_in(tree: ast.AST) -> Iterator[int]:
    """Line numbers of SQL text or cursor calls in a module."""
    for node in ast.walk(tree):
        match node:
            case ast.Constant(value=str(text)) if SQL.match(text):
                yield node.lineno
            case ast.Call(func=ast.Attribute(attr=name)) if name in SQL_CALLS:
                yield node.lineno


def test_sql_is_only_in_the_log_package() -> None:
    outside = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules()
        if "log" not in path.relative_to(PACKAGE).parts[:1]
        for line in sql_in(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert sorted(outside) == []


def test_no_transaction_is_opened_in_the_cli() -> None:
    """Commands pass the store down; what must be written together is written below the CLI."""
    opened = {
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((PACKAGE / "cli").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "transaction"
    }
    assert sorted(opened) == []


@pytest.mark.parametrize(
    "source",
    [
        'db.execute("SELECT 1")',
        'QUERY = """\n  INSERT INTO entry VALUES (1)"""',
        "db.executescript(x)",
    ],
)
def test_the_sql_finder_finds_sql(source: str) -> None:
    assert list(sql_in(ast.parse(source)))
