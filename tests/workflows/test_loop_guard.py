"""Static loop detection on workflow definitions (pure: no database)."""

from __future__ import annotations

from typing import Any

import pytest

from crmflow.workflows.loop_guard import emitted_triggers, loop_warnings
from crmflow.workflows.validation import validate_definition


def wf(trigger: str, actions: list[Any], **config: Any) -> dict[str, Any]:
    return {"trigger_type": trigger, "trigger_config": config, "actions": actions}


def update(field: str, value: Any = "x", entity: str | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {"field": field, "value": value}
    if entity:
        config["entity"] = entity
    return {"type": "update_field", "config": config}


EMAIL = {"type": "send_email", "config": {"to": "owner", "subject": "hi"}}
NOTIFY = {"type": "send_notification", "config": {"message": "hi"}}
TASK = {"type": "create_task", "config": {"title": "Call"}}


# --- emitted_triggers: the action -> trigger mapping -------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "step", "expected"),
    [
        ("organisation_updated", update("category", "vip"), ["organisation_updated"]),
        ("deal_updated", update("amount", 10), ["deal_updated"]),
        ("deal_updated", update("stage", "won"), ["deal_updated", "deal_stage_changed"]),
        ("deal_updated", update("{{ f }}", "{{ v }}"), ["deal_updated", "deal_stage_changed"]),
        (
            "deal_updated",
            update("category", "vip", entity="organisation"),
            ["organisation_updated"],
        ),
        ("task_completed", update("status", "done"), ["task_completed"]),
        ("task_completed", update("status", "in_progress"), []),
        ("task_completed", update("priority", "high"), []),
        ("deal_updated", update("first_name", "Ann", entity="contact"), []),
        ("activity_logged", update("subject", "x"), []),  # activities are not updatable
        ("organisation_updated", update("stage", "won"), []),  # unknown field: the step fails
        ("organisation_updated", update("name", "x", entity="deal"), []),  # no related deal
        ("deal_updated", {"type": "assign_user", "config": {"user": 1}}, ["deal_updated"]),
        ("task_completed", {"type": "assign_user", "config": {"user": 1}}, []),
        (
            "organisation_created",
            {"type": "add_tag", "config": {"tag": "a"}},
            ["organisation_updated"],
        ),
        ("deal_created", {"type": "remove_tag", "config": {"tag": "a"}}, ["deal_updated"]),
        ("task_completed", {"type": "add_tag", "config": {"tag": "a"}}, []),  # tasks untaggable
        ("deal_created", TASK, []),
        ("deal_created", EMAIL, []),
        ("deal_created", NOTIFY, []),
        ("scheduled", update("name", "x", entity="organisation"), []),  # no record to update
    ],
)
def test_action_mapping(trigger: str, step: dict[str, Any], expected: list[str]) -> None:
    assert emitted_triggers(wf(trigger, [step])) == [("actions[0]", t) for t in expected]


def test_paths_cover_every_nested_list() -> None:
    definition = wf(
        "manual",
        [
            EMAIL,
            {
                "type": "branch",
                "branches": [{"when": {}, "actions": [EMAIL, update("name", "a", "organisation")]}],
                "else": [update("name", "b", "organisation")],
            },
            {
                "type": "parallel",
                "branches": [[update("name", "c", "organisation")], {"actions": [update("name")]}],
            },
            {"type": "delay", "config": {"duration": "1 day"}},
            {"type": "approval", "config": {}, "on_reject": [update("name", "d", "organisation")]},
        ],
    )
    assert emitted_triggers(definition) == [
        ("actions[1].branches[0].actions[1]", "organisation_updated"),
        ("actions[1].else[0]", "organisation_updated"),
        ("actions[2].branches[0][0]", "organisation_updated"),
        ("actions[2].branches[1].actions[0]", "organisation_updated"),
        ("actions[4].on_reject[0]", "organisation_updated"),
    ]


