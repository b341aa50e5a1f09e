"""Small builders for Adaptive Card 1.5 elements, so card modules read as layout, not JSON plumbing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from bot.i18n import language, t
from cards.format import escape, shorten

Element = dict[str, Any]

VERSION = "1.5"
# Keep every card under Teams' 28 KB (message extensions, connectors); lists stop adding rows earlier.
MAX_CARD_BYTES = 28 * 1024
ROW_BUDGET_BYTES = 22 * 1024


def card(
    body: Sequence[Element],
    locale: str,
    *,
    refresh: Element | None = None,
    full_width: bool = True,
    fallback_text: str | None = None,
) -> Element:
    """The top-level card. Actions live in `ActionSet`s inside the body (Teams renders those reliably)."""
    result: Element = {
        "type": "AdaptiveCard",
        "version": VERSION,
        "lang": language(locale),
        "body": list(body),
    }
    if refresh is not None:
        result["refresh"] = refresh
    if fallback_text:
        result["fallbackText"] = fallback_text
    if full_width:
        result["msteams"] = {"width": "Full"}
    return result


def text(
    value: str,
    *,
    weight: str | None = None,
    size: str | None = None,
    color: str | None = None,
    subtle: bool = False,
    wrap: bool = True,
    spacing: str | None = None,
    separator: bool = False,
    monospace: bool = False,
    max_lines: int | None = None,
    style: str | None = None,
    id: str | None = None,
    align: str | None = None,
) -> Element:
    block: Element = {"type": "TextBlock", "text": value, "wrap": wrap}
    for key, val in (
        ("weight", weight),
        ("size", size),
        ("color", color),
        ("spacing", spacing),
        ("style", style),
        ("id", id),
        ("horizontalAlignment", align),
    ):
        if val is not None:
            block[key] = val
    if subtle:
        block["isSubtle"] = True
    if separator:
        block["separator"] = True
    if monospace:
        block["fontType"] = "Monospace"
    if max_lines is not None:
        block["maxLines"] = max_lines
    return block


def heading(value: str, *, size: str = "Medium") -> Element:
    return text(value, weight="Bolder", size=size, style="heading")


def facts(pairs: Iterable[tuple[str, str]], *, spacing: str | None = None) -> Element:
    element: Element = {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in pairs]}
    if spacing:
        element["spacing"] = spacing
    return element


def action_set(actions: Sequence[Element], *, spacing: str | None = None) -> Element:
    element: Element = {"type": "ActionSet", "actions": list(actions)}
    if spacing:
        element["spacing"] = spacing
    return element


def column(items: Sequence[Element], width: str | int = "stretch", **extra: Any) -> Element:
    return {"type": "Column", "width": width, "items": list(items), **extra}


def columns(cols: Sequence[Element], *, spacing: str | None = None, separator: bool = False) -> Element:
    element: Element = {"type": "ColumnSet", "columns": list(cols)}
    if spacing:
        element["spacing"] = spacing
    if separator:
        element["separator"] = True
    return element


def container(items: Sequence[Element], **extra: Any) -> Element:
    return {"type": "Container", "items": list(items), **extra}


def user_text(value: str, limit: int) -> str:
    """User data for markdown: shortened, then escaped."""
    return escape(shorten(value, limit))


def tags_text(tags: Sequence[str], limit: int = 20, each: int = 40) -> str:
    """ "#a #b #c" (escaped), at most `limit` tags then "+N"."""
    shown = " ".join(escape("#" + shorten(tag.lstrip("#"), each)) for tag in tags[:limit])
    if len(tags) > limit:
        shown += f" +{len(tags) - limit}"
    return shown


def size_of(element: Any) -> int:
    """Bytes as measured for the 28 KB budget (JSON with ASCII escapes, the larger measure)."""
    return len(json.dumps(element).encode())


def fit_rows(rows: Sequence[Element], *, max_rows: int, budget: int = ROW_BUDGET_BYTES) -> list[Element]:
    """The leading rows that fit both `max_rows` and the byte budget (at least one row)."""
    kept: list[Element] = []
    used = 0
    for row in rows[:max_rows]:
        cost = size_of(row) + 2
        if kept and used + cost > budget:
            break
        kept.append(row)
        used += cost
    return kept


def more_line(hidden: int, locale: str) -> Element | None:
    if hidden <= 0:
        return None
    return text(t("card.more", locale, n=hidden), subtle=True, spacing="Small")
