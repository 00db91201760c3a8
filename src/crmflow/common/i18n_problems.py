"""The API's error messages in the language a request asks for (`Accept-Language`).

A message may start with the path it names (`actions[2].config.to: ...`, even several of them:
`workflows[0].actions[1]: ...`) and, from Pydantic, with `Value error, `: those prefixes are
kept as they are (the UI strips them by their English form) and the sentence after them is
translated by the phrase catalogues (`crmflow.common.i18n_phrases`).
"""

from __future__ import annotations

import re
from typing import Any, Final

from crmflow.common.i18n import DEFAULT_LANGUAGE, language_of
from crmflow.common.i18n_phrases import translate_phrase

# A path a message starts with: `name`, `actions[2].config.due_date`, `inputs.$ref`, `x-widget`,
# and an import's `workflows[0] (Its name).actions[1]`.
_PATH_PREFIX: Final = re.compile(r"([\w$.\[\]-]+(?: \([^()]*\)[\w$.\[\]-]*)?: )(.+)", re.DOTALL)
# What Pydantic puts before the text of an error raised in a validator.
_PYDANTIC_PREFIX: Final = re.compile(r"((?:Value|Assertion) error, )(.+)", re.DOTALL)
# Prefixes peeled off one message at most (a path inside a path inside ...).
_MAX_PREFIXES: Final = 4


def translate_problem(language: str | None, text: str) -> str:
    """`text` (an error message crmflow wrote in English) in `language`, its prefixes kept."""
    if language_of(language) == DEFAULT_LANGUAGE:
        return text
    return _translated(language, text, 0)


def _translated(language: str | None, text: str, depth: int) -> str:
    translated = translate_phrase(language, text)
    if translated != text or depth >= _MAX_PREFIXES:
        return translated
    for prefix in (_PYDANTIC_PREFIX, _PATH_PREFIX):
        match = prefix.fullmatch(text)
        if match is not None:
            rest = _translated(language, match[2], depth + 1)
            if rest != match[2]:
                return match[1] + rest
    return text


def translate_detail(language: str | None, detail: Any) -> Any:
    """An error body's `detail` (a message, `{msg, ...}` or a list of them) in `language`.

    Only messages change: `loc`, `type`, `ctx` and `info` are what clients read by program.
    """
    if language_of(language) == DEFAULT_LANGUAGE:
        return detail
    if isinstance(detail, str):
        return translate_problem(language, detail)
    if isinstance(detail, list):
        return [translate_detail(language, item) for item in detail]
    if isinstance(detail, dict) and isinstance(detail.get("msg"), str):
        return {**detail, "msg": translate_problem(language, detail["msg"])}
    return detail
