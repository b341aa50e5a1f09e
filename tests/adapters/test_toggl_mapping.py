"""Toggl wire ↔ domain mapping and error reading, without a server."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from adapters.errors import Conflict, NotFound, PermissionDenied, Unauthorized, ValidationFailed
from adapters.toggl import mapping as m
from adapters.toggl.client import basic_auth, toggl_error_message, translate

ENTRY = {
    "id": 436694100,
    "workspace_id": 777,
    "user_id": 6,
    "project_id": 193791,
    "task_id": None,
    "tag_ids": [1, 2],
    "tags": ["a", "b"],
    "billable": False,
    "description": "Running time entry",
    "start": "1984-01-30T09:08:04+00:00",
    "stop": None,
    "duration": -1,
}


def test_negative_duration_is_a_running_timer_in_v9_and_v8_style() -> None:
    entry = m.entry_from(ENTRY, "Europe/Berlin")
    assert entry.running and entry.id == "436694100" and entry.project_id == "193791"
    assert entry.task_id is None and entry.tag_ids == ["1", "2"] and entry.timezone == "Europe/Berlin"
    assert entry.start == datetime(1984, 1, 30, 9, 8, 4, tzinfo=UTC)
    v8 = m.entry_from({**ENTRY, "duration": -444301684}, "UTC")
    assert v8.running


def test_stopped_legacy_envelope_offsets_and_duration_only() -> None:
    wire = {**ENTRY, "duration": 3600, "stop": "1984-01-30T11:08:04+01:00", "start": "1984-01-30T09:08:04Z"}
    entry = m.entry_from({"data": wire}, "UTC")
    assert entry.end == datetime(1984, 1, 30, 10, 8, 4, tzinfo=UTC) and not entry.running
    legacy = {"id": 1, "wid": 2, "uid": 3, "pid": 4, "tid": 5, "start": wire["start"], "duration": 60}
    duronly = m.entry_from(legacy, "UTC")
    assert (duronly.workspace_id, duronly.user_id, duronly.project_id, duronly.task_id) == (
        "2",
        "3",
        "4",
        "5",
    )
    assert duronly.duration().total_seconds() == 60 and duronly.description == ""


def test_times_go_out_as_utc_seconds_with_z() -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2024, 3, 31, 3, 30, 15, 999_000, tzinfo=ZoneInfo("Europe/Berlin"))
    assert m.wire_time(local) == "2024-03-31T01:30:15Z"
    with pytest.raises(ValidationFailed):
        m.wire_time(datetime(2024, 1, 1))


@pytest.mark.parametrize("bad", ["nope", "", "1/2", "-3", "0", "1.5", " 12"])
def test_ids_that_cannot_exist_in_toggl_are_not_found(bad: str) -> None:
    with pytest.raises(NotFound):
        m.wire_id(bad, "project")
    assert m.wire_id("42", "project") == 42


def test_master_data() -> None:
    project = m.project_from(
        {
            "id": 5,
            "workspace_id": 7,
            "name": "Web",
            "active": False,
            "color": "0b83d9",
            "cid": 9,
            "is_private": True,
        }
    )
    assert (project.done, project.color, project.client_id, project.private) == (True, None, "9", True)
    task = m.task_from({"id": 1, "workspace_id": 7, "project_id": 5, "name": "T", "estimated_seconds": 0})
    assert task.estimate_seconds is None and not task.done
    assert m.client_from({"id": 3, "wid": 7, "name": "Acme"}).workspace_id == "7"
    assert m.tag_from({"id": 3, "workspace_id": 7, "name": "x"}).kind == "time"
    ws = m.workspace_from({"id": 7, "name": "W", "only_admins_may_create_projects": True}, "Europe/Vienna")
    assert ws.settings.admin_only_master_data and ws.settings.default_timezone == "Europe/Vienna"
    user = m.user_from(
        {"id": 6, "fullname": "Ann", "email": "a@x", "timezone": "UTC"}, {"id": 7, "admin": True}, "aad"
    )
    assert (user.id, user.workspace_id, user.is_admin, user.aad_object_id) == ("6", "7", True, "aad")


def test_report_rows() -> None:
    rows = [
        {
            "user_id": 6,
            "project_id": None,
            "task_id": None,
            "tag_ids": [3],
            "description": "d",
            "billable": True,
            "time_entries": [
                {
                    "id": 10,
                    "seconds": 60,
                    "start": "2024-01-01T08:00:00+00:00",
                    "stop": "2024-01-01T08:01:00+00:00",
                },
                {"id": 11, "seconds": 120, "start": "2024-01-02T08:00:00+00:00"},
            ],
        }
    ]
    entries = m.entries_from_report(rows, "7", "UTC")
    assert [e.id for e in entries] == ["10", "11"] and entries[1].duration().total_seconds() == 120
    assert entries[0].tag_ids == ["3"] and entries[0].billable and entries[0].workspace_id == "7"


def test_event_filters_and_subscription_secret_is_not_shown() -> None:
    assert m.event_filters(["time_entry.*", "project"]) == [
        {"entity": "time_entry", "action": "*"},
        {"entity": "project", "action": "*"},
    ]
    with pytest.raises(ValidationFailed):
        m.event_filters([])
    sub = m.subscription_from(
        {
            "subscription_id": 1,
            "workspace_id": 2,
            "url_callback": "https://x",
            "secret": "s3cr3t",
            "event_filters": [{"entity": "tag", "action": "created"}],
            "enabled": True,
            "validated_at": None,
        }
    )
    assert sub.events == ["tag.created"] and not sub.validated and "s3cr3t" not in repr(sub)


def test_error_bodies_are_plain_strings() -> None:
    def response(status: int, **kwargs: object) -> httpx.Response:
        return httpx.Response(status, request=httpx.Request("GET", "https://t/x"), **kwargs)  # type: ignore[arg-type]

    assert (
        toggl_error_message(response(409, json="Time entry already stopped")) == "Time entry already stopped"
    )
    assert toggl_error_message(response(400, text="<p>Invalid project_id</p>")) == "Invalid project_id"
    assert toggl_error_message(response(400, json={"message": "m"})) == "m"
    assert isinstance(translate(ValidationFailed("a tag with the name 'x' already exists")), Conflict)
    assert isinstance(translate(ValidationFailed("Invalid project_id")), NotFound)
    assert isinstance(translate(PermissionDenied("Incorrect username and/or password")), Unauthorized)
    assert isinstance(translate(PermissionDenied("Forbidden")), PermissionDenied)
    assert basic_auth("tok") == {"Authorization": "Basic dG9rOmFwaV90b2tlbg=="}
