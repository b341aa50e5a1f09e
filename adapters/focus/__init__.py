"""Toggl Focus (`https://focus.toggl.com/api`): organization groups, teams, users and roles, plus the timer,
time entries, projects and tasks its public material documents. See `backend.py`."""

from adapters.focus.backend import FocusBackend, FocusBackendFactory

__all__ = ["FocusBackend", "FocusBackendFactory"]
