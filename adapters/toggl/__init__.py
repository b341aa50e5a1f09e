"""Toggl Track (API v9, Reports API v3, Webhooks API v1) behind the `Backend` protocol."""

from adapters.toggl.backend import TogglBackend
from adapters.toggl.factory import TogglBackendFactory
from adapters.toggl.mapping import Subscription

__all__ = ["Subscription", "TogglBackend", "TogglBackendFactory"]
