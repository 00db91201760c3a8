"""French for the messages about records people manage: workflows, SLAs, approvals, users,
custom actions, blueprints, secrets and CRM records (joined in `i18n_phrases_validation`).
"""

from __future__ import annotations

from typing import Final

_Phrases = tuple[tuple[str, str], ...]

# Workflows as records: lookups, import and export, tags, inbound URLs, versions, templates.
_WORKFLOWS: Final[_Phrases] = (
    ("workflow {workflow} not found", "workflow {workflow} introuvable"),
    ("workflows {workflows} not found", "workflows {workflows} introuvables"),
    (
        "workflow {workflow} has no version {number}",
        "le workflow {workflow} n'a pas de version {number}",
    ),
    (
        "give both trigger_entity_type and trigger_entity_id",
        "indiquez à la fois trigger_entity_type et trigger_entity_id",
    ),
    (
        "format {value} is not one this version reads ({format})",
        "le format {value} n'est pas lisible par cette version ({format})",
    ),
    (
        'expected {{"crmflow_export": 1, "workflows": [...]}} or a list of workflows',
        'un objet {{"crmflow_export": 1, "workflows": [...]}} ou une liste de workflows est '
        "attendu",
    ),
    ("{count} entries, at most {limit} per import", "{count} entrées, {limit} au plus par import"),
    (
        "already {count}, the most a workflow holds",
        "déjà {count} étiquettes, le maximum pour un workflow",
    ),
    (
        "give a tag with add_tag and remove_tag, and only with them",
        "indiquez `tag` avec add_tag et remove_tag, et seulement avec eux",
    ),
    ("at most {count} tags to filter on", "{count} étiquettes au plus pour filtrer"),
    ("{name} is longer than a tag can be", "{name} est plus long qu'une étiquette"),
    ("a tag cannot hold a comma", "une étiquette ne peut pas contenir de virgule"),
    (
        "tag '{tag}' is given twice (tags ignore case)",
        "l'étiquette '{tag}' figure deux fois (les majuscules ne comptent pas)",
    ),
    (
        "workflow {workflow} is triggered by {trigger}, not webhook_received: "
        "it has no inbound URL",
        "le workflow {workflow} est déclenché par {trigger}, pas par webhook_received : il n'a "
        "pas d'URL entrante",
    ),
    ("no inbound webhook at this URL", "aucun webhook entrant à cette URL"),
    ("workflow is not active", "le workflow n'est pas actif"),
    ("workflow has no version to run", "le workflow n'a aucune version à exécuter"),
    (
        "template {template} not found (built-in: {known})",
        "modèle {template} introuvable (modèles intégrés : {known})",
    ),
    ("template {template} not found", "modèle {template} introuvable"),
    (
        "too many runs waited for at once by your company (at most {limit}, "
        "CRMFLOW_MAX_SYNC_WAITS): retry shortly, or call with wait=0 and follow "
        "GET /api/v1/executions/{{id}}",
        "trop d'exécutions attendues en même temps par votre entreprise ({limit} au plus, "
        "CRMFLOW_MAX_SYNC_WAITS) : réessayez dans un instant, ou appelez avec wait=0 et suivez "
        "GET /api/v1/executions/{{id}}",
    ),
)

# SLAs and their breaches (sla/service.py).
_SLA: Final[_Phrases] = (
    (
        "workflow {workflow} has no step {step} (steps: none)",
        "le workflow {workflow} n'a pas d'étape {step} (il n'a aucune étape)",
    ),
    (
        "must not be above critical_threshold_seconds ({warning} > {critical})",
        "ne doit pas dépasser critical_threshold_seconds ({warning} > {critical})",
    ),
    (
        "workflow {workflow} has no step {step} (steps: {known})",
        "le workflow {workflow} n'a pas d'étape {step} (étapes : {known})",
    ),
    ("SLA {sla} not found", "SLA {sla} introuvable"),
    ("SLA breach {breach} not found", "dépassement de SLA {breach} introuvable"),
    ("breach {breach} is already acknowledged", "le dépassement {breach} est déjà pris en charge"),
    ("breach {breach} is already resolved", "le dépassement {breach} est déjà résolu"),
)

