"""The seed's three ready-made workflows, translated faithfully, and creation from a template."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.service import Principal
from crmflow.common.errors import NotFound
from crmflow.crm.schemas import NotificationLevel
from crmflow.workflows.models import Workflow
from crmflow.workflows.service import create_workflow, get_workflow
from crmflow.workflows.templates_en import in_english
from crmflow.workflows.validation import DEFINITION_KEYS

BUILTIN_TEMPLATES: dict[str, dict[str, Any]] = {
    "relance-deal-inactif": {
        "name": "Relance deal inactif (30 jours)",
        "description": "Relance le commercial quand une organisation en proposition ou "
        "qualification n'a eu aucune activité depuis 30 jours.",
        "category": "sales",
        "trigger_type": "inactivity_delay",
        "trigger_config": {"entity_type": "organisation", "days": 30},
        "conditions": {
            "operator": "AND",
            "rules": [
                {
                    "field": "organisation.pipeline_stage",
                    "operator": "in",
                    "value": ["proposition", "qualification"],
                },
            ],
        },
        "actions": [
            {
                "type": "send_email",
                "name": "Email au commercial",
                "config": {
                    "to": "owner",
                    "subject": "Relance : {{ organisation.name }} sans activité depuis 30 jours",
                    "body": "Bonjour {{ organisation.owner.name }},\n\n{{ organisation.name }} "
                    "({{ organisation.pipeline_stage }}) n'a eu aucune activité depuis "
                    "30 jours. Pensez à relancer le client.",
                },
            },
            {
                "type": "create_task",
                "name": "Créer tâche de relance",
                "config": {
                    "title": "Relancer client : {{ organisation.name }}",
                    "description": "Aucune activité depuis 30 jours.",
                    "due_date": "+2 days",
                    "assignee": "owner",
                    "priority": "high",
                },
            },
            {
                "type": "send_notification",
                "name": "Notification warning",
                "config": {
                    "user": "owner",
                    "level": "warning",
                    "title": "Organisation inactive",
                    "message": "{{ organisation.name }} est inactive depuis 30 jours.",
                },
            },
        ],
    },
    "onboarding-nouveau-client": {
        "name": "Onboarding nouveau client",
        "description": "Quand un deal passe de proposition à signé : email de bienvenue, "
        "appel de bienvenue, envoi des documents, et le manager est prévenu.",
        "category": "customer_success",
        "trigger_type": "deal_stage_changed",
        "trigger_config": {"from": "proposition", "to": "signed"},
        "conditions": None,
        "actions": [
            {
                "type": "send_email",
                "name": "Email de bienvenue au client",
                "config": {
                    "to": "{{ contact.email or organisation.email or deal.owner.email }}",
                    "subject": "Bienvenue chez nous, {{ organisation.name }} !",
                    "body": "Bonjour,\n\nMerci pour votre confiance. Votre interlocuteur est "
                    "{{ deal.owner.name }} ({{ deal.owner.email }}).",
                },
            },
            {
                "type": "create_task",
                "name": "Appel de bienvenue",
                "config": {
                    "title": "Appel de bienvenue : {{ organisation.name }}",
                    "due_date": "+3 days",
                    "assignee": "owner",
                },
            },
            {
                "type": "create_task",
                "name": "Envoyer documents",
                "config": {
                    "title": "Envoyer documents : {{ organisation.name }}",
                    "due_date": "+1 day",
                    "assignee": "owner",
                },
            },
            {
                "type": "send_notification",
                "name": "Notification success au manager",
                "config": {
                    "user": "manager",
                    "level": NotificationLevel.SUCCESS,
                    "title": "Nouveau client signé",
                    "message": "{{ deal.title }} ({{ deal.amount|currency }} €) est signé par "
                    "{{ deal.owner.name }}.",
                },
            },
        ],
    },
    "alerte-manager-deal-50k": {
        "name": "Alerte manager deal > 50k€",
        "description": "Prévient le manager quand une organisation est créée avec un montant "
        "potentiel supérieur à 50 000 €.",
        "category": "sales",
        "trigger_type": "organisation_created",
        "trigger_config": {},
        "conditions": {
            "operator": "AND",
            "rules": [
                {"field": "organisation.potential_amount", "operator": ">", "value": 50000},
            ],
        },
        "actions": [
            {
                "type": "send_email",
                "name": "Email au manager",
                "config": {
                    "to": "manager",
                    "subject": "Gros potentiel : {{ organisation.name }}",
                    "body": "{{ organisation.name }} vient d'être créée par "
                    "{{ organisation.owner.name }}"
                    " avec un potentiel de {{ organisation.potential_amount|currency }} €.",
                },
            },
            {
                "type": "send_notification",
                "name": "Notification info",
                "config": {
                    "user": "manager",
                    "level": "info",
                    "title": "Gros potentiel",
                    "message": "{{ organisation.name }} : "
                    "{{ organisation.potential_amount|currency }} €",
                },
            },
        ],
    },
}


TEMPLATE_LANGUAGES = ("fr", "en")  # the seed wrote them in French; English is a translation


def builtin_template(slug: str, language: str = "fr") -> dict[str, Any]:
    """The built-in template `slug` in `language` (fr, the original, or en)."""
    template = BUILTIN_TEMPLATES[slug]
    return in_english(slug, template) if language == "en" else template


def list_templates(
    session: Session, *, company_id: int, language: str = "fr"
) -> list[dict[str, Any]]:
    """Return the built-in templates (in `language`) plus the company's template workflows."""
    out = [
        {
            "id": slug,
            "name": t["name"],
            "description": t["description"],
            "trigger_type": t["trigger_type"],
            "category": t["category"],
            "definition": _definition(t),
        }
        for slug, t in ((slug, builtin_template(slug, language)) for slug in BUILTIN_TEMPLATES)
    ]
    for workflow in session.scalars(
        select(Workflow).where(Workflow.company_id == company_id, Workflow.is_template.is_(True))
    ):
        out.append(
            {
                "id": str(workflow.id),
                "name": workflow.name,
                "description": workflow.description,
                "trigger_type": workflow.trigger_type,
                "category": "company",
                "definition": {k: getattr(workflow, k) for k in DEFINITION_KEYS},
            }
        )
    return out


def _definition(template: dict[str, Any]) -> dict[str, Any]:
    return {k: deepcopy(v) for k, v in template.items() if k != "category"}


def create_from_template(
    session: Session,
    *,
    principal: Principal,
    template_id: str,
    name: str | None = None,
    language: str = "fr",
) -> Workflow:
    """Create a draft workflow from a built-in slug (its texts in `language`) or a company
    template workflow id."""
    if template_id in BUILTIN_TEMPLATES:
        data = _definition(builtin_template(template_id, language))
        slug: str | None = template_id
    elif template_id.isdigit():
        source = get_workflow(
            session, company_id=principal.company_id, workflow_id=int(template_id)
        )
        if not source.is_template:
            raise NotFound(f"template {template_id} not found")
        # Every definition key, run policy included: a copy behaves like its template.
        data = {k: deepcopy(getattr(source, k)) for k in DEFINITION_KEYS}
        slug = source.template_slug
    else:
        raise NotFound(
            f"template {template_id!r} not found (built-in: {', '.join(BUILTIN_TEMPLATES)})"
        )
    if name:
        data["name"] = name
    data["status"] = "draft"
    return create_workflow(session, principal=principal, data=data, template_slug=slug)
