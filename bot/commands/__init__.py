"""The command language (`docs/commands.md` in the repository): text → `bot.operations` operation.

Public API: `parse(text, ctx)`, `clean_text(text)`; the verb table (every command word, its parser and its
German words) in `bot.commands.verbs`; durations in `bot.commands.durations`, times, dates and periods in
`bot.commands.timeparse`.
"""

from .clean import clean_text
from .parser import parse

__all__ = ["clean_text", "parse"]
