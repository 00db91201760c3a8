"""Run texts in the reader's language: explanations and predicates by their grammar, the rest
by pattern (`crmflow.common.i18n_phrases`).

An explanation (`deal.amount = 75000 > 50000; deal.stage = "won" == "won"`) is cut at its
`; ` and `NOT (...)` outside quoted values, then each rule is read as `field = value`, a known
operator and its value, so that no operator word inside a value is taken for the operator.
A part that does not read so is kept in English; a text none of whose parts reads so is a
sentence (a run policy's refusal, a loop guard) and goes to the phrase catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import reduce
from typing import Final

from crmflow.common.i18n import DEFAULT_LANGUAGE, language_of
from crmflow.common.i18n_phrases import MAX_TRANSLATED_CHARS, Phrase, compile_phrase
from crmflow.common.i18n_phrases import translate_phrase as _phrase
from crmflow.common.i18n_phrases_conditions import EXPLANATION_FORMS, PREDICATE_FORMS
from crmflow.common.i18n_phrases_runs import RUN_PHRASES

_EXPLAIN: Final = dict(EXPLANATION_FORMS)
_PREDICATE: Final = dict(PREDICATE_FORMS)
_FIELD: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
# `engine/compare.py` OPERATORS as `_Rule.explain` writes them after a value.
_VALUE_OPERATORS: Final = frozenset(
    {"==", "!=", ">", "<", ">=", "<=", "contains", "not_contains", "in", "not_in"}
    | {"starts_with", "ends_with", "between"}
)
_UNARY_WORDS: Final = ("is not empty", "is empty")
_CHANGE_WORDS: Final = ("not changed to ", "not changed from ", "changed to ", "changed from ")
# `simulation/explore.describe`: the operators in words, longest first.
_PREDICATE_WORDS: Final = (
    "not contains", "contains", "not in", "in", "starts with", "ends with", "between",
    "changed to", "changed from",
)  # fmt: skip
_PREDICATE_UNARY: Final = ("is not empty", "is empty", "changed")
_SYMBOLS: Final = ("==", "!=", ">=", "<=", ">", "<")


def _string_end(text: str, start: int) -> int | None:
    """Where the JSON string opening at `start` ends; None if it never does (a cut value)."""
    index = start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return index + 1
        index += 1
    return None


def _value_end(text: str, start: int) -> int | None:
    """Where the value `format_value` wrote at `start` ends (JSON, or a bare word: a date)."""
    if start >= len(text):
        return None
    if text[start] == '"':
        return _string_end(text, start)
    if text[start] in "[{":
        depth, index = 0, start
        while index < len(text):
            char = text[index]
            if char == '"':
                end = _string_end(text, index)
                if end is None:
                    return None
                index = end
                continue
            depth += char in "[{"
            depth -= char in "]}"
            index += 1
            if depth == 0:
                return index
        return None
    index = start
    while index < len(text) and text[index] not in " ,":
        index += 1
    return index if index > start else None


def _is_value(text: str) -> bool:
    return _value_end(text, 0) == len(text)


def _split(text: str, separator: str) -> list[str]:
    """`text` cut at each `separator` outside quoted values, brackets and parentheses."""
    parts: list[str] = []
    depth = start = index = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            end = _string_end(text, index)
            if end is None:
                break  # a value cut short: the rest is one part
            index = end
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            index += len(separator)
            start = index
            continue
        index += 1
    parts.append(text[start:])
    return parts


def _balanced(text: str) -> bool:
    """Whether every bracket and parenthesis of `text` outside quoted values is closed."""
    depth = index = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            end = _string_end(text, index)
            if end is None:
                return False
            index = end
            continue
        depth += char in "([{"
        depth -= char in ")]}"
        if depth < 0:
            return False
        index += 1
    return depth == 0


def _wrapped(text: str, opening: str) -> str | None:
    """The inside of `opening ... )` when `text` is exactly that, else None."""
    if not (text.startswith(opening) and text.endswith(")")):
        return None
    inner = text[len(opening) : -1]
    return inner if _balanced(inner) else None


def _join(parts: list[str]) -> str:
    """Explanation parts joined as French writes a list (`a ; b`)."""
    form = _EXPLAIN["{head}; {tail}"]
    return reduce(lambda head, tail: form.format(head=head, tail=tail), parts)


def _form(forms: dict[str, str], english: str, **values: str) -> str | None:
    french = forms.get(english)
    return None if french is None else french.format(**values)


def _value_rule(field: str, rest: str) -> str | None:
    end = _value_end(rest, 0)
    if end is None:
        return None
    actual, tail = rest[:end], rest[end:]
    if tail.startswith(", not "):
        negation, tail = ", not", tail[len(", not ") :]
    elif tail.startswith(" "):
        negation, tail = "", tail[1:]
    else:
        return None
    if tail in _UNARY_WORDS:
        english = f"{{field}} = {{actual}}{negation} {tail}"
        return _form(_EXPLAIN, english, field=field, actual=actual)
    operator, _, value = tail.partition(" ")
    if operator not in _VALUE_OPERATORS or not _is_value(value):
        return None
    english = f"{{field}} = {{actual}}{negation} {operator} {{value}}"
    if english not in _EXPLAIN:  # a symbol that held: the same in every language
        return f"{field} = {actual} {tail}"
    return _form(_EXPLAIN, english, field=field, actual=actual, value=value)


def _change_rule(field: str, head: str, tail: str, **values: str) -> str | None:
    for words in _CHANGE_WORDS:
        if tail.startswith(words) and _is_value(tail[len(words) :]):
            english = f"{head}{words}{{value}}"
            return _form(_EXPLAIN, english, field=field, value=tail[len(words) :], **values)
    if tail in ("changed", "not changed"):
        return _form(_EXPLAIN, f"{head}{tail}", field=field, **values)
    return None


def _rule(text: str) -> str | None:
    match = _FIELD.match(text)
    if match is None:
        return None
    field, rest = match.group(), text[match.end() :]
    if rest.startswith(" = "):
        return _value_rule(field, rest[len(" = ") :])
    if rest.startswith(" unchanged: "):
        return _change_rule(field, "{field} unchanged: ", rest[len(" unchanged: ") :])
    old_end = _value_end(rest, 1) if rest.startswith(" ") else None
    if old_end is None or not rest.startswith(" -> ", old_end):
        return None
    new_start = old_end + len(" -> ")
    new_end = _value_end(rest, new_start)
    if new_end is None or not rest.startswith(": ", new_end):
        return None
    old, new = rest[1:old_end], rest[new_start:new_end]
    tail = rest[new_end + len(": ") :]
    return _change_rule(field, "{field} {old} -> {new}: ", tail, old=old, new=new)


def _explanation(text: str) -> str | None:
    """`text` read as an explanation, in French; None when no part of it reads as one."""
    parts = _split(text, "; ")
    if len(parts) > 1:
        read = [_explanation(part) for part in parts]
        if all(r is None for r in read):
            return None
        return _join([part if r is None else r for r, part in zip(read, parts, strict=True)])
    if text == "no conditions":
        return _FRENCH[text]
    inner = _wrapped(text, "NOT (")
    if inner is not None:
        return _EXPLAIN["NOT ({inner})"].format(inner=_explanation(inner) or inner)
    return _rule(text)


def _predicate_rule(text: str) -> str | None:
    match = _FIELD.match(text)
    if match is None or not text.startswith(" ", match.end()):
        return None
    field, rest = match.group(), text[match.end() + 1 :]
    if rest in _PREDICATE_UNARY:
        return _form(_PREDICATE, f"{{field}} {rest}", field=field)
    for words in (*_PREDICATE_WORDS, *_SYMBOLS):
        value = rest[len(words) + 1 :]
        if rest.startswith(f"{words} ") and _is_value(value):
            english = f"{{field}} {words} {{value}}"
            return _form(_PREDICATE, english, field=field, value=value) or text
    return None


def _predicate(text: str) -> str | None:
    """A simulation predicate (`deal.amount > 10000 and deal.title contains "x"`) in French."""
    if text in _PREDICATE:
        return _PREDICATE[text]
    for joiner in ("and", "or"):
        parts = _split(text, f" {joiner} ")
        if len(parts) > 1:
            form = _PREDICATE[f"{{left}} {joiner} {{right}}"]
            read = [_predicate(_wrapped(part, "(") or part) for part in parts]
            shown = [
                part if r is None else f"({r})" if _wrapped(part, "(") else r
                for r, part in zip(read, parts, strict=True)
            ]
            return reduce(lambda left, right: form.format(left=left, right=right), shown)
    inner = _wrapped(text, "not (")
    if inner is not None:
        return _PREDICATE["not ({inner})"].format(inner=_predicate(inner) or inner)
    return _predicate_rule(text)


# How a placeholder of another grammar is read: (language, its text) -> its translation.
_Reader = Callable[[str, str], str]


def _as_explanation(language: str, text: str) -> str:
    return _explanation(text) or _phrase(language, text)


def _as_predicate(language: str, text: str) -> str:
    return _predicate(text) or text


def _as_assumptions(language: str, text: str) -> str:
    return _join([_phrase(language, part) for part in text.split("; ")])


# Sentences with a part of another grammar: (English format, how each placeholder is read).
_STRUCTURED: Final[tuple[tuple[str, dict[str, _Reader]], ...]] = (
    ("when: {explanation_text}", {"explanation_text": _as_explanation}),
    (
        "{explanation_text} (assumed: {assumed_text})",
        {"explanation_text": _as_explanation, "assumed_text": _as_assumptions},
    ),
    (
        "{outcome_text} ({predicate_text}) can never happen: {why_not_text}",
        {"outcome_text": _phrase, "predicate_text": _as_predicate, "why_not_text": _phrase},
    ),
    ("skipped: {predicate_text}", {"predicate_text": _as_predicate}),
)
_FRENCH: Final = dict(RUN_PHRASES)
_STRUCTURED_PHRASES: Final[tuple[tuple[Phrase, dict[str, _Reader]], ...]] = tuple(
    (compile_phrase(english, _FRENCH[english]), readers) for english, readers in _STRUCTURED
)


def _structured(language: str, text: str) -> str | None:
    if "{" not in text and text in _FRENCH:  # a whole sentence of its own
        return _FRENCH[text]
    for phrase, readers in _STRUCTURED_PHRASES:
        match = phrase.pattern.fullmatch(text)
        if match is not None:
            values = {name: readers[name](language, v) for name, v in match.groupdict().items()}
            return phrase.french.format(**values)
    return None


def _english(language: str, text: str) -> bool:
    return language_of(language) == DEFAULT_LANGUAGE or len(text) > MAX_TRANSLATED_CHARS


def translate_run_text(language: str | None, text: str) -> str:
    """A step's message or error, a run's error, a simulation warning, in `language`."""
    if language is None or _english(language, text):
        return text
    return _structured(language, text) or _phrase(language, text)


def translate_explanation(language: str | None, text: str) -> str:
    """A decision's explanation (conditions, a `when`, a branch, a run policy) in `language`."""
    if language is None or _english(language, text):
        return text
    found = _structured(language, text)
    return _as_explanation(language, text) if found is None else found


def translate_predicate(language: str | None, text: str) -> str:
    """A simulation alternative's predicate (`deal.amount > 10000`) in `language`."""
    if language is None or _english(language, text):
        return text
    return _predicate(text) or text
