"""French for the sentences a run writes: step errors, run errors, condition explanations.

Entries are (English format, French format); see `crmflow.common.i18n_phrases` for the rules
(a placeholder ending in `_text` is itself a sentence and is translated too). Emails, webhooks,
templates and secrets are in `i18n_phrases_delivery`; the grammar of condition explanations
and simulation predicates, which is read by a parser rather than by pattern, is in
`i18n_phrases_conditions`.
"""

from __future__ import annotations

from typing import Final

from crmflow.common.enums import ApprovalStatus
from crmflow.common.i18n_phrases_delivery import DELIVERY_PHRASES

# Record kinds as `record_text` placeholders name them (`deal #12`).
_RECORDS: Final = (
    ("organisation", "organisation"),
    ("deal", "affaire"),
    ("contact", "contact"),
    ("task", "tâche"),
    ("activity", "activité"),
)

RECIPIENT_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    ("user: no recipient resolved from {ref}", "user : aucun destinataire trouvé pour {ref}"),
    ("to: no recipient resolved from {ref}", "to : aucun destinataire trouvé pour {ref}"),
    ("user: no user resolved from {ref}", "user : aucun utilisateur trouvé pour {ref}"),
    (
        "entity: this run has no trigger record; set config.entity",
        "entity : cette exécution n'a pas d'enregistrement déclencheur ; renseignez config.entity",
    ),
    *(
        (
            f"entity: the run has no related {kind} record",
            f"entity : l'exécution n'a pas d'enregistrement lié de type {french}",
        )
        for kind, french in _RECORDS
    ),
    (
        "entity: the run has no related {kind} record",
        "entity : l'exécution n'a pas d'enregistrement lié de type {kind}",
    ),
    ("user: {ref} is not a user reference", "user : {ref} ne désigne pas un utilisateur"),
    ("user: no user {ref} in this company", "user : aucun utilisateur {ref} dans cette entreprise"),
    (
        "user: unknown reference kind {kind} (use user:, title:, role:)",
        "user : type de référence inconnu {kind} (utilisez user:, title: ou role:)",
    ),
    (
        "user: no user with email {email} in this company",
        "user : aucun utilisateur avec l'e-mail {email} dans cette entreprise",
    ),
    (
        "user: cannot resolve {ref} (id, email, owner, manager, title:, role:)",
        "user : impossible de savoir qui est {ref} (identifiant, e-mail, owner, manager, "
        "title:, role:)",
    ),
)

STEP_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    # A step's error or a run's error: the failing path and step type, then why.
    ("{path_token} ({type_token}): {error_text}", "{path_token} ({type_token}) : {error_text}"),
    # The action's own config: a field, then what is wrong with it (often a CRM message).
    ("config.{field}: {reason_text}", "config.{field} : {reason_text}"),
    ("config: {reason_text}", "config : {reason_text}"),
    ("unknown action type {step_type}", "type d'action inconnu : {step_type}"),
    (
        "database refused the write: {detail}",
        "la base de données a refusé l'écriture : {detail}",
    ),
    ("would run {step_type}", "exécuterait {step_type}"),
    (
        "attempt {attempt} of {attempts} failed; next attempt at {at}",
        "tentative {attempt} sur {attempts} en échec ; prochaine tentative le {at}",
    ),
    ("failed after {attempts} attempts", "échec après {attempts} tentatives"),
    ("took else", "chemin « Sinon » pris"),
    ("took branch {index}", "branche {index} prise"),
    ("branch {name}: {error_text}", "branche {name} : {error_text}"),
    ("{count} branches joined", "{count} branches réunies"),
    ("{count} branches joined, {failed} failed", "{count} branches réunies, {failed} en échec"),
    ("config.until: {wanted} is not a date", "config.until : {wanted} n'est pas une date"),
    ("waited until {at}", "attente terminée le {at}"),
    ("{wanted} is already past: no wait", "{wanted} est déjà passé : pas d'attente"),
    ("would wait until {at}", "attendrait jusqu'au {at}"),
    ("waits until {at}", "attend jusqu'au {at}"),
    ("no business time within 3 years", "aucune heure ouvrée dans les 3 prochaines années"),
    ("stop step reached", "étape d'arrêt atteinte"),
    ("stopped: {reason_text}", "arrêtée : {reason_text}"),
    # A skipped step's message: its `when` explanation (read by the explanation parser).
    ("when: {explanation_text}", "condition d'exécution : {explanation_text}"),
)

