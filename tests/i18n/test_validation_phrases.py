"""The server's own validation messages read in French: every catalogue entry on an example,
and messages the code really writes (conditions, dates, fields, recipients, URLs, versions)."""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from crmflow.actions.messages import recipient_problem
from crmflow.blueprints.semver import parse_version
from crmflow.common.dates import parse_datetime, parse_duration, parse_relative_datetime
from crmflow.common.errors import DomainError
from crmflow.common.i18n_phrases import translate_phrase
from crmflow.common.i18n_phrases_validation import VALIDATION_PHRASES
from crmflow.common.i18n_problems import translate_detail, translate_problem
from crmflow.crm.fields import ENTITY_FIELDS, coerce_value, normalise_tag, validate_update_field
from crmflow.engine.business_hours import BusinessHours
from crmflow.engine.conditions import normalise_conditions
from crmflow.engine.errors import DefinitionError
from crmflow.outbound.ssrf import Allowlist, Refused, parse_target, safe_addresses
from crmflow.vault.masking import secret_uses
from crmflow.workflows.triggers import normalise_trigger_config

# A value for each placeholder, as the code fills it in.
SAMPLES: dict[str, str] = {
    "action": "'crm_sync'",
    "actions": "'crm_sync', 'erp_push'",
    "allowed": "created_at, -created_at, name",
    "approval": "12",
    "attribute": "'__class__'",
    "blueprint": "7",
    "bound": "[1]",
    "breach": "4",
    "character": "U+0007",
    "choices": "['low', 'high']",
    "count": "3",
    "critical": "300",
    "email": "'ann@acme.test'",
    "end": "'08:00'",
    "error": "Expecting value: line 1 column 2 (char 1)",
    "expected": "low, normal, high",
    "field": "'shoe_size'",
    "fields": "name, category",
    "first": "always",
    "format": "1",
    "given": "1",
    "high": "1",
    "host": "intranet.acme.test",
    "installed": "1.2.0",
    "ip": "10.0.0.5",
    "key": "'$weird'",
    "keys": "colour, size",
    "kind": "str",
    "kind_text": "deal",
    "known": "director, manager, sales",
    "last": "urgent",
    "limit": "100",
    "line": "1",
    "low": "10",
    "major": "2.0.0",
    "middle": "'normal', 'high'",
    "mode": "'majority'",
    "name": "'API_KEY'",
    "notification": "9",
    "number": "4",
    "operator": "'in'",
    "pattern": "'^[a-z]+$'",
    "people": "ann@acme.test",
    "port": "'99999'",
    "reason": "unexpected '}'",
    "reason_text": "a private address",
    "reasons": "input 'region' was removed",
    "record": "12",
    "roles": "admin, editor, viewer",
    "scheme": "'ftp'",
    "second": "never",
    "seconds": "60",
    "size": "300000",
    "sla": "5",
    "sort": "'colour'",
    "start": "'09:00'",
    "step": "'approve'",
    "tag": "vip",
    "template": "'onboarding'",
    "token": "3",
    "trigger": "manual",
    "types": "organisation, deal, contact",
    "undeclared": "region",
    "unexpected": "items",
    "url": "'http://[::1'",
    "user": "99",
    "value": "'soon'",
    "version": "1.0.0",
    "warning": "600",
    "when": "2026-05-01T10:00:00+00:00",
    "where": "actions[0].config.title",
    "workflow": "42",
    "workflows": "7, 8",
}
# Entries whose example needs other values than the common ones.
OVERRIDES: dict[str, dict[str, str]] = {
    "{value} is not of type {types}": {"value": "3", "types": "'string', 'null'"},
    "{reason_text} (used at {where})": {"reason_text": "required"},
    "{value}: say which {kind}": {"value": "'title:'", "kind": "title"},
    "{value}: unknown kind {kind} (use user:, title: or role:)": {
        "value": "'group:sales'",
        "kind": "'group'",
    },
    "{kind} cannot be tagged (expected one of {types})": {"kind": "'task'"},
    "cannot create {kind} this way (expected one of {types})": {"kind": "'activity'"},
}


def _names(english: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(english) if name]


def _example(english: str) -> dict[str, str]:
    return {name: OVERRIDES.get(english, {}).get(name, SAMPLES[name]) for name in _names(english)}


@pytest.mark.parametrize(("english", "french"), VALIDATION_PHRASES, ids=lambda v: v[:60])
def test_each_entry_reads_its_example_in_french(english: str, french: str) -> None:
    values = _example(english)
    text = english.format(**values)
    expected = french.format(
        **{k: translate_phrase("fr", v) if k.endswith("_text") else v for k, v in values.items()}
    )
    assert translate_phrase("fr", text) == expected
    assert translate_phrase("en", text) == text


