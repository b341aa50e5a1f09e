"""The **awork** backend (REST API v1, `https://api.awork.com/api/v1`): companies, projects, tasks, time
entries and the user timer, over the shared `ApiClient`. See `backend.py` for the mapping decisions."""

from adapters.awork.backend import AworkBackend
from adapters.awork.factory import (
    DEFAULT_URL,
    SERVICE_TOKEN_ENV,
    AworkBackendFactory,
    service_account_connections,
)

__all__ = [
    "DEFAULT_URL",
    "SERVICE_TOKEN_ENV",
    "AworkBackend",
    "AworkBackendFactory",
    "service_account_connections",
]
