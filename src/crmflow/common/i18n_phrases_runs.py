"""French for the sentences a run writes: step errors, run errors, condition explanations.

Entries are (English format, French format); see `crmflow.common.i18n_phrases` for the rules
(a placeholder ending in `_text` is itself a sentence and is translated too).
"""

from __future__ import annotations

from typing import Final

RUN_PHRASES: Final[tuple[tuple[str, str], ...]] = (("no conditions", "aucune condition"),)
