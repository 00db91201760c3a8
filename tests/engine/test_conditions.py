"""The condition language: normalisation, every operator, coercions, explain() and errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from crmflow.engine.conditions import (
    OPERATORS,
    CompiledCondition,
    Decision,
    compile_conditions,
    normalise_conditions,
)
from crmflow.engine.errors import DefinitionError


def rule(field: str, operator: str, value: Any = None) -> dict[str, Any]:
    if operator in ("is_empty", "is_not_empty", "changed"):
        return {"field": field, "operator": operator}
    return {"field": field, "operator": operator, "value": value}


def check(operator: str, value: Any, actual: Any) -> bool:
    """Evaluate `x <operator> value` with x = actual (absent from the context when it is ...)."""
    context: dict[str, Any] = {} if actual is ... else {"x": actual}
    return compile_conditions(rule("x", operator, value)).evaluate(context)


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize("raw", [None, {}, [], {"rules": []}, {"operator": "OR", "rules": []}])
def test_no_conditions_normalise_to_none_and_always_match(raw: Any) -> None:
    assert normalise_conditions(raw) is None
    compiled = compile_conditions(raw)
    assert compiled.evaluate({}) is True
    assert compiled.explain({"a": 1}) == Decision(True, None, None, "no conditions")


def test_single_rule_is_wrapped_in_an_and_group() -> None:
    assert normalise_conditions(rule("deal.amount", ">", 5)) == {
        "operator": "AND",
        "rules": [{"field": "deal.amount", "operator": ">", "value": 5}],
    }


def test_group_operator_case_and_operator_aliases() -> None:
    raw = {
        "operator": "or",
        "rules": [
            {"field": "a", "operator": "eq", "value": 1},
            {"field": "b", "operator": "NEQ", "value": 2},
            {"field": "c", "operator": "gte", "value": 3},
            {"field": "d", "operator": "=", "value": 4},
            {"field": "e", "operator": "Starts With", "value": "x"},
            {"operator": "And", "rules": [{"field": "f", "operator": "lte", "value": 5}]},
            {"field": "g", "operator": "Is_Empty", "value": "ignored"},
        ],
    }
    assert normalise_conditions(raw) == {
        "operator": "OR",
        "rules": [
            rule("a", "==", 1),
            rule("b", "!=", 2),
            rule("c", ">=", 3),
            rule("d", "==", 4),
            rule("e", "starts_with", "x"),
            {"operator": "AND", "rules": [rule("f", "<=", 5)]},
            rule("g", "is_empty"),
        ],
    }


def test_mongo_shorthand_is_normalised_to_the_canonical_tree() -> None:
    raw = {
        "deal.amount": {"$gt": 10000, "$lte": 50000},
        "deal.stage": "won",
        "$or": [{"tags": {"$contains": "vip"}}, {"owner.id": {"$in": [1, 2]}}],
        "$not": {"deal.status": {"$nin": ["lost"]}},
        "email": {"$exists": True},
        "phone": {"$exists": False},
        "score": {"$between": [1, 9]},
        "note": None,
    }
    assert normalise_conditions(raw) == {
        "operator": "AND",
        "rules": [
            rule("deal.amount", ">", 10000),
            rule("deal.amount", "<=", 50000),
            rule("deal.stage", "==", "won"),
            {
                "operator": "OR",
                "rules": [rule("tags", "contains", "vip"), rule("owner.id", "in", [1, 2])],
            },
            {"operator": "NOT", "rules": [rule("deal.status", "not_in", ["lost"])]},
            rule("email", "is_not_empty"),
            rule("phone", "is_empty"),
            rule("score", "between", [1, 9]),
            rule("note", "is_empty"),
        ],
    }


def test_seed_shorthand_single_key() -> None:
    assert normalise_conditions({"amount": {"$gt": 10000}}) == {
        "operator": "AND",
        "rules": [rule("amount", ">", 10000)],
    }
    assert normalise_conditions({"amount": 5}) == {
        "operator": "AND",
        "rules": [rule("amount", "==", 5)],
    }
    assert normalise_conditions({"$or": [{"a": 1}, {"b": 2}]}) == {
        "operator": "OR",
        "rules": [rule("a", "==", 1), rule("b", "==", 2)],
    }


def test_shorthand_not_nor_and_changed() -> None:
    assert normalise_conditions({"a": {"$not": {"$gt": 5}}}) == {
        "operator": "NOT",
        "rules": [rule("a", ">", 5)],
    }
    assert normalise_conditions({"$nor": [{"a": 1}]}) == {
        "operator": "NOT",
        "rules": [{"operator": "OR", "rules": [rule("a", "==", 1)]}],
    }
    assert normalise_conditions({"deal.stage": {"$changed": True, "$changed_to": "won"}}) == {
        "operator": "AND",
        "rules": [rule("deal.stage", "changed"), rule("deal.stage", "changed_to", "won")],
    }


def test_normalising_is_idempotent_and_copies() -> None:
    raw = {"$and": [{"a": {"$in": (1, 2)}}, {"operator": "not", "rules": [{"b": 3}]}]}
    once = normalise_conditions(raw)
    assert once == normalise_conditions(once)
    assert once is not None and once["rules"][0]["value"] == [1, 2]


def test_field_names_are_stripped() -> None:
    assert normalise_conditions(rule(" deal.amount ", ">", 1)) == {
        "operator": "AND",
        "rules": [rule("deal.amount", ">", 1)],
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"operator": "AND", "rules": [rule("a", "==", 1), rule("b", "gtx", 1)]},
            "conditions.rules[1].operator: unknown operator 'gtx' (expected one of ==, !=, >,",
        ),
        (
            {"operator": "AND", "rules": [{"operator": ">", "value": 1}]},
            "conditions.rules[0].field: missing field name",
        ),
        ({"operator": ">", "value": 1}, "conditions.field: missing field name"),
        (
            {"operator": "AND", "rules": [rule("", "==", 1)]},
            "conditions.rules[0].field: field name must not be empty",
        ),
        (
            {"operator": "AND", "rules": [rule("deal..amount", "==", 1)]},
            "conditions.rules[0].field: invalid field path 'deal..amount'",
        ),
        (
            {"operator": "AND", "rules": [{"field": 5, "operator": "==", "value": 1}]},
            "conditions.rules[0].field: field must be a string, got int",
        ),
        (
            {"operator": "OR", "rules": [rule("a", "==", 1), rule("b", "in", "x")]},
            "conditions.rules[1].value: 'in' expects a list, got str",
        ),
        (rule("a", "not_in", 3), "conditions.rules[0].value: 'not_in' expects a list, got int"),
        (rule("a", "between", [1]), "conditions.rules[0].value: 'between' expects a list of two"),
        (rule("a", "between", 1), "conditions.rules[0].value: 'between' expects a list of two"),
        (rule("a", "between", [9, 1]), "conditions.rules[0].value: 'between' low bound 9 is abo"),
        (rule("a", ">", [1]), "conditions.rules[0].value: '>' expects a number, string or date"),
        (rule("a", "==", None), "conditions.rules[0].value: value must not be null for '=='"),
        (rule("a", "contains", {"x": 1}), "conditions.rules[0].value: 'contains' expects a str"),
        ({"field": "a", "operator": "=="}, "conditions.rules[0].value: a value is required"),
        ({"field": "a", "operator": "=="}, "conditions.rules[0].value: a value is required"),
        ({"field": "a", "operator": 3, "value": 1}, "conditions.rules[0].operator: unknown"),
        ({"field": "a"}, "conditions.rules[0].operator: missing operator"),
        (
            {"field": "a", "operator": "==", "vaue": 1},
            "conditions.rules[0].vaue: unexpected key in a rule",
        ),
        (
            {"operator": "NOT", "rules": [rule("a", "==", 1), rule("b", "==", 2)]},
            "conditions.rules: NOT takes exactly one rule (got 2)",
        ),
        ({"operator": "NOT", "rules": []}, "conditions.rules: NOT takes exactly one rule (got 0)"),
        (
            {"operator": "AND", "rules": [{"operator": "OR", "rules": []}]},
            "conditions.rules[0].rules: a group needs at least one rule",
        ),
        ({"operator": "XOR", "rules": []}, "conditions.operator: unknown group operator 'XOR'"),
        ({"operator": "AND", "rules": "x"}, "conditions.rules: expected a list of rules, got str"),
        ({"operator": "AND", "rules": ["x"]}, "conditions.rules[0]: expected a condition object"),
        ("amount > 5", "conditions: expected a condition object, got str"),
        (42, "conditions: expected a condition object, got int"),
        ({"deal.amount": {"$gtx": 1}}, "conditions.deal.amount.$gtx: unknown operator '$gtx'"),
        ({"$where": "1"}, "conditions.$where: unknown operator '$where'"),
        ({"$or": []}, "conditions.$or: $or expects a non-empty list"),
        ({"$and": [{"a": 1}, 3]}, "conditions.$and[1]: expected a condition object, got int"),
        ({"a": {"$in": 5}}, "conditions.a.$in: 'in' expects a list, got int"),
        ({"a": {"$exists": "yes"}}, "conditions.a.$exists: $exists expects true or false"),
        ({"a": {"$gt": 1, "b": 2}}, "conditions.a.b: cannot mix $operators and plain keys"),
        ({"bad field": 1}, "conditions.bad field: invalid field path 'bad field'"),
    ],
)
def test_definition_errors_name_the_exact_path(raw: Any, message: str) -> None:
    if isinstance(raw, dict) and "field" in raw and "rules" not in raw:
        raw = {"operator": "AND", "rules": [raw]}
    with pytest.raises(DefinitionError) as caught:
        normalise_conditions(raw)
    assert str(caught.value).startswith(message)
    assert f"{caught.value.path}: {caught.value.message}" == str(caught.value)


def test_error_path_prefix_is_configurable() -> None:
    with pytest.raises(DefinitionError) as caught:
        normalise_conditions({"rules": [rule("a", "nope", 1)]}, "actions[2].when")
    assert caught.value.path == "actions[2].when.rules[0].operator"


# --------------------------------------------------------------------------- operators


@pytest.mark.parametrize(
    ("operator", "value", "actual", "expected"),
    [
        ("==", 5, 5, True),
        ("==", 5, 5.0, True),
        ("==", 5, "5", True),
        ("==", "Acme", "acme", False),  # == is case-sensitive
        ("==", "Acme", "Acme", True),
        ("==", True, True, True),
        ("==", True, "true", True),
        ("==", True, 1, False),  # bools are not numbers
        ("==", 5, None, False),
        ("==", 5, ..., False),
        ("==", 5, "five", False),
        ("==", [1, 2], [1, 2], True),
        ("!=", 5, 6, True),
        ("!=", 5, 5, False),
        ("!=", 5, "5", False),
        ("!=", 5, None, True),
        ("!=", 5, ..., True),
        ("!=", "a", "A", True),
        ("!=", 5, "five", True),
        (">", 50000, 75000, True),
        (">", 50000, "75000", True),  # numeric strings are coerced against numbers
        (">", 50000, 10000, False),
        (">", 50000, None, False),
        (">", 50000, "lots", False),
        (">", 50000, [75000], False),
        (">", "b", "c", True),
        ("<", 10, 9.5, True),
        ("<", 10, Decimal("9.5"), True),
        ("<", 10, True, False),
        (">=", 10, 10, True),
        (">=", 10, 9, False),
        ("<=", 10, 10, True),
        ("<=", 10, 11, False),
        ("contains", "acme", "The ACME corp", True),
        ("contains", "x", "The ACME corp", False),
        ("contains", "vip", ["VIP", "hot"], True),
        ("contains", "cold", ["VIP", "hot"], False),
        ("contains", 3, [1, 2, 3], True),
        ("contains", 12, "order 123", True),
        ("contains", "a", None, False),
        ("contains", "a", {"a": 1}, False),
        ("not_contains", "x", "The ACME corp", True),
        ("not_contains", "ACME", "the acme corp", False),
        ("not_contains", "vip", ["VIP"], False),
        ("not_contains", "vip", None, True),
        ("in", ["a", "b"], "a", True),
        ("in", ["a", "b"], "c", False),
        ("in", ["a", "b"], "A", False),
        ("in", [1, 2], "2", True),
        ("in", ["a", "b"], ["x", "b"], True),
        ("in", ["a", "b"], ["x"], False),
        ("in", ["a"], None, False),
        ("in", ["a"], [], False),
        ("not_in", ["a", "b"], "c", True),
        ("not_in", ["a", "b"], "a", False),
        ("not_in", ["a", "b"], ["x", "b"], False),
        ("not_in", ["a", "b"], ["x"], True),
        ("not_in", ["a"], None, True),
        ("not_in", ["a", None], None, False),
        ("starts_with", "ac", "ACME", True),
        ("starts_with", "me", "ACME", False),
        ("starts_with", "06", 612, False),
        ("starts_with", "61", 612, True),
        ("starts_with", "a", None, False),
        ("ends_with", "ME", "acme", True),
        ("ends_with", "ac", "acme", False),
        ("ends_with", "a", ["a"], False),
        ("is_empty", None, None, True),
        ("is_empty", None, ..., True),
        ("is_empty", None, "", True),
        ("is_empty", None, [], True),
        ("is_empty", None, {}, True),
        ("is_empty", None, 0, False),
        ("is_empty", None, False, False),
        ("is_empty", None, " ", False),
        ("is_not_empty", None, "x", True),
        ("is_not_empty", None, 0, True),
        ("is_not_empty", None, None, False),
        ("is_not_empty", None, [], False),
        ("between", [10, 20], 10, True),
        ("between", [10, 20], 20, True),
        ("between", [10, 20], "15", True),
        ("between", [10, 20], 21, False),
        ("between", [10, 20], None, False),
        ("between", ["2026-01-01", "2026-01-31"], "2026-01-15T12:00:00Z", True),
        ("between", ["2026-01-01", "2026-01-31"], "2026-02-01", False),
    ],
)
def test_operator(operator: str, value: Any, actual: Any, expected: bool) -> None:
    assert check(operator, value, actual) is expected


def test_every_operator_is_covered() -> None:
    tested = {p[0] for p in test_operator.pytestmark[0].args[1]}  # type: ignore[attr-defined]
    assert tested | {"changed", "changed_to", "changed_from"} == set(OPERATORS)


@pytest.mark.parametrize(
    ("operator", "value", "actual", "expected"),
    [
        (">", "2026-01-01", "2026-01-02", True),
        (">", "2026-01-01", "2025-12-31T23:59:59Z", False),
        ("==", "2026-01-01", "2026-01-01T00:00:00Z", True),  # date-only = midnight UTC
        ("==", "2026-01-01T01:00:00+01:00", "2026-01-01", True),  # offsets are honoured
        ("==", "2026-01-01", datetime(2026, 1, 1), True),  # naive = UTC
        ("<", "2026-06-01", date(2026, 5, 31), True),
        (">", "2026-01-01", datetime(2026, 1, 1, 9, tzinfo=timezone(timedelta(hours=10))), False),
        (">", "2026-01-01", "not a date", False),
        (">", "2026-01-01", 20260102, False),
        ("!=", "2026-01-01", "2026-01-01T00:00:00+00:00", False),
    ],
)
def test_dates_compare_as_utc_datetimes(
    operator: str, value: Any, actual: Any, expected: bool
) -> None:
    assert check(operator, value, actual) is expected


def test_datetime_rule_values_are_accepted() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    assert check("<", when, "2025-12-31") is True
    assert check("<", when, "2026-01-02") is False


def test_nested_paths_and_list_indexes() -> None:
    context = {"deal": {"contacts": [{"email": "a@x.io"}, {"email": None}], "owner": None}}
    assert compile_conditions(rule("deal.contacts.0.email", "ends_with", "x.io")).evaluate(context)
    assert not compile_conditions(rule("deal.contacts.5.email", "is_not_empty")).evaluate(context)
    assert compile_conditions(rule("deal.contacts.1.email", "is_empty")).evaluate(context)
    assert compile_conditions(rule("deal.owner.manager.email", "is_empty")).evaluate(context)
    assert compile_conditions(rule("deal.contacts.email", "is_empty")).evaluate(context)


# --------------------------------------------------------------------------- changed*


def changes(**entries: Any) -> dict[str, Any]:
    return {"trigger": {"type": "deal_updated", "changes": entries}}


@pytest.mark.parametrize(
    ("operator", "value", "context", "expected"),
    [
        ("changed", None, changes(stage=["lead", "won"]), True),
        ("changed", None, changes(stage=["won", "won"]), False),
        ("changed", None, changes(stage=["5", 5]), False),
        ("changed", None, changes(stage=[None, None]), False),
        ("changed", None, changes(stage=[None, "lead"]), True),
        ("changed", None, changes(amount=[1, 2]), False),
        ("changed", None, changes(stage={"old": "a", "new": "b"}), True),
        ("changed", None, changes(stage="garbage"), False),
        ("changed", None, {"trigger": {"changes": {"deal.stage": ["a", "b"]}}}, True),
        ("changed", None, {"trigger": {}}, False),
        ("changed", None, {"trigger": "x"}, False),
        ("changed", None, {}, False),
        ("changed_to", "won", changes(stage=["lead", "won"]), True),
        ("changed_to", "won", changes(stage=["lead", "lost"]), False),
        ("changed_to", "won", changes(stage=["won", "won"]), False),
        ("changed_to", None, changes(stage=["lead", None]), True),
        ("changed_from", "lead", changes(stage=["lead", "won"]), True),
        ("changed_from", "lead", changes(stage=["qualified", "won"]), False),
        ("changed_from", "lead", {}, False),
    ],
)
def test_changed_operators(
    operator: str, value: Any, context: dict[str, Any], expected: bool
) -> None:
    assert compile_conditions(rule("deal.stage", operator, value)).evaluate(context) is expected


# --------------------------------------------------------------------------- groups


def test_nested_groups_and_not() -> None:
    tree = {
        "operator": "AND",
        "rules": [
            rule("deal.amount", ">", 1000),
            {
                "operator": "OR",
                "rules": [
                    rule("deal.stage", "==", "won"),
                    {"operator": "NOT", "rules": [rule("deal.tags", "contains", "test")]},
                ],
            },
        ],
    }
    condition = compile_conditions(tree)
    assert condition.evaluate({"deal": {"amount": 5000, "stage": "won", "tags": ["test"]}})
    assert condition.evaluate({"deal": {"amount": 5000, "stage": "lead", "tags": ["prod"]}})
    assert not condition.evaluate({"deal": {"amount": 5000, "stage": "lead", "tags": ["Test"]}})
    assert not condition.evaluate({"deal": {"amount": 10, "stage": "won"}})
    assert condition.fields == {"deal.amount", "deal.stage", "deal.tags"}


def test_shorthand_and_canonical_evaluate_the_same() -> None:
    shorthand = compile_conditions({"deal.amount": {"$gt": 10000}, "deal.stage": {"$ne": "lost"}})
    canonical = compile_conditions(
        {
            "operator": "AND",
            "rules": [rule("deal.amount", ">", 10000), rule("deal.stage", "!=", "lost")],
        }
    )
    for amount, stage in [(20000, "won"), (20000, "lost"), (5, "won"), (None, None)]:
        context = {"deal": {"amount": amount, "stage": stage}}
        assert shorthand.evaluate(context) == canonical.evaluate(context)
    assert shorthand.tree == canonical.tree


def test_compile_accepts_a_compiled_tree_repeatedly() -> None:
    condition = compile_conditions({"amount": {"$gt": 10000}})
    assert isinstance(condition, CompiledCondition)
    assert compile_conditions(condition.tree).tree == condition.tree
    assert condition.evaluate({"amount": 50000}) and not condition.evaluate({"amount": 5000})


# --------------------------------------------------------------------------- explain


def test_explain_skipped_and_matched() -> None:
    condition = compile_conditions(
        {
            "operator": "AND",
            "rules": [rule("organisation.potential_amount", ">", 50000)],
        }
    )
    skipped = condition.explain({"organisation": {"potential_amount": 10000}})
    assert skipped == Decision(
        False,
        {"field": "organisation.potential_amount", "operator": ">", "value": 50000},
        10000,
        "organisation.potential_amount = 10000, not > 50000",
    )
    matched = condition.explain({"organisation": {"potential_amount": 75000.0}})
    assert matched.result is True
    assert matched.explanation == "organisation.potential_amount = 75000 > 50000"
    missing = condition.explain({})
    assert missing.explanation == "organisation.potential_amount = null, not > 50000"


def test_explain_picks_the_deciding_rule() -> None:
    condition = compile_conditions(
        {
            "operator": "OR",
            "rules": [
                rule("a", "==", 1),
                {"operator": "AND", "rules": [rule("b", "is_empty"), rule("c", "in", [1, 2])]},
            ],
        }
    )
    decision = condition.explain({"a": 2, "c": 2})
    assert decision.result is True
    assert decision.rule == rule("c", "in", [1, 2])
    assert decision.explanation == "b = null is empty; c = 2 in [1, 2]"
    false = condition.explain({"a": 2, "b": "x"})
    assert false.result is False
    assert false.explanation == 'a = 2, not == 1; b = "x", not is empty'


def test_explain_not_and_changed() -> None:
    condition = compile_conditions(
        {"operator": "NOT", "rules": [rule("deal.stage", "changed_to", "won")]}
    )
    decision = condition.explain(changes(stage=["lead", "won"]))
    assert decision.result is False
    assert decision.actual == ["lead", "won"]
    assert decision.explanation == 'NOT (deal.stage "lead" -> "won": changed to "won")'
    unchanged = compile_conditions(rule("deal.stage", "changed")).explain({})
    assert unchanged.result is False
    assert unchanged.explanation == "deal.stage unchanged: not changed"


def test_decision_to_dict_is_json_able() -> None:
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    condition = compile_conditions(rule("deal.close_date", "<", "2026-01-01"))
    payload = condition.explain({"deal": {"close_date": when}}).to_dict()
    assert payload == {
        "result": False,
        "rule": {"field": "deal.close_date", "operator": "<", "value": "2026-01-01"},
        "actual": "2026-01-02T03:04:00+00:00",
        "explanation": 'deal.close_date = 2026-01-02T03:04:00+00:00, not < "2026-01-01"',
    }


def test_evaluation_survives_hostile_values() -> None:
    condition = compile_conditions(
        {
            "operator": "OR",
            "rules": [
                rule("a", ">", 1),
                rule("a", "==", "2026-01-01"),
                rule("a", "contains", "x"),
                rule("a", "between", [1, 2]),
                rule("a", "in", [1]),
            ],
        }
    )
    nested: list[Any] = []
    for _ in range(5000):
        nested = [nested]
    for value in [float("nan"), Decimal("sNaN"), "9" * 5000, nested, {1: 2}, object(), b"x"]:
        assert condition.evaluate({"a": value}) in (True, False)
        assert condition.explain({"a": value}).result == condition.evaluate({"a": value})
