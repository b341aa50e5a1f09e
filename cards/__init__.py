"""Adaptive Cards 1.5 for Teams, built from plain view models (`bot.views`). No I/O, no botbuilder.

Every action carries a typed payload with a `verb`; `Action.Execute` always has an `Action.Submit` fallback
carrying the same data, so the bot handles both the same way.
"""
