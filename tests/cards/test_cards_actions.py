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
