"""Text → typed operation. The grammar is `docs/commands.md`; this package is its implementation.

`parse` never raises: anything it cannot read becomes a `ParseFailure` with a catalogue key (`parse.…`) and
params naming the bad part, and anything it must not guess becomes an `Ambiguity` with complete commands as
choices.

This module finds the verb (the table is `bot.commands.verbs`) and hands the rest to its family's parser:
`timer`, `entries` and `edit`, `workinghours`, `masterdata`, `reports`, `account`. The rules those parsers
share (project vs note words, entry refs, bare numbers) are documented in `bot.commands.args`; each family
module documents its own. Tested in `tests/unit/test_parse*.py`.
"""

from __future__ import annotations

import logging

from rapidfuzz import fuzz, process

from bot.operations import Help, ParseContext, ParseFailure, ParseResult

from . import entries
from .args import Ask, Cmd, Fail, fail
from .clean import clean_text
from .timeparse import parse_period
from .tokens import Token, normalise, tokenize
from .verbs import PERIOD_VERBS, PHRASE_VERBS, UNSUPPORTED, VERBS, handler

__all__ = ["PERIOD_VERBS", "VERBS", "parse", "parse_strict"]

log = logging.getLogger(__name__)

_MAX_TEXT = 2000
_NOUNS = ("project", "projects", "client", "clients", "task", "tasks", "tag", "tags")


def _suggest(word: str) -> str | None:
    candidates = [*VERBS, *PERIOD_VERBS]
    found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=75)
    return found[0] if found else None


def _dispatch(text: str, ctx: ParseContext) -> ParseResult:
    tokens = tokenize(text)
    if not tokens:
        return Help()
    first = tokens[0]
    word1 = first.low.lstrip("/") if first.kind == "word" else ""
    word2 = f"{word1} {tokens[1].low}" if len(tokens) > 1 and tokens[1].kind == "word" else ""
    verb: str | None = None
    try:
        if word2 in PERIOD_VERBS or (word1 in PERIOD_VERBS and word2 not in UNSUPPORTED):
            name = word2 if word2 in PERIOD_VERBS else word1
            verb = "summary"
            period = parse_period(PERIOD_VERBS[name], ctx)
            assert period is not None
            rest = tokens[2:] if name == word2 else tokens[1:]
            return entries.summary(Cmd(text, rest, ctx), period)
        if word2 in PHRASE_VERBS:
            verb = PHRASE_VERBS[word2]
            return handler(verb)(Cmd(text, tokens[2:], ctx))
        if word2 in UNSUPPORTED or (word1 in UNSUPPORTED and word1 not in VERBS):
            verb = UNSUPPORTED[word2] if word2 in UNSUPPORTED else UNSUPPORTED[word1]
            fail("parse.unsupported_command", verb=verb)
        if word1 in VERBS:
            verb = VERBS[word1]
            rest = tokens[1:]
            if word1 in ("add", "new", "create") and rest and rest[0].kind == "word":
                # `add project X` = `project add X`
                noun = VERBS.get(rest[0].low)
                if noun in _NOUNS:
                    verb = noun.rstrip("s") if noun != "tags" else "tag"
                    sub = Token("word", "add", "add", rest[0].start, rest[0].end)
                    return handler(verb)(Cmd(text, [sub, *rest[1:]], ctx))
            return handler(verb)(Cmd(text, rest, ctx))
        params = {"text": text}
        suggestion = _suggest(word1) if word1 else None
        if suggestion:
            params["suggestion"] = suggestion
        return ParseFailure(message_key="parse.unknown_command", params=params)
    except Fail as failure:
        return ParseFailure(message_key=failure.key, params=failure.params, verb=verb)
    except Ask as ask:
        return ask.ambiguity


def parse_strict(text: str, ctx: ParseContext) -> ParseResult:
    """`parse` without the safety net (tests use it so a bug is an exception, not a generic failure)."""
    cleaned = normalise(clean_text(text))
    if len(cleaned) > _MAX_TEXT:
        return ParseFailure(message_key="parse.too_long", params={"max": str(_MAX_TEXT)})
    return _dispatch(cleaned, ctx)


def parse(text: str, ctx: ParseContext) -> ParseResult:
    """The operation `text` asks for, an `Ambiguity` to ask about, or a `ParseFailure`. Never raises."""
    try:
        return parse_strict(text, ctx)
    except Exception:  # the bot must answer something; the test suite runs parse_strict to catch these
        log.exception("parser failed on a %d-character command", len(text or ""))
        return ParseFailure(message_key="parse.internal_error")
