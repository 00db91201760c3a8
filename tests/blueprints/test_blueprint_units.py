"""SemVer precedence, the input-schema diff, filling inputs in, and the derived graph."""

from __future__ import annotations

import pytest

from crmflow.blueprints.graph_spec import derive_graph_spec
from crmflow.blueprints.inputs import breaking_changes, fill_inputs, normalise_variables
from crmflow.blueprints.semver import parse_version


def test_precedence_follows_semver_2() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.10.0",
        "2.0.0",
    ]
    versions = [parse_version(v) for v in ordered]
    assert sorted(reversed(versions)) == versions
    assert parse_version("1.0.0+build.1") == parse_version("1.0.0")
    assert str(parse_version("2.0.0-rc.1+sha.5114f85")) == "2.0.0-rc.1+sha.5114f85"


@pytest.mark.parametrize(
    ("older", "newer", "may_break"),
    [
        ("1.4.2", "2.0.0", True),
        ("1.4.2", "1.5.0", False),
        ("0.4.2", "0.5.0", True),
        ("0.4.2", "0.4.3", False),
        ("1.9.9", "1.10.0", False),
    ],
)
def test_which_bumps_may_break(older: str, newer: str, may_break: bool) -> None:
    assert parse_version(newer).breaking_bump_over(parse_version(older)) is may_break


def test_loosening_an_input_is_not_breaking() -> None:
    old = normalise_variables(
        {
            "type": "object",
            "properties": {
                "n": {"type": "integer", "minimum": 5, "maximum": 10},
                "s": {"type": "string", "enum": ["a", "b"]},
            },
            "required": ["n"],
        }
    )
    looser = normalise_variables(
        {
            "type": "object",
            "properties": {
                "n": {"type": "number", "minimum": 1},
                "s": {"type": "string", "enum": ["a", "b", "c"]},
                "extra": {"type": "boolean"},
            },
            "required": [],
        }
    )
    assert breaking_changes(old, looser) == []
    assert sorted(breaking_changes(looser, old)) == [
        "input 'extra' was removed",
        "input 'n' is now required",
        "input 'n': maximum lowered to 10",
        "input 'n': minimum raised to 5",
        "input 'n': type changed from number to integer",
        "input 's': choices removed: c",
    ]


def test_a_lone_placeholder_keeps_its_type_and_text_is_written_out() -> None:
    filled = fill_inputs(
        {
            "value": "{{ inputs.n }}",
            "text": "over {{inputs.n}} for {{ inputs.who }}",
            "keep": "{{ deal.title }}",
        },
        {"n": 5000, "who": ["a", "b"]},
    )
    assert filled == {"value": 5000, "text": "over 5000 for a, b", "keep": "{{ deal.title }}"}


def test_a_graph_follows_branches_approvals_and_stops() -> None:
    spec = derive_graph_spec(
        [
            {
                "type": "branch",
                "branches": [{"actions": [{"type": "stop"}]}],
                "else": [{"type": "add_tag"}],
            },
            {"type": "approval", "on_reject": [{"type": "send_email"}]},
            {"type": "delay"},
        ]
    )
    edges = {(e["from"], e["to"]) for e in spec["edges"]}
    assert edges == {
        ("trigger", "actions/0"),
        ("actions/0", "actions/0/branches/0/actions/0"),
        ("actions/0", "actions/0/else/0"),
        ("actions/0/else/0", "actions/1"),  # the stop lane joins nothing
        ("actions/1", "actions/1/on_reject/0"),  # a rejection ends the run there
        ("actions/1", "actions/2"),
    }
    nodes = {n["id"]: n for n in spec["nodes"]}
    assert nodes["actions/0/branches/0/actions/0"]["x"] < nodes["actions/0/else/0"]["x"]
    assert nodes["actions/0"]["y"] < nodes["actions/0/else/0"]["y"] < nodes["actions/1"]["y"]
