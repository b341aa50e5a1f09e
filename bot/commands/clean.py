"""Strip what Teams wraps around a typed command: `<at>` mentions, HTML, entities, zero-width characters."""

from __future__ import annotations

import html
import re

__all__ = ["clean_text"]

# A whole mention element, name included. Matched structurally, never built from the display name (names
# can hold regex metacharacters).
_MENTION = re.compile(r"<at(?:\s[^<>]*)?>.*?</at\s*>", re.IGNORECASE | re.DOTALL)
_UNCLOSED_MENTION = re.compile(r"<at(?:\s[^<>]*)?>", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|tr|td|th|table|h[1-6]|blockquote|pre)\b[^<>]*>", re.I)
_TAG = re.compile(r"<!--.*?-->|</?[a-zA-Z][^<>]*>", re.DOTALL)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")
_ODD_SPACE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def _once(text: str) -> str:
    text = _MENTION.sub(" ", text)
    text = _UNCLOSED_MENTION.sub(" ", text)
    text = _BLOCK_TAG.sub(" ", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACE.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def clean_text(text: str | None) -> str:
    """The command text without mentions, markup, entities and invisible characters; whitespace collapsed.

    Applied until nothing changes, so `clean_text(clean_text(x)) == clean_text(x)` (an escaped `&lt;b&gt;`
    becomes a tag on the first pass and is removed on the next).
    """
    if not text:
        return ""
    current = str(text)
    for _ in range(50):
        cleaned = _once(current)
        if cleaned == current:
            break
        current = cleaned
    return current
