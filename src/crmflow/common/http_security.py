"""HTTP hygiene: security headers, optional CORS, /metrics token check, access-log redaction.

`install_http_security(app, settings)` wires the first, second and fourth into an app; the
metrics route calls `metrics_authorized`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote_plus, urlsplit

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crmflow.config import Settings

# What FastAPI's /docs (Swagger UI) and /redoc pages load: scripts and CSS from jsDelivr, fonts
# from Google, FastAPI's favicon. Their inline <script> is allowed by its hash, computed from the
# page itself (see SecurityHeadersMiddleware._docs).
DOCS_SCRIPT_HOSTS = ("https://cdn.jsdelivr.net",)
DOCS_STYLE_HOSTS = ("https://cdn.jsdelivr.net", "https://fonts.googleapis.com")
DOCS_FONT_HOSTS = ("https://fonts.gstatic.com",)
DOCS_IMAGE_HOSTS = ("https://fastapi.tiangolo.com", "https://validator.swagger.io")

# Response headers of every HTTP response (the CSP is added beside them).
STATIC_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # The app never needs a Referer; URLs of the UI name workflows and executions.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}

_INLINE_SCRIPT = re.compile(
    rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)


def _policy(directives: dict[str, Iterable[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def websocket_origin(public_url: str) -> str | None:
    """Return the ws:// or wss:// origin of the public URL (where the UI opens its socket)."""
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{'wss' if parts.scheme == 'https' else 'ws'}://{host}"


def app_policy(settings: Settings) -> str:
    """The Content-Security-Policy of the UI and the API: same-origin code only, no framing."""
    # 'self' covers ws(s) to the same host in current browsers; the public URL's socket origin
    # is named too for older ones (Safari before 15.4).
    socket = websocket_origin(settings.public_url)
    return _policy(
        {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'", *([socket] if socket else [])],
            "frame-ancestors": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "object-src": ["'none'"],
        }
    )


def docs_policy(inline_script_hashes: Iterable[str] = ()) -> str:
    """The policy of the API docs pages: their CDN assets and their own inline scripts only."""
    return _policy(
        {
            "default-src": ["'self'"],
            "script-src": ["'self'", *DOCS_SCRIPT_HOSTS, *inline_script_hashes],
            # Swagger UI and ReDoc (styled-components) write <style> elements at run time.
            "style-src": ["'self'", "'unsafe-inline'", *DOCS_STYLE_HOSTS],
            "img-src": ["'self'", "data:", *DOCS_IMAGE_HOSTS],
            "font-src": ["'self'", "data:", *DOCS_FONT_HOSTS],
            # ReDoc runs its search index in a worker made from a blob: URL.
            "worker-src": ["'self'", "blob:"],
            "connect-src": ["'self'"],
            "frame-ancestors": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "object-src": ["'none'"],
        }
    )


def inline_script_hashes(html: bytes) -> list[str]:
    """Return the CSP source ('sha256-...') of each inline <script> of an HTML page."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        digest = base64.b64encode(hashlib.sha256(match.group(1)).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return list(dict.fromkeys(hashes))


class SecurityHeadersMiddleware:
    """Add the CSP and the other security headers to every HTTP response (a route may set its
    own value of any of them first: that one is kept)."""

    def __init__(self, app: ASGIApp, *, policy: str, docs_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.headers = {"Content-Security-Policy": policy, **STATIC_HEADERS}
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in self.docs_paths:
            await self._docs(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = _with_headers(message, self.headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a docs page whole, with a policy that allows exactly its inline scripts."""
        start: Message | None = None
        body: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
            else:  # nothing else is expected from a small HTML page; pass it on untouched
                await send(message)

        await self.app(scope, receive, collect)
        if start is None:
            return
        content = b"".join(body)
        policy = docs_policy(inline_script_hashes(content))
        await send(_with_headers(start, {**self.headers, "Content-Security-Policy": policy}))
        await send({"type": "http.response.body", "body": content, "more_body": False})


def _with_headers(message: Message, values: dict[str, str]) -> Message:
    message = {**message, "headers": list(message.get("headers", []))}
    headers = MutableHeaders(scope=message)
    for name, value in values.items():
        headers.setdefault(name, value)
    return message


def metrics_authorized(authorization: str | None, token: str | None) -> bool:
    """Return True when no token is set or the header is `Bearer <token>` (constant time)."""
    if not token:
        return True
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())


# --- access-log redaction ----------------------------------------------------------------------

REDACTED = "[redacted]"
# Query parameters whose value is a credential (case-insensitive substring of the name).
SENSITIVE_PARAMETER = re.compile(
    r"token|secret|key|signature|^sig$|passw|pwd|auth|credential|session", re.IGNORECASE
)
_QUERY_PAIR = re.compile(r"(?P<sep>[?&;])(?P<name>[^=&;#\s\"]+)=(?P<value>[^&;#\s\"]*)")
# The inbound webhook URL is itself the credential: /api/v1/hooks/<token>.
_HOOK_PATH = re.compile(r"(/hooks/)[^?#\s\"]+")


def redact_target(text: str) -> str:
    """Replace credentials in a request target (or a log line holding one) with [redacted]."""

    def pair(match: re.Match[str]) -> str:
        if not SENSITIVE_PARAMETER.search(unquote_plus(match["name"])) or not match["value"]:
            return match.group()
        return f"{match['sep']}{match['name']}={REDACTED}"

    text = _HOOK_PATH.sub(rf"\g<1>{REDACTED}", text)
    return _QUERY_PAIR.sub(pair, text)


class AccessLogRedaction(logging.Filter):
    """Rewrite uvicorn's log records so that no token reaches a log handler.

    uvicorn.access logs `'%s - "%s %s HTTP/%s" %d'` with (client, method, path?query, version,
    status); uvicorn.error logs WebSocket handshakes as `'%s - "WebSocket %s" ...'` with the
    path and query too. The argument tuple keeps its shape: uvicorn's AccessFormatter unpacks it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_target(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = redact_target(record.msg)
        return True


REDACTED_LOGGERS = ("uvicorn.access", "uvicorn.error")


def install_access_log_redaction() -> None:
    """Put the redaction filter on uvicorn's loggers (once; dictConfig keeps logger filters)."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, AccessLogRedaction) for f in logger.filters):
            logger.addFilter(AccessLogRedaction())


# --- wiring ------------------------------------------------------------------------------------


def install_http_security(app: FastAPI, settings: Settings) -> None:
    """Install CORS (only when CRMFLOW_ALLOWED_ORIGINS is set), the security headers outside
    everything else, and the access-log redaction."""
    if settings.allowed_origins.strip():
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Retry-After"],
            max_age=600,
        )
    docs_paths = [
        path for path in (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url) if path
    ]
    build = app.build_middleware_stack
    policy = app_policy(settings)

    def build_with_headers() -> ASGIApp:
        # Outside Starlette's ServerErrorMiddleware (always the outermost of the stack it
        # builds), so its 500 answers carry the headers too.
        return SecurityHeadersMiddleware(build(), policy=policy, docs_paths=docs_paths)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
    install_access_log_redaction()
