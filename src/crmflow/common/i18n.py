"""Texts the system itself writes to people (approval requests, alerts), in English and French.

The words a workflow's author writes are theirs and are never translated; only what crmflow
composes goes through `say`, in the company's language (`companies.language`).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import Depends, Request

from crmflow.common.enums import ExecutionStatus

LANGUAGES: Final = ("en", "fr")
DEFAULT_LANGUAGE: Final = "en"

# One entry per text: {language: format string}. Both languages must name the same
# placeholders (tests/test_i18n_messages.py checks it).
MESSAGES: Final[dict[str, dict[str, str]]] = {
    "approval.title": {"en": "Approval", "fr": "Approbation"},
    "approval.needed": {"en": "Approval needed: {title}", "fr": "Approbation requise : {title}"},
    "approval.message": {
        "en": "Your approval is needed: {title} ({what}).",
        "fr": "Votre approbation est requise : {title} ({what}).",
    },
    "approval.a_run": {"en": "a run", "fr": "une exécution"},
    "approval.link": {"en": "Approve or reject: {link}", "fr": "Approuver ou refuser : {link}"},
    "approval.escalated": {"en": "(escalated) {message}", "fr": "(escaladée) {message}"},
    "entity.organisation": {"en": "organisation", "fr": "organisation"},
    "entity.deal": {"en": "deal", "fr": "affaire"},
    "entity.contact": {"en": "contact", "fr": "contact"},
    "entity.activity": {"en": "activity", "fr": "activité"},
    "entity.task": {"en": "task", "fr": "tâche"},
    "sla.what.step": {"en": "step {path}", "fr": "l'étape {path}"},
    "sla.what.run": {"en": "run", "fr": "l'exécution"},
    "sla.breach.subject": {
        "en": "[crmflow] SLA {severity}: {workflow} — {what} of execution #{execution} "
        "{margin} s past {sla}",
        "fr": "[crmflow] SLA, seuil {severity} : {workflow} — {what} de l'exécution "
        "n° {execution}, {margin} s au-delà de {sla}",
    },
    "sla.breach.body": {
        "en": 'The {what} of execution #{execution} of "{workflow}" has taken {elapsed} s, '
        '{margin} s past the {severity} threshold of {threshold} s of the SLA "{sla}" '
        "(target {target} s). It was {status} when found. Acknowledge it in crmflow "
        "(SLA breaches) once someone is on it.",
        "fr": "Pour « {workflow} », {what} de l'exécution n° {execution} a pris {elapsed} s, "
        "soit {margin} s au-delà du seuil {severity} de {threshold} s du SLA « {sla} » "
        "(objectif {target} s). Son état au constat : {status}. Prenez-la en charge dans "
        "crmflow (dépassements de SLA) dès que quelqu'un s'en occupe.",
    },
    "alert.streak": {
        "en": '"{workflow}" failed {count} times in a row (last: execution #{execution})',
        "fr": "« {workflow} » a échoué {count} fois de suite (dernière : exécution n° {execution})",
    },
    "alert.streak.deactivated": {
        "en": "; it has been deactivated",
        "fr": " ; il a été désactivé",
    },
    "alert.streak.body": {
        "en": "{message}. Open its runs to see why.",
        "fr": "{message}. Ouvrez ses exécutions pour voir pourquoi.",
    },
    "alert.burn": {
        "en": '"{workflow}": the error budget of SLO "{sla}" ({percent} % within {target} s) '
        "burns {rates}",
        "fr": "« {workflow} » : le budget d'erreur du SLO « {sla} » ({percent} % en moins de "
        "{target} s) se consomme {rates}",
    },
    "alert.burn.rates": {
        "en": "{long_rate}x over {long} and {short_rate}x over {short} (alert above {factor}x)",
        "fr": "{long_rate}x sur {long} et {short_rate}x sur {short} (alerte au-delà de {factor}x)",
    },
    "alert.burn.subject": {
        "en": "[crmflow] SLO burn ({level}): {workflow} — {sla}",
        "fr": "[crmflow] Consommation du SLO ({level}) : {workflow} — {sla}",
    },
    "alert.level.page": {"en": "page", "fr": "urgent"},
    "alert.level.ticket": {"en": "ticket", "fr": "à traiter"},
    "severity.warning": {"en": "warning", "fr": "d'avertissement"},
    "severity.critical": {"en": "critical", "fr": "critique"},
    "span.minutes": {"en": "{n} min", "fr": "{n} min"},
    "span.hours": {"en": "{n} h", "fr": "{n} h"},
    "span.day": {"en": "1 day", "fr": "1 jour"},
    "span.days": {"en": "{n} days", "fr": "{n} jours"},
}


# Execution statuses in French; English shows the status itself.
_STATUS_FR: Final = {
    ExecutionStatus.PENDING: "en attente de départ",
    ExecutionStatus.RUNNING: "en cours",
    ExecutionStatus.WAITING: "en attente",
    ExecutionStatus.SUCCESS: "réussie",
    ExecutionStatus.PARTIAL: "partielle",
    ExecutionStatus.FAILED: "échouée",
    ExecutionStatus.SKIPPED: "ignorée",
    ExecutionStatus.REJECTED: "refusée",
    ExecutionStatus.CANCELLED: "annulée",
}
MESSAGES.update(
    {f"status.{status.value}": {"en": status.value, "fr": fr} for status, fr in _STATUS_FR.items()}
)


def language_of(value: str | None) -> str:
    """A supported language for `value` (`fr-FR` gives `fr`); English otherwise."""
    code = (value or "").split("-", 1)[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def accepted_language(header: str | None) -> str | None:
    """The first supported language of an `Accept-Language` header, by preference; None if none.

    `fr-CA;q=0.8, en;q=0.9` gives `en`; a malformed weight counts as 0 (never chosen first).
    """
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        code = tag.strip().split("-", 1)[0].lower()
        if code in LANGUAGES and weight > 0:
            ranked.append((-weight, index, code))
    return min(ranked)[2] if ranked else None


def request_language(request: Request) -> str:
    """The language a request asks for (Accept-Language; the UI sends it), else English."""
    return accepted_language(request.headers.get("accept-language")) or DEFAULT_LANGUAGE


async def _request_language(request: Request) -> str:
    # Async so that FastAPI calls it on the event loop, not through a thread hand-off.
    return request_language(request)


# A route's parameter: the language to write person-facing texts in.
RequestLanguage = Annotated[str, Depends(_request_language)]


def say(language: str | None, key: str, **params: Any) -> str:
    """The text `key` in `language` (English when it has none), filled with `params`."""
    texts = MESSAGES[key]
    return texts.get(language_of(language), texts[DEFAULT_LANGUAGE]).format(**params)


def word(language: str | None, prefix: str, value: str) -> str:
    """`value` (a status, a severity, a record kind) in `language`, or as it is when unknown."""
    key = f"{prefix}.{value}"
    return say(language, key) if key in MESSAGES else value


def entity_name(language: str | None, kind: str) -> str:
    """A record kind (`deal`) in `language`; unknown kinds are shown as they are."""
    return word(language, "entity", kind)
