"""The seed's templates in English: each text field of the French original, by position.

Only words change; triggers, conditions, recipients and durations stay the original's, so
both languages behave the same (tests/workflows/test_template_languages.py checks it).
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

# slug -> the English text of each field that holds words (lists: one entry per step).
ENGLISH: dict[str, dict[str, Any]] = {
    "relance-deal-inactif": {
        "name": "Follow up an inactive deal (30 days)",
        "description": "Reminds the salesperson when an organisation in proposition or "
        "qualification has had no activity for 30 days.",
        "actions": [
            {
                "name": "Email the salesperson",
                "config": {
                    "subject": "Follow-up: {{ organisation.name }} has had no activity for 30 days",
                    "body": "Hello {{ organisation.owner.name }},\n\n{{ organisation.name }} "
                    "({{ organisation.pipeline_stage }}) has had no activity for 30 days. "
                    "Remember to follow up with the customer.",
                },
            },
            {
                "name": "Create a follow-up task",
                "config": {
                    "title": "Follow up with the customer: {{ organisation.name }}",
                    "description": "No activity for 30 days.",
                },
            },
            {
                "name": "Warning notification",
                "config": {
                    "title": "Inactive organisation",
                    "message": "{{ organisation.name }} has been inactive for 30 days.",
                },
            },
        ],
    },
    "onboarding-nouveau-client": {
        "name": "New customer onboarding",
        "description": "When a deal moves from proposition to signed: a welcome email, a "
        "welcome call, the documents sent, and the manager told.",
        "actions": [
            {
                "name": "Welcome email to the customer",
                "config": {
                    "subject": "Welcome aboard, {{ organisation.name }}!",
                    "body": "Hello,\n\nThank you for your trust. Your contact person is "
                    "{{ deal.owner.name }} ({{ deal.owner.email }}).",
                },
            },
            {
                "name": "Welcome call",
                "config": {"title": "Welcome call: {{ organisation.name }}"},
            },
            {
                "name": "Send the documents",
                "config": {"title": "Send the documents: {{ organisation.name }}"},
            },
            {
                "name": "Success notification to the manager",
                "config": {
                    "title": "New customer signed",
                    "message": "{{ deal.title }} (€{{ deal.amount|currency }}) was signed by "
                    "{{ deal.owner.name }}.",
                },
            },
        ],
    },
    "alerte-manager-deal-50k": {
        "name": "Alert the manager: deal > €50k",
        "description": "Tells the manager when an organisation is created with a potential "
        "amount above €50,000.",
        "actions": [
            {
                "name": "Email the manager",
                "config": {
                    "subject": "Big potential: {{ organisation.name }}",
                    "body": "{{ organisation.name }} has just been created by "
                    "{{ organisation.owner.name }} with a potential of "
                    "€{{ organisation.potential_amount|currency }}.",
                },
            },
            {
                "name": "Info notification",
                "config": {
                    "title": "Big potential",
                    "message": "{{ organisation.name }}: "
                    "€{{ organisation.potential_amount|currency }}",
                },
            },
        ],
    },
}


def _overlay(original: Any, words: Any) -> Any:
    """`original` with the strings of `words` put in place (dicts by key, lists by position)."""
    if isinstance(words, dict):
        out = dict(original)
        for key, value in words.items():
            if key not in original:
                raise KeyError(f"the English text names {key!r}, which the original lacks")
            out[key] = _overlay(original[key], value)
        return out
    if isinstance(words, list):
        if len(words) != len(original):
            raise ValueError("the English text has a different number of steps")
        return [_overlay(o, w) for o, w in zip(original, words, strict=True)]
    return words


def in_english(slug: str, template: dict[str, Any]) -> dict[str, Any]:
    """The built-in template `slug` with its texts in English."""
    return _overlay(deepcopy(template), ENGLISH[slug])  # type: ignore[no-any-return]
