"""Sentences the server composes in English (step errors, explanations, warnings), in French.

Stored texts stay English: they are what logs, the CLI and API clients without a language see.
A response read by someone who asked for French (`Accept-Language`, the UI sends it) has its
composed sentences translated here, by pattern: each catalogue entry is an English format
(`"to: no recipient resolved from {ref}"`) and its French. A placeholder whose name ends in
`_text` holds a sentence of its own and is translated too; the others (names, values, ids)
are kept as they are. A placeholder whose name ends in `_token` holds one word (an address,
a step's path): it never spans a space, so an entry that starts with one does not read a longer
sentence that merely ends like it. A sentence that matches no entry is served in English.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from crmflow.common.i18n import DEFAULT_LANGUAGE, language_of
from crmflow.common.i18n_phrases_runs import RUN_PHRASES
from crmflow.common.i18n_phrases_validation import VALIDATION_PHRASES

# Longer texts are not worth matching (a receiver's whole error page, a template's output).
MAX_TRANSLATED_CHARS: Final = 4_000
# How deep `_text` placeholders may nest (a sentence inside a sentence inside ...).
_MAX_NESTING: Final = 4


@dataclass(frozen=True, slots=True)
class Phrase:
    """One English format compiled to a full-match pattern, and its French format."""

    english: str
    french: str
    pattern: re.Pattern[str]
    nested: frozenset[str]


def compile_phrase(english: str, french: str) -> Phrase:
    """Compile `english` (a `str.format` string) to a pattern capturing its placeholders."""
    parts: list[str] = []
    names: list[str] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(english):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"{english!r}: placeholder {name!r} must be a plain name")
        # A repeated placeholder must match the same text again.
        value = r"\S+?" if name.endswith("_token") else ".+?"
        parts.append(f"(?P={name})" if name in names else f"(?P<{name}>{value})")
        names.append(name)
    french_names = {n for _, n, _, _ in string.Formatter().parse(french) if n is not None}
    if french_names != set(names):
        raise ValueError(f"{english!r}: the French names {sorted(french_names)}, not {names}")
    return Phrase(
        english,
        french,
        re.compile("".join(parts), re.DOTALL),
        frozenset(n for n in names if n.endswith("_text")),
    )


def compile_catalogue(entries: Iterable[tuple[str, str]]) -> tuple[Phrase, ...]:
    """Compile catalogue entries, most specific first (longest English literal text first)."""
    phrases = [compile_phrase(english, french) for english, french in entries]
    return tuple(sorted(phrases, key=lambda p: -len(re.sub(r"\{\w+\}", "", p.english))))


CATALOGUE: Final = compile_catalogue((*RUN_PHRASES, *VALIDATION_PHRASES))
_EXACT: Final = {p.english: p.french for p in CATALOGUE if not p.nested and "{" not in p.english}


def _french(text: str, depth: int) -> str:
    exact = _EXACT.get(text)
    if exact is not None:
        return exact
    if depth > _MAX_NESTING:
        return text
    for phrase in CATALOGUE:
        match = phrase.pattern.fullmatch(text)
        if match is None:
            continue
        values = {
            name: _french(value, depth + 1) if name in phrase.nested else value
            for name, value in match.groupdict().items()
        }
        return phrase.french.format(**values)
    return text


@lru_cache(maxsize=4096)
def _french_cached(text: str) -> str:
    return _french(text, 0)


def translate_phrase(language: str | None, text: str) -> str:
    """`text` (a sentence crmflow composed in English) in `language`; as it is if unknown."""
    if language_of(language) == DEFAULT_LANGUAGE or len(text) > MAX_TRANSLATED_CHARS:
        return text
    return _french_cached(text)


def translate_phrases(language: str | None, data: Any, keys: Collection[str]) -> Any:
    """A copy of `data` whose strings under `keys` (at any depth) are translated phrases."""
    if language_of(language) == DEFAULT_LANGUAGE:
        return data
    if isinstance(data, dict):
        return {
            key: (
                translate_phrase(language, value)
                if key in keys and isinstance(value, str)
                else [translate_phrase(language, v) if isinstance(v, str) else v for v in value]
                if key in keys and isinstance(value, list)
                else translate_phrases(language, value, keys)
            )
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [translate_phrases(language, item, keys) for item in data]
    return data
