"""French for the validation messages the server writes itself (not Pydantic's own).

Entries are (English format, French format); see `crmflow.common.i18n_phrases` for the rules
(a placeholder ending in `_text` is itself a sentence and is translated too). The path a
message starts with (`actions[2].config.to: `) and Pydantic's `Value error, ` are kept and
peeled off before matching (`crmflow.common.i18n_problems`), so entries start after them.
"""

from __future__ import annotations

from typing import Final

from crmflow.common.i18n_phrases_records import RECORD_PHRASES

# The phrases of a few packages at a time, joined below.
_Phrases = tuple[tuple[str, str], ...]

# Words several messages share: record kinds, in `{kind_text}` placeholders (organisation and
# contact are the same words in French).
_WORDS: Final[_Phrases] = (
    ("deal", "affaire"),
    ("activity", "activité"),
    ("task", "tâche"),
)

# Requests as a whole: JSON, missing records, fields that cannot be left empty.
_COMMON: Final[_Phrases] = (
    ("invalid JSON ({error})", "JSON invalide ({error})"),
    ("control character {character} not allowed", "caractère de contrôle {character} interdit"),
    ("may not be null", "ne peut pas être vide"),
    ("cannot be null", "ne peut pas être vide"),
    ("field required", "champ obligatoire"),
    ("required", "obligatoire"),
    ("unknown field", "champ inconnu"),
    ("expected an object", "un objet est attendu"),
    ("must be an object", "doit être un objet"),
    ("Not Found", "Introuvable"),
    ("Method Not Allowed", "Méthode non autorisée"),
    (
        "conflict with existing data (a unique or foreign key constraint)",
        "conflit avec des données existantes (une contrainte d'unicité ou de clé étrangère)",
    ),
)

# Pydantic's own messages, as they reach a definition error (the editor shows them as they
# come; a request's own 422 items are worded by the UI from their type).
_PYDANTIC: Final[_Phrases] = (
    ("Field required", "champ obligatoire"),
    ("Extra inputs are not permitted", "champ inconnu"),
    ("Input should be a valid integer", "un nombre entier est attendu"),
    (
        "Input should be a valid integer, unable to parse string as an integer",
        "un nombre entier est attendu",
    ),
    (
        "Input should be a valid integer, got a number with a fractional part",
        "un nombre entier est attendu, sans décimales",
    ),
    ("Input should be a valid number", "un nombre est attendu"),
    ("Input should be a valid number, unable to parse string as a number", "un nombre est attendu"),
    ("Input should be a valid string", "un texte est attendu"),
    ("Input should be a valid boolean", "true ou false est attendu"),
    (
        "Input should be a valid boolean, unable to interpret input",
        "true ou false est attendu",
    ),
    ("Input should be a valid list", "une liste est attendue"),
    ("Input should be a valid dictionary", "un objet est attendu"),
    ("Input should be greater than {limit}", "doit être supérieur à {limit}"),
    ("Input should be greater than or equal to {limit}", "doit être supérieur ou égal à {limit}"),
    ("Input should be less than {limit}", "doit être inférieur à {limit}"),
    ("Input should be less than or equal to {limit}", "doit être inférieur ou égal à {limit}"),
    ("String should have at least 1 character", "ne peut pas être vide"),
    ("String should have at least {count} characters", "au moins {count} caractères"),
    ("String should have at most {count} characters", "au plus {count} caractères"),
    ("List should have at least 1 item after validation, not 0", "au moins un élément est attendu"),
    (
        "List should have at least {count} items after validation, not {given}",
        "au moins {count} éléments sont attendus, pas {given}",
    ),
    (
        "List should have at most {count} items after validation, not {given}",
        "au plus {count} éléments, pas {given}",
    ),
    ("Input should be '{first}' or '{second}'", "valeur attendue : '{first}' ou '{second}'"),
    (
        "Input should be '{first}', {middle} or '{last}'",
        "valeur attendue : '{first}', {middle} ou '{last}'",
    ),
)

