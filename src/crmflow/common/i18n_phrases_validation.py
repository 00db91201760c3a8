"""French for the validation messages the server writes itself (not Pydantic's own).

Entries are (English format, French format); see `crmflow.common.i18n_phrases` for the rules
(a placeholder ending in `_text` is itself a sentence and is translated too).
"""

from __future__ import annotations

from typing import Final

VALIDATION_PHRASES: Final[tuple[tuple[str, str], ...]] = ()
