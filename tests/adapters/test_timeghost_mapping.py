"""timeghost mapping, filters and the operation table: pure functions, no server."""

from __future__ import annotations

import base64
import inspect
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from adapters.errors import ValidationFailed
from adapters.timeghost import TimeghostBackend, TimeghostBackendFactory
from adapters.timeghost import mapping as m
from adapters.timeghost.backend import excel_bytes
from adapters.timeghost.operations import OPERATIONS
from tests.fakes.timeghost import odata_filter
from tests.support.swagger import load

T0 = datetime(2025, 3, 4, 9, 0, 0, 123456, tzinfo=UTC)


def test_iso_is_utc_with_milliseconds_and_rejects_naive() -> None:
    assert m.iso(T0) == "2025-03-04T09:00:00.123Z"
    assert m.iso(T0.astimezone(timezone(timedelta(hours=2)))) == "2025-03-04T09:00:00.123Z"
    with pytest.raises(ValidationFailed):
        m.iso(datetime(2025, 1, 1))


def test_parse_time_accepts_z_offsets_and_naive_utc() -> None:
    assert m.parse_time("2025-03-04T09:00:00.000Z") == datetime(2025, 3, 4, 9, tzinfo=UTC)
    assert m.parse_time("2025-03-04T11:00:00+02:00") == datetime(2025, 3, 4, 9, tzinfo=UTC)
    assert m.parse_time("2025-03-04T09:00:00") == datetime(2025, 3, 4, 9, tzinfo=UTC)
    assert m.parse_time(None) is None and m.parse_time("") is None


def test_time_entry_from_maps_empty_references_to_none_and_name_to_description() -> None:
    body = {
        "id": "t1",
        "name": "standup",
        "billable": True,
        "client": {"id": ""},
        "project": {"id": ""},
        "user": {"id": "u1", "name": "Alice"},
        "start": "2025-03-04T09:00:00.000Z",
        "tags": [{"id": "a", "name": "x"}, {"id": "b"}],
        "timeZone": "Europe/Berlin",
    }
    entry = m.time_entry_from(body, "ws")
    assert entry.running and entry.project_id is None and entry.task_id is None
    assert (entry.description, entry.billable, entry.tag_ids, entry.timezone) == (
        "standup",
        True,
        ["a", "b"],
        "Europe/Berlin",
    )
    assert entry.user_id == "u1" and entry.workspace_id == "ws"
    assert (
        m.time_entry_from({**body, "timeZone": None, "end": "2025-03-04T10:00:00Z"}, "ws").timezone == "UTC"
    )


def test_time_body_is_a_valid_time_create_and_omits_end_for_a_timer() -> None:
    spec = load("timeghost/apiDefinition.swagger.json")
    body = m.time_body(
        client_id=None,
        project_id="p",
        description="",
        start=T0,
        end=None,
        billable=False,
        tag_ids=["t"],
        user_id="u",
    )
    assert "end" not in body and body["client"] == {"id": ""} and body["tags"] == [{"id": "t"}]
    headers = {"workspace-id": "w"}
    spec.check_request("POST", "/api/add/times", {}, body, headers=headers, strict_body=True)
    spec.check_request("POST", "/api/update/times/x", {}, body, headers=headers, strict_body=True)


def test_project_and_task_and_tag_mapping() -> None:
    project = m.project_from(
        {"id": "p", "name": "Web", "client": {"id": "c"}, "color": "#00ff00", "completed": True}, "ws"
    )
    assert (project.client_id, project.color, project.done) == ("c", "#00ff00", True)
    assert m.project_from({"id": "p", "name": "W", "color": "blue"}, "ws").color is None
    task = m.task_from({"id": "t", "name": "Design", "project": {"id": "p"}, "estimation": 0}, "ws")
    assert task.project_id == "p" and task.estimate_seconds is None
    assert m.tag_from({"id": "g", "name": "x", "tagType": 0}, "ws").kind == "project"
    assert m.single([{"id": "g"}]) == {"id": "g"}
    with pytest.raises(ValidationFailed):
        m.single([])


def test_filters_escape_quotes_and_express_overlap() -> None:
    assert m.f_name("O'Brien") == "tolower(name) eq 'o''brien'"
    assert m.f_eq("client/id", "") == "client/id eq ''"
    start, end = T0, T0 + timedelta(days=1)
    past = m.f_overlap(start, end, now=end + timedelta(days=1))
    assert past == (
        "start lt 2025-03-05T09:00:00.123Z and "
        "(start ge 2025-03-04T09:00:00.123Z or end gt 2025-03-04T09:00:00.123Z or end eq null)"
    )
    assert "end eq null" not in m.f_overlap(start, end, now=start - timedelta(hours=1))
    assert m.f_and("a eq 1", "b eq 2 or c eq 3", None) == "a eq 1 and (b eq 2 or c eq 3)"