APPROVAL_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    (
        "no approver found for {approvers} (nobody holds that title or role, or the record "
        "has no owner/manager)",
        "aucun approbateur trouvé pour {approvers} (personne n'a cette fonction ou ce rôle, "
        "ou l'enregistrement n'a pas de responsable ou de manager)",
    ),
    (
        "quorum {quorum} cannot be reached: only {count} approver(s) resolved from {approvers}",
        "le quorum de {quorum} est impossible à atteindre : seulement {count} approbateur(s) "
        "trouvé(s) pour {approvers}",
    ),
    (
        "would ask {emails} ({mode_text}); assumed approved",
        "demanderait à {emails} ({mode_text}) ; considérée comme approuvée",
    ),
    (
        "asked {emails} ({mode_text}); waiting until {until}",
        "demande envoyée à {emails} ({mode_text}) ; en attente jusqu'au {until}",
    ),
    (
        "asked {emails} ({mode_text}); waiting",
        "demande envoyée à {emails} ({mode_text}) ; en attente",
    ),
    (
        "no decision within {timeout}: escalated to {emails} ({mode_text}); waiting until {until}",
        "aucune décision sous {timeout} : escaladée à {emails} ({mode_text}) ; en attente "
        "jusqu'au {until}",
    ),
    ("any", "un seul approbateur suffit"),
    ("all", "tous doivent approuver"),
    ("quorum {quorum}", "quorum de {quorum}"),
    (
        "no decision within {timeout}, and the approvers have no manager to escalate to; the "
        "request is closed",
        "aucune décision sous {timeout}, et les approbateurs n'ont pas de manager à qui "
        "escalader ; la demande est close",
    ),
    (
        "approval {approval_id} was {status_text}: {reason_text}",
        "la demande d'approbation {approval_id} a été {status_text} : {reason_text}",
    ),
    (ApprovalStatus.APPROVED.value, "approuvée"),
    (ApprovalStatus.REJECTED.value, "rejetée"),
    (ApprovalStatus.CANCELLED.value, "annulée"),
    (
        "no decision within {timeout}: {status_text} automatically (on_timeout: {rule})",
        "aucune décision sous {timeout} : {status_text} automatiquement (on_timeout : {rule})",
    ),
    (
        "no decision within {timeout}: {status_text} automatically",
        "aucune décision sous {timeout} : {status_text} automatiquement",
    ),
    (
        "no decision within {timeout}; nobody to escalate to",
        "aucune décision sous {timeout} ; personne à qui escalader",
    ),
    ("approved by {who} ({count} of {needed})", "approuvée par {who} ({count} sur {needed})"),
    (
        "rejected by {who} (quorum of {quorum} out of reach): {comment}",
        "rejetée par {who} (quorum de {quorum} hors d'atteinte) : {comment}",
    ),
    (
        "rejected by {who} (quorum of {quorum} out of reach)",
        "rejetée par {who} (quorum de {quorum} hors d'atteinte)",
    ),
    (
        "{status_text} by {who} (admin override): {comment}",
        "{status_text} par {who} (décision d'administrateur) : {comment}",
    ),
    (
        "{status_text} by {who} (admin override)",
        "{status_text} par {who} (décision d'administrateur)",
    ),
    ("rejected by {who}: {comment}", "rejetée par {who} : {comment}"),
    ("rejected by {who}", "rejetée par {who}"),
    ("execution cancelled by {who}", "exécution annulée par {who}"),
)

