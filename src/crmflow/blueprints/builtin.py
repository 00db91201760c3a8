"""The blueprints crmflow ships: the seed's three templates and five a sales team asks for.

Each is documented in docs/blueprints.md. Inputs are `{{ inputs.NAME }}` in the steps; the texts
stay in French like the seed's templates (the CRM's users write to French customers).
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from crmflow.crm.schemas import NotificationLevel
from crmflow.workflows.templates import BUILTIN_TEMPLATES

AUTHOR = "crmflow"
DURATION = {
    "type": "string",
    "pattern": r"^\d+ (minutes|hours|days|weeks)$",
    "x-widget": "duration",
}


def _title_input(default: str, title: str) -> dict[str, Any]:
    return {
        "type": "string",
        "title": title,
        "default": default,
        "minLength": 1,
        "x-widget": "title",
    }


def _amount(default: int, title: str) -> dict[str, Any]:
    return {
        "type": "number",
        "title": title,
        "default": default,
        "minimum": 0,
        "x-widget": "amount",
    }


def _seed(slug: str, template_type: str) -> dict[str, Any]:
    """One of the seed's templates as a blueprint, steps word for word, no inputs."""
    template = deepcopy(BUILTIN_TEMPLATES[slug])
    return {
        "slug": slug,
        "name": template["name"],
        "version": "1.0.0",
        "template_type": template_type,
        "description": template["description"],
        "trigger_type": template["trigger_type"],
        "trigger_config": template["trigger_config"],
        "conditions": template["conditions"],
        "process_steps": template["actions"],
        "variables": {},
        "settings": {"category": template["category"]},
    }


DEAL_WON_HANDOFF: dict[str, Any] = {
    "slug": "passation-deal-signe",
    "name": "Passation deal signé",
    "version": "1.0.0",
    "template_type": "handoff",
    "description": "Quand un deal est signé : tâche de passation pour l'équipe de suivi client, "
    "le client est étiqueté, le manager prévenu.",
    "trigger_type": "deal_stage_changed",
    "trigger_config": {"to": "{{ inputs.won_stage }}"},
    "conditions": None,
    "process_steps": [
        {
            "type": "create_task",
            "name": "Tâche de passation",
            "config": {
                "title": "Passation : {{ deal.title }}",
                "description": "Deal signé ({{ deal.amount }} €). Préparer le lancement avec "
                "le client.",
                "due_date": "{{ inputs.handoff_within }}",
                "assignee": "title:{{ inputs.success_title }}",
                "priority": "high",
            },
        },
        {
            "type": "add_tag",
            "name": "Étiqueter client",
            "config": {"tag": "{{ inputs.client_tag }}", "entity": "organisation"},
        },
        {
            "type": "send_notification",
            "name": "Prévenir le manager",
            "config": {
                "user": "manager",
                "level": NotificationLevel.SUCCESS.value,
                "title": "Deal signé",
                "message": "{{ deal.title }} est signé : passation lancée.",
            },
        },
    ],
    "variables": {
        "type": "object",
        "properties": {
            "won_stage": {
                "type": "string",
                "title": "Étape gagnée",
                "default": "signed",
                "x-widget": "stage",
            },
            "success_title": _title_input("manager", "Équipe de suivi (titre)"),
            "handoff_within": {
                "type": "string",
                "title": "Échéance",
                "default": "+2 days",
                "x-widget": "duration",
            },
            "client_tag": {
                "type": "string",
                "title": "Étiquette",
                "default": "client",
                "minLength": 1,
                "x-widget": "tag",
            },
        },
        "required": ["won_stage", "success_title"],
    },
    "settings": {"category": "customer_success"},
}

