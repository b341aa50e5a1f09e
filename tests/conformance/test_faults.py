"""Real-world conditions every remote backend must survive, with the same assertions for each: lists past
one page, a 429 then success, a 5xx then success, and a 401 that becomes "connect again".

The local backend has no network between the bot and its data, so these skip there (by harness, not by
capability)."""

from __future__ import annotations

import pytest

from adapters.backend import Backend, Capability
from adapters.errors import Unauthorized
from adapters.models import ProjectDraft
from tests.conformance.harnesses import Harness


def _remote(harness: Harness) -> None:
    if harness.fail_next_read is None:
        pytest.skip(f"{harness.name} is not reached over HTTP")


async def test_lists_reach_past_one_page(harness: Harness, backend: Backend) -> None:
    _remote(harness)
    if Capability.PROJECTS not in backend.capabilities:
        pytest.skip(f"{backend.kind} lacks PROJECTS")
    count = (harness.page_size or 5) * 2 + 1
    names = {f"Project {i:02d}" for i in range(count)}
    for name in sorted(names):
        await backend.create_project(ProjectDraft(name=name))
    assert {p.name for p in await backend.list_projects()} >= names


@pytest.mark.parametrize(
    ("status", "headers"),
    [(429, {"Retry-After": "0"}), (503, {}), (502, {})],
    ids=["429-retry-after", "503", "502"],
)
async def test_a_refused_read_is_retried_then_succeeds(
    harness: Harness, backend: Backend, status: int, headers: dict[str, str]
) -> None:
    _remote(harness)
    assert harness.fail_next_read is not None
    baseline = await backend.list_time_entries(*_window())
    harness.fail_next_read(status, headers)
    assert await backend.list_time_entries(*_window()) == baseline


async def test_a_401_means_connect_again(harness: Harness, backend: Backend) -> None:
    _remote(harness)
    assert harness.fail_next_read is not None
    harness.fail_next_read(401, {})
    with pytest.raises(Unauthorized):
        await backend.list_time_entries(*_window())


def _window():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    end = datetime.now(UTC).replace(microsecond=0)
    return end - timedelta(days=7), end
