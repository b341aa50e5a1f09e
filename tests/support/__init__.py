"""Reusable test helpers (import them; there is no root conftest)."""
