"""docs/deploy.md's settings table names every setting the bot reads, so an operator finds each one there."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\bTIMEBOT_[A-Z][A-Z0-9_]*[A-Z0-9]\b")


def _table_names() -> set[str]:
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", row)}


def _settings_names() -> set[str]:
    names = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        names.add(str(choices[0]) if choices else str(alias))
    return names


def test_every_settings_field_has_a_row() -> None:
    missing = _settings_names() - _table_names()
    assert not missing, f"add these to the settings table in docs/deploy.md: {sorted(missing)}"


def test_every_timebot_variable_in_the_code_has_a_row() -> None:
    """Also the ones read outside `Settings` (os.environ), such as the awork service token."""
    used = {
        name
        for package in ("bot", "adapters", "cards")
        for path in (ROOT / package).rglob("*.py")
        for name in NAME.findall(path.read_text(encoding="utf-8"))
    }
    missing = used - _table_names()
    assert not missing, f"add these to the settings table in docs/deploy.md: {sorted(missing)}"
