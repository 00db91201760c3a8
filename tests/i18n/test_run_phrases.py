"""The run catalogue: every entry translates a sentence a run writes; explanations by grammar."""

from __future__ import annotations

import ipaddress
import re
import string

import pytest

from crmflow.actions.messages import NO_SMTP
from crmflow.common.i18n_phrases import compile_phrase, translate_phrase
from crmflow.common.i18n_phrases_runs import RUN_PHRASES
from crmflow.common.i18n_run_texts import (
    translate_run_text,
)
from crmflow.engine.errors import TemplateRenderError
from crmflow.engine.templating import render
from crmflow.outbound.ssrf import Refused, forbidden_reason, parse_target

_SECRET_KEY_HELP = (
    "set CRMFLOW_SECRET_KEY to a long random string (e.g. the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`) and restart"
)
_ALLOW = "(set CRMFLOW_WEBHOOK_ALLOWLIST to allow it)"

# One sentence as crmflow writes it for each entry with placeholders (the others are their
# own example). Nested sentences are real ones too, so they are translated as well.
EXAMPLES: dict[str, str] = {
    "user: no recipient resolved from {ref}": "user: no recipient resolved from 'title:cfo'",
    "to: no recipient resolved from {ref}": "to: no recipient resolved from 'owner'",
    "user: no user resolved from {ref}": "user: no user resolved from 'manager'",
    "entity: the run has no related {kind} record": "entity: the run has no related lead record",
    "user: {ref} is not a user reference": "user: True is not a user reference",
    "user: no user {ref} in this company": "user: no user 999 in this company",
    "user: unknown reference kind {kind} (use user:, title:, role:)": (
        "user: unknown reference kind 'team' (use user:, title:, role:)"
    ),
    "user: no user with email {email} in this company": (
        "user: no user with email 'ghost@acme.test' in this company"
    ),
    "user: cannot resolve {ref} (id, email, owner, manager, title:, role:)": (
        "user: cannot resolve 'boss' (id, email, owner, manager, title:, role:)"
    ),
    "{path_token} ({type_token}): {error_text}": f"actions/0 (send_email): {NO_SMTP}",
    "config.{field}: {reason_text}": (
        "config.title: template error: ZeroDivisionError: division by zero"
    ),
    "config: {reason_text}": "config: template limit exceeded: format width too large",
    "unknown action type {step_type}": "unknown action type 'send_fax'",
    "database refused the write: {detail}": (
        "database refused the write: UNIQUE constraint failed: tags.name"
    ),
    "would run {step_type}": "would run create_task",
    "attempt {attempt} of {attempts} failed; next attempt at {at}": (
        "attempt 1 of 3 failed; next attempt at 2026-03-02T10:00:00+00:00"
    ),
    "failed after {attempts} attempts": "failed after 3 attempts",
    "took branch {index}": "took branch 1",
    "branch {name}: {error_text}": "branch billing: webhook call 4 no longer exists",
    "{count} branches joined": "2 branches joined",
    "{count} branches joined, {failed} failed": "3 branches joined, 1 failed",
    "config.until: {wanted} is not a date": "config.until: 'soon' is not a date",
    "waited until {at}": "waited until 2026-03-02T10:00:00+00:00",
    "{wanted} is already past: no wait": "2020-01-01 is already past: no wait",
    "would wait until {at}": "would wait until 2026-03-02T10:00:00+00:00",
    "waits until {at}": "waits until 2026-03-02T10:00:00+00:00",
    "stopped: {reason_text}": "stopped: stop step reached",
    "when: {explanation_text}": "when: deal.amount = 900, not > 1000",
    "no approver found for {approvers} (nobody holds that title or role, or the record has no "
    "owner/manager)": (
        "no approver found for title:cfo (nobody holds that title or role, or the record has "
        "no owner/manager)"
    ),
    "quorum {quorum} cannot be reached: only {count} approver(s) resolved from {approvers}": (
        "quorum 3 cannot be reached: only 2 approver(s) resolved from role:admin"
    ),
    "would ask {emails} ({mode_text}); assumed approved": (
        "would ask manager@acme.test (any); assumed approved"
    ),
    "asked {emails} ({mode_text}); waiting until {until}": (
        "asked a@acme.test, b@acme.test (quorum 2); waiting until 2026-03-02T10:00:00+00:00"
    ),
    "asked {emails} ({mode_text}); waiting": "asked a@acme.test (all); waiting",
    "no decision within {timeout}: escalated to {emails} ({mode_text}); waiting until {until}": (
        "no decision within 2 days: escalated to director@acme.test (any); waiting until "
        "2026-03-04T10:00:00+00:00"
    ),
    "quorum {quorum}": "quorum 2",
    "no decision within {timeout}, and the approvers have no manager to escalate to; the "
    "request is closed": (
        "no decision within 1 day, and the approvers have no manager to escalate to; the "
        "request is closed"
    ),
    "approval {approval_id} was {status_text}: {reason_text}": (
        "approval 7 was cancelled: execution cancelled by admin@acme.test"
    ),
    "no decision within {timeout}: {status_text} automatically (on_timeout: {rule})": (
        "no decision within 2 hours: approved automatically (on_timeout: approve)"
    ),
    "no decision within {timeout}: {status_text} automatically": (
        "no decision within 2 hours: rejected automatically"
    ),
    "no decision within {timeout}; nobody to escalate to": (
        "no decision within 2 hours; nobody to escalate to"
    ),
    "approved by {who} ({count} of {needed})": "approved by cfo@acme.test (2 of 2)",
    "rejected by {who} (quorum of {quorum} out of reach): {comment}": (
        "rejected by cfo@acme.test (quorum of 2 out of reach): too expensive"
    ),
    "rejected by {who} (quorum of {quorum} out of reach)": (
        "rejected by cfo@acme.test (quorum of 2 out of reach)"
    ),
    "{status_text} by {who} (admin override): {comment}": (
        "approved by root@acme.test (admin override): urgent"
    ),
    "{status_text} by {who} (admin override)": "rejected by root@acme.test (admin override)",
    "rejected by {who}: {comment}": "rejected by cfo@acme.test: not this quarter",
    "rejected by {who}": "rejected by cfo@acme.test",
    "execution cancelled by {who}": "execution cancelled by admin@acme.test",
    "gave up: the worker running this execution was lost {losses} times (killed, crashed or "
    "past its lease); a step probably crashes the worker. Steps that finished before are kept "
    "and never run twice.": (
        "gave up: the worker running this execution was lost 3 times (killed, crashed or past "
        "its lease); a step probably crashes the worker. Steps that finished before are kept "
        "and never run twice."
    ),
    "internal error: {kind}: {detail}": "internal error: KeyError: 'steps'",
    "loop guard: this run was caused by a chain of {depth} workflow changes (limit {limit})": (
        "loop guard: this run was caused by a chain of 11 workflow changes (limit 10)"
    ),
    "re-enrollment after {days} days: {record_text} went through this workflow in execution "
    "#{execution_id} on {when} UTC": (
        "re-enrollment after 30 days: deal #12 went through this workflow in execution #40 on "
        "2026-03-01 09:30 UTC"
    ),
    "re-enrollment never: {record_text} already went through this workflow (#{execution_id})": (
        "re-enrollment never: organisation #3 already went through this workflow (#8)"
    ),
    "run mode single: execution #{execution_id} is in progress for {record_text}": (
        "run mode single: execution #5 is in progress for contact #2"
    ),
    "run mode queued: waits for execution #{execution_id} on {record_text}": (
        "run mode queued: waits for execution #5 on task #9"
    ),
    "cancelled: restarted by execution #{execution_id} (run mode restart)": (
        "cancelled: restarted by execution #6 (run mode restart)"
    ),
    "run mode restart: cancelled execution(s) {executions}": (
        "run mode restart: cancelled execution(s) #4, #5"
    ),
    "cancelled by {who}": "cancelled by admin@acme.test",
    "organisation #{record_id}": "organisation #3",
    "deal #{record_id}": "deal #12",
    "contact #{record_id}": "contact #2",
    "task #{record_id}": "task #9",
    "activity #{record_id}": "activity #1",
    "{{{{ {variable} }}}} is empty for this input: the text will have a gap": (
        "{{ organisation.website }} is empty for this input: the text will have a gap"
    ),
    "{entity} has no field {key}: conditions and templates will not see it; did you mean "
    "{close}?": (
        "deal has no field 'amout': conditions and templates will not see it; did you mean "
        "'amount'?"
    ),
    "{entity} has no field {key}: conditions and templates will not see it": (
        "deal has no field 'colour': conditions and templates will not see it"
    ),
    "{address} is not an email address": "'pas-un-email' is not an email address",
    "nobody holds the title {title}": "nobody holds the title 'cfo'",
    "no active user {user}": "no active user '42'",
    "the call would be refused: {reason_text}": (
        "the call would be refused: refused: 127.0.0.1 is a loopback address " + _ALLOW
    ),
    "{outcome_text} ({predicate_text}) can never happen: {why_not_text}": (
        'branch 1 (deal.title contains "in" and deal.amount > 5) can never happen: no input '
        "satisfies it"
    ),
    "branch {index}": "branch 2",
    "depends on {field}, which no input sets": "depends on steps.call.output.json.ok, which no "
    "input sets",
    "{explanation_text} (assumed: {assumed_text})": (
        'deal.stage "new" -> "won": changed (assumed: the stage changed to \'won\' (from '
        "unknown); these fields changed: stage)"
    ),
    "skipped: {predicate_text}": 'skipped: deal.title contains "x"',
    "the stage changed to {stage} (from unknown)": "the stage changed to 'won' (from unknown)",
    "these fields changed: {fields}": "these fields changed: amount, stage",
    "interrupted: no progress since {at} (the server stopped while it ran); start the "
    "back-test again": (
        "interrupted: no progress since 2026-03-01T09:30:00+00:00 (the server stopped while it "
        "ran); start the back-test again"
    ),
    "email {email_id} no longer exists": "email 12 no longer exists",
    "the SMTP server refused the email: {reply_text}": (
        "the SMTP server refused the email: gave up after 5 attempts: 550 mailbox unavailable"
    ),
    "queued for SMTP delivery to {to}": "queued for SMTP delivery to editor@acme.test",
    "still queued for SMTP delivery ({reason_text})": (
        "still queued for SMTP delivery (not tried yet)"
    ),
    "some recipients refused: {replies}": "some recipients refused: x@acme.test: 550 unknown",
    "url: {reason_text}": "url: only http and https URLs are allowed, not 'ftp'",
    "body: larger than {limit} bytes": "body: larger than 1000000 bytes",
    "webhook call {call_id} no longer exists": "webhook call 4 no longer exists",
    "webhook failed after {attempts} attempt(s): {error_text}": (
        "webhook failed after 5 attempt(s): gave up after 5 attempts: HTTP 503: down"
    ),
    "queued: {method} {url}": "queued: POST https://billing.example.com/api/deals",
    "attempt {attempt} failed: {error_text}; retrying": (
        "attempt 2 failed: could not connect to billing.example.com: connection refused; retrying"
    ),
    "gave up after {attempts} attempts: {reply_text}": "gave up after 5 attempts: no response",
    "could not resolve {host}: {detail}": (
        "could not resolve billing.example.com: Name or service not known"
    ),
    "too many redirects (more than {limit})": "too many redirects (more than 5)",
    "bad request: {detail}": "bad request: invalid header value",
    "could not connect to {host}: {detail}": (
        "could not connect to billing.example.com: connection refused"
    ),
    "no address to connect to for {host}": "no address to connect to for billing.example.com",
    "timed out after {seconds}s ({kind})": "timed out after 10s (ReadTimeout)",
    "timed out after {seconds}s reading the response": ("timed out after 10s reading the response"),
    "response larger than {limit} bytes": "response larger than 1048576 bytes",
    "HTTP {method} {url} refused: {reason_text}": (
        "HTTP POST https://x.example.com/ refused: a simulation holds every effect back"
    ),
    "email to {to} refused: {reason_text}": (
        "email to a@acme.test refused: a simulation holds every effect back"
    ),
    "refused: {reason_text}": "refused: the URL has no host",
    "malformed URL ({detail})": "malformed URL (Invalid IPv6 URL)",
    "only http and https URLs are allowed, not {scheme}": (
        "only http and https URLs are allowed, not 'ftp'"
    ),
    "bad IPv6 host in {url}": "bad IPv6 host in 'http://[::1'",
    "bad port {port}": "bad port '99999'",
    "{host_token} is not an IPv6 address": "'zz::' is not an IPv6 address",
    "{host_token} is not a valid IP address": "'1.2.3.999' is not a valid IP address",
    "{host_token} is not a valid host name": "'-bad-' is not a valid host name",
    "{ip_token} is {kind_text} (set CRMFLOW_WEBHOOK_ALLOWLIST to allow it)": (
        f"10.0.0.5 is a private address {_ALLOW}"
    ),
    "{host_token} resolves to {ip_token}, {kind_text} (set CRMFLOW_WEBHOOK_ALLOWLIST to allow "
    "it)": f"intranet.acme.test resolves to 192.168.1.4, a private address {_ALLOW}",
    "an IPv4-mapped address of {ip} ({kind_text})": (
        "an IPv4-mapped address of 127.0.0.1 (a loopback address)"
    ),
    "a NAT64 address of {ip} ({kind_text})": "a NAT64 address of 10.0.0.1 (a private address)",
    "a 6to4 address of {ip} ({kind_text})": "a 6to4 address of 10.0.0.1 (a private address)",
    "template error: {kind}: {detail}": "template error: ZeroDivisionError: division by zero",
    "template limit exceeded: {reason_text}": (
        "template limit exceeded: number too large (over 4,096 bits)"
    ),
    "template not allowed: {reason_text}": (
        "template not allowed: access to attribute '__class__' is not allowed in templates"
    ),
    "access to attribute {attribute} is not allowed in templates": (
        "access to attribute 'mro' is not allowed in templates"
    ),
    "template took longer than {seconds} s": "template took longer than 1 s",
    "template built too much ({size} characters; the limit is {limit} per config)": (
        "template built too much (1,000,001 characters; the limit is 1,000,000 per config)"
    ),
    "range too large ({size} items; the limit is {limit})": (
        "range too large (100,001 items; the limit is 100,000)"
    ),
    "number too large (over {bits} bits)": "number too large (over 4,096 bits)",
    "tojson indent too large (the limit is {limit})": "tojson indent too large (the limit is 16)",
    "template limit exceeded: {name} argument too large ({value} > {limit})": (
        "template limit exceeded: range argument too large (10,000,000 > 100,000)"
    ),
    "secret {name} is not defined (an admin adds it under Secrets)": (
        "secret BILLING_TOKEN is not defined (an admin adds it under Secrets)"
    ),
    "secret {name} cannot be read: {reason_text}": (
        f"secret BILLING_TOKEN cannot be read: CRMFLOW_SECRET_KEY is not configured: "
        f"{_SECRET_KEY_HELP}"
    ),
    "CRMFLOW_SECRET_KEY is too short (at least {count} characters): " + _SECRET_KEY_HELP: (
        "CRMFLOW_SECRET_KEY is too short (at least 16 characters): " + _SECRET_KEY_HELP
    ),
    "secret {name} is not in a format this version can read": (
        "secret BILLING_TOKEN is not in a format this version can read"
    ),
    "secret {name} was encrypted with another CRMFLOW_SECRET_KEY (key id {key_id}; the current "
    "key's id is {current_id}): restore that key or write the secret again": (
        "secret BILLING_TOKEN was encrypted with another CRMFLOW_SECRET_KEY (key id 1a2b; the "
        "current key's id is 3c4d): restore that key or write the secret again"
    ),
    "secret {name} does not decrypt: its stored value was altered or copied from another "
    "secret; write it again": (
        "secret BILLING_TOKEN does not decrypt: its stored value was altered or copied from "
        "another secret; write it again"
    ),
    "write the secret's name in the template: {{{{ secrets.NAME }}}}": (
        "write the secret's name in the template: {{ secrets.NAME }}"
    ),
}
_SIZES = ("string", "bytes", "value", "dict", "date format", "list", "output", "JSON")
EXAMPLES.update(
    {
        f"{what} too large ({{size}} characters or more; the limit is {{limit}})": (
            f"{what} too large (1,000,001 characters or more; the limit is 1,000,000)"
        )
        for what in _SIZES
    }
)


