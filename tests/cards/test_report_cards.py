"""The report's download-link card is valid Adaptive Cards 1.5 and small, with hostile names and periods."""

from __future__ import annotations

import pytest

from cards.reports import report_link_card
from tests.support.cards import assert_valid_card


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_link_card_is_valid_with_extreme_values(locale: str) -> None:
    url = "https://bot.example/files/" + "t" * 64 + "?u=" + "x" * 40 + "&e=1790000000&sig=" + "s" * 64
    card = report_link_card(
        "2026-11-01 – 2026-11-30 **<at>x</at>** " + "p" * 150,
        100_000,
        "1234:56",
        url,
        owner_name="Anna *Schmidt* [admin] " + "ü" * 180,
        expires="16:15",
        locale=locale,
    )
    assert_valid_card(card)
    assert "**<at>" not in str(card["body"][0]["text"])  # user text is escaped, not rendered as markdown
