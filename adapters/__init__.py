"""Backend adapters: the domain model, the `Backend` protocol and one package per time tracker.

Nothing here knows about Teams; `bot/` depends on `adapters/`, never the other way round.
"""
