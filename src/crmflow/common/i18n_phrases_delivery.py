"""French for what a step says about its effects: emails, webhooks and their addresses,
templates and secrets (part of the run catalogue, `crmflow.common.i18n_phrases_runs`)."""

from __future__ import annotations

from typing import Final

_ALLOWLIST: Final = "set CRMFLOW_WEBHOOK_ALLOWLIST to allow it"
# "it" is the address (feminine in French), or the host name (masculine).
_ALLOWLIST_FR: Final = "ajoutez-la à CRMFLOW_WEBHOOK_ALLOWLIST pour l'autoriser"
_ALLOWLIST_HOST_FR: Final = "ajoutez-le à CRMFLOW_WEBHOOK_ALLOWLIST pour l'autoriser"
_KEY_HELP: Final = (
    "set CRMFLOW_SECRET_KEY to a long random string (e.g. the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`) and restart"
)
_KEY_HELP_FR: Final = (
    "donnez à CRMFLOW_SECRET_KEY une longue valeur aléatoire (par exemple le résultat de "
    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`) puis redémarrez"
)

EMAIL_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    (
        "not sent: no SMTP server is configured (set SMTP_HOST, or SENDGRID_API_KEY); the "
        "email is kept, marked failed",
        "non envoyé : aucun serveur SMTP n'est configuré (renseignez SMTP_HOST ou "
        "SENDGRID_API_KEY) ; l'e-mail est conservé et marqué en échec",
    ),
    ("email {email_id} no longer exists", "l'e-mail {email_id} n'existe plus"),
    (
        "the SMTP server refused the email: {reply_text}",
        "le serveur SMTP a refusé l'e-mail : {reply_text}",
    ),
    ("queued for SMTP delivery to {to}", "en file d'attente pour l'envoi SMTP à {to}"),
    (
        "still queued for SMTP delivery ({reason_text})",
        "toujours en file d'attente pour l'envoi SMTP ({reason_text})",
    ),
    ("not tried yet", "pas encore tenté"),
    ("some recipients refused: {replies}", "certains destinataires refusés : {replies}"),
)

WEBHOOK_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    ("url: {reason_text}", "url : {reason_text}"),
    ("body: larger than {limit} bytes", "body : plus de {limit} octets"),
    ("webhook call {call_id} no longer exists", "l'appel de webhook {call_id} n'existe plus"),
    (
        "webhook failed after {attempts} attempt(s): {error_text}",
        "échec du webhook après {attempts} tentative(s) : {error_text}",
    ),
    ("queued: {method} {url}", "en file d'attente : {method} {url}"),
    (
        "attempt {attempt} failed: {error_text}; retrying",
        "la tentative {attempt} a échoué : {error_text} ; nouvel essai prévu",
    ),
    ("queued for delivery", "en file d'attente d'envoi"),
    (
        "gave up after {attempts} attempts: {reply_text}",
        "abandon après {attempts} tentatives : {reply_text}",
    ),
    ("no response", "aucune réponse"),
    ("could not resolve {host}: {detail}", "impossible de résoudre {host} : {detail}"),
    ("too many redirects (more than {limit})", "trop de redirections (plus de {limit})"),
    (
        "timed out: the call's time budget ran out",
        "délai dépassé : le temps accordé à l'appel est écoulé",
    ),
    ("bad request: {detail}", "requête invalide : {detail}"),
    ("could not connect to {host}: {detail}", "connexion impossible à {host} : {detail}"),
    (
        "no address to connect to for {host}",
        "aucune adresse à laquelle se connecter pour {host}",
    ),
    ("timed out after {seconds}s ({kind})", "délai dépassé après {seconds} s ({kind})"),
    (
        "timed out after {seconds}s reading the response",
        "délai dépassé après {seconds} s pendant la lecture de la réponse",
    ),
    ("response larger than {limit} bytes", "réponse de plus de {limit} octets"),
    ("HTTP {method} {url} refused: {reason_text}", "HTTP {method} {url} refusé : {reason_text}"),
    ("email to {to} refused: {reason_text}", "e-mail à {to} refusé : {reason_text}"),
    ("a simulation holds every effect back", "une simulation retient tous les effets"),
)

# Why a webhook's address is refused (`outbound/ssrf.py`), with or without "refused: ".
ADDRESS_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    ("refused: {reason_text}", "refusé : {reason_text}"),
    (
        "the URL contains spaces, control characters or backslashes",
        "l'URL contient des espaces, des caractères de contrôle ou des barres obliques inverses",
    ),
    ("malformed URL ({detail})", "URL mal formée ({detail})"),
    (
        "only http and https URLs are allowed, not {scheme}",
        "seules les URL http et https sont autorisées, pas {scheme}",
    ),
    (
        "credentials in the URL; send them in an Authorization header",
        "identifiants dans l'URL ; envoyez-les dans un en-tête Authorization",
    ),
    ("bad IPv6 host in {url}", "hôte IPv6 invalide dans {url}"),
    (
        "IPv6 addresses must be written in brackets",
        "les adresses IPv6 doivent être écrites entre crochets",
    ),
    ("the URL has no host", "l'URL n'a pas d'hôte"),
    ("bad port {port}", "port invalide : {port}"),
    # The address a reason starts with is one word (`_token`), so a sentence wrapping the
    # reason is not read as a long address.
    ("{host_token} is not an IPv6 address", "{host_token} n'est pas une adresse IPv6"),
    ("{host_token} is not a valid IP address", "{host_token} n'est pas une adresse IP valide"),
    ("{host_token} is not a valid host name", "{host_token} n'est pas un nom d'hôte valide"),
    (
        f"{{ip_token}} is {{kind_text}} ({_ALLOWLIST})",
        f"{{ip_token}} est {{kind_text}} ({_ALLOWLIST_FR})",
    ),
    (
        f"{{host_token}} resolves to {{ip_token}}, {{kind_text}} ({_ALLOWLIST})",
        f"{{host_token}} correspond à {{ip_token}}, {{kind_text}} ({_ALLOWLIST_HOST_FR})",
    ),
    ("an unspecified address", "une adresse non spécifiée"),
    ("a 'this network' (0.0.0.0/8) address", "une adresse « ce réseau » (0.0.0.0/8)"),
    ("a private address", "une adresse privée"),
    ("a carrier-grade NAT (shared) address", "une adresse de NAT opérateur (partagée)"),
    ("a loopback address", "une adresse de bouclage (loopback)"),
    (
        "the cloud metadata address (link-local)",
        "l'adresse des métadonnées du cloud (lien local)",
    ),
    ("a link-local address", "une adresse de lien local"),
    ("a reserved (IETF protocol) address", "une adresse réservée (protocoles IETF)"),
    ("a documentation address", "une adresse réservée à la documentation"),
    ("a reserved (6to4 relay) address", "une adresse réservée (relais 6to4)"),
    ("a reserved (benchmarking) address", "une adresse réservée (tests de performance)"),
    ("a multicast address", "une adresse de multidiffusion (multicast)"),
    ("a broadcast address", "une adresse de diffusion (broadcast)"),
    ("a reserved address", "une adresse réservée"),
    ("a local-use NAT64 address", "une adresse NAT64 à usage local"),
    ("a reserved (discard-only) address", "une adresse réservée (rejet du trafic)"),
    ("a Teredo tunnel address", "une adresse de tunnel Teredo"),
    ("a reserved (ORCHID) address", "une adresse réservée (ORCHID)"),
    ("a private (unique local) address", "une adresse privée (locale unique)"),
    ("a site-local address", "une adresse de site local"),
    ("an IPv4-compatible (deprecated) address", "une adresse compatible IPv4 (obsolète)"),
    ("a reserved (not global unicast) address", "une adresse réservée (hors unicast global)"),
    (
        "an IPv4-mapped address of {ip} ({kind_text})",
        "une adresse IPv4 mappée vers {ip} ({kind_text})",
    ),
    ("a NAT64 address of {ip} ({kind_text})", "une adresse NAT64 vers {ip} ({kind_text})"),
    ("a 6to4 address of {ip} ({kind_text})", "une adresse 6to4 vers {ip} ({kind_text})"),
)

# What a template made too large (`template_limits.check_size`), as the whole complaint.
_TOO_LARGE: Final = (
    ("string", "texte trop long"),
    ("bytes", "suite d'octets trop longue"),
    ("value", "valeur trop grande"),
    ("dict", "dictionnaire trop grand"),
    ("date format", "format de date trop long"),
    ("list", "liste trop longue"),
    ("output", "résultat trop long"),
    ("JSON", "JSON trop long"),
)

TEMPLATE_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    ("template error: {kind}: {detail}", "erreur dans le modèle : {kind} : {detail}"),
    ("template limit exceeded: {reason_text}", "limite du modèle dépassée : {reason_text}"),
    ("template not allowed: {reason_text}", "modèle non autorisé : {reason_text}"),
    (
        "access to attribute {attribute} is not allowed in templates",
        "l'accès à l'attribut {attribute} n'est pas autorisé dans les modèles",
    ),
    (
        "str.translate is not allowed in templates",
        "str.translate n'est pas autorisé dans les modèles",
    ),
    (
        "'*' widths are not allowed in templates",
        "les largeurs '*' ne sont pas autorisées dans les modèles",
    ),
    ("template took longer than {seconds} s", "le modèle a pris plus de {seconds} s"),
    *(
        (
            f"{what} too large ({{size}} characters or more; the limit is {{limit}})",
            f"{french} ({{size}} caractères ou plus ; la limite est de {{limit}})",
        )
        for what, french in _TOO_LARGE
    ),
    (
        "template built too much ({size} characters; the limit is {limit} per config)",
        "le modèle a produit trop de texte ({size} caractères ; la limite est de {limit} "
        "par configuration)",
    ),
    (
        "range too large ({size} items; the limit is {limit})",
        "range trop grand ({size} éléments ; la limite est de {limit})",
    ),
    ("number too large (over {bits} bits)", "nombre trop grand (plus de {bits} bits)"),
    ("number too large to store", "nombre trop grand pour être enregistré"),
    ("format width too large", "largeur de format trop grande"),
    (
        "tojson indent too large (the limit is {limit})",
        "indentation de tojson trop grande (la limite est de {limit})",
    ),
    # Starts with its wrapper, or the wrapper would be taken for the function's name.
    (
        "template limit exceeded: {name} argument too large ({value} > {limit})",
        "limite du modèle dépassée : argument de {name} trop grand ({value} > {limit})",
    ),
)

SECRET_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    (
        "secrets can only be used in the config of call_webhook and custom webhook steps",
        "les secrets ne s'utilisent que dans la configuration des étapes call_webhook et des "
        "webhooks personnalisés",
    ),
    (
        "secret {name} is not defined (an admin adds it under Secrets)",
        "le secret {name} n'est pas défini (un administrateur l'ajoute dans Secrets)",
    ),
    (
        "secret {name} cannot be read: {reason_text}",
        "le secret {name} ne peut pas être lu : {reason_text}",
    ),
    (
        f"CRMFLOW_SECRET_KEY is not configured: {_KEY_HELP}",
        f"CRMFLOW_SECRET_KEY n'est pas configurée : {_KEY_HELP_FR}",
    ),
    (
        f"CRMFLOW_SECRET_KEY is too short (at least {{count}} characters): {_KEY_HELP}",
        f"CRMFLOW_SECRET_KEY est trop courte (au moins {{count}} caractères) : {_KEY_HELP_FR}",
    ),
    (
        "secret {name} is not in a format this version can read",
        "le secret {name} n'est pas dans un format que cette version sait lire",
    ),
    (
        "secret {name} was encrypted with another CRMFLOW_SECRET_KEY (key id {key_id}; the "
        "current key's id is {current_id}): restore that key or write the secret again",
        "le secret {name} a été chiffré avec une autre CRMFLOW_SECRET_KEY (identifiant de clé "
        "{key_id} ; celui de la clé actuelle est {current_id}) : rétablissez cette clé ou "
        "saisissez à nouveau le secret",
    ),
    (
        "secret {name} does not decrypt: its stored value was altered or copied from another "
        "secret; write it again",
        "le secret {name} ne se déchiffre pas : sa valeur enregistrée a été modifiée ou copiée "
        "depuis un autre secret ; saisissez-le à nouveau",
    ),
    (
        "write the secret's name in the template: {{{{ secrets.NAME }}}}",
        "écrivez le nom du secret dans le modèle : {{{{ secrets.NAME }}}}",
    ),
)

DELIVERY_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    *EMAIL_PHRASES,
    *WEBHOOK_PHRASES,
    *ADDRESS_PHRASES,
    *TEMPLATE_PHRASES,
    *SECRET_PHRASES,
)