def _example(english: str) -> str:
    if english in EXAMPLES:
        return EXAMPLES[english]
    assert not any(name for _, name, _, _ in string.Formatter().parse(english)), english
    return english.format()


def _values_kept(english: str, french: str, example: str, translated: str) -> None:
    """The translation has the French's shape, with every plain (not `_text`) value kept."""
    source = compile_phrase(english, french).pattern.fullmatch(example)
    assert source is not None, f"{example!r} is not an example of {english!r}"
    target = compile_phrase(french, english).pattern.fullmatch(translated)
    assert target is not None, f"{translated!r} is not read with {french!r}"
    for name, value in source.groupdict().items():
        if not name.endswith("_text"):
            assert target.group(name) == value, (english, name)


@pytest.mark.parametrize(("english", "french"), RUN_PHRASES, ids=[e for e, _ in RUN_PHRASES])
def test_each_entry_translates_a_real_sentence(english: str, french: str) -> None:
    example = _example(english)
    translated = translate_run_text("fr", example)
    assert translated != example
    _values_kept(english, french, example, translated)
    assert translate_run_text("en", example) == example
    assert translate_run_text(None, example) == example


def test_every_example_names_an_entry() -> None:
    assert set(EXAMPLES) <= {english for english, _ in RUN_PHRASES}