STALE_LEAD_NURTURE: dict[str, Any] = {
    "slug": "relance-lead-dormant",
    "name": "Relance lead dormant",
    "version": "1.0.0",
    "template_type": "nurture",
    "description": "Une organisation en qualification sans activité depuis N jours : étiquette "
    "« nurture », tâche de relance, puis un rappel si rien ne bouge.",
    "trigger_type": "inactivity_delay",
    "trigger_config": {"entity_type": "organisation", "days": "{{ inputs.days }}"},
    "conditions": {
        "operator": "AND",
        "rules": [
            {"field": "organisation.pipeline_stage", "operator": "==", "value": "qualification"}
        ],
    },
    "process_steps": [
        {"type": "add_tag", "name": "Étiqueter nurture", "config": {"tag": "nurture"}},
        {
            "type": "create_task",
            "name": "Relancer le lead",
            "config": {
                "title": "Relancer : {{ organisation.name }}",
                "description": "Aucune activité depuis {{ inputs.days }} jours.",
                "due_date": "+3 days",
                "assignee": "owner",
            },
        },
        {
            "type": "delay",
            "name": "Attendre",
            "config": {"duration": "{{ inputs.reminder_after }}"},
        },
        {
            "type": "send_notification",
            "name": "Rappel",
            "config": {
                "user": "owner",
                "level": "warning",
                "title": "Lead toujours dormant",
                "message": "{{ organisation.name }} : pensez à la relance.",
            },
        },
    ],
    "variables": {
        "type": "object",
        "properties": {
            "days": {
                "type": "integer",
                "title": "Jours sans activité",
                "default": 14,
                "minimum": 1,
                "maximum": 365,
            },
            "reminder_after": {**DURATION, "title": "Rappel après", "default": "7 days"},
        },
        "required": ["days"],
    },
    "settings": {"category": "sales"},
}

RENEWAL_REMINDER: dict[str, Any] = {
    "slug": "rappel-renouvellement",
    "name": "Rappel de renouvellement",
    "version": "1.0.0",
    "template_type": "renewal",
    "description": "Un deal signé déclenche, avant la date anniversaire, une tâche de "
    "renouvellement et un email au commercial.",
    "trigger_type": "deal_stage_changed",
    "trigger_config": {"to": "signed"},
    "conditions": None,
    "process_steps": [
        {
            "type": "delay",
            "name": "Jusqu'au rappel",
            "config": {"duration": "{{ inputs.remind_after }}"},
        },
        {
            "type": "create_task",
            "name": "Préparer le renouvellement",
            "config": {
                "title": "Renouvellement : {{ deal.title }}",
                "description": "Contrat signé il y a {{ inputs.remind_after }} : préparer le "
                "renouvellement.",
                "due_date": "+14 days",
                "assignee": "owner",
                "priority": "high",
            },
        },
        {
            "type": "send_email",
            "name": "Email au commercial",
            "config": {
                "to": "owner",
                "subject": "Renouvellement à préparer : {{ deal.title }}",
                "body": "Le contrat {{ deal.title }} arrive à échéance : une tâche vous attend.",
            },
        },
    ],
    "variables": {
        "type": "object",
        "properties": {
            "remind_after": {
                **DURATION,
                "title": "Rappel après la signature",
                "default": "330 days",
            }
        },
        "required": ["remind_after"],
    },
    "settings": {"category": "customer_success"},
}