# Approval decisions (approvals/service.py).
_APPROVALS: Final[_Phrases] = (
    ("approval {approval} not found", "demande d'approbation {approval} introuvable"),
    ("you already approved this request", "vous avez déjà approuvé cette demande"),
    ("you already rejected this request", "vous avez déjà rejeté cette demande"),
    ("you already decided this request", "vous avez déjà donné votre décision sur cette demande"),
    (
        "only a designated approver (or an admin, recorded as an override) may decide approval "
        "{approval}",
        "seul un approbateur désigné (ou un administrateur, dont la décision est alors notée "
        "comme exceptionnelle) peut décider de la demande d'approbation {approval}",
    ),
    (
        "approval {approval} is already approved (by {people} at {when})",
        "la demande d'approbation {approval} est déjà approuvée (par {people}, le {when})",
    ),
    (
        "approval {approval} is already approved (at {when})",
        "la demande d'approbation {approval} est déjà approuvée (le {when})",
    ),
    (
        "approval {approval} is already rejected (by {people} at {when})",
        "la demande d'approbation {approval} est déjà rejetée (par {people}, le {when})",
    ),
    (
        "approval {approval} is already rejected (at {when})",
        "la demande d'approbation {approval} est déjà rejetée (le {when})",
    ),
    (
        "approval {approval} is cancelled: {reason_text}",
        "la demande d'approbation {approval} est annulée : {reason_text}",
    ),
    ("approval {approval} is cancelled", "la demande d'approbation {approval} est annulée"),
)

# Signing in, sessions, roles, users and API tokens (auth/).
_AUTH: Final[_Phrases] = (
    (
        "missing Bearer token (Authorization: Bearer <token>) or session cookie",
        "jeton Bearer (Authorization: Bearer <jeton>) ou cookie de session manquant",
    ),
    ("invalid, expired or revoked token", "jeton invalide, expiré ou révoqué"),
    (
        "your role (viewer) cannot change data",
        "votre rôle (lecteur) ne permet pas de modifier les données",
    ),
    ("only admins can do this", "seuls les administrateurs peuvent faire cela"),
    (
        "missing X-CSRF-Token header: a request signed in by the crmflow_session cookie must "
        "repeat the crmflow_csrf cookie's value in it",
        "en-tête X-CSRF-Token manquant : une requête authentifiée par le cookie crmflow_session "
        "doit y reprendre la valeur du cookie crmflow_csrf",
    ),
    (
        "X-CSRF-Token does not match this session's crmflow_csrf cookie",
        "X-CSRF-Token ne correspond pas au cookie crmflow_csrf de cette session",
    ),
    (
        "too many failed sign-ins for this account: try again in {seconds} seconds",
        "trop d'échecs de connexion pour ce compte : réessayez dans {seconds} secondes",
    ),
    (
        "too many failed sign-ins for your address: try again in {seconds} seconds",
        "trop d'échecs de connexion depuis votre adresse : réessayez dans {seconds} secondes",
    ),
    ("unknown email or wrong password", "e-mail inconnu ou mot de passe incorrect"),
    ("not an email address", "ce n'est pas une adresse e-mail"),
    (
        "a user with email {email} already exists",
        "un utilisateur avec l'e-mail {email} existe déjà",
    ),
    ("no user {user} in this company", "aucun utilisateur {user} dans votre entreprise"),
    ("user {user} is deactivated", "l'utilisateur {user} est désactivé"),
    ("user {user} not found", "utilisateur {user} introuvable"),
    ("token {token} not found", "jeton {token} introuvable"),
    ("you cannot deactivate yourself", "vous ne pouvez pas vous désactiver vous-même"),
    (
        "you cannot remove your own admin role",
        "vous ne pouvez pas retirer votre propre rôle d'administrateur",
    ),
    ("would make a management cycle", "créerait une boucle dans la hiérarchie"),
    ("{name} is reserved for browser sessions", "{name} est réservé aux sessions du navigateur"),
)

