"""The editor's and the action catalog's texts in French, keyed by their English text.

The English texts live beside what they describe (trigger and action models, the editor
schema); this catalogue gives each its French, gettext-style. A text missing here is served
in English, and tests/i18n/test_editor_texts.py fails on it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Final

from crmflow.common.i18n import DEFAULT_LANGUAGE, language_of
from crmflow.common.i18n_actions import ACTIONS_FRENCH

# Keys of a JSON Schema whose values hold data, not schema (never translated inside).
_SCHEMA_DATA_KEYS: Final = frozenset({"default", "examples", "example", "const", "enum"})
# Keys of a JSON Schema that people read.
SCHEMA_TEXT_KEYS: Final = frozenset({"title", "description"})

FRENCH: Final[dict[str, str]] = {
    **ACTIONS_FRENCH,
    "Organisation created": "Organisation créée",
    "An organisation is created.": "Une organisation est créée.",
    "Organisation updated": "Organisation modifiée",
    "An organisation is updated (optionally only some fields).": (
        "Une organisation est modifiée (éventuellement certains champs seulement)."
    ),
    "Fields": "Champs",
    "start only when one of these fields changed (any field if unset)": (
        "ne démarrer que si l'un de ces champs a changé (n'importe quel champ si vide)"
    ),
    "Deal created": "Affaire créée",
    "A deal is created.": "Une affaire est créée.",
    "Deal updated": "Affaire modifiée",
    "A deal is updated (optionally only some fields).": (
        "Une affaire est modifiée (éventuellement certains champs seulement)."
    ),
    "Deal stage changed": "Étape d'affaire changée",
    "A deal moves from one pipeline stage to another.": (
        "Une affaire passe d'une étape du pipeline à une autre."
    ),
    "From stage": "Depuis l'étape",
    "previous stage, or a list of stages (any if unset)": (
        "étape précédente, ou une liste d'étapes (n'importe laquelle si vide)"
    ),
    "To stage": "Vers l'étape",
    "new stage, or a list of stages (any if unset)": (
        "nouvelle étape, ou une liste d'étapes (n'importe laquelle si vide)"
    ),
    "Task completed": "Tâche terminée",
    "A task is marked as completed.": "Une tâche est marquée comme terminée.",
    "Activity logged": "Activité enregistrée",
    "A call, meeting, email or note is logged.": (
        "Un appel, une réunion, un e-mail ou une note est enregistré."
    ),
    "Kinds": "Types",
    "activity kinds such as call or meeting (any if unset)": (
        "types d'activité, comme un appel ou une réunion (n'importe lequel si vide)"
    ),
    "Inactivity delay": "Délai d'inactivité",
    "A record has had no activity for a number of days.": (
        "Un enregistrement n'a eu aucune activité depuis un certain nombre de jours."
    ),
    "Entity type": "Type d'enregistrement",
    "which records to watch": "les enregistrements à surveiller",
    "Days": "Jours",
    "days without any activity": "jours sans aucune activité",
    "Scheduled": "Planifié",
    "On a schedule: daily, weekly, monthly or a cron expression.": (
        "Selon un planning : chaque jour, chaque semaine, chaque mois ou une expression cron."
    ),
    "Frequency": "Fréquence",
    "repeat daily, weekly or monthly (or give a cron expression)": (
        "répéter chaque jour, chaque semaine ou chaque mois (ou renseigner une expression cron)"
    ),
    "Cron": "Cron",
    "cron expression, e.g. '0 9 * * 1-5'": "expression cron, par exemple '0 9 * * 1-5'",
    "Time": "Heure",
    "time of day, HH:MM": "heure de la journée, HH:MM",
    "Day of week": "Jour de la semaine",
    "weekly: mon..sun or 0 (Sunday) to 6": (
        "chaque semaine : mon..sun (lundi à dimanche) ou 0 (dimanche) à 6"
    ),
    "Day of month": "Jour du mois",
    "monthly: day 1 to 28": "chaque mois : jour 1 à 28",
    "Timezone": "Fuseau horaire",
    "IANA time zone, e.g. Europe/Paris": "fuseau horaire IANA, par exemple Europe/Paris",
    "Webhook received": "Webhook reçu",
    "Another system sends data to the workflow's own web address.": (
        "Un autre système envoie des données à l'adresse web propre au workflow."
    ),
    "Manual": "Manuel",
    "Someone runs the workflow by hand.": "Quelqu'un lance le workflow à la main.",
    "Name": "Nom",
    "Organisation": "Organisation",
    "Category": "Catégorie",
    "Pipeline stage": "Étape du pipeline",
    "Potential amount": "Montant potentiel",
    "Email": "E-mail",
    "Owner": "Responsable",
    "Tags": "Tags",
    "Custom fields": "Champs personnalisés",
    "Last activity at": "Dernière activité le",
    "Id": "ID",
    "Created at": "Créé le",
    "Updated at": "Modifié le",
    "Organisation owner": "Responsable de l'organisation",
    "Role": "Rôle",
    "Titles": "Intitulés de poste",
    "Manager": "Manager",
    "Organisation owner's manager": "Manager du responsable de l'organisation",
    "First name": "Prénom",
    "Contact": "Contact",
    "Last name": "Nom de famille",
    "Phone": "Téléphone",
    "Job title": "Intitulé de poste",
    "Contact owner": "Responsable du contact",
    "Contact owner's manager": "Manager du responsable du contact",
    "Title": "Titre",
    "Deal": "Affaire",
    "Amount": "Montant",
    "Discount percent": "Remise (%)",
    "Stage": "Étape",
    "Close date": "Date de clôture",
    "Deal owner": "Responsable de l'affaire",
    "Deal owner's manager": "Manager du responsable de l'affaire",
    "Task": "Tâche",
    "Description": "Description",
    "Due date": "Échéance",
    "Assignee": "Responsable de la tâche",
    "Status": "Statut",
    "Priority": "Priorité",
    "Related type": "Type d'enregistrement lié",
    "Related": "Enregistrement lié",
    "Completed at": "Terminée le",
    "Task assignee": "Responsable de la tâche",
    "Task assignee's manager": "Manager du responsable de la tâche",
    "Kind": "Type",
    "Activity": "Activité",
    "Subject": "Objet",
    "Body": "Texte",
    "Occurred at": "Date de l'activité",
    "Entity": "Enregistrement",
    "User": "Utilisateur",
    "Activity user": "Auteur de l'activité",
    "Activity user's manager": "Manager de l'auteur de l'activité",
    "Trigger type": "Type de déclencheur",
    "Trigger": "Déclencheur",
    "Record type": "Type d'enregistrement",
    "Record ID": "ID de l'enregistrement",
    "Event ID": "ID de l'événement",
    "Changed fields (old and new values)": "Champs modifiés (ancienne et nouvelle valeur)",
    "Stage change (old and new stage)": "Changement d'étape (ancienne et nouvelle étape)",
    "Data received": "Données reçues",
    "Headers received": "En-têtes reçus",
    "Web address parameters received": "Paramètres d'adresse web reçus",
    "equals": "est égal à",
    "does not equal": "est différent de",
    "is greater than": "est supérieur à",
    "is less than": "est inférieur à",
    "is at least": "est au moins",
    "is at most": "est au plus",
    "contains": "contient",
    "does not contain": "ne contient pas",
    "is one of": "est l'un de",
    "is not one of": "n'est aucun de",
    "starts with": "commence par",
    "ends with": "se termine par",
    "is empty": "est vide",
    "is not empty": "n'est pas vide",
    "is between": "est compris entre",
    "changed": "a changé",
    "changed to": "est passé à",
    "changed from": "a quitté",
    "Branch (if / else)": "Condition (si / sinon)",
    "Runs the first path whose conditions are met, otherwise the fallback path.": (
        "Suit le premier chemin dont les conditions sont remplies, sinon le chemin par défaut."
    ),
    "Parallel paths": "Chemins parallèles",
    "Runs several paths side by side; the workflow goes on once all have finished.": (
        "Suit plusieurs chemins en même temps ; le workflow continue une fois "
        "qu'ils sont tous terminés."
    ),
    "Delay": "Attente",
    "Waits for a while, or until a date, before the next step.": (
        "Attend un certain temps, ou jusqu'à une date, avant l'étape suivante."
    ),
    "Approval": "Approbation",
    (
        "Asks people to approve before going on; a rejection runs the rejection "
        "steps, if any, and ends the run as rejected."
    ): (
        "Demande une approbation avant de continuer ; un refus lance les étapes "
        "prévues en cas de refus, s'il y en a, et termine l'exécution comme "
        "refusée."
    ),
    "Stop": "Arrêt",
    "Ends the run here.": "Termine l'exécution ici.",
}


def translate(language: str | None, text: str) -> str:
    """`text` (English) in `language`; as it is when that language has no translation of it."""
    if language_of(language) == DEFAULT_LANGUAGE:
        return text
    return FRENCH.get(text, text)


def translate_texts(
    language: str | None,
    data: Any,
    keys: Collection[str],
    skip: Collection[str] = (),
) -> Any:
    """A copy of `data` whose string values under `keys` are translated; `skip` keys are kept."""
    if isinstance(data, dict):
        return {
            key: (
                value
                if key in skip
                else translate(language, value)
                if key in keys and isinstance(value, str)
                else translate_texts(language, value, keys, skip)
            )
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [translate_texts(language, item, keys, skip) for item in data]
    return data


def translate_schema(language: str | None, schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema with its titles and descriptions in `language` (structure unchanged)."""
    translated: dict[str, Any] = translate_texts(
        language, schema, SCHEMA_TEXT_KEYS, _SCHEMA_DATA_KEYS
    )
    return translated
