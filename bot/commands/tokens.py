"""Split a cleaned command into tokens: words, `"quoted"`, `@refs`, `#tags`, `-#tags`, `client:x`.

Each token keeps its span in the normalised text so a clarifying question can re-submit the command with
one piece replaced (`log 90 @web` → `log 90m @web`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Token", "normalise", "tokenize"]

TokenKind = Literal["word", "quoted", "ref", "tag", "untag", "client"]

_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»″〝〞＂"})
_TRAILING_ALWAYS = re.compile(r"[\s!?¡¿…]+$")
_TRAILING_SOFT = re.compile(r"[\s.,;:]+$")
_ENDS_WITH_DATE = re.compile(r"(?:^|\s)\d{1,2}\.\d{1,2}\.$")
_TAG_TRAIL = ".,;:!?"


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    raw: str  # as it appears in the text
    value: str  # word text; quoted content; tag name; client name; the ref as typed without `@`
    start: int
    end: int
    parts: tuple[str, ...] = field(default=())  # ref path parts

    @property
    def low(self) -> str:
        return self.value.lower()


def normalise(text: str) -> str:
    """Smart quotes → `"`; trailing `!?…` dropped; trailing `.,;:` dropped unless it ends a date `20.11.`."""
    text = text.translate(_QUOTES)
    for _ in range(3):
        text = _TRAILING_ALWAYS.sub("", text)
        if not _ENDS_WITH_DATE.search(text):
            text = _TRAILING_SOFT.sub("", text)
    return text.strip()


def _read_word(s: str, i: int) -> int:
    n = len(s)
    while i < n and not s[i].isspace() and s[i] != '"':
        i += 1
    return i


def _read_quoted(s: str, i: int) -> tuple[str, int]:
    """s[i] == '"': the content and the index after the closing quote (or the end)."""
    close = s.find('"', i + 1)
    if close < 0:
        return s[i + 1 :].strip(), len(s)
    return s[i + 1 : close].strip(), close + 1


def tokenize(s: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
            continue
        start = i
        if c == '"':
            value, i = _read_quoted(s, i)
            tokens.append(Token("quoted", s[start:i], value, start, i))
        elif c == "@" and i + 1 < n and not s[i + 1].isspace():
            parts: list[str] = []
            i += 1
            while True:
                if i < n and s[i] == '"':
                    part, i = _read_quoted(s, i)
                else:
                    j = i
                    while j < n and not s[j].isspace() and s[j] not in '/"':
                        j += 1
                    part, i = s[i:j], j
                parts.append(part.strip())
                if i < n and s[i] == "/":
                    i += 1
                    continue
                break
            if parts and parts[-1]:
                parts[-1] = parts[-1].rstrip(_TAG_TRAIL) or parts[-1]
            tokens.append(Token("ref", s[start:i], s[start + 1 : i], start, i, tuple(parts)))
        elif (c == "#" or (c == "-" and s[i + 1 : i + 2] == "#")) and i + 2 - (c == "#") <= n:
            body = i + (1 if c == "#" else 2)
            end = _read_word(s, body)
            name = s[body:end].rstrip(_TAG_TRAIL)
            if name:
                tokens.append(Token("tag" if c == "#" else "untag", s[start:end], name, start, end))
            else:
                tokens.append(Token("word", s[start:end], s[start:end], start, end))
            i = end
        elif s[i : i + 7].lower() == "client:" and i + 7 < n and not s[i + 7].isspace():
            if s[i + 7] == '"':
                value, i = _read_quoted(s, i + 7)
            else:
                end = _read_word(s, i + 7)
                value, i = s[i + 7 : end], end
            tokens.append(Token("client", s[start:i], value, start, i))
        else:
            i = _read_word(s, i)
            tokens.append(Token("word", s[start:i], s[start:i], start, i))
    return tokens