# The action catalog's custom actions (catalog/service.py).
_CATALOG: Final[_Phrases] = (
    (
        "action type {action} is not in the catalog",
        "le type d'action {action} n'est pas dans le catalogue",
    ),
    (
        "only local references ($ref: '#/...') are allowed, got {value}",
        "seules les références locales ($ref: '#/...') sont autorisées, pas {value}",
    ),
    ("larger than {limit} bytes", "plus de {limit} octets"),
    (
        "not a valid JSON Schema: {reason} (at {where})",
        "ce n'est pas un JSON Schema valide : {reason} (à {where})",
    ),
    ("not a valid JSON Schema: {reason}", "ce n'est pas un JSON Schema valide : {reason}"),
    (
        'a step config is a JSON object: the schema needs "type": "object"',
        "la configuration d'une étape est un objet JSON : le schéma doit indiquer "
        '"type": "object"',
    ),
    (
        "{action} is a built-in action (built-ins are read-only); choose another type for a "
        "custom action",
        "{action} est une action intégrée (en lecture seule) : choisissez un autre type pour une "
        "action personnalisée",
    ),
    (
        "{action} is a control step type; choose another type",
        "{action} est un type d'étape de contrôle : choisissez un autre type",
    ),
    ("a custom action {action} already exists", "une action personnalisée {action} existe déjà"),
    (
        "{action} is a built-in action: its catalog entry comes from the code and is read-only",
        "{action} est une action intégrée : sa fiche du catalogue vient du code et ne se modifie "
        "pas",
    ),
)

# Blueprints: their inputs, graph, import and versions (blueprints/).
_BLUEPRINTS: Final[_Phrases] = (
    (
        "expected {{nodes: [{{id, type, x, y}}], edges: [{{from, to}}]}}",
        "un objet {{nodes: [{{id, type, x, y}}], edges: [{{from, to}}]}} est attendu",
    ),
    (
        "{value} is not the trigger or a step path of process_steps",
        "{value} n'est ni le déclencheur ni le chemin d'une étape de process_steps",
    ),
    (
        "x and y are numbers within ±1,000,000",
        "x et y sont des nombres compris entre -1 000 000 et 1 000 000",
    ),
    (
        "expected a JSON Schema object or a list of inputs",
        "un objet JSON Schema ou une liste de paramètres est attendu",
    ),
    (
        "a JSON Schema with type object, properties and required (unexpected: {unexpected})",
        "un JSON Schema avec type object, properties et required est attendu (inattendu : "
        "{unexpected})",
    ),
    ("an object of at most {limit} inputs", "un objet de {limit} paramètres au plus"),
    ("names of declared inputs only", "uniquement des noms de paramètres déclarés"),
    ("an object with a name", "un objet avec un nom (name) est attendu"),
    (
        "an input name is lower case letters, digits and _",
        "un nom de paramètre s'écrit en lettres minuscules, chiffres et _",
    ),
    ("unknown keys {keys}", "clés inconnues : {keys}"),
    ("one of {choices}", "une valeur parmi {choices}"),
    ("no such input (inputs: none)", "paramètre inconnu (aucun paramètre n'est déclaré)"),
    ("no such input (inputs: {known})", "paramètre inconnu (paramètres : {known})"),
    (
        "template syntax ({{{{, {{%) is not allowed in an input; edit the workflow after creating "
        "it instead",
        "la syntaxe des variables ({{{{, {{%) n'est pas autorisée dans un paramètre : modifiez "
        "plutôt le workflow après l'avoir créé",
    ),
    (
        "{value} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0 or 2.0.0-rc.1)",
        "{value} n'est pas une version sémantique (MAJEURE.MINEURE.CORRECTIF, par ex. 1.2.0 ou "
        "2.0.0-rc.1)",
    ),
    ("{reason_text} (used at {where})", "{reason_text} (utilisé à {where})"),
    (
        "this installation has no action {actions} (install the plugin or create the custom "
        "action first)",
        "cette installation n'a aucune action {actions} (installez le plugin ou créez d'abord "
        "l'action personnalisée)",
    ),
    (
        "the steps use {{{{ inputs.{name} }}}} but no such input is declared (undeclared: "
        "{undeclared})",
        "les étapes utilisent {{{{ inputs.{name} }}}} mais ce paramètre n'est pas déclaré "
        "(non déclarés : {undeclared})",
    ),
    (
        "a credential is typed in clear; a blueprint is shared, so use {{{{ secrets.NAME }}}} "
        "instead",
        "un identifiant est saisi en clair ; un modèle se partage, utilisez donc plutôt "
        "{{{{ secrets.NAME }}}}",
    ),
    (
        "{version} is not above the installed version {installed} of {name}; publish a higher "
        "version",
        "{version} n'est pas supérieure à la version installée {installed} de {name} : publiez "
        "une version plus élevée",
    ),
    (
        "{version} removes or tightens inputs of {installed} without a new major version "
        "({reasons}); publish it as {major}",
        "{version} retire ou restreint des paramètres de {installed} sans nouvelle version "
        "majeure ({reasons}) : publiez-la en {major}",
    ),
    (
        "the content does not match its checksum (was the file changed after export?); leave "
        "`checksum` out to import it anyway",
        "le contenu ne correspond pas à sa somme de contrôle (le fichier a-t-il été modifié "
        "après l'export ?) ; retirez `checksum` pour l'importer quand même",
    ),
    ("process template {blueprint} not found", "modèle {blueprint} introuvable"),
    (
        "a built-in blueprint is read-only: import it under a new version to change it",
        "un modèle intégré est en lecture seule : importez-le sous une nouvelle version pour le "
        "modifier",
    ),
)

