"""awork mapping: split UTC date/time fields ↔ aware datetimes, entities, and the error object."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from adapters.awork.mapping import (
    entry_body,
    entry_from_awork,
    error_message,
    filter_datetime,
    last_error_code,
    parse_utc,
    project_from_awork,
    time_fields,
    user_from_awork,
    workspace_from_awork,
)
from adapters.models import TimeEntry

# The research's third-party fixture (trimmed), as awork returns a time entry.
FIXTURE = {
    "id": "2a408383-ae39-ed11-ae83-38563d6848fe",
    "startDateUtc": "2022-09-21T00:00:00Z",
    "startTimeUtc": "13:08:51.8220632",
    "startDateLocal": "2022-09-21T00:00:00",
    "startTimeLocal": "15:08:51.8220632",
    "timezone": "Europe/Berlin",
    "duration": 100,
    "typeOfWorkId": "e2095787-bd5a-4a11-dec3-08d8b74cd6d8",
    "userId": "83477d16-0000-0000-0000-000000000000",
    "isBillable": False,
    "isBilled": False,
    "taskId": "b2c477d8-0000-0000-0000-000000000000",
    "projectId": "83343fb9-0000-0000-0000-000000000000",
    "note": "Note",
}


def test_fixture_maps_to_an_aware_utc_entry() -> None:
    entry = entry_from_awork(FIXTURE, "ws")
    assert entry.start == datetime(2022, 9, 21, 13, 8, 51, 822063, tzinfo=UTC)
    assert entry.end is None and entry.running  # no end fields: awork's running timer
    assert (entry.timezone, entry.description, entry.billable) == ("Europe/Berlin", "Note", False)
    assert (entry.project_id, entry.task_id, entry.tag_ids) == (FIXTURE["projectId"], FIXTURE["taskId"], [])


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 5, 14, 10, 0, tzinfo=UTC),
        datetime(2024, 5, 14, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2024, 3, 31, 1, 30, 0, 1, tzinfo=timezone(timedelta(hours=2))),  # becomes the 30th in UTC
        datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=UTC),
    ],
)
def test_instants_round_trip_exactly(moment: datetime) -> None:
    fields = time_fields("start", moment)
    assert fields["startDateUtc"] is not None and fields["startDateUtc"].endswith("T00:00:00Z")
    assert parse_utc(fields["startDateUtc"], fields["startTimeUtc"]) == moment.astimezone(UTC)


def test_time_formats() -> None:
    fields = time_fields("end", datetime(2024, 5, 14, 9, 5, 7, tzinfo=UTC))
    assert fields == {"endDateUtc": "2024-05-14T00:00:00Z", "endTimeUtc": "09:05:07"}
    assert time_fields("end", None) == {"endDateUtc": None, "endTimeUtc": None}
    # a date field that carries its own time (the docs' create example) and no time field
    assert parse_utc("2024-05-14T10:00:00Z", None) == datetime(2024, 5, 14, 10, tzinfo=UTC)
    assert parse_utc(None, "10:00:00") is None
    assert filter_datetime(datetime(2024, 5, 14).date()) == "datetime'2024-05-14T00:00'"


def test_entry_body_keeps_the_zone_and_splits_the_instants() -> None:
    start = datetime(2024, 5, 14, 8, 0, tzinfo=UTC)
    body = entry_body(
        user_id="u",
        type_of_work_id="t",
        start=start,
        end=start + timedelta(hours=1, microseconds=5),
        timezone="Europe/Berlin",
        project_id=None,
        task_id=None,
        note="x",
        billable=True,
    )
    assert body["timezone"] == "Europe/Berlin" and body["typeOfWorkId"] == "t"
    assert (body["startDateUtc"], body["startTimeUtc"]) == ("2024-05-14T00:00:00Z", "08:00:00")
    assert body["endTimeUtc"] == "09:00:00.000005"
    back = entry_from_awork({"id": "e", **body}, "ws")
    assert back.start == start and back.end == start + timedelta(hours=1, microseconds=5)


def test_people_and_projects() -> None:
    me = {"id": "u1", "firstName": "Carla", "lastName": "Creative", "workspace": {"id": "w1", "name": "Star"}}
    assert user_from_awork(me, "w1", "aad").name == "Carla Creative"
    assert workspace_from_awork(me, "tenant").model_dump()["id"] == "w1"
    project = project_from_awork(
        {
            "id": "p",
            "name": "Web",
            "companyId": "c",
            "isBillableByDefault": True,
            "projectStatus": {"type": "closed"},
        },
        "w1",
    )
    assert (project.client_id, project.billable, project.done) == ("c", True, True)


def _response(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request("GET", "https://api.awork.com/api/v1/x"))


def test_error_object_gives_the_field_message_and_records_the_code() -> None:
    body = {
        "code": "validation-failed",
        "description": "The model sent in the request is invalid.",
        "link": "https://developers.awork.com/#response-types",
        "details": [],
        "validationErrors": [{"property": "Name", "message": "'Name' should not be empty."}],
    }
    assert error_message(_response(400, body)) == "'Name' should not be empty."
    assert last_error_code.get() == "validation-failed"
    assert error_message(_response(404, {"code": "not-found", "description": "gone"})) == "gone"
    assert (
        error_message(httpx.Response(502, text="<html>", request=httpx.Request("GET", "https://x")))
        == "Bad Gateway"
    )
    assert last_error_code.get() is None


def test_overlap_rule_matches_the_local_backend() -> None:
    t0 = datetime(2024, 5, 13, tzinfo=UTC)
    now = t0 + timedelta(days=10)

    def entry(start: datetime, end: datetime | None) -> TimeEntry:
        return TimeEntry(id="e", workspace_id="w", user_id="u", start=start, end=end)

    h = timedelta(hours=1)
    assert entry(t0 - h, t0 + h).overlaps(t0, t0 + 24 * h, now)
    assert not entry(t0 - 2 * h, t0).overlaps(t0, t0 + 24 * h, now)  # ends exactly at the start
    assert not entry(t0 + 24 * h, t0 + 25 * h).overlaps(t0, t0 + 24 * h, now)  # starts at the end
    assert entry(t0 - h, None).overlaps(t0, t0 + h, now)  # running: lasts until now
    assert not entry(t0 - h, None).overlaps(now + h, now + 2 * h, now)