def test_fake_odata_parser_round_trips_the_adapters_filters() -> None:
    rows = [
        {"id": "1", "name": "O'Brien", "start": "2025-03-04T09:00:00.000Z", "project": {"id": "p"}},
        {"id": "2", "name": "Other", "start": "2025-03-06T09:00:00.000Z", "end": "2025-03-06T10:00:00.000Z"},
    ]
    assert [r["id"] for r in rows if odata_filter(m.f_name("o'brien"))(r)] == ["1"]
    assert [r["id"] for r in rows if odata_filter(m.f_open())(r)] == ["1"]
    window = m.f_overlap(T0 - timedelta(hours=1), T0 + timedelta(days=1), now=T0 + timedelta(days=9))
    assert [r["id"] for r in rows if odata_filter(window)(r)] == ["1"]
    assert [r["id"] for r in rows if odata_filter("not (project/id eq 'p')")(r)] == ["2"]
    injected = m.f_eq("id", "x' or id ne '")
    assert [r for r in rows if odata_filter(injected)(r)] == []


def test_pick_workspace_and_account() -> None:
    me = {"id": "u", "defaultWorkspace": "w2", "workspaces": [{"id": "w1"}, {"id": "w2"}]}
    assert m.pick_workspace(me, None) == "w2"
    assert m.pick_workspace(me, "w1") == "w1"
    assert m.pick_workspace(me, "w9") is None
    assert m.pick_workspace({"id": "u", "workspaces": [{"id": "w1"}]}, None) == "w1"
    workspace = {"id": "w1", "name": "Contoso", "users": [{"id": "u", "name": "Alice", "admin": True}]}
    account = m.account_from(me, workspace, fallback_name="A", aad_object_id="aad", tenant_id="t")
    assert account.user.is_admin and account.user.name == "Alice" and account.workspace.tenant_id == "t"


def test_excel_bytes_accepts_raw_or_base64() -> None:
    xlsx = b"PK\x03\x04rest"
    assert excel_bytes(httpx.Response(200, content=xlsx)) == xlsx
    encoded = base64.b64encode(xlsx).decode()
    assert excel_bytes(httpx.Response(200, json=encoded)) == xlsx
    assert excel_bytes(httpx.Response(200, text=encoded)) == xlsx
    with pytest.raises(ValidationFailed):
        excel_bytes(httpx.Response(200, json={"message": "no"}))


# ---- the connector operation table -------------------------------------------------------------------


WORKING_HOURS_ACTIONS = {"Get Working hours", "Add Working hours", "Update Working Hours"}
"""Named by timeghost's connector documentation but absent from the published definition (no paths)."""


def _definition_summaries() -> dict[tuple[str, str], str]:
    spec = load("timeghost/apiDefinition.swagger.json")
    return {
        (method.upper(), path.removeprefix("/")): op["summary"]
        for path, item in spec.doc["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and op.get("summary")
    }


def test_every_operation_of_the_definition_has_a_counterpart_under_its_own_name() -> None:
    summaries = _definition_summaries()
    table = {(op.method, op.path): op.connector for op in OPERATIONS if "comego" not in op.path}
    for key, name in table.items():
        assert summaries.get(key) == name, key
    assert set(summaries.values()) <= set(table.values()), set(summaries.values()) - set(table.values())


def test_working_hours_operations_are_the_documented_ones_outside_the_definition() -> None:
    comego = {op.connector for op in OPERATIONS if "comego" in op.path} - {"Delete Item"}
    assert comego == WORKING_HOURS_ACTIONS
    assert not WORKING_HOURS_ACTIONS & set(_definition_summaries().values())


def test_the_operation_table_names_real_methods_and_spec_paths() -> None:
    spec = load("timeghost/apiDefinition.swagger.json")
    owners = {"B": TimeghostBackend, "F": TimeghostBackendFactory}
    for op in OPERATIONS:
        for target in op.adapter:
            owner, method = target.split(".")
            assert inspect.iscoroutinefunction(getattr(owners[owner], method)) or inspect.isasyncgenfunction(
                getattr(owners[owner], method)
            ), target
        if "comego" in op.path:
            continue  # outside the published definition (third-party documented)
        path = "/api/" + op.path.replace("{", "").replace("}", "")
        assert spec.operation(op.method, path).method == op.method