# Secrets (vault/) and their use in step configs (workflows/credentials.py, vault/masking.py).
_MASK = "********"
_SECRETS: Final[_Phrases] = (
    ("secret {name} not found", "secret {name} introuvable"),
    (
        "a secret named {name} already exists: replace its value with PUT /api/v1/secrets/{name}",
        "un secret nommé {name} existe déjà : remplacez sa valeur avec PUT /api/v1/secrets/{name}",
    ),
    ("secrets cannot be stored: {reason}", "impossible d'enregistrer des secrets : {reason}"),
    (
        "a secret holds at most {limit} bytes (UTF-8)",
        "un secret contient {limit} octets au plus (UTF-8)",
    ),
    (
        "write the secret's name: {{{{ secrets.NAME }}}}",
        "écrivez le nom du secret : {{{{ secrets.NAME }}}}",
    ),
    (
        "invalid secret name {name}: a letter, then letters, digits or _ (64 at most)",
        "nom de secret invalide {name} : une lettre, puis des lettres, des chiffres ou _ "
        "(64 au plus)",
    ),
    (
        "`secrets` is read one secret at a time: {{{{ secrets.NAME }}}}",
        "`secrets` se lit un secret à la fois : {{{{ secrets.NAME }}}}",
    ),
    (
        "a write-only field takes a reference to the secrets store, such as "
        "{{{{ secrets.NAME }}}}, not the value itself",
        "un champ en écriture seule prend une référence à un secret, comme "
        "{{{{ secrets.NAME }}}}, pas la valeur elle-même",
    ),
    (
        f"{_MASK} stands for a stored credential, and there is none here to keep: type the value "
        "again or use {{{{ secrets.NAME }}}}",
        f"{_MASK} remplace un identifiant enregistré, et il n'y en a aucun à conserver ici : "
        "saisissez de nouveau la valeur ou utilisez {{{{ secrets.NAME }}}}",
    ),
    (
        f"{_MASK} stands for a stored credential, and this step has none to keep (new, moved, or "
        "calling another URL): type the value again or use {{{{ secrets.NAME }}}}",
        f"{_MASK} remplace un identifiant enregistré, et cette étape n'en a aucun à conserver "
        "(nouvelle, déplacée ou appelant une autre URL) : saisissez de nouveau la valeur ou "
        "utilisez {{{{ secrets.NAME }}}}",
    ),
    ("conditions cannot read secrets", "les conditions ne peuvent pas lire les secrets"),
)