def test_french_typography_keeps_a_space_before_double_punctuation() -> None:
    for _, french in RUN_PHRASES:
        text = re.sub(r"\{[^}]*\}", "x", french)
        # `user:`, `title:` are the names people type; URLs and code keep their colons too.
        text = re.sub(r"\b(user|title|role|on_timeout):|`[^`]*`|\w+://", "", text)
        assert not re.search(r"\S[:;?!](\s|$)", text), french


def test_nested_sentences_are_translated_inside_others() -> None:
    error = f"actions/0 (send_email): {NO_SMTP}"
    assert translate_run_text("fr", error) == (
        "actions/0 (send_email) : non envoyé : aucun serveur SMTP n'est configuré (renseignez "
        "SMTP_HOST ou SENDGRID_API_KEY) ; l'e-mail est conservé et marqué en échec"
    )
    refused = f"the call would be refused: refused: 127.0.0.1 is a loopback address {_ALLOW}"
    assert translate_run_text("fr", refused) == (
        "l'appel serait refusé : refusé : 127.0.0.1 est une adresse de bouclage (loopback) "
        "(ajoutez-la à CRMFLOW_WEBHOOK_ALLOWLIST pour l'autoriser)"
    )
    delivered = f"actions/2 (call_webhook): webhook failed after 0 attempt(s): {refused[27:]}"
    assert translate_run_text("fr", delivered) == (
        "actions/2 (call_webhook) : échec du webhook après 0 tentative(s) : refusé : 127.0.0.1 "
        "est une adresse de bouclage (loopback) (ajoutez-la à CRMFLOW_WEBHOOK_ALLOWLIST pour "
        "l'autoriser)"
    )
    # A user's own words inside a sentence (a stop reason, a comment) stay as written.
    assert translate_run_text("fr", "stopped: deal lost") == "arrêtée : deal lost"
    assert translate_run_text("fr", "rejected by a@acme.test: no budget") == (
        "rejetée par a@acme.test : no budget"
    )


def test_the_sentences_the_code_writes_today_are_in_the_catalogue() -> None:
    """Sentences made by the real code, so a reworded English sentence fails here."""
    for url in ("ftp://x.test/", "http://", "http://u:p@x.test/", "http://x.test:99999/"):
        with pytest.raises(Refused) as refused:
            parse_target(url)
        assert translate_phrase("fr", str(refused.value)) != str(refused.value), url
    for address in ("10.0.0.1", "127.0.0.1", "169.254.169.254", "::ffff:127.0.0.1", "fe80::1"):
        reason = forbidden_reason(ipaddress.ip_address(address))
        assert reason is not None and translate_phrase("fr", reason) != reason, address
    templates = (
        "{{ 1 / 0 }}",
        "{{ ''.__class__ }}",
        "{{ range(10**9) | list }}",
        "{{ 'x' * 10**8 }}",
    )
    for template in templates:
        with pytest.raises(TemplateRenderError) as failed:
            render(template, {}, "config.title")
        message = str(failed.value)
        assert translate_run_text("fr", message).startswith("config.title : "), message
        assert translate_run_text("fr", message) != message.replace(": ", " : ", 1), message
