"""Load benchmark for `POST /api/messages`: timebot vs a bare aiohttp anchor vs stock botbuilder.

Run `python -m bench` (see `bench/__main__.py` for the set-up and flags).
"""
