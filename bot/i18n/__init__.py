"""Translate catalogue keys into the user's language. All user-facing strings go through `t`.

Sentences are whole templates with named fields (`{duration}`), never concatenated fragments, so every
language can order its words itself. English is the fallback for a missing language or key.

The parser and the service never translate: they hand on a `Message` (key and fields), and the reply layer
renders it in the reader's language (`render`), so one outcome can be shown in any language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib import import_module
from pkgutil import iter_modules

import bot.i18n.catalog as _catalog_pkg

Catalogue = Mapping[str, Mapping[str, str]]


@cache
def _messages() -> dict[str, Mapping[str, str]]:
    merged: dict[str, Mapping[str, str]] = {}
    for module in iter_modules(_catalog_pkg.__path__):
        part: Catalogue = getattr(import_module(f"bot.i18n.catalog.{module.name}"), "MESSAGES", {})
        duplicate = merged.keys() & part.keys()
        if duplicate:
            raise RuntimeError(f"catalogue keys defined twice: {sorted(duplicate)}")
        merged.update(part)
    return merged


@lru_cache(maxsize=256)  # a handful of locales, asked for a dozen times per card
def language(locale: str | None) -> str:
    """`de-DE` → `de`; anything we have no strings for → `en`."""
    lang = (locale or "en").split("-")[0].lower()
    return lang if lang in ("en", "de") else "en"


def t(key: str, locale: str | None = None, /, **params: object) -> str:
    """The sentence for `key` in the locale's language. With `count=1`, a `key.one` variant wins (en/de
    plural rules are one/other), so "1 entry" and "2 entries" come from the same call."""
    if params.get("count") == 1 and f"{key}.one" in _messages():
        key = f"{key}.one"
    entry = _messages().get(key)
    if entry is None:
        return key
    template = entry.get(language(locale)) or entry["en"]
    return template.format(**{k: _field(v, locale) for k, v in params.items()}) if params else template


def format_date(day: date, locale: str | None) -> str:
    """A date as the language writes it: "17.11.2026" (de), "2026-11-17" (en)."""
    if language(locale) == "de":
        return f"{day.day}.{day.month}.{day.year}"
    return day.isoformat()


def _field(value: object, locale: str | None) -> object:
    """A field of a sentence: a `Message` is rendered, a date written in the same language."""
    if isinstance(value, Message):
        return render(value, locale)
    if type(value) is date:
        return format_date(value, locale)
    return value


@dataclass(frozen=True)
class Message:
    """A catalogue sentence not yet rendered: its key and fields (a field may itself be a `Message`)."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


NAMED_PERIODS = ("today", "yesterday", "week", "last_week", "month", "last_month", "year", "last_year", "all")


def in_sentence(name: str | Message) -> str | Message:
    """A period's name as it reads inside a sentence: "This month" (a heading) → "this month" ("für diesen
    Monat"); names of their own ("Week 47", "November 2026", a date) stay as they are."""
    if isinstance(name, Message) and name.key.startswith("parse.period."):
        kind = name.key.removeprefix("parse.period.")
        if kind in NAMED_PERIODS:
            return Message(f"period.in_sentence.{kind}")
    return name


def render(text: str | Message, locale: str | None) -> str:
    """Plain text as it is (a name, something typed); a `Message` in the locale's language."""
    if isinstance(text, str):
        return text
    return t(text.key, locale, **text.params)
