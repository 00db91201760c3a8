"""Property tests of the condition language (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crmflow.engine.conditions import OPERATORS, compile_conditions, normalise_conditions

FIELDS = ["a", "b", "deal.amount", "deal.stage", "org.owner.id", "tags"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-1000, 1000)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["", "a", "B", "won", "lead", "75000", "2026-01-01", "2026-01-01T10:00:00Z"])
    | st.text(max_size=8)
    | st.datetimes(timezones=st.none() | st.just(UTC))
)
# Values a rule may carry for each operator family.
comparables = (
    st.integers(-100, 100)
    | st.floats(-1e6, 1e6)
    | st.sampled_from(["a", "won", "75000", "2026-01-01"])
)
equatables = comparables | st.booleans() | st.lists(st.integers(0, 3), max_size=3)


@st.composite
def rules(draw: st.DrawFn) -> dict[str, Any]:
    field = draw(st.sampled_from(FIELDS))
    operator = draw(st.sampled_from(OPERATORS))
    if operator in ("is_empty", "is_not_empty", "changed"):
        return {"field": field, "operator": operator}
    if operator in ("in", "not_in"):
        value: Any = draw(st.lists(equatables, max_size=4))
    elif operator == "between":
        low, high = sorted(draw(st.lists(st.integers(-100, 100), min_size=2, max_size=2)))
        value = [low, high]
    elif operator in ("contains", "not_contains", "starts_with", "ends_with"):
        value = draw(st.sampled_from(["a", "won", "7", "x"]) | st.integers(0, 9))
    elif operator in ("changed_to", "changed_from"):
        value = draw(st.none() | equatables)
    elif operator in ("==", "!="):
        value = draw(equatables)
    else:
        value = draw(comparables)
    return {"field": field, "operator": operator, "value": value}


def groups(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(
            lambda op, rs: {"operator": op, "rules": rs},
            st.sampled_from(["AND", "OR"]),
            st.lists(children, min_size=1, max_size=4),
        ),
        children.map(lambda child: {"operator": "NOT", "rules": [child]}),
    )


trees = st.recursive(rules(), groups, max_leaves=8)


def nest(path: str, value: Any) -> dict[str, Any]:
    head, _, rest = path.partition(".")
    return {head: nest(rest, value) if rest else value}


def merge(into: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value
    return into


@st.composite
def contexts(draw: st.DrawFn) -> dict[str, Any]:
    """Contexts where the rule fields are often present, with arbitrary values and changes."""
    context: dict[str, Any] = {}
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=6)):
        value = draw(scalars | st.lists(scalars, max_size=3))
        merge(context, nest(field, value))
    if draw(st.booleans()):
        change_values = st.lists(scalars, min_size=2, max_size=2)
        keys = st.sampled_from(["a", "stage", "amount", "id", "tags", "deal.stage"])
        context["trigger"] = {"changes": draw(st.dictionaries(keys, change_values, max_size=4))}
    return context


json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["a", "b", "deal", "org", "trigger", "changes"]), children
        )
    ),
    max_leaves=20,
)
anything = st.dictionaries(
    st.sampled_from(["a", "b", "deal", "org", "tags", "trigger"]) | st.text(max_size=3),
    json_values,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(trees)
def test_normalising_is_idempotent(tree: dict[str, Any]) -> None:
    once = normalise_conditions(tree)
    assert once == tree or tree.get("field") is not None  # canonical input comes back unchanged
    assert normalise_conditions(once) == once


def to_shorthand(node: dict[str, Any]) -> dict[str, Any]:
    """Write a canonical node in the Mongo-style shorthand."""
    ops = {"==": "$eq", "!=": "$ne", ">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte",
           "in": "$in", "not_in": "$nin", "contains": "$contains", "between": "$between",
           "not_contains": "$not_contains", "starts_with": "$starts_with",
           "ends_with": "$ends_with", "changed_to": "$changed_to",
           "changed_from": "$changed_from"}  # fmt: skip
    if "field" in node:
        operator = node["operator"]
        if operator == "is_empty":
            return {node["field"]: {"$exists": False}}
        if operator == "is_not_empty":
            return {node["field"]: {"$exists": True}}
        if operator == "changed":
            return {node["field"]: {"$changed": True}}
        return {node["field"]: {ops[operator]: node["value"]}}
    children = [to_shorthand(child) for child in node["rules"]]
    if node["operator"] == "NOT":
        return {"$not": children[0]}
    return {f"${node['operator'].lower()}": children}


@settings(max_examples=200, deadline=None)
@given(trees, st.lists(contexts(), min_size=1, max_size=3))
def test_shorthand_and_canonical_agree(tree: dict[str, Any], samples: list[Any]) -> None:
    canonical = compile_conditions(tree)
    shorthand = compile_conditions(to_shorthand(tree))
    for context in samples:
        assert shorthand.evaluate(context) == canonical.evaluate(context)


@settings(max_examples=200, deadline=None)
@given(trees, contexts())
def test_double_negation(tree: dict[str, Any], context: dict[str, Any]) -> None:
    double = {"operator": "NOT", "rules": [{"operator": "NOT", "rules": [tree]}]}
    single = {"operator": "NOT", "rules": [tree]}
    expected = compile_conditions(tree).evaluate(context)
    assert compile_conditions(double).evaluate(context) == expected
    assert compile_conditions(single).evaluate(context) == (not expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(trees, min_size=1, max_size=4), contexts())
def test_and_or_agree_with_all_and_any(children: list[dict[str, Any]], context: Any) -> None:
    results = [compile_conditions(child).evaluate(context) for child in children]
    conjunction = compile_conditions({"operator": "AND", "rules": children})
    disjunction = compile_conditions({"operator": "OR", "rules": children})
    assert conjunction.evaluate(context) == all(results)
    assert disjunction.evaluate(context) == any(results)


@settings(max_examples=200, deadline=None)
@given(trees, anything | contexts())
def test_evaluation_never_raises_and_explain_agrees(tree: dict[str, Any], context: Any) -> None:
    condition = compile_conditions(tree)
    result = condition.evaluate(context)
    assert isinstance(result, bool)
    decision = condition.explain(context)
    assert decision.result == result
    assert isinstance(decision.explanation, str) and decision.explanation
    payload = decision.to_dict()
    assert payload["result"] == result
    assert not isinstance(payload["actual"], datetime)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FIELDS), st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_numeric_strings_compare_like_numbers(field: str, actual: int, bound: int) -> None:
    as_number = compile_conditions({field: {"$gt": bound}})
    context = nest(field, actual)
    text_context = nest(field, str(actual))
    assert as_number.evaluate(context) == (actual > bound)
    assert as_number.evaluate(text_context) == (actual > bound)