# JSON Schema checks of a step's config (a custom action's input schema, a blueprint's inputs).
_JSON_SCHEMA: Final[_Phrases] = (
    ("{value} is not of type 'string'", "{value} n'est pas un texte"),
    ("{value} is not of type 'integer'", "{value} n'est pas un nombre entier"),
    ("{value} is not of type 'number'", "{value} n'est pas un nombre"),
    ("{value} is not of type 'boolean'", "{value} n'est pas true ou false"),
    ("{value} is not of type 'array'", "{value} n'est pas une liste"),
    ("{value} is not of type 'object'", "{value} n'est pas un objet"),
    ("{value} is not of type {types}", "{value} n'est pas du type attendu ({types})"),
    ("{value} is not one of {choices}", "{value} ne fait pas partie des choix {choices}"),
    ("{value} is a required property", "le champ {value} est obligatoire"),
    ("{value} is less than the minimum of {limit}", "{value} est inférieur au minimum {limit}"),
    ("{value} is greater than the maximum of {limit}", "{value} est supérieur au maximum {limit}"),
    (
        "{value} is less than or equal to the minimum of {limit}",
        "{value} doit être strictement supérieur à {limit}",
    ),
    (
        "{value} is greater than or equal to the maximum of {limit}",
        "{value} doit être strictement inférieur à {limit}",
    ),
    ("{value} is too short", "{value} est trop court"),
    ("{value} is too long", "{value} est trop long"),
    ("{value} should be non-empty", "{value} ne peut pas être vide"),
    ("{value} does not match {pattern}", "{value} ne respecte pas le format {pattern}"),
)

# Dates, durations and business hours (common/dates.py, engine/business_hours.py).
_DATE_HELP = (
    "expected an ISO 8601 date or datetime (2026-12-01, 2026-12-01T09:00:00Z), 'now', "
    "'today', 'tomorrow', 'yesterday' or a relative offset such as '+7 days', '-2 hours', "
    "'in 3 days'"
)
_DURATION_HELP = (
    "expected a positive duration such as '3 days', '2h', '1d 2h', '90 minutes', an ISO 8601 "
    "duration (P3D, PT2H30M) or a number of seconds"
)
_DATES: Final[_Phrases] = (
    (
        f"invalid date {{value}}: {_DATE_HELP}",
        "date invalide {value} : saisissez une date ISO 8601 (2026-12-01, 2026-12-01T09:00:00Z), "
        "'now', 'today', 'tomorrow', 'yesterday' ou un décalage relatif comme '+7 days', "
        "'-2 hours', 'in 3 days'",
    ),
    (
        f"invalid duration {{value}}: {_DURATION_HELP}",
        "durée invalide {value} : saisissez une durée positive comme '3 days', '2h', '1d 2h', "
        "'90 minutes', une durée ISO 8601 (P3D, PT2H30M) ou un nombre de secondes",
    ),
    (
        "invalid date {value}: not a valid ISO 8601 date or datetime",
        "date invalide {value} : ce n'est pas une date ISO 8601 valide",
    ),
    ("invalid date {value}: offset out of range", "date invalide {value} : décalage hors limites"),
    (
        "invalid date {value}: months and years must be whole numbers",
        "date invalide {value} : les mois et les années doivent être des nombres entiers",
    ),
    (
        "invalid duration {value}: a duration must be positive",
        "durée invalide {value} : une durée doit être positive",
    ),
    (
        "invalid duration {value}: months and years have no fixed length, use days or weeks",
        "durée invalide {value} : les mois et les années n'ont pas de durée fixe, comptez en "
        "jours ou en semaines",
    ),
    ("invalid duration {value}: too large", "durée invalide {value} : trop longue"),
    (
        "invalid duration {value}: ISO durations may use W, D, H, M and S "
        "(months and years have no fixed length)",
        "durée invalide {value} : une durée ISO n'utilise que W, D, H, M et S (les mois et les "
        "années n'ont pas de durée fixe)",
    ),
    ("expected a date, got an empty value", "une date est attendue, la valeur est vide"),
    (
        "invalid time {value}: expected HH:MM (24h), e.g. '09:00'",
        "heure invalide {value} : le format HH:MM (sur 24 h) est attendu, par ex. '09:00'",
    ),
    ("end {end} must be after start {start}", "la fin {end} doit être après le début {start}"),
    (
        "unknown day {value}: expected e.g. 'mon' or 'Monday'",
        "jour inconnu {value} : écrivez par ex. 'mon' ou 'Monday'",
    ),
    ("at least one business day is required", "au moins un jour ouvré est requis"),
    ("unknown time zone {value}", "fuseau horaire inconnu {value}"),
)

