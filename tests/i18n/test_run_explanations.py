"""Condition explanations and simulation predicates: read by their grammar, in French."""

from __future__ import annotations

from typing import Any

from crmflow.common.i18n_phrases import compile_phrase
from crmflow.common.i18n_phrases_conditions import EXPLANATION_FORMS, PREDICATE_FORMS
from crmflow.common.i18n_run_texts import translate_explanation, translate_predicate
from crmflow.engine.conditions import compile_conditions
from crmflow.simulation.explore import describe

_CONTEXT: dict[str, Any] = {
    "deal": {"amount": 75000, "title": "Sign in now", "stage": "won", "empty": None},
    "trigger": {"changes": {"stage": ["new", "won"], "title": ["a", "a"]}},
}
# (field, operator, value) for a rule that holds and one that does not, per operator.
_RULES: list[tuple[str, str, Any]] = [
    *(
        ("deal.amount", op, v)
        for op in ("==", "!=", ">", "<", ">=", "<=")
        for v in (1, 75000, 90000)
    ),
    *(("deal.title", op, v) for op in ("contains", "not_contains") for v in ("in", "zz")),
    *(("deal.title", op, v) for op in ("starts_with", "ends_with") for v in ("Sign", "now")),
    ("deal.title", "starts_with", "x"),
    ("deal.title", "ends_with", "x"),
    *(("deal.stage", op, v) for op in ("in", "not_in") for v in (["won", "lost"], ["x"])),
    *(("deal.amount", "between", v) for v in ([1, 100000], [1, 2])),
    *((f, op, None) for f in ("deal.empty", "deal.title") for op in ("is_empty", "is_not_empty")),
    *(("deal.stage", op, v) for op in ("changed_to", "changed_from") for v in ("won", "new")),
    *(("deal.amount", op, 5) for op in ("changed_to", "changed_from")),
    *((field, "changed", None) for field in ("deal.stage", "deal.amount", "deal.title")),
]


def _condition(field: str, operator: str, value: Any) -> Any:
    rule: dict[str, Any] = {"field": field, "operator": operator}
    if operator not in ("is_empty", "is_not_empty", "changed"):
        rule["value"] = value
    return compile_conditions({"operator": "AND", "rules": [rule]})


def test_every_explanation_and_predicate_form_is_written_by_the_engine_and_translated() -> None:
    explained: set[str] = set()
    described: set[str] = set()
    for field, operator, value in _RULES:
        condition = _condition(field, operator, value)
        sentence = condition.explain(_CONTEXT).explanation
        french = translate_explanation("fr", sentence)
        for english, form in EXPLANATION_FORMS:
            if compile_phrase(english, form).pattern.fullmatch(sentence) and french != sentence:
                explained.add(english)
        predicate = describe(condition.tree)
        for english, form in PREDICATE_FORMS:
            if compile_phrase(english, form).pattern.fullmatch(predicate):
                described.add(english)
                assert translate_predicate("fr", predicate) != predicate, predicate
    group_forms = {"NOT ({inner})", "{head}; {tail}"}
    assert {english for english, _ in EXPLANATION_FORMS} - explained == group_forms
    predicate_groups = {
        "always",
        "none of the branches holds",
        "not ({inner})",
        "{left} and {right}",
        "{left} or {right}",
    }
    assert {english for english, _ in PREDICATE_FORMS} - described == predicate_groups


def test_an_operator_word_inside_a_value_is_not_the_operator() -> None:
    holds = 'deal.title = "Sign in now" == "Sign in now"'
    assert translate_explanation("fr", holds) == holds
    assert translate_explanation("fr", 'deal.title = "Sign in now", not == "x"') == (
        'deal.title = "Sign in now", pas == "x"'
    )
    assert translate_explanation("fr", 'deal.title = "a; NOT (b" contains "; "') == (
        'deal.title = "a; NOT (b" contient "; "'
    )


def test_joined_and_negated_explanations_read_part_by_part() -> None:
    condition = compile_conditions(
        {
            "operator": "AND",
            "rules": [
                {"field": "deal.amount", "operator": ">", "value": 1},
                {"field": "deal.title", "operator": "contains", "value": "in"},
                {"field": "deal.empty", "operator": "is_empty"},
                {
                    "operator": "NOT",
                    "rules": [{"field": "deal.amount", "operator": "<", "value": 5}],
                },
            ],
        }
    )
    sentence = condition.explain(_CONTEXT).explanation
    assert sentence == (
        'deal.amount = 75000 > 1; deal.title = "Sign in now" contains "in"; '
        "deal.empty = null is empty; NOT (deal.amount = 75000, not < 5)"
    )
    assert translate_explanation("fr", sentence) == (
        'deal.amount = 75000 > 1 ; deal.title = "Sign in now" contient "in" ; '
        "deal.empty = null est vide ; NON (deal.amount = 75000, pas < 5)"
    )
    assert translate_predicate("fr", describe(condition.tree)) == (
        'deal.amount > 1 et deal.title contient "in" et deal.empty est vide et '
        "non (deal.amount < 5)"
    )
    assert translate_explanation("en", sentence) == sentence


def test_sentences_in_explanation_fields_go_to_the_catalogue() -> None:
    refusal = "run mode single: execution #5 is in progress for deal #12"
    assert translate_explanation("fr", refusal) == (
        "mode d'exécution Unique : l'exécution n° 5 est en cours pour affaire n° 12"
    )
    assert translate_explanation("fr", "no conditions") == "aucune condition"
    # A value cut short (over 200 characters) cannot be read: that part stays English.
    cut = 'deal.title = "' + "x" * 190 + "..." + ' contains "y"'
    assert translate_explanation("fr", cut) == cut
