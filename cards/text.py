"""Translate catalogue keys into the user's language. All user-facing strings go through `t`.

Sentences are whole templates with named fields (`{duration}`), never concatenated fragments, so every
language can order its words itself. English is the fallback for a missing language or key.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from pkgutil import iter_modules

import cards.catalog as _catalog_pkg

Catalogue = Mapping[str, Mapping[str, str]]


@cache
def _messages() -> dict[str, Mapping[str, str]]:
    merged: dict[str, Mapping[str, str]] = {}
    for module in iter_modules(_catalog_pkg.__path__):
        part: Catalogue = getattr(import_module(f"cards.catalog.{module.name}"), "MESSAGES", {})
        duplicate = merged.keys() & part.keys()
        if duplicate:
            raise RuntimeError(f"catalogue keys defined twice: {sorted(duplicate)}")
        merged.update(part)
    return merged


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
    return template.format(**params) if params else template