RUN_ONLY_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    (
        "gave up: the worker running this execution was lost {losses} times (killed, crashed "
        "or past its lease); a step probably crashes the worker. Steps that finished before "
        "are kept and never run twice.",
        "abandon : le processus qui menait cette exécution a été perdu {losses} fois (arrêté, "
        "planté ou hors délai) ; une étape le fait probablement planter. Les étapes déjà "
        "terminées sont conservées et ne sont jamais exécutées deux fois.",
    ),
    ("internal error: {kind}: {detail}", "erreur interne : {kind} : {detail}"),
    (
        "loop guard: this run was caused by a chain of {depth} workflow changes (limit {limit})",
        "protection contre les boucles : cette exécution vient d'une chaîne de {depth} "
        "modifications faites par des workflows (limite : {limit})",
    ),
    (
        "re-enrollment after {days} days: {record_text} went through this workflow in "
        "execution #{execution_id} on {when} UTC",
        "nouveau passage après {days} jours : {record_text} a déjà suivi ce workflow lors de "
        "l'exécution n° {execution_id} le {when} UTC",
    ),
    (
        "re-enrollment never: {record_text} already went through this workflow (#{execution_id})",
        "nouveau passage jamais autorisé : {record_text} a déjà suivi ce workflow "
        "(n° {execution_id})",
    ),
    (
        "run mode single: execution #{execution_id} is in progress for {record_text}",
        "mode d'exécution Unique : l'exécution n° {execution_id} est en cours pour {record_text}",
    ),
    (
        "run mode queued: waits for execution #{execution_id} on {record_text}",
        "mode d'exécution File d'attente : attend la fin de l'exécution n° {execution_id} "
        "sur {record_text}",
    ),
    (
        "cancelled: restarted by execution #{execution_id} (run mode restart)",
        "annulée : relancée par l'exécution n° {execution_id} (mode d'exécution Redémarrage)",
    ),
    (
        "run mode restart: cancelled execution(s) {executions}",
        "mode d'exécution Redémarrage : exécution(s) annulée(s) {executions}",
    ),
    ("cancelled by {who}", "annulée par {who}"),
    *((f"{kind} #{{record_id}}", f"{french} n° {{record_id}}") for kind, french in _RECORDS),
)

SIMULATION_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    (
        "{{{{ {variable} }}}} is empty for this input: the text will have a gap",
        "{{{{ {variable} }}}} est vide pour cette entrée : il manquera ce morceau du texte",
    ),
    (
        "{entity} has no field {key}: conditions and templates will not see it; did you mean "
        "{close}?",
        "le type {entity} n'a pas de champ {key} : les conditions et les modèles ne le verront "
        "pas ; vouliez-vous dire {close} ?",
    ),
    (
        "{entity} has no field {key}: conditions and templates will not see it",
        "le type {entity} n'a pas de champ {key} : les conditions et les modèles ne le verront pas",
    ),
    ("{address} is not an email address", "{address} n'est pas une adresse e-mail"),
    ("nobody holds the title {title}", "personne n'occupe la fonction {title}"),
    ("no active user {user}", "aucun utilisateur actif {user}"),
    ("the call would be refused: {reason_text}", "l'appel serait refusé : {reason_text}"),
    (
        "never runs: an earlier stop always ends the run",
        "ne s'exécute jamais : une étape d'arrêt placée avant termine toujours l'exécution",
    ),
    # An alternative no input takes (read by the predicate parser for its predicate).
    (
        "{outcome_text} ({predicate_text}) can never happen: {why_not_text}",
        "{outcome_text} ({predicate_text}) ne peut jamais arriver : {why_not_text}",
    ),
    ("true", "vrai"),
    ("false", "faux"),
    ("else", "Sinon"),
    ("branch {index}", "branche {index}"),
    (
        "after a stop that always ends the run",
        "après une étape d'arrêt qui termine toujours l'exécution",
    ),
    ("depends on {field}, which no input sets", "dépend de {field}, qu'aucune entrée ne fournit"),
    ("no input satisfies it", "aucune entrée ne la satisfait"),
    # The trigger filter's explanation with what the simulation assumed about the trigger.
    (
        "{explanation_text} (assumed: {assumed_text})",
        "{explanation_text} (hypothèses : {assumed_text})",
    ),
    (
        "the stage changed to {stage} (from unknown)",
        "l'étape du pipeline est passée à {stage} (valeur précédente inconnue)",
    ),
    ("these fields changed: {fields}", "ces champs ont changé : {fields}"),
    # A back-test's tallies: why events were skipped (a predicate), and a note on the diff.
    ("skipped: trigger filter", "ignoré : filtre du déclencheur"),
    ("skipped: {predicate_text}", "ignoré : {predicate_text}"),
    (
        "real runs still waiting (approvals, delays) count as a different outcome",
        "les exécutions réelles encore en attente (approbations, délais) comptent comme un "
        "résultat différent",
    ),
    (
        "interrupted: no progress since {at} (the server stopped while it ran); start the "
        "back-test again",
        "interrompu : aucun progrès depuis {at} (le serveur s'est arrêté pendant le calcul) ; "
        "relancez le back-test",
    ),
)

RUN_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    ("no conditions", "aucune condition"),
    *RECIPIENT_PHRASES,
    *STEP_PHRASES,
    *APPROVAL_PHRASES,
    *RUN_ONLY_PHRASES,
    *SIMULATION_PHRASES,
    *DELIVERY_PHRASES,
)