# Conditions, steps, triggers and limits of a workflow definition (the editor's save/validate).
_DEFINITIONS: Final[_Phrases] = (
    ("expected a condition object, got {kind}", "un objet condition est attendu, pas {kind}"),
    ("empty condition", "condition vide"),
    ("NOT takes exactly one rule (got {count})", "NOT prend exactement une règle ({count} ici)"),
    (
        "unexpected key in a group (expected operator and rules)",
        "clé inattendue dans un groupe (operator et rules sont attendus)",
    ),
    (
        "unknown group operator {operator} (expected AND, OR or NOT)",
        "opérateur de groupe inconnu {operator} (AND, OR ou NOT est attendu)",
    ),
    ("expected a list of rules, got {kind}", "une liste de règles est attendue, pas {kind}"),
    ("a group needs at least one rule", "un groupe doit contenir au moins une règle"),
    (
        "unexpected key in a rule (expected field, operator and value)",
        "clé inattendue dans une règle (field, operator et value sont attendus)",
    ),
    ("missing operator", "opérateur manquant"),
    (
        "unknown operator {operator} (expected one of {expected})",
        "opérateur inconnu {operator} (attendu : {expected})",
    ),
    ("missing field name", "nom de champ manquant"),
    ("field must be a string, got {kind}", "le champ doit être un texte, pas {kind}"),
    ("field name must not be empty", "le nom du champ ne peut pas être vide"),
    (
        "invalid field path {field} (expected dotted names such as 'deal.amount')",
        "chemin de champ invalide {field} (des noms séparés par des points sont attendus, par "
        "ex. 'deal.amount')",
    ),
    (
        "a value is required for operator {operator}",
        "une valeur est requise pour l'opérateur {operator}",
    ),
    (
        "value must not be null for {operator} (use is_empty or is_not_empty)",
        "la valeur ne peut pas être vide pour {operator} (utilisez is_empty ou is_not_empty)",
    ),
    ("{operator} expects a list, got {kind}", "{operator} attend une liste, pas {kind}"),
    (
        "'between' expects a list of two bounds [low, high]",
        "'between' attend une liste de deux bornes [basse, haute]",
    ),
    (
        "'between' bounds must be numbers, strings or dates, got {bound}",
        "les bornes de 'between' doivent être des nombres, des textes ou des dates, pas {bound}",
    ),
    (
        "'between' low bound {low} is above high bound {high}",
        "la borne basse {low} de 'between' dépasse la borne haute {high}",
    ),
    (
        "{operator} expects a number, string or date, got {kind}",
        "{operator} attend un nombre, un texte ou une date, pas {kind}",
    ),
    (
        "{operator} expects a string or number, got {kind}",
        "{operator} attend un texte ou un nombre, pas {kind}",
    ),
    ("keys must be strings, got {key}", "les clés doivent être des textes, pas {key}"),
    (
        "{key} expects a non-empty list of conditions",
        "{key} attend une liste de conditions non vide",
    ),
    (
        "unknown operator {key} (expected $and, $or, $not, $nor or a field name)",
        "opérateur inconnu {key} ($and, $or, $not, $nor ou un nom de champ est attendu)",
    ),
    (
        "cannot mix $operators and plain keys in one condition",
        "une condition ne peut pas mélanger des $opérateurs et des clés simples",
    ),
    ("{operator} expects true or false", "{operator} attend true ou false"),
    ("$not expects an object of $operators", "$not attend un objet de $opérateurs"),
    (
        "{value} is not a date: use ISO 8601 ('2026-12-01T09:00:00Z') or a template such as "
        "'{{{{ deal.close_date }}}}'",
        "{value} n'est pas une date : utilisez le format ISO 8601 ('2026-12-01T09:00:00Z') ou "
        "une variable comme '{{{{ deal.close_date }}}}'",
    ),
    (
        "set exactly one of `duration` (e.g. '3 days') or `until`",
        "indiquez soit `duration` (par ex. '3 days'), soit `until`, mais pas les deux",
    ),
    ("an approver reference cannot be empty", "un approbateur ne peut pas être vide"),
    (
        "{value} is not an approver: use user:<id|email>, title:<title>, role:<role>, manager, "
        "owner or a template",
        "{value} n'est pas un approbateur : utilisez user:<id|e-mail>, title:<intitulé>, "
        "role:<rôle>, manager, owner ou une variable",
    ),
    ("unknown role {value} (expected one of: {roles})", "rôle inconnu {value} (attendu : {roles})"),
    (
        "name at least one approver (`approvers`: ['manager'], ...)",
        "indiquez au moins un approbateur (`approvers` : ['manager'], ...)",
    ),
    (
        "mode 'quorum' needs `quorum`: how many approvals are enough",
        "le mode 'quorum' demande `quorum` : le nombre d'approbations qui suffit",
    ),
    ("`quorum` only applies with mode 'quorum'", "`quorum` ne s'applique qu'au mode 'quorum'"),
    ("unknown approval mode {mode}", "mode d'approbation inconnu {mode}"),
    ("must be a list of steps", "doit être une liste d'étapes"),
    ("a branch needs a condition", "une branche doit avoir une condition"),
    (
        "template syntax error: {reason} (line {line})",
        "erreur de syntaxe dans une variable : {reason} (ligne {line})",
    ),
    ("template over a limit: {reason}", "variable au-delà d'une limite : {reason}"),
    ("template nested too deeply", "variables imbriquées trop profondément"),
    (
        "access to attribute {attribute} is not allowed",
        "l'accès à l'attribut {attribute} n'est pas autorisé",
    ),
    ("duplicate step id {step}", "identifiant d'étape en double : {step}"),
    (
        "a retry policy applies to action steps, not to {kind} steps",
        "les nouvelles tentatives s'appliquent aux étapes d'action, pas aux étapes {kind}",
    ),
    (
        "unknown action type {action} (expected one of: {known}, a custom action of your catalog, "
        "or a control step: branch, parallel, delay, approval, stop)",
        "type d'action inconnu {action} (attendu : {known}, une action personnalisée de votre "
        "catalogue ou une étape de contrôle : branch, parallel, delay, approval, stop)",
    ),
    (
        "the input schema of {action} is broken: {reason}",
        "le schéma d'entrée de {action} est invalide : {reason}",
    ),
    (
        "unknown approver title {value}: no active user has it (titles: {known})",
        "intitulé d'approbateur inconnu {value} : aucun utilisateur actif ne le porte "
        "(intitulés : {known})",
    ),
    (
        "unknown approver {value}: no active user with that id or email",
        "approbateur inconnu {value} : aucun utilisateur actif n'a cet identifiant ou cet e-mail",
    ),
    (
        'must be an object such as {{"mode": "single"}}',
        'doit être un objet comme {{"mode": "single"}}',
    ),
    (
        "unknown time zone {value} (use an IANA name like Europe/Paris)",
        "fuseau horaire inconnu {value} (utilisez un nom IANA comme Europe/Paris)",
    ),
    (
        "cron expression {value} does not parse (e.g. '0 9 * * 1-5')",
        "expression cron {value} illisible (par ex. '0 9 * * 1-5')",
    ),
    ("0 (Sunday) to 6, or mon..sun", "de 0 (dimanche) à 6, ou mon..sun"),
    (
        "set exactly one of `frequency` (daily|weekly|monthly) or `cron`",
        "indiquez soit `frequency` (daily|weekly|monthly), soit `cron`, mais pas les deux",
    ),
    (
        "the definition is {size} bytes of JSON; at most {limit} are allowed "
        "(CRMFLOW_MAX_DEFINITION_BYTES)",
        "la définition fait {size} octets de JSON ; {limit} au plus sont autorisés "
        "(CRMFLOW_MAX_DEFINITION_BYTES)",
    ),
    (
        "{count} steps; a workflow may have at most {limit} steps at all levels "
        "(CRMFLOW_MAX_STEPS)",
        "{count} étapes ; un workflow a au plus {limit} étapes, tous niveaux confondus "
        "(CRMFLOW_MAX_STEPS)",
    ),
)

