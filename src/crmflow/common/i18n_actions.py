"""The built-in actions' catalog texts in French (names, descriptions, field titles), keyed by
their English text; common/i18n_editor.py serves them with the editor's."""

from __future__ import annotations

from typing import Final

ACTIONS_FRENCH: Final[dict[str, str]] = {
    "Add tag": "Ajouter un tag",
    "Adds one or more tags to the record.": "Ajoute un ou plusieurs tags à l'enregistrement.",
    "Tag": "Tag",
    "one tag": "un tag",
    "several tags": "plusieurs tags",
    "change this related record instead of the one that started the workflow": (
        "modifier cet enregistrement lié plutôt que celui qui a déclenché le workflow"
    ),
    "the kind of record changed": "le type d'enregistrement modifié",
    "its ID": "son ID",
    "Entity ID": "ID de l'enregistrement",
    "the record's tags after the change": "les tags de l'enregistrement après la modification",
    "Assign user": "Attribuer à un utilisateur",
    "Makes someone the owner of the record (the assignee, for a task).": (
        "Rend quelqu'un responsable de l'enregistrement (ou de la tâche)."
    ),
    (
        "the new owner: owner (the record's owner), manager (the owner's "
        "manager), an email address, title:Job title or role:admin"
    ): (
        "le nouveau responsable : owner (le responsable de l'enregistrement), "
        "manager (son manager), une adresse e-mail, title:Intitulé de poste ou "
        "role:admin"
    ),
    "the new owner (assignee for a task)": (
        "le nouveau responsable (de l'enregistrement ou de la tâche)"
    ),
    "User ID": "ID de l'utilisateur",
    "each field that changed, with its old and new value (none when nothing changed)": (
        "chaque champ modifié, avec son ancienne et sa nouvelle valeur (aucun si rien n'a changé)"
    ),
    "Changes": "Modifications",
    "Call webhook": "Appeler un webhook",
    (
        "Sends data to another system (your billing or support tool, for example)"
        " and keeps its answer for the next steps; tries again by itself while "
        "that system is unavailable."
    ): (
        "Envoie des données à un autre système (votre outil de facturation ou de "
        "support, par exemple) et garde sa réponse pour les étapes suivantes ; "
        "réessaie de lui-même tant que ce système est indisponible."
    ),
    "The call to make: where, how and what to send; every value may use the record's.": (
        "L'appel à faire : où, comment et quoi envoyer ; chaque valeur peut "
        "reprendre celles de l'enregistrement."
    ),
    "URL": "Adresse web",
    (
        "the web address to call; an address inside your own network needs your "
        "administrator's approval"
    ): (
        "l'adresse web à appeler ; une adresse de votre propre réseau doit être "
        "autorisée par votre administrateur"
    ),
    "Method": "Méthode",
    "the kind of call the other system expects (POST unless it says otherwise)": (
        "le type d'appel qu'attend l'autre système (POST, sauf indication contraire)"
    ),
    "Headers": "En-têtes",
    (
        "extra information sent with the call; passwords and keys are hidden "
        "wherever the step is shown: insert them from your secrets"
    ): (
        "informations supplémentaires envoyées avec l'appel ; les mots de passe "
        "et les clés sont masqués partout où l'étape est affichée : insérez-les "
        "depuis vos secrets"
    ),
    "JSON": "JSON",
    "the data to send, as JSON": "les données à envoyer, en JSON",
    "Form": "Formulaire",
    "the data to send, as a web form": "les données à envoyer, comme un formulaire web",
    "plain text to send": "du texte brut à envoyer",
    "Timeout": "Délai d'attente",
    "seconds to wait for an answer (10 by default, at most 60)": (
        "secondes d'attente d'une réponse (10 par défaut, 60 au plus)"
    ),
    "Max attempts": "Nombre d'essais",
    "how many times to try while the other system is unavailable (5 by default)": (
        "combien de fois essayer tant que l'autre système est indisponible (5 par défaut)"
    ),
    "The other system's answer.": "La réponse de l'autre système.",
    "the answer's status code (200: all went well)": (
        "le code de statut de la réponse (200 : tout s'est bien passé)"
    ),
    "the answer's headers": "les en-têtes de la réponse",
    "the answer's data, when it is JSON": "les données de la réponse, quand elle est en JSON",
    "otherwise, the answer as text (shortened)": (
        "sinon, la réponse sous forme de texte (raccourci)"
    ),
    "Text": "Texte",
    "the answer's size in bytes": "la taille de la réponse, en octets",
    "Size": "Taille",
    "how long the answer took, in milliseconds": "le temps de réponse, en millisecondes",
    "Elapsed ms": "Durée (ms)",
    "the web address that answered": "l'adresse web qui a répondu",
    "how many tries it took": "le nombre d'essais nécessaires",
    "Attempts": "Essais",
    "the key that lets the other system spot a repeat": (
        "la clé qui permet à l'autre système de repérer un envoi répété"
    ),
    "Idempotency key": "Clé d'idempotence",
    "Create activity": "Créer une activité",
    (
        "Logs a call, meeting, email or note on the record (or a related one), as"
        " if someone had logged it by hand."
    ): (
        "Enregistre un appel, une réunion, un e-mail ou une note sur "
        "l'enregistrement (ou un enregistrement lié), comme si quelqu'un l'avait "
        "saisi à la main."
    ),
    "what happened: a call, meeting, email, note or task": (
        "ce qui s'est passé : un appel, une réunion, un e-mail, une note ou une tâche"
    ),
    "a one-line summary": "un résumé en une ligne",
    "notes, minutes or the email's text": "notes, compte rendu ou texte de l'e-mail",
    "when it happened: a date, or a delay such as -1 hour; by default, now": (
        "quand cela s'est passé : une date, ou un délai comme -1 hour ; par défaut, maintenant"
    ),
    (
        "who did it: owner (the record's owner), manager (the owner's manager), "
        "an email address, title:Job title or role:admin; empty: nobody"
    ): (
        "qui l'a fait : owner (le responsable de l'enregistrement), manager (son "
        "manager), une adresse e-mail, title:Intitulé de poste ou role:admin ; "
        "vide : personne"
    ),
    "log it on this related record instead of the one that started the workflow": (
        "l'enregistrer sur cet enregistrement lié plutôt que sur celui qui a déclenché le workflow"
    ),
    "the new activity": "la nouvelle activité",
    "Activity ID": "ID de l'activité",
    "call, meeting, email, note or task": "appel, réunion, e-mail, note ou tâche",
    "its subject": "son objet",
    "the kind of record it was logged on": (
        "le type d'enregistrement sur lequel elle a été enregistrée"
    ),
    "that record's ID": "l'ID de cet enregistrement",
    "when it happened": "quand cela s'est passé",
    "who did it": "qui l'a fait",
    "Create deal": "Créer une affaire",
    (
        "Opens a new deal (title, amount, stage, owner) for the organisation of "
        "the record that started the workflow, or a related one."
    ): (
        "Ouvre une nouvelle affaire (titre, montant, étape, responsable) pour "
        "l'organisation de l'enregistrement qui a déclenché le workflow, ou une "
        "organisation liée."
    ),
    "the deal's title": "le titre de l'affaire",
    "how much it is expected to bring": "ce qu'elle devrait rapporter",
    "the pipeline stage it starts in": "l'étape du pipeline où elle commence",
    "when it should close: a date, or a delay such as +30 days": (
        "quand elle devrait se conclure : une date, ou un délai comme +30 days"
    ),
    (
        "who owns the deal: owner (the record's owner), manager (the owner's "
        "manager), an email address, title:Job title or role:admin; empty: nobody"
    ): (
        "qui est responsable de l'affaire : owner (le responsable de "
        "l'enregistrement), manager (son manager), une adresse e-mail, "
        "title:Intitulé de poste ou role:admin ; vide : personne"
    ),
    (
        "its organisation: trigger (the organisation of the record that started "
        "the workflow), a chosen organisation, or none"
    ): (
        "son organisation : trigger (l'organisation de l'enregistrement qui a "
        "déclenché le workflow), une organisation choisie, ou none (aucune)"
    ),
    (
        "its contact: trigger (the contact of the record that started the "
        "workflow), a chosen contact, or none"
    ): (
        "son contact : trigger (le contact de l'enregistrement qui a déclenché le"
        " workflow), un contact choisi, ou none (aucun)"
    ),
    "the new deal": "la nouvelle affaire",
    "Deal ID": "ID de l'affaire",
    "its title": "son titre",
    "its amount": "son montant",
    "its pipeline stage": "son étape du pipeline",
    "its owner": "son responsable",
    "Owner ID": "ID du responsable",
    "the linked organisation": "l'organisation liée",
    "Organisation ID": "ID de l'organisation",
    "the linked contact": "le contact lié",
    "Contact ID": "ID du contact",
    "Create task": "Créer une tâche",
    (
        "Creates a task, for example due in a few days and assigned to the "
        "record's owner or to someone else."
    ): (
        "Crée une tâche, par exemple à échéance de quelques jours, attribuée au "
        "responsable de l'enregistrement ou à quelqu'un d'autre."
    ),
    "what needs doing": "ce qu'il faut faire",
    "more detail for the person doing it": "plus de détails pour la personne qui s'en charge",
    "a date, or a delay such as +3 days or tomorrow; empty: no due date": (
        "une date, ou un délai comme +3 days ou tomorrow ; vide : pas d'échéance"
    ),
    (
        "who does it: owner (the record's owner), manager (the owner's manager), "
        "an email address, title:Job title or role:admin"
    ): (
        "qui s'en charge : owner (le responsable de l'enregistrement), manager "
        "(son manager), une adresse e-mail, title:Intitulé de poste ou role:admin"
    ),
    "low, normal, high or urgent": (
        "low (basse), normal (normale), high (haute) ou urgent (urgente)"
    ),
    "Related to trigger": "Liée au déclencheur",
    "link the task to the record that started the workflow": (
        "lier la tâche à l'enregistrement qui a déclenché le workflow"
    ),
    "the task created": "la tâche créée",
    "Task ID": "ID de la tâche",
    "the person it was assigned to": "la personne à qui elle a été attribuée",
    "Assignee ID": "ID du responsable de la tâche",
    "its due date": "son échéance",
    "Remove tag": "Retirer un tag",
    "Removes one or more tags from the record.": "Retire un ou plusieurs tags de l'enregistrement.",
    "Send email": "Envoyer un e-mail",
    (
        "Sends an email to the people or addresses you choose, and waits until "
        "the mail server has accepted it."
    ): (
        "Envoie un e-mail aux personnes ou adresses de votre choix, et attend que"
        " le serveur de messagerie l'ait accepté."
    ),
    "To": "À",
    (
        "who receives it: owner (the record's owner), manager (the owner's "
        "manager), an email address, title:Job title or role:admin; one or "
        "several"
    ): (
        "qui le reçoit : owner (le responsable de l'enregistrement), manager (son"
        " manager), une adresse e-mail, title:Intitulé de poste ou role:admin ; "
        "un ou plusieurs"
    ),
    "Cc": "Cc",
    "who receives a copy, written the same way": "qui reçoit une copie, indiqué de la même façon",
    "the email's subject line": "l'objet de l'e-mail",
    "the text of the email": "le texte de l'e-mail",
    "HTML body": "Texte mis en forme (HTML)",
    "a formatted version of the text (HTML), for mail apps that show it": (
        "une version mise en forme du texte (HTML), pour les messageries qui l'affichent"
    ),
    "the email sent": "l'e-mail envoyé",
    "Email ID": "ID de l'e-mail",
    "the addresses it went to": "les adresses auxquelles il a été envoyé",
    "sent: the mail server accepted it": "sent : le serveur de messagerie l'a accepté",
    "the email's reference, once sent": "la référence de l'e-mail, une fois envoyé",
    "Message ID": "Référence du message",
    "when the mail server accepted it": "quand le serveur de messagerie l'a accepté",
    "Sent at": "Envoyé le",
    "Send notification": "Envoyer une notification",
    "Sends a notification inside crmflow to the people you choose.": (
        "Envoie une notification dans crmflow aux personnes de votre choix."
    ),
    "how important it is: info, success, warning or error": (
        "son importance : info, success (succès), warning (avertissement) ou error (erreur)"
    ),
    "a short heading; by default, the start of the message": (
        "un titre court ; par défaut, le début du message"
    ),
    "Message": "Message",
    "what the notification says": "ce que dit la notification",
    "Link": "Lien",
    "a web address or a crmflow page to open from it": (
        "une adresse web ou une page de crmflow à ouvrir depuis la notification"
    ),
    "one notification per recipient": "une notification par destinataire",
    "Notification IDs": "ID des notifications",
    "the people notified": "les personnes notifiées",
    "User IDs": "ID des utilisateurs",
    "how important it is": "son importance",
    "Update field": "Modifier un champ",
    (
        "Changes a field of the record that started the workflow (or of a related"
        " record), as if someone had edited it."
    ): (
        "Modifie un champ de l'enregistrement qui a déclenché le workflow (ou "
        "d'un enregistrement lié), comme si quelqu'un l'avait modifié à la main."
    ),
    "Field": "Champ",
    "the field to change, one of the record's own or a custom field": (
        "le champ à modifier, un champ de l'enregistrement ou un champ personnalisé"
    ),
    "Value": "Valeur",
    "the new value; it may use values of the record; empty: clears the field": (
        "la nouvelle valeur, qui peut reprendre des valeurs de l'enregistrement ;"
        " vide : efface le champ"
    ),
}
