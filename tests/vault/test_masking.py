"""The mask, credential headers, `{{ secrets.NAME }}` references and redaction of echoes."""

from __future__ import annotations

import pytest

from crmflow.vault.masking import (
    MASK,
    Redactor,
    credential_warnings,
    holds_literal_credential,
    is_credential_header,
    mask_definition,
    referenced_names,
    secret_fields,
    secret_uses,
)


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "proxy-authorization",
        "Cookie",
        "X-Api-Key",
        "x-api_key",
        "X-Auth-Token",
        "X-Session-Id",
        "X-Client-Secret",
        "X-Password",
    ],
)
def test_credential_headers(name: str) -> None:
    assert is_credential_header(name)


@pytest.mark.parametrize("name", ["Content-Type", "X-Account", "Accept", "X-Request-Id"])
def test_ordinary_headers(name: str) -> None:
    assert not is_credential_header(name)


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("Bearer {{ secrets.TOKEN }}", False),
        ("{{ secrets.TOKEN }}", False),
        ("Basic {{ secrets['B64'] }}", False),
        ("{{ trigger.data.token }}", False),
        ("Bearer abc123", True),
        ("abc123", True),
        ("Bearer x{{ secrets.TOKEN }}", True),
        ("{{ 'pasted-literal' }}", True),
        ("Bearer {{ secrets.A }} tail", True),
        (42, True),
    ],
)
def test_literal_credentials_are_told_from_references(value: object, literal: bool) -> None:
    assert holds_literal_credential(value) is literal


def test_references_are_found_and_misuse_is_named() -> None:
    config = {
        "url": "https://x.test/?k={{ secrets.API_KEY }}",
        "headers": {"Authorization": "Bearer {{ secrets['TOKEN'] }}"},
        "json": {"nested": ["{{ organisation.name }}"]},
    }
    assert referenced_names(config) == {"API_KEY", "TOKEN"}
    problems = {
        use.path: use.problem
        for use in secret_uses(
            {
                "a": "{{ secrets[trigger.data.name] }}",
                "b": "{{ secrets|list }}",
                "c": "{{ secrets._hidden }}",
                "d": "{{ secrets.OK }}",
            }
        )
    }
    assert problems["config.a"] == "write the secret's name: {{ secrets.NAME }}"
    assert "one secret at a time" in (problems["config.b"] or "")
    assert "invalid secret name '_hidden'" in (problems["config.c"] or "")
    assert problems["config.d"] is None


def test_redactor_masks_plain_json_and_url_encoded_forms() -> None:
    secret = 'p@ss "word"/é'
    redactor = Redactor([secret])
    echoed = {
        "text": f"you sent {secret}",
        "json": '{"auth": "p@ss \\"word\\"/\\u00e9"}',
        "url": "https://x.test/?k=p%40ss%20%22word%22%2F%C3%A9",
        "form": "k=p%40ss+%22word%22%2F%C3%A9",
        secret: [secret],
        "status": 200,
    }
    masked = redactor.data(echoed)
    assert secret not in repr(masked)
    assert masked["text"] == f"you sent {MASK}"
    assert masked["url"] == f"https://x.test/?k={MASK}"
    assert masked["form"] == f"k={MASK}"
    assert masked[MASK] == [MASK] and masked["status"] == 200
    assert not Redactor([""]) and Redactor().data(echoed) is echoed


def test_definitions_mask_literal_credentials_anywhere_and_keep_references() -> None:
    step = {
        "type": "call_webhook",
        "config": {
            "url": "https://x.test",
            "headers": {
                "Authorization": "Bearer literal-token",
                "X-Api-Key": "{{ secrets.KEY }}",
                "X-Account": "acme",
            },
        },
    }
    definition = {"actions": [{"type": "branch", "branches": [{"actions": [step]}], "else": []}]}
    masked = mask_definition(definition)
    headers = masked["actions"][0]["branches"][0]["actions"][0]["config"]["headers"]
    assert headers == {
        "Authorization": MASK,
        "X-Api-Key": "{{ secrets.KEY }}",
        "X-Account": "acme",
    }
    assert step["config"]["headers"]["Authorization"] == "Bearer literal-token"  # not mutated
    [warning] = credential_warnings(definition["actions"])
    assert warning.startswith("actions[0].branches[0].actions[0].config.headers.Authorization:")


def test_schema_marks_make_secret_fields() -> None:
    schema = {
        "properties": {
            "api_key": {"type": "string", "writeOnly": True},
            "pin": {"type": "string", "x-secret": True},
            "name": {"type": "string"},
        }
    }
    assert secret_fields(schema) == {"api_key", "pin"}
    assert secret_fields({"type": "object"}) == frozenset()
