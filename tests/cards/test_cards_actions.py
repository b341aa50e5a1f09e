"""Actions: verb in data, Action.Execute with an identical Action.Submit fallback, verbs table."""

from __future__ import annotations

from typing import Any

import pytest

from cards import actions as act


def test_execute_has_submit_fallback_with_identical_data() -> None:
    a = act.execute("Undo", act.UNDO, {"token": "abc"})
    assert a["type"] == "Action.Execute"
    assert a["verb"] == "undo"
    assert a["data"] == {"verb": "undo", "token": "abc"}
    assert a["fallback"] == {
        "type": "Action.Submit",
        "title": "Undo",
        "data": {"verb": "undo", "token": "abc"},
    }
    assert a["data"] is not a["fallback"]["data"]


def test_data_is_copied_and_opaque_values_pass_through() -> None:
    op: dict[str, Any] = {"kind": "start", "tags": ["a"], "nested": {"x": [1, 2]}}
    a = act.execute("Website", act.PICK_PROJECT, {"project_id": "p1", "op": op})
    op["tags"].append("b")
    assert a["data"]["op"] == {"kind": "start", "tags": ["a"], "nested": {"x": [1, 2]}}
    assert a["fallback"]["data"] == a["data"]


def test_no_two_actions_share_a_list_or_dict_of_their_data() -> None:
    """The copy is made by hand for JSON values (dicts, lists): each level is fresh in every action."""
    rows: list[Any] = [{"when": [1, 2]}, (3, [4])]
    a = act.execute("Copy", act.PICK_PROJECT, {"rows": rows})
    data, fallback = a["data"]["rows"], a["fallback"]["data"]["rows"]
    assert data == fallback == rows
    for copied in (data, fallback):
        assert copied is not rows and copied[0] is not rows[0] and copied[0]["when"] is not rows[0]["when"]
        assert copied[1][1] is not rows[1][1]  # anything else is deep-copied as before
    assert data[0] is not fallback[0]


def test_options() -> None:
    a = act.execute("Delete", act.DELETE_CONFIRM, {"entry_id": "e"}, style="destructive", inputs=False)
    assert a["style"] == a["fallback"]["style"] == "destructive"
    assert a["associatedInputs"] == a["fallback"]["associatedInputs"] == "none"
    s = act.submit("Stop", act.STOP)
    assert s == {"type": "Action.Submit", "title": "Stop", "data": {"verb": "stop"}}
    r = act.run("today", "today")
    assert r["data"] == {"verb": "run", "command": "today"}


def test_verb_in_data_must_agree() -> None:
    assert act.execute("x", "stop", {"verb": "stop"})["data"] == {"verb": "stop"}
    with pytest.raises(ValueError):
        act.execute("x", "stop", {"verb": "undo"})


def test_verbs_table_is_the_contract() -> None:
    assert set(act.VERBS) == {
        "undo", "stop", "switch", "edit", "edit_save", "edit_cancel", "delete", "delete_confirm", "run",
        "pick_project", "on_project", "create_project", "refresh_status", "continue", "write", "dismiss",
        "come", "go", "break_start", "break_end", "add_break", "book_gap", "hours",
        "log_form", "log_save", "start_form", "start_save", "settings_save",
        "feed_book", "feed_dismiss", "feed_unbook", "reminder_stop", "reminder_keep", "copy_day",
        "change_undo", "subscriptions_save",
    }  # fmt: skip
    assert act.VERBS["pick_project"] == ("project_id", "op")
    assert act.EDIT_INPUTS == ("project", "task", "tags", "date", "start", "end", "note")