# CRM records, fields, tags and notifications (crm/): they also reach a run's step errors.
_CRM: Final[_Phrases] = (
    (
        "unknown entity type {value} (expected one of {types})",
        "type de fiche inconnu {value} (attendu : {types})",
    ),
    (
        "unknown entity type {value} (expected one of: {types})",
        "type de fiche inconnu {value} (attendu : {types})",
    ),
    (
        "unknown field {field} for {kind_text} (expected one of {fields})",
        "champ {field} inconnu pour une fiche {kind_text} (champs : {fields})",
    ),
    (
        "invalid custom field key {key} (letters, digits, _ and -, at most 64)",
        "clé de champ personnalisé invalide {key} (lettres, chiffres, _ et -, 64 au plus)",
    ),
    (
        "invalid key {key} (letters, digits, _ and -, at most 64)",
        "clé invalide {key} (lettres, chiffres, _ et -, 64 au plus)",
    ),
    ("expected an id, got a boolean", "un identifiant est attendu, pas un booléen"),
    ("expected an id, got {value}", "un identifiant est attendu, pas {value}"),
    ("a tag must be a string, got {kind}", "une étiquette doit être un texte, pas {kind}"),
    (
        "a tag must have 1 to 100 characters, got {value}",
        "une étiquette a de 1 à 100 caractères, pas {value}",
    ),
    ("expected a list of tags, got {kind}", "une liste d'étiquettes est attendue, pas {kind}"),
    ("expected a number, got a boolean", "un nombre est attendu, pas un booléen"),
    ("expected a number, got {value}", "un nombre est attendu, pas {value}"),
    ("expected a finite number, got {value}", "un nombre fini est attendu, pas {value}"),
    ("expected a string, got {kind}", "un texte est attendu, pas {kind}"),
    ("expected an object, got {kind}", "un objet est attendu, pas {kind}"),
    ("must not be empty", "ne peut pas être vide"),
    ("at most {limit} characters, got {count}", "{limit} caractères au plus ({count} ici)"),
    ("at most {limit} characters", "{limit} caractères au plus"),
    ("not an email address: {value}", "ce n'est pas une adresse e-mail : {value}"),
    (
        "value too large ({size} bytes, at most {limit})",
        "valeur trop grande ({size} octets, {limit} au plus)",
    ),
    ("too large", "trop volumineux"),
    ("not a JSON value: {value}", "ce n'est pas une valeur JSON : {value}"),
    ("must be >= {limit}, got {value}", "doit être supérieur ou égal à {limit} ({value} ici)"),
    ("must be <= {limit}, got {value}", "doit être inférieur ou égal à {limit} ({value} ici)"),
    ("expected one of {expected}, got {value}", "valeur attendue parmi {expected}, pas {value}"),
    (
        "no {kind_text} {record} in this company",
        "{kind_text} {record} introuvable dans votre entreprise",
    ),
    ("{kind_text} {record} not found", "{kind_text} {record} introuvable"),
    ("required when related_id is set", "obligatoire quand related_id est renseigné"),
    ("required when related_type is set", "obligatoire quand related_type est renseigné"),
    (
        "cannot create {kind} this way (expected one of {types})",
        "impossible de créer une fiche {kind} ainsi (attendu : {types})",
    ),
    (
        "a contact needs a first name, a last name or an email",
        "un contact doit avoir un prénom, un nom ou un e-mail",
    ),
    ("already used", "déjà utilisé"),
    ("unknown field for activity", "champ inconnu pour une activité"),
    ("unknown sort {sort} (expected one of {allowed})", "tri inconnu {sort} (attendu : {allowed})"),
    (
        "{kind} cannot be tagged (expected one of {types})",
        "une fiche {kind} ne reçoit pas d'étiquettes (attendu : {types})",
    ),
    ("tag {tag} not found", "étiquette {tag} introuvable"),
    ("a tag named {name} already exists", "une étiquette nommée {name} existe déjà"),
    ("notification {notification} not found", "notification {notification} introuvable"),
)

RECORD_PHRASES: Final[_Phrases] = (
    *_WORKFLOWS,
    *_SLA,
    *_APPROVALS,
    *_AUTH,
    *_CATALOG,
    *_BLUEPRINTS,
    *_SECRETS,
    *_CRM,
)
