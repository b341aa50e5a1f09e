"""Fixtures for the card tests: realistic and extreme views, and the card validator."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.views.entries import EntryView, NamedItem, ProjectView, SummaryView, TotalsRow  # noqa: E402
from tests.support.cards import assert_routable, assert_valid_card  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
NASTY = "**hi** _x_ <at>Boss</at> [click](https://evil.example) `code` ~~s~~ &lt;b&gt; \\ 😀👩‍💻 ü"
LONG_NAME = ("Website Relaunch " * 20)[:200]
LONG_NOTE = (NASTY + " - 1. item\n") * 8
LONG_NOTE = LONG_NOTE[:500]


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def make_entry(**overrides: Any) -> EntryView:
    values: dict[str, Any] = {
        "id": "e1",
        "handle": 1,
        "start": at(17, 14),
        "end": at(17, 15, 30),
        "duration_seconds": 5400,
        "project": "Website",
        "client": "Acme",
        "task": "Design",
        "tags": ["meeting"],
        "note": "header fixes",
        "billable": True,
        "timezone": "Europe/Berlin",
    }
    values.update(overrides)
    return EntryView(**values)


def extreme_entry(**overrides: Any) -> EntryView:
    values: dict[str, Any] = {
        "id": "x" * 64,
        "handle": 999,
        "project": LONG_NAME,
        "client": LONG_NAME,
        "task": LONG_NAME,
        "tags": [f"tag{i}-{'z' * 30}" for i in range(100)],
        "note": LONG_NOTE,
        "start": at(16, 22),
        "end": at(17, 1, 30),
        "duration_seconds": 3 * 3600 + 1800,
    }
    values.update(overrides)
    return make_entry(**values)


def many_entries(n: int, *, extreme: bool = False) -> list[EntryView]:
    base = at(17, 8)
    out = []
    for i in range(n):
        start = base - timedelta(hours=3 * i)
        kwargs: dict[str, Any] = {
            "id": f"e{i}",
            "handle": i + 1,
            "start": start,
            "end": start + timedelta(hours=1, minutes=15),
            "duration_seconds": 4500,
        }
        out.append(extreme_entry(**kwargs) if extreme else make_entry(**kwargs))
    out[0] = out[0].model_copy(update={"end": None})
    return out


def make_projects(n: int, *, extreme: bool = False) -> list[ProjectView]:
    return [
        ProjectView(
            id=f"p{i}",
            name=(LONG_NAME if extreme else f"Website {i}"),
            client=(LONG_NAME if extreme else ("Acme" if i % 2 else None)),
            billable=bool(i % 3),
            done=i % 7 == 0,
        )
        for i in range(n)
    ]


def make_summary(*, days: int = 1, groups: int = 3, extreme: bool = False, **overrides: Any) -> SummaryView:
    label = LONG_NAME if extreme else "Website"
    rows = [
        TotalsRow(label=f"{label} {i}", seconds=3600 * (groups - i), billable_seconds=1800)
        for i in range(groups)
    ]
    total = sum(r.seconds for r in rows)
    day_rows = [TotalsRow(label=f"Day {d + 1}", seconds=3600 + d) for d in range(days)] if days > 1 else []
    values: dict[str, Any] = {
        "period_label": LONG_NAME if extreme else ("Today" if days == 1 else "Week 47"),
        "start": date(2026, 11, 17),
        "end": date(2026, 11, 17) + timedelta(days=days),
        "total_seconds": total,
        "billable_seconds": total // 2,
        "rows": rows,
        "days": day_rows,
        "entry_count": groups * 2,
        "gaps_seconds": 2700 if days == 1 else None,
    }
    values.update(overrides)
    return SummaryView(**values)


def make_items(n: int, *, extreme: bool = False) -> list[NamedItem]:
    return [
        NamedItem(
            id=f"i{i}", name=(LONG_NAME if extreme else f"Item {i}"), detail=(LONG_NOTE if extreme else None)
        )
        for i in range(n)
    ]


SIZES: list[int] = []


@pytest.fixture
def check() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Validate a card (schema, 28 KB, routable actions) and remember its size."""

    def _check(card: dict[str, Any]) -> dict[str, Any]:
        assert_valid_card(card)
        assert_routable(card)
        import json

        SIZES.append(len(json.dumps(card).encode()))
        return card

    return _check


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SIZES:
        terminalreporter.write_line(f"cards: {len(SIZES)} checked, largest {max(SIZES)} bytes")
