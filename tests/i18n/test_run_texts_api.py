"""Runs that fail as people meet them, read through the API in French and in English."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.actions.messages import NO_SMTP
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, new_org, run, start_workflow

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8"}
NO_SMTP_FR = (
    "non envoyé : aucun serveur SMTP n'est configuré (renseignez SMTP_HOST ou SENDGRID_API_KEY) "
    "; l'e-mail est conservé et marqué en échec"
)


def _run_one(
    client: TestClient,
    tenant: Tenant,
    writer_session: Session,
    body: dict[str, Any],
    **org: Any,
) -> tuple[int, int]:
    """Start `body` on a new organisation (Initech); run it once; (workflow, execution) ids."""
    workflow = start_workflow(client, tenant, body)
    new_org(client, tenant, **org)
    [execution_id] = dispatch(writer_session)
    run(writer_session, [execution_id])
    return int(workflow["id"]), execution_id


def _get(client: TestClient, tenant: Tenant, url: str, *, french: bool) -> Any:
    headers = {**tenant.headers(), **(FRENCH if french else {})}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _both(client: TestClient, tenant: Tenant, execution_id: int) -> tuple[Any, Any]:
    """The execution read without a language (English) and in French."""
    url = f"/api/v1/executions/{execution_id}"
    return _get(client, tenant, url, french=False), _get(client, tenant, url, french=True)


def _step(execution: dict[str, Any], path: str) -> dict[str, Any]:
    [step] = [s for s in execution["steps"] if s["path"] == path]
    return step


def test_an_email_without_smtp_reads_in_french_everywhere_the_run_says_so(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    email = {"type": "send_email", "on_error": "stop", "config": {"to": "owner", "subject": "Hi"}}
    workflow_id, execution_id = _run_one(client, tenant, writer_session, {"actions": [email]})
    english, french = _both(client, tenant, execution_id)
    assert _step(english, "actions/0")["error"] == NO_SMTP
    assert _step(french, "actions/0")["error"] == NO_SMTP_FR
    assert english["error_message"] == f"actions/0 (send_email): {NO_SMTP}"
    assert french["error_message"] == f"actions/0 (send_email) : {NO_SMTP_FR}"
    assert [log["message"] for log in french["execution_logs"]] == [
        "aucune condition",
        f"send_email : {NO_SMTP_FR}",
        f"actions/0 (send_email) : {NO_SMTP_FR}",
    ]
    assert [log["message"] for log in english["execution_logs"]] == [
        "no conditions",
        f"send_email: {NO_SMTP}",
        f"actions/0 (send_email): {NO_SMTP}",
    ]
    # Only crmflow's words change: the rest of the body is the same in both languages.
    for key in ("status", "trigger_data", "references", "record_label"):
        assert french[key] == english[key]
    assert _step(french, "actions/0")["output"] == _step(english, "actions/0")["output"]
    for url in ("/api/v1/executions", f"/api/v1/workflows/{workflow_id}/executions"):
        [item] = _get(client, tenant, url, french=True)["items"]
        assert item["error_message"] == f"actions/0 (send_email) : {NO_SMTP_FR}"
        [item] = _get(client, tenant, url, french=False)["items"]
        assert item["error_message"] == f"actions/0 (send_email): {NO_SMTP}"
    url = f"/api/v1/workflows/{workflow_id}/executions/{execution_id}"
    assert _get(client, tenant, url, french=True)["error_message"] == french["error_message"]
    # English, or a language crmflow does not speak, is the body as stored, byte for byte.
    plain = client.get(f"/api/v1/executions/{execution_id}", headers=tenant.headers()).content
    for language in ("en-US", "de-DE, en;q=0.5", "es"):
        headers = {**tenant.headers(), "Accept-Language": language}
        assert client.get(f"/api/v1/executions/{execution_id}", headers=headers).content == plain


def test_an_unknown_recipient_and_a_template_error_read_in_french(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    actions = [
        {"type": "send_email", "config": {"to": "user:999", "subject": "Hi"}},
        {"type": "create_task", "config": {"title": "{{ 1 / 0 }}"}},
    ]
    _, execution_id = _run_one(client, tenant, writer_session, {"actions": actions})
    english, french = _both(client, tenant, execution_id)
    assert _step(english, "actions/0")["error"] == "user: no user 999 in this company"
    assert _step(french, "actions/0")["error"] == (
        "user : aucun utilisateur 999 dans cette entreprise"
    )
    assert _step(english, "actions/1")["error"] == (
        "config.title: template error: ZeroDivisionError: division by zero"
    )
    assert _step(french, "actions/1")["error"] == (
        "config.title : erreur dans le modèle : ZeroDivisionError : division by zero"
    )


def test_a_refused_webhook_address_reads_in_french(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    hook = {"type": "call_webhook", "config": {"url": "ftp://{{ organisation.name }}.test/hook"}}
    _, execution_id = _run_one(client, tenant, writer_session, {"actions": [hook]})
    english, french = _both(client, tenant, execution_id)
    assert _step(english, "actions/0")["error"] == (
        "url: only http and https URLs are allowed, not 'ftp'"
    )
    assert _step(french, "actions/0")["error"] == (
        "url : seules les URL http et https sont autorisées, pas 'ftp'"
    )


def test_an_approval_nobody_can_give_reads_in_french(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    approval = {"type": "approval", "config": {"approvers": ["owner"]}}
    _, execution_id = _run_one(
        client, tenant, writer_session, {"actions": [approval]}, owner_id=None
    )
    english, french = _both(client, tenant, execution_id)
    reason = (
        "no approver found for owner (nobody holds that title or role, or the record has no "
        "owner/manager)"
    )
    reason_fr = (
        "aucun approbateur trouvé pour owner (personne n'a cette fonction ou ce rôle, ou "
        "l'enregistrement n'a pas de responsable ou de manager)"
    )
    assert english["status"] == "failed"
    assert _step(english, "actions/0")["error"] == reason
    assert _step(french, "actions/0")["error"] == reason_fr
    assert english["error_message"] == f"actions/0 (approval): {reason}"
    assert french["error_message"] == f"actions/0 (approval) : {reason_fr}"


def test_a_skipped_run_explains_itself_in_french(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    skipped = {"conditions": {"organisation.name": "Globex"}, "actions": []}
    _, skipped_id = _run_one(client, tenant, writer_session, skipped)
    english, french = _both(client, tenant, skipped_id)
    assert english["status"] == "skipped"
    assert english["decision"]["explanation"] == 'organisation.name = "Initech", not == "Globex"'
    assert french["decision"]["explanation"] == 'organisation.name = "Initech", pas == "Globex"'
    assert french["execution_logs"][0]["message"] == french["decision"]["explanation"]
    assert {k: v for k, v in french["decision"].items() if k != "explanation"} == {
        k: v for k, v in english["decision"].items() if k != "explanation"
    }


def test_a_skipped_step_and_a_branch_explain_themselves_in_french(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    actions = [
        {
            "name": "Only for Globex",
            "type": "create_task",
            "when": {"organisation.name": {"$contains": "Glo"}},
            "config": {"title": "never"},
        },
        {
            "type": "branch",
            "branches": [
                {
                    "when": {"organisation.name": {"$starts_with": "Glo"}},
                    "actions": [{"type": "create_task", "config": {"title": "Globex"}}],
                }
            ],
            "else": [{"type": "create_task", "config": {"title": "others"}}],
        },
    ]
    _, execution_id = _run_one(client, tenant, writer_session, {"actions": actions})
    english, french = _both(client, tenant, execution_id)
    when = _step(english, "actions/0")
    assert when["status"] == "skipped"
    assert when["message"] == 'when: organisation.name = "Initech", not contains "Glo"'
    when_fr = _step(french, "actions/0")
    assert when_fr["message"] == (
        'condition d\'exécution : organisation.name = "Initech", ne contient pas "Glo"'
    )
    assert when_fr["output"]["decision"]["explanation"] == (
        'organisation.name = "Initech", ne contient pas "Glo"'
    )
    assert french["execution_logs"][1]["message"] == f"Only for Globex : {when_fr['message']}"
    branch, branch_fr = _step(english, "actions/1"), _step(french, "actions/1")
    assert branch["message"] == "took else"
    assert branch_fr["message"] == "chemin « Sinon » pris"
    assert branch["output"]["checked"] == ['organisation.name = "Initech", not starts_with "Glo"']
    assert branch_fr["output"] == {
        "taken": "else",
        "checked": ['organisation.name = "Initech", ne commence pas par "Glo"'],
    }
    # A step that did its job has no sentence of crmflow's: its status is in words.
    assert french["execution_logs"][-1]["message"] == "create_task : réussie"
    assert english["execution_logs"][-1]["message"] == "create_task: success"


def test_a_simulation_warns_and_explains_in_french(client: TestClient, tenant: Tenant) -> None:
    definition = {
        "name": "big deals",
        "trigger_type": "deal_created",
        "conditions": {"deal.title": {"$contains": "in"}},
        "actions": [
            {"type": "create_task", "config": {"title": "Call {{ organisation.website }}"}},
            {
                "type": "branch",
                "branches": [
                    {"when": {"deal.amount": {"$gt": 10000}}, "actions": []},
                ],
                "else": [],
            },
        ],
    }
    body = {"definition": definition, "input_data": {"title": "Sign in", "amout": 5}}
    url = "/api/v1/workflow/workflow-simulations/"
    english = client.post(url, json=body, headers=tenant.headers())
    french = client.post(url, json=body, headers={**tenant.headers(), **FRENCH})
    assert english.status_code == french.status_code == 201, french.text
    en, fr = english.json(), french.json()
    warnings = {w["code"]: w["message"] for w in en["warnings"]}
    warnings_fr = {w["code"]: w["message"] for w in fr["warnings"]}
    assert warnings["unknown_input"] == (
        "deal has no field 'amout': conditions and templates will not see it; did you mean "
        "'amount'?"
    )
    assert warnings_fr["unknown_input"] == (
        "le type deal n'a pas de champ 'amout' : les conditions et les modèles ne le verront "
        "pas ; vouliez-vous dire 'amount' ?"
    )
    assert warnings_fr["missing_variable"] == (
        "{{ organisation.website }} est vide pour cette entrée : il manquera ce morceau du texte"
    )
    assert en["trigger_data"]["conditions"]["explanation"] == (
        'deal.title = "Sign in" contains "in"'
    )
    assert fr["trigger_data"]["conditions"]["explanation"] == (
        'deal.title = "Sign in" contient "in"'
    )
    [branch] = [p for p in fr["branch_explorations"] if p["kind"] == "branch"]
    assert branch["explanation"] == "deal.amount = null, pas > 10000"
    assert [a["predicate"] for a in branch["alternatives"]] == [
        "deal.amount > 10000",
        "aucune des branches ne s'applique",
    ]
    [path_step] = [s for s in fr["execution_path"] if s["type"] == "branch"]
    assert path_step["message"] == "chemin « Sinon » pris"
    # Read again later (the stored row), in French and in English.
    read = _get(client, tenant, f"{url}{fr['id']}/", french=True)
    assert {w["code"]: w["message"] for w in read["warnings"]} == warnings_fr
    assert _get(client, tenant, f"{url}{fr['id']}/", french=False)["warnings"] == en["warnings"]
    [listed] = [s for s in _get(client, tenant, url, french=True)["items"] if s["id"] == fr["id"]]
    assert listed["warnings"] == read["warnings"]


def test_an_approval_decided_by_an_admin_reads_in_french(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    approval = {"type": "approval", "config": {"approvers": ["manager"]}}
    _, execution_id = _run_one(client, tenant, writer_session, {"actions": [approval]})
    [ask] = _get(client, tenant, f"/api/v1/approvals?execution_id={execution_id}", french=True)[
        "items"
    ]
    decided = client.post(
        f"/api/v1/approvals/{ask['id']}/reject",
        json={"comment": "pas ce trimestre"},
        headers={**tenant.headers(), **FRENCH},
    )
    assert decided.status_code == 200, decided.text
    reason = "rejected by admin@acme.test (admin override): pas ce trimestre"
    reason_fr = "rejetée par admin@acme.test (décision d'administrateur) : pas ce trimestre"
    assert decided.json()["outcome_reason"] == reason_fr
    url = f"/api/v1/approvals/{ask['id']}"
    assert _get(client, tenant, url, french=False)["outcome_reason"] == reason
    listed = _get(client, tenant, f"/api/v1/approvals?execution_id={execution_id}", french=True)
    assert listed["items"][0]["outcome_reason"] == reason_fr
    run(writer_session, [execution_id])
    english, french = _both(client, tenant, execution_id)
    assert english["status"] == "rejected"
    assert _step(english, "actions/0")["message"] == reason
    assert _step(french, "actions/0")["message"] == reason_fr
