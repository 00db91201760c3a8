"""French for the grammar of condition explanations and of simulation predicates.

Unlike the sentence catalogues, these forms are not matched by pattern: an operator's words can
appear inside a compared value (`"Sign in" == "x"` is no `in` rule), so
`crmflow.common.i18n_run_texts` reads an explanation by its grammar (values as JSON, rules
joined by `; `, `NOT (...)`) and picks the form of the operator it found. Each form is the
English the engine writes (`engine/conditions.py`, `simulation/explore.py`) with its French;
symbols (`>`, `==`) stay, so a rule that holds on a symbol reads the same in both languages.
"""

from __future__ import annotations

from typing import Final

# `_Rule.explain` for a value rule: `{field} = {actual}`, then the operator (", not" when false).
VALUE_RULE_FORMS: Final[tuple[tuple[str, str], ...]] = (
    *(
        (
            f"{{field}} = {{actual}}, not {op} {{value}}",
            f"{{field}} = {{actual}}, pas {op} {{value}}",
        )
        for op in ("==", "!=", ">", "<", ">=", "<=")
    ),
    ("{field} = {actual} contains {value}", "{field} = {actual} contient {value}"),
    ("{field} = {actual}, not contains {value}", "{field} = {actual}, ne contient pas {value}"),
    ("{field} = {actual} not_contains {value}", "{field} = {actual} ne contient pas {value}"),
    ("{field} = {actual}, not not_contains {value}", "{field} = {actual}, contient {value}"),
    ("{field} = {actual} in {value}", "{field} = {actual} fait partie de {value}"),
    ("{field} = {actual}, not in {value}", "{field} = {actual}, ne fait pas partie de {value}"),
    ("{field} = {actual} not_in {value}", "{field} = {actual} ne fait pas partie de {value}"),
    ("{field} = {actual}, not not_in {value}", "{field} = {actual}, fait partie de {value}"),
    ("{field} = {actual} starts_with {value}", "{field} = {actual} commence par {value}"),
    (
        "{field} = {actual}, not starts_with {value}",
        "{field} = {actual}, ne commence pas par {value}",
    ),
    ("{field} = {actual} ends_with {value}", "{field} = {actual} se termine par {value}"),
    (
        "{field} = {actual}, not ends_with {value}",
        "{field} = {actual}, ne se termine pas par {value}",
    ),
    ("{field} = {actual} between {value}", "{field} = {actual} est compris entre {value}"),
    (
        "{field} = {actual}, not between {value}",
        "{field} = {actual}, n'est pas compris entre {value}",
    ),
    ("{field} = {actual} is empty", "{field} = {actual} est vide"),
    ("{field} = {actual}, not is empty", "{field} = {actual}, n'est pas vide"),
    ("{field} = {actual} is not empty", "{field} = {actual} n'est pas vide"),
    ("{field} = {actual}, not is not empty", "{field} = {actual}, est vide"),
)

# `_Rule.explain` for a change rule: the field unchanged, or its old and new values.
CHANGE_RULE_FORMS: Final[tuple[tuple[str, str], ...]] = (
    ("{field} unchanged: not changed", "{field} inchangé : aucune modification"),
    ("{field} unchanged: not changed to {value}", "{field} inchangé : pas passé à {value}"),
    ("{field} unchanged: not changed from {value}", "{field} inchangé : n'a pas quitté {value}"),
    ("{field} {old} -> {new}: changed", "{field} {old} -> {new} : modifié"),
    ("{field} {old} -> {new}: not changed", "{field} {old} -> {new} : aucune modification"),
    ("{field} {old} -> {new}: changed to {value}", "{field} {old} -> {new} : passé à {value}"),
    (
        "{field} {old} -> {new}: not changed to {value}",
        "{field} {old} -> {new} : pas passé à {value}",
    ),
    ("{field} {old} -> {new}: changed from {value}", "{field} {old} -> {new} : a quitté {value}"),
    (
        "{field} {old} -> {new}: not changed from {value}",
        "{field} {old} -> {new} : n'a pas quitté {value}",
    ),
)

# `_Group.explain` and `CompiledCondition.explain`.
GROUP_FORMS: Final[tuple[tuple[str, str], ...]] = (
    ("NOT ({inner})", "NON ({inner})"),
    ("{head}; {tail}", "{head} ; {tail}"),
)

EXPLANATION_FORMS: Final[tuple[tuple[str, str], ...]] = (
    *VALUE_RULE_FORMS,
    *CHANGE_RULE_FORMS,
    *GROUP_FORMS,
)

# `simulation.explore.describe`: a rule is `{field} {operator in words} {value}`.
PREDICATE_FORMS: Final[tuple[tuple[str, str], ...]] = (
    ("always", "toujours"),
    ("none of the branches holds", "aucune des branches ne s'applique"),
    ("not ({inner})", "non ({inner})"),
    ("{left} and {right}", "{left} et {right}"),
    ("{left} or {right}", "{left} ou {right}"),
    ("{field} contains {value}", "{field} contient {value}"),
    ("{field} not contains {value}", "{field} ne contient pas {value}"),
    ("{field} in {value}", "{field} fait partie de {value}"),
    ("{field} not in {value}", "{field} ne fait pas partie de {value}"),
    ("{field} starts with {value}", "{field} commence par {value}"),
    ("{field} ends with {value}", "{field} se termine par {value}"),
    ("{field} between {value}", "{field} est compris entre {value}"),
    ("{field} is empty", "{field} est vide"),
    ("{field} is not empty", "{field} n'est pas vide"),
    ("{field} changed", "{field} a changé"),
    ("{field} changed to {value}", "{field} passe à {value}"),
    ("{field} changed from {value}", "{field} quitte {value}"),
)
