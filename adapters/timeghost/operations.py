"""Every operation of the timeghost connector and its counterpart in this adapter.

`connector` is the operation's summary in the published connector definition
(`tests/specs/timeghost/apiDefinition.swagger.json`). `B` = `TimeghostBackend`, `F` =
`TimeghostBackendFactory`. Paths are relative to the base URL (`…/api`). The working-hours ("ComeGo")
operations are named in timeghost's connector documentation but are not in the definition, so neither are
their paths: `get/comego` and `update/comego/{id}` (marked `*`) follow the API's verb/entity pattern and a
third-party client's `add/comego` / `delete/comego/{id}` [ABS] (inference: verify against a live account).
`tests/adapters/test_timeghost_mapping.py` checks this table against the definition and the adapter.
An empty `adapter` is an operation no command needs (project members and groups, per-client and per-project
time lists, time tags on their own, writing groups): not implemented until one does.
"""

from __future__ import annotations

from typing import NamedTuple


class Operation(NamedTuple):
    connector: str  # the operation's summary in the connector definition
    method: str
    path: str
    adapter: tuple[str, ...]  # B.<method> / F.<method>


OPERATIONS: tuple[Operation, ...] = (
    Operation("Get Current User", "GET", "get/currentuser", ("F.bind",)),
    Operation(
        "Get Workspace by ID", "GET", "get/workspaces/{workspace_id}", ("F.bind", "B.list_workspace_users")
    ),
    Operation("Get Clients", "GET", "get/clients", ("B.list_clients", "B.create_client")),
    Operation("Add Client", "POST", "add/clients", ("B.create_client",)),
    Operation("Update Client", "POST", "update/clients/{ClientId}", ("B.update_client",)),
    Operation("Get Client Projects", "GET", "get/clients/{clientid}/projects", ()),
    Operation("Get Client Times", "GET", "get/clients/{clientid}/times", ()),
    Operation("Get Projects", "GET", "get/projects", ("B.list_projects", "B.create_project")),
    Operation("Add Project", "POST", "add/projects", ("B.create_project",)),
    Operation("Update Project", "POST", "update/projects/{ProjectId}", ("B.update_project",)),
    Operation("Update Tags of an Project", "POST", "update/projects/{ProjectId}/tags", ()),
    Operation("Update Users of an Project", "POST", "update/projects/{ProjectId}/users", ()),
    Operation("Update Groups of an Project", "POST", "update/projects/{ProjectId}/groups", ()),
    Operation("Get Project Times", "GET", "get/projects/{projectid}/times", ()),
    Operation(
        "Get Project Tasks", "GET", "get/projects/{projectid}/tasks", ("B.list_tasks", "B.create_task")
    ),
    Operation("Add Task", "POST", "add/tasks", ("B.create_task",)),
    Operation("Update Task", "POST", "update/tasks/{TaskId}", ("B.update_task",)),
    Operation("Get Time Tags", "GET", "get/tags", ("B.list_tags", "B.create_tag")),  # tagType 1
    Operation("Get Project Tags", "GET", "get/projecttags", ("B.list_tags", "B.create_tag")),  # tagType 0
    Operation("Add Time Tag", "POST", "add/tags", ("B.create_tag",)),
    Operation("Add Project Tag", "POST", "add/projecttags", ("B.create_tag",)),
    Operation("Update Time Tag", "POST", "update/tags/{TagId}", ("B.update_tag",)),
    Operation("Update Project Tag", "POST", "update/projecttags/{TagId}", ("B.update_tag",)),
    Operation(
        "Get Times",
        "GET",
        "get/times",
        ("B.list_time_entries", "B.current_timer", "B.get_time_entry", "B.iter_workspace_time_entries"),
    ),
    Operation("Add Time", "POST", "add/times", ("B.create_time_entry",)),  # no `end` = a running timer
    Operation("Update Time", "POST", "update/times/{TimeId}", ("B.update_time_entry",)),  # stop = set `end`
    Operation("Update Tags of an Time", "POST", "update/times/{TimeId}/tags", ()),
    Operation("Get Workspace Groups", "GET", "get/groups", ("B.list_groups",)),
    Operation("Add Group", "POST", "add/groups", ()),
    Operation("Update Group", "POST", "update/groups/{GroupId}", ()),
    Operation("Get Working hours", "GET", "get/comego *", ("B.list_working_hours",)),
    Operation("Add Working hours", "POST", "add/comego", ("B.create_working_hours",)),  # array body [ABS]
    Operation("Update Working Hours", "POST", "update/comego/{id} *", ("B.update_working_hours",)),
    Operation("Delete Item", "DELETE", "delete/comego/{id}", ("B.delete_working_hours",)),  # [ABS]
    Operation("Add Custom Feed Event", "POST", "add/customfeedevent", ("B.create_feed_event",)),
    Operation(
        "Update Custom Feed Event", "POST", "update/customfeedevent/{EventId}", ("B.update_feed_event",)
    ),
    Operation(
        "Delete Item",
        "DELETE",
        "delete/{ItemType}/{ItemId}",
        ("B.delete_time_entry", "B.delete_feed_event", "B.delete_tag"),
    ),
    Operation("Create Times Excel Report", "POST", "Create_Excel_Report", ("B.create_excel_report",)),
    Operation("Client Trigger", "POST", "register_webhook/clients", ("B.register_webhook",)),
    Operation("Project Trigger", "POST", "register_webhook/projects", ("B.register_webhook",)),
    Operation("Tag Trigger", "POST", "register_webhook/tags", ("B.register_webhook",)),
    Operation("Task Trigger", "POST", "register_webhook/tasks", ("B.register_webhook",)),
    Operation("Time Trigger", "POST", "register_webhook/times", ("B.register_webhook",)),
)