def test_canonical_parallel_and_approval_paths() -> None:
    lane = [EMAIL]
    definition = validate_definition(
        wf(
            "deal_updated",
            [
                {
                    "type": "parallel",
                    "branches": [lane, {"name": "b", "actions": [update("amount", 1)]}],
                },
                {
                    "type": "approval",
                    "config": {"approvers": ["manager"]},
                    "on_reject": [update("amount", 1)],
                },
            ],
        )
    )
    assert emitted_triggers(definition) == [
        ("actions[0].branches[1].actions[0]", "deal_updated"),
        ("actions[1].on_reject[0]", "deal_updated"),
    ]


# --- self loops ---------------------------------------------------------------------------------


def test_self_loop_via_update_field() -> None:
    warnings = loop_warnings(wf("organisation_updated", [EMAIL, update("category", "vip")]))
    assert warnings == [
        "actions[1] (update_field on organisation) fires organisation_updated, this workflow's "
        "own trigger: it may re-trigger itself; the loop guard stops the chain after "
        "CRMFLOW_MAX_CAUSATION_DEPTH (default 5) chained runs"
    ]


def test_self_loop_via_nested_branch() -> None:
    branch = {
        "type": "branch",
        "branches": [
            {"when": {}, "actions": [EMAIL]},
            {"when": {}, "actions": [update("amount", 1)]},
        ],
    }
    (warning,) = loop_warnings(wf("deal_updated", [EMAIL, branch]))
    assert warning.startswith("actions[1].branches[1].actions[0] (update_field on deal) fires")


def test_self_loop_via_parallel_lane() -> None:
    parallel = {
        "type": "parallel",
        "branches": [
            {"name": "a", "actions": [EMAIL]},
            {"name": "b", "actions": [TASK, update("email", "a@b.co")]},
        ],
    }
    (warning,) = loop_warnings(wf("organisation_updated", [parallel]))
    assert warning.startswith("actions[0].branches[1].actions[1] (update_field on organisation)")


def test_self_loop_via_approval_on_reject() -> None:
    approval = {
        "type": "approval",
        "config": {"approvers": ["manager"]},
        "on_reject": [NOTIFY, {"type": "add_tag", "config": {"tag": "rejected"}}],
    }
    (warning,) = loop_warnings(wf("deal_updated", [approval]))
    assert warning.startswith("actions[0].on_reject[1] (add_tag on deal) fires deal_updated")


def test_no_warning_for_messages_only() -> None:
    assert loop_warnings(wf("deal_updated", [EMAIL, NOTIFY, TASK])) == []


def test_no_warning_for_update_of_another_entity_type() -> None:
    definition = wf("deal_updated", [update("category", "vip", entity="organisation")])
    assert loop_warnings(definition) == []
    assert emitted_triggers(definition) == [("actions[0]", "organisation_updated")]


def test_updated_fields_filter() -> None:
    tag = {"type": "add_tag", "config": {"tag": "a"}}
    assert loop_warnings(wf("organisation_updated", [tag], fields=["name"])) == []
    assert len(loop_warnings(wf("organisation_updated", [tag], fields=["tags"]))) == 1
    owner = {"type": "assign_user", "config": {"user": 1}}
    assert len(loop_warnings(wf("organisation_updated", [owner], fields=["owner_id"]))) == 1
    custom = update("custom_fields", {"tier": "a"})
    assert loop_warnings(wf("deal_updated", [custom], fields=["custom_fields.other"])) == []
    assert len(loop_warnings(wf("deal_updated", [custom], fields=["custom_fields.tier"]))) == 1
    assert len(loop_warnings(wf("deal_updated", [update("{{ f }}")], fields=["amount"]))) == 1


@pytest.mark.parametrize(
    ("value", "loops"),
    [("won", True), (" WON ", True), ("lost", False), ("{{ trigger.data.stage }}", True)],
)
def test_stage_changed_to_filter(value: str, loops: bool) -> None:
    definition = wf("deal_stage_changed", [update("stage", value)], to="won")
    assert bool(loop_warnings(definition)) is loops


