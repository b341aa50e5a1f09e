"""The one-way flow, read from the source: which package may import which (walked with `ast`, so an import
inside a function counts too)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "cards", "adapters")


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def _imports(path: Path, module: str) -> Iterator[tuple[str, str]]:
    """(imported module, imported name or "") for every import in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ""
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield base, alias.name


def _within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _importers(target: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for module, path in _modules():
        for imported, name in _imports(path, module):
            full = f"{imported}.{name}" if name else imported
            if _within(imported, target) or _within(full, target):
                found.setdefault(module, set()).add(full)
    return found


def test_the_walk_sees_the_imports_it_checks() -> None:
    importers = _importers("cards")
    assert "bot.replies" in importers and "cards.timer" in importers  # the test cannot pass by seeing nothing


def test_only_the_reply_layer_and_the_features_that_render_import_cards() -> None:
    outside = {
        module: names
        for module, names in _importers("cards").items()
        if not _within(module, "cards", "bot.replies", "bot.features")
    }
    assert outside == {}


def test_the_neutral_packages_import_nothing_above_them() -> None:
    """`bot.i18n` and `bot.views` sit below the service: they may use each other, never what uses them."""
    above = ("bot.service", "bot.features", "bot.replies", "bot.commands", "bot.routing", "bot.transport")
    for target in ("cards", *above):
        leaks = {m: n for m, n in _importers(target).items() if _within(m, "bot.i18n", "bot.views")}
        assert leaks == {}, target


def test_below_the_reply_layer_nothing_imports_features_or_replies() -> None:
    for target in ("bot.features", "bot.replies"):
        leaks = {
            module: names
            for module, names in _importers(target).items()
            if _within(module, "bot.service", "bot.commands", "bot.operations", "bot.store", "adapters")
        }
        assert leaks == {}, target


def test_the_parser_and_the_service_do_not_translate() -> None:
    """They hand on catalogue keys (`Message`, `Problem.key`); `t` belongs to the reply layer."""
    translating = {
        module: names
        for module, names in _importers("bot.i18n.t").items()
        if _within(module, "bot.commands", "bot.service", "bot.operations")
    }
    assert translating == {}


def test_every_card_verb_has_a_handler_and_every_handler_a_verb() -> None:
    from bot.features.card_actions import HANDLERS, VERBS
    from bot.views import verbs

    assert set(HANDLERS) == set(verbs.ALL_VERBS) == set(VERBS)
    assert all(VERBS[name].payload is verbs.ALL_VERBS[name] for name in VERBS)


def test_every_operation_has_one_handler_in_the_registry() -> None:
    """No operation is routed around the table: `connect`, `workspace`, `signin` and `signout` are in it
    too, on the account."""
    import typing

    from bot import operations as ops
    from bot.service.registry import HANDLERS, OnAccount, on_account

    union = typing.get_args(ops.Operation)[0]
    assert set(typing.get_args(union)) == set(HANDLERS)
    assert {op for op, handler in HANDLERS.items() if isinstance(handler, OnAccount)} == {
        ops.Connect,
        ops.ChooseWorkspace,
        ops.SignInTo,
        ops.SignOut,
    }
    assert on_account(ops.Connect()) is not None and on_account(ops.StopTimer()) is None
