"""Fixtures of the conformance suite: `harness` (one per backend), `backend` (Alice, the workspace admin) and
`other_backend` (Bob, a second user of the same workspace). Backends are listed in `harnesses.py`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.backend import Backend
from tests.conformance.harnesses import HARNESSES, PARAMS, Harness


@pytest.fixture(params=PARAMS)
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with HARNESSES[request.param](tmp_path) as made:
        yield made


@pytest.fixture
async def backend(harness: Harness) -> Backend:
    """Alice, the first user of a fresh workspace (its admin)."""
    return await harness.bind(harness.identity("alice"))


@pytest.fixture
async def other_backend(harness: Harness, backend: Backend) -> Backend:
    """Bob, a second (non-admin) user of the same workspace."""
    return await harness.bind(harness.identity("bob"))