def test_a_path_and_pydantic_prefix_are_kept_and_the_sentence_translated() -> None:
    text = (
        "actions[0].config: Value error, set exactly one of `duration` (e.g. '3 days') or `until`"
    )
    assert translate_problem("fr", text) == (
        "actions[0].config: Value error, indiquez soit `duration` (par ex. '3 days'), soit "
        "`until`, mais pas les deux"
    )
    # An import names the workflow after its position; a recipient's own name is a prefix too.
    imported = (
        "workflows[1] (Big deal).actions[0].config.to: to: 'bob' is not a valid email address"
    )
    assert translate_problem("fr", imported) == (
        "workflows[1] (Big deal).actions[0].config.to: to: 'bob' n'est pas une adresse e-mail "
        "valide"
    )
    unknown = "name: something nobody wrote"
    assert translate_problem("fr", unknown) == unknown
    assert translate_problem("en", imported) == imported


def test_translate_detail_changes_messages_only() -> None:
    item = {"loc": "email", "msg": "email: not an email address", "type": "value_error"}
    detail = [item, {"msg": "secret API_KEY not found", "info": {"x": 1}}]
    assert translate_detail("fr", detail) == [
        {**item, "msg": "email: ce n'est pas une adresse e-mail"},
        {"msg": "secret API_KEY introuvable", "info": {"x": 1}},
    ]
    assert translate_detail("en", detail) is detail
    assert translate_detail("fr", None) is None


def _message(call: Callable[[], Any]) -> str:
    """The message `call` fails with, as the API would send it."""
    try:
        call()
    except DomainError as exc:
        return exc.message
    except ValidationError as exc:
        return str(exc.errors()[0]["msg"])
    except Refused as exc:
        return str(exc).removeprefix("refused: ")  # as the catalog and the webhook step do
    except (DefinitionError, ValueError) as exc:
        return str(exc)
    raise AssertionError("no error")


NOW = datetime(2026, 5, 1, tzinfo=UTC)
DEAL_FIELDS = {spec.name: spec for spec in ENTITY_FIELDS["deal"].values()}

REAL: list[tuple[str, Callable[[], Any]]] = [
    ("condition not an object", lambda: normalise_conditions([1])),
    (
        "empty group",
        lambda: normalise_conditions(
            {"operator": "AND", "rules": [{"operator": "OR", "rules": []}]}
        ),
    ),
    ("bad group operator", lambda: normalise_conditions({"operator": "XOR", "rules": [{}]})),
    ("between bounds", lambda: normalise_conditions({"deal.amount": {"$between": [9, 1]}})),
    ("in without a list", lambda: normalise_conditions({"deal.stage": {"$in": "won"}})),
    ("field path", lambda: normalise_conditions({"deal..amount": 1})),
    ("relative date", lambda: parse_relative_datetime("next blue moon", NOW)),
    ("months in a duration", lambda: parse_duration("2 months")),
    ("negative duration", lambda: parse_duration("-3 days")),
    ("empty date", lambda: parse_datetime("")),
    ("business hours", lambda: BusinessHours(start="17:00", end="09:00")),
    ("business days", lambda: BusinessHours(days=["someday"])),
    ("time zone", lambda: BusinessHours(timezone="Mars/Olympus")),
    ("unknown update field", lambda: validate_update_field("deal", "shoe_size")),
    ("unknown entity type", lambda: validate_update_field("invoice", "total")),
    ("number below its minimum", lambda: coerce_value(DEAL_FIELDS["amount"], -5)),
    ("text for a number", lambda: coerce_value(DEAL_FIELDS["amount"], "lots")),
    ("empty stage", lambda: coerce_value(DEAL_FIELDS["stage"], None)),
    ("long tag", lambda: normalise_tag("x" * 101)),
    ("semantic version", lambda: parse_version("1.2")),
    ("scheme", lambda: parse_target("ftp://files.acme.test/x")),
    (
        "private address",
        lambda: safe_addresses(parse_target("http://10.0.0.5/hook"), Allowlist()),
    ),
    ("bad port", lambda: parse_target("http://acme.test:99999/")),
    ("credentials in a URL", lambda: parse_target("https://ann:pw@acme.test/")),
    ("cron", lambda: normalise_trigger_config("scheduled", {"cron": "61 25 * * *"})),
    (
        "schedule twice",
        lambda: normalise_trigger_config("scheduled", {"cron": "0 9 * * *", "frequency": "daily"}),
    ),
]


@pytest.mark.parametrize(("label", "call"), REAL, ids=[label for label, _ in REAL])
def test_a_real_message_reads_in_french(label: str, call: Callable[[], Any]) -> None:
    text = _message(call)
    french = translate_problem("fr", text)
    assert french != text, (label, text)
    assert translate_problem("en", text) == text


def test_real_recipient_and_secret_problems_read_in_french() -> None:
    problems = [
        recipient_problem("bob"),
        recipient_problem("group:sales"),
        recipient_problem("title:"),
        recipient_problem("ann@acme"),
        *[use.problem for use in secret_uses("{{ secrets['bad name'] }} {{ secrets }}")],
    ]
    for problem in problems:
        assert problem is not None
        assert translate_phrase("fr", problem) != problem, problem
