"""Toggl Focus JSON → domain models (shapes from Focus's API reference pages and third-party clients)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.errors import NotFound, Unavailable
from adapters.focus import mapping as m


def test_group_from_a_put_answer_uses_organization_user_and_workspace_ids() -> None:
    item = {
        "id": 7,
        "name": "Design",
        "emoji": "🎨",
        "organization_id": 1,
        "users": [{"organization_user_id": 11, "user_account_id": 99, "display_name": "Alice"}],
        "workspaces": [{"workspace_id": 3, "name": "Main", "workspace_group_id": 5}],
    }
    group = m.group_from(item)
    assert (group.id, group.name, group.emoji, group.user_ids, group.workspace_ids) == (
        "7",
        "Design",
        "🎨",
        ["11"],
        ["3"],
    )


def test_group_from_groups_me_has_no_members_and_empty_emoji_is_none() -> None:
    group = m.group_from({"id": 2, "name": "Ops", "emoji": ""})
    assert (group.emoji, group.user_ids, group.workspace_ids) == (None, [], [])


def test_team_keeps_ghosts() -> None:
    team = m.team_from({"id": 1, "name": "T", "ghosts": [{"id": 4, "name": "New hire"}], "users": []})
    assert team.ghosts == {"4": "New hire"}


def test_user_admin_or_owner_is_admin() -> None:
    user = m.user_from({"id": 5, "name": "Bob", "email": "b@x", "admin": False, "owner": True}, "3")
    assert (user.id, user.workspace_id, user.is_admin, user.email) == ("5", "3", True, "b@x")


def test_entry_running_without_stop_and_times_normalised_to_utc() -> None:
    item = {"id": 9, "start": "2026-03-04T10:00:00+01:00", "stop": None, "duration": None, "project_id": 0}
    entry = m.entry_from(item, "3", "5", "Europe/Berlin")
    assert entry.running and entry.start == datetime(2026, 3, 4, 9, tzinfo=UTC)
    assert entry.project_id is None and entry.timezone == "Europe/Berlin"
    done = m.entry_from({**item, "stop": "2026-03-04T11:30:00Z", "task_id": 8}, "3", "5")
    assert done.end == datetime(2026, 3, 4, 11, 30, tzinfo=UTC) and done.task_id == "8"


def test_planned_entries_are_not_tracked_and_bad_times_are_unavailable() -> None:
    assert not m.is_tracked({"id": 1, "planned_start": "2026-03-04T10:00:00Z", "planned_duration": 3600})
    assert m.is_tracked({"id": 1, "start": "2026-03-04T10:00:00Z"})
    with pytest.raises(Unavailable):
        m.entry_from({"id": 1, "start": "yesterday"}, "3", "5")


def test_project_inactive_is_done_and_project_less_tasks_are_left_out() -> None:
    assert m.project_from({"id": 1, "name": "P", "active": False}, "3").done
    assert not m.project_from({"id": 1, "name": "P", "active": True, "color": "red"}, "3").done
    assert m.task_from({"id": 2, "name": "loose", "project_id": None}, "3") is None
    assert m.task_from({"id": 2, "name": "T", "project_id": 1, "estimated_duration": 60}, "3") is not None


def test_rfc3339_and_integer_ids() -> None:
    assert m.rfc3339(datetime(2026, 7, 28, tzinfo=UTC)) == "2026-07-28T00:00:00Z"
    with pytest.raises(NotFound):
        m.int_id("nope")
