"""Strings people read: names refuse control and bidi characters; free text keeps line breaks.

A NUL cuts strings short in C libraries and some databases, ESC starts ANSI sequences that rewrite
a terminal (logs, CLI tables), and bidi overrides/isolates make a name display differently from
what it is ("Trojan Source"). Names (one line) refuse all of them; free text (descriptions, email
bodies, comments) keeps tabs and line breaks, and the left-to-right/right-to-left marks that
Arabic and Hebrew prose needs, but nothing else invisible.

Use the markers inside `Annotated`, after the length constraints:
`Annotated[str, StringConstraints(min_length=1, max_length=300), NameChars]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

# Character-class bodies, written with \u escapes so that Python's `re` and the ECMA-262 regex
# of JSON Schema (the OpenAPI `pattern`) read them the same way.
_C0_C1_DEL = r"\u0000-\u001f\u007f-\u009f"
_C0_C1_DEL_BUT_TAB_LF_CR = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
# Embeddings and overrides (LRE RLE PDF LRO RLO), isolates (LRI RLI FSI PDI), byte-order mark.
_BIDI_FORMATTING = r"\u202a-\u202e\u2066-\u2069\ufeff"
# Invisible direction marks (ALM, LRM, RLM) and the line/paragraph separators.
_MARKS_AND_SEPARATORS = r"\u061c\u200e\u200f\u2028\u2029"

NAME_FORBIDDEN = _C0_C1_DEL + _BIDI_FORMATTING + _MARKS_AND_SEPARATORS
TEXT_FORBIDDEN = _C0_C1_DEL_BUT_TAB_LF_CR + _BIDI_FORMATTING


def first_forbidden(value: str, forbidden: str) -> str | None:
    """Return the first character of `value` in the class `forbidden`, or None."""
    found = re.search(f"[{forbidden}]", value)
    return found.group() if found else None


@dataclass(frozen=True)
class RefuseCharacters:
    """Annotated marker: refuse characters of a class (422 naming the first), optionally strip."""

    forbidden: str
    strip: bool

    def clean(self, value: Any) -> Any:
        """Refuse a string holding a forbidden character; strip it if asked (others pass on)."""
        if not isinstance(value, str):
            return value  # the str schema inside reports the type error
        bad = first_forbidden(value, self.forbidden)
        if bad is not None:
            raise PydanticCustomError(
                "control_character",
                "control character {character} not allowed",
                {"character": f"U+{ord(bad):04X}"},
            )
        return value.strip() if self.strip else value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        # Before the inner schema: the check sees the raw input, the length limits the stripped one.
        return core_schema.no_info_before_validator_function(self.clean, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.setdefault("pattern", f"^[^{self.forbidden}]*$")
        return json_schema


# A one-line name or title: no control, bidi or separator character; surrounding spaces stripped.
NameChars = RefuseCharacters(NAME_FORBIDDEN, strip=True)
# Free text: tabs and line breaks allowed; NUL, ESC, other controls and bidi overrides are not.
TextChars = RefuseCharacters(TEXT_FORBIDDEN, strip=False)

Name = Annotated[str, StringConstraints(min_length=1, max_length=300), NameChars]
Text = Annotated[str, StringConstraints(max_length=5000), TextChars]


_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]+")
_NAME_FORBIDDEN_RE = re.compile(f"[{NAME_FORBIDDEN}]")


def clean_name(value: Any) -> Any:
    """Make a rendered name one line: breaks become a space, other forbidden characters go.

    For names a workflow builds at run time from data it did not choose (a webhook payload):
    failing the step over a stray newline would lose the work, storing it would let the name
    display as something else.
    """
    if not isinstance(value, str):
        return value
    return _NAME_FORBIDDEN_RE.sub("", _LINE_BREAKS.sub(" ", value)).strip()


# A name an action writes at run time: cleaned (never refused) before its length is checked.
CleanedName = BeforeValidator(clean_name)