DISCOUNT_APPROVAL: dict[str, Any] = {
    "slug": "approbation-remise",
    "name": "Approbation de remise",
    "version": "1.0.0",
    "template_type": "approval",
    "description": "L'exemple 1 du document : une remise au-delà du seuil demande l'accord du "
    "manager, du directeur au-delà d'un montant, et du CFO au-delà d'un second.",
    "trigger_type": "deal_updated",
    "trigger_config": {},
    "conditions": {
        "operator": "AND",
        "rules": [
            {"field": "deal.discount_percent", "operator": "changed"},
            {
                "field": "deal.discount_percent",
                "operator": ">",
                "value": "{{ inputs.min_discount }}",
            },
        ],
    },
    "process_steps": [
        {
            "type": "approval",
            "name": "Manager Approval",
            "config": {"approvers": ["manager"], "timeout": "2 days", "on_timeout": "escalate"},
        },
        {
            "type": "approval",
            "name": "Director Approval",
            "when": {
                "field": "deal.amount",
                "operator": ">",
                "value": "{{ inputs.director_above }}",
            },
            "config": {"approvers": ["title:{{ inputs.director_title }}"], "timeout": "2 days"},
        },
        {
            "type": "approval",
            "name": "CFO Approval",
            "when": {"field": "deal.amount", "operator": ">", "value": "{{ inputs.cfo_above }}"},
            "config": {"approvers": ["title:{{ inputs.cfo_title }}"], "timeout": "3 days"},
            "on_reject": [
                {
                    "type": "send_notification",
                    "name": "Remise refusée",
                    "config": {
                        "user": "owner",
                        "level": "error",
                        "message": "Remise refusée sur {{ deal.title }}.",
                    },
                }
            ],
        },
        {
            "type": "send_notification",
            "name": "Remise approuvée",
            "config": {
                "user": "owner",
                "level": NotificationLevel.SUCCESS.value,
                "message": "Remise de {{ deal.discount_percent }} % approuvée sur "
                "{{ deal.title }}.",
            },
        },
    ],
    "variables": {
        "type": "object",
        "properties": {
            "min_discount": {
                "type": "number",
                "title": "Remise soumise à accord (%)",
                "default": 10,
                "minimum": 0,
                "maximum": 100,
                "x-widget": "percent",
            },
            "director_above": _amount(10000, "Directeur au-delà de"),
            "cfo_above": _amount(50000, "CFO au-delà de"),
            "director_title": _title_input("director", "Titre du directeur"),
            "cfo_title": _title_input("cfo", "Titre du CFO"),
        },
        "required": ["min_discount", "director_above", "cfo_above"],
    },
    "settings": {"category": "sales"},
}

SLA_ESCALATION: dict[str, Any] = {
    "slug": "escalade-sla-deal",
    "name": "Escalade SLA deal",
    "version": "1.0.0",
    "template_type": "escalation",
    "description": "Un deal en négociation sans activité depuis N jours est escaladé au "
    "manager : notification, tâche et email.",
    "trigger_type": "inactivity_delay",
    "trigger_config": {"entity_type": "deal", "days": "{{ inputs.days }}"},
    "conditions": {
        "operator": "AND",
        "rules": [{"field": "deal.stage", "operator": "in", "value": "{{ inputs.stages }}"}],
    },
    "process_steps": [
        {
            "type": "send_notification",
            "name": "Alerte manager",
            "config": {
                "user": "manager",
                "level": "warning",
                "title": "Deal bloqué",
                "message": "{{ deal.title }} : aucune activité depuis {{ inputs.days }} jours.",
            },
        },
        {
            "type": "create_task",
            "name": "Tâche d'escalade",
            "config": {
                "title": "Débloquer : {{ deal.title }}",
                "due_date": "+1 days",
                "assignee": "manager",
                "priority": "urgent",
            },
        },
        {
            "type": "send_email",
            "name": "Email au manager",
            "config": {
                "to": "manager",
                "subject": "Escalade : {{ deal.title }}",
                "body": "{{ deal.title }} ({{ deal.amount }} €) n'avance plus depuis "
                "{{ inputs.days }} jours.",
            },
        },
    ],
    "variables": {
        "type": "object",
        "properties": {
            "days": {
                "type": "integer",
                "title": "Jours sans activité",
                "default": 7,
                "minimum": 1,
                "maximum": 365,
            },
            "stages": {
                "type": "array",
                "title": "Étapes surveillées",
                "items": {"type": "string"},
                "minItems": 1,
                "default": ["negotiation", "proposition"],
                "x-widget": "stage",
            },
        },
        "required": ["days", "stages"],
    },
    "settings": {"category": "sales"},
}

BUILTIN_BLUEPRINTS: list[dict[str, Any]] = [
    _seed("relance-deal-inactif", "follow_up"),
    _seed("onboarding-nouveau-client", "onboarding"),
    _seed("alerte-manager-deal-50k", "alert"),
    DEAL_WON_HANDOFF,
    STALE_LEAD_NURTURE,
    RENEWAL_REMINDER,
    DISCOUNT_APPROVAL,
    SLA_ESCALATION,
]
