"""Storage plumbing in one place: `adapters.sql` opens and reads the one database for the local backend and
the bot's own state alike, below both; nothing in it, in the local backend or in `bot.store` goes round in
a circle; every part of the local backend fits in a head."""

from __future__ import annotations

from tests.unit.test_layers import ROOT, _importers, _imports, _modules, _within

STORAGE = ("adapters.sql", "adapters.local", "bot.store")


def _graph() -> dict[str, set[str]]:
    modules = {name for name, _ in _modules()}
    graph: dict[str, set[str]] = {}
    for module, path in _modules():
        if not _within(module, *STORAGE):
            continue
        targets = graph.setdefault(module, set())
        for imported, name in _imports(path, module):
            full = f"{imported}.{name}" if name else imported
            target = full if full in modules else imported
            if target in modules and target != module and _within(target, *STORAGE):
                targets.add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_the_storage_imports() -> None:
    graph = _graph()
    assert "adapters.sql" in graph["bot.store.state"] or "adapters.sql.engine" in graph["bot.store.state"]
    assert "adapters.local.base" in graph["adapters.local.entries"]


def test_no_import_cycle_in_the_storage_packages() -> None:
    assert _cycles(_graph()) == []


def test_a_cycle_would_be_seen() -> None:
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_the_sql_engine_sits_below_the_local_backend_and_the_bot() -> None:
    leaks = {m: n for m, n in _importers("adapters.local").items() if _within(m, "adapters.sql")}
    assert leaks == {}
    assert {m: n for m, n in _importers("bot").items() if _within(m, "adapters")} == {}


def test_the_bot_store_takes_only_the_local_table_definitions_from_the_local_backend() -> None:
    """Migrations create the local tables, so they need their metadata; plumbing comes from adapters.sql."""
    uses = {m: n for m, n in _importers("adapters.local").items() if _within(m, "bot.store")}
    assert uses == {"bot.store.migrations.env": {"adapters.local.tables.metadata"}}


def test_every_part_of_the_local_backend_fits_in_a_head() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("adapters/local", "adapters/sql", "bot/store")
        for path in (ROOT / folder).glob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
