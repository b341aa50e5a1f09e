"""Runs operations for one user on that user's backend: resolution, undo journal, caches, outcomes."""