# What an action's config check says at save time (actions/*.py).
_ACTIONS: Final[_Phrases] = (
    ("set `tag` or `tags`", "indiquez `tag` ou `tags`"),
    (
        "give at most one of `json`, `form` or `body`",
        "indiquez au plus un des champs `json`, `form` ou `body`",
    ),
    (
        "activities are logged on organisations, deals or contacts, not on {kind_text}s: set "
        "`entity` to one of the run's related records",
        "une activité s'enregistre sur une organisation, une affaire ou un contact, pas sur une "
        "fiche {kind_text} : choisissez dans `entity` l'une des fiches liées à l'exécution",
    ),
    ("{value} is not a recipient", "{value} n'est pas un destinataire"),
    (
        "{value}: unknown kind {kind} (use user:, title: or role:)",
        "{value} : type inconnu {kind} (utilisez user:, title: ou role:)",
    ),
    ("{value}: say which {kind}", "{value} : précisez la valeur de {kind}"),
    (
        "{value} is not an email address, a user id, owner, manager, title:…, role:… or a template",
        "{value} n'est ni une adresse e-mail, ni un identifiant d'utilisateur, ni owner, manager, "
        "title:…, role:…, ni une variable",
    ),
    ("{value} is not a valid email address", "{value} n'est pas une adresse e-mail valide"),
)

VALIDATION_PHRASES: Final[_Phrases] = (
    *_WORDS,
    *_COMMON,
    *_PYDANTIC,
    *_JSON_SCHEMA,
    *_DATES,
    *_DEFINITIONS,
    *_ACTIONS,
    *RECORD_PHRASES,
)