def test_stage_changed_filters_from_canonical_config() -> None:
    raw = wf("deal_stage_changed", [update("stage", "won")], **{"from": "won", "to": ["won"]})
    canonical = validate_definition(raw)
    assert canonical["trigger_config"] == {"from_stage": "won", "to_stage": ["won"]}
    assert loop_warnings(canonical) == []  # from won to won is no change: no event
    other = validate_definition(wf("deal_stage_changed", [update("amount", 5)], to="won"))
    assert loop_warnings(other) == []  # deal_updated only, not a stage change


def test_task_completion_self_loop() -> None:
    definition = wf("task_completed", [update("status", "{{ v }}")])
    assert len(loop_warnings(definition)) == 1


# --- loops through other workflows --------------------------------------------------------------


def stage_won_sets(field: str) -> dict[str, Any]:
    return wf("deal_stage_changed", [EMAIL, update(field, 1)], to_stage="won")


def on_deal_fields(fields: list[str], *steps: dict[str, Any]) -> dict[str, Any]:
    return wf("deal_updated", list(steps), fields=fields)


GUARD = "the loop guard stops the chain after CRMFLOW_MAX_CAUSATION_DEPTH (default 5) chained runs"


def test_two_workflow_cycle() -> None:
    mine = stage_won_sets("amount")
    other = on_deal_fields(["amount"], NOTIFY, update("stage", "Won"))
    assert loop_warnings(mine) == [] and loop_warnings(other) == []  # neither loops alone
    assert loop_warnings(mine, [(7, "Closer", other)]) == [
        'loop this workflow -> workflow 7 "Closer" -> this workflow: this workflow\'s '
        'actions[1] (update_field on deal) fires deal_updated (trigger of workflow 7 "Closer"); '
        'workflow 7 "Closer"\'s actions[1] (update_field on deal) fires deal_stage_changed '
        f"(trigger of this workflow); these workflows may trigger each other in a loop; {GUARD}"
    ]


def test_three_workflow_cycle() -> None:
    mine = stage_won_sets("amount")
    others = [
        (12, "Discount", on_deal_fields(["discount_percent"], update("stage", "{{ s }}"))),
        (11, "Pricing", on_deal_fields(["amount"], update("discount_percent", 5))),
        (13, "Unrelated", wf("organisation_updated", [update("category", "x")])),
    ]
    (warning,) = loop_warnings(mine, others)
    assert warning.startswith(
        'loop this workflow -> workflow 11 "Pricing" -> workflow 12 "Discount" -> this workflow:'
    )
    assert (
        'workflow 12 "Discount"\'s actions[0] (update_field on deal) fires deal_stage_changed '
        "(trigger of this workflow)" in warning
    )
    assert "Unrelated" not in warning


def test_self_loop_and_cycle_are_both_reported_once() -> None:
    mine = wf("organisation_updated", [update("category", "a")], fields=["name", "category"])
    other = wf("organisation_updated", [update("name", "b")], fields=["category"])
    warnings = loop_warnings(mine, [(4, "Renamer", other), (4, "Renamer", other)])
    assert len(warnings) == 2
    assert "re-trigger itself" in warnings[0]
    assert warnings[1].startswith('loop this workflow -> workflow 4 "Renamer" -> this workflow')


def test_open_chain_is_no_cycle() -> None:
    mine = stage_won_sets("amount")
    others = [
        (1, "Pricing", on_deal_fields(["amount"], update("discount_percent", 5))),
        (2, "Loser", on_deal_fields(["discount_percent"], update("stage", "lost"))),
        (3, "Org tagger", on_deal_fields(["amount"], update("category", "x", "organisation"))),
        (4, "Org mail", wf("organisation_updated", [EMAIL, TASK])),
        (5, "Manual", wf("manual", [update("stage", "won", "deal")])),  # never event-triggered
    ]
    assert loop_warnings(mine, others) == []


def test_organisation_runs_cannot_reach_deals() -> None:
    mine = on_deal_fields(["amount"], update("category", "vip", "organisation"))
    other = wf("organisation_updated", [update("amount", 3, "deal")])  # no deal in the run data
    assert emitted_triggers(other) == []
    assert loop_warnings(mine, [(2, "Back", other)]) == []
