"""Send one webhook request: SSRF-checked, pinned to the checked address, capped and classified.

`send` resolves and checks the host itself, then connects to that IP literal with the original
Host header (and, for https, the host name as SNI so certificates are still verified against the
name). Nothing resolves the name a second time, so DNS rebinding cannot swap the address.

Limits: the whole call, redirects included, shares one deadline of `request.timeout` seconds; a
server trickling bytes can stretch that by at most one read timeout. Responses are asked for
uncompressed (Accept-Encoding: identity) and capped at `max_response_bytes` decoded bytes.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import socket
import ssl
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import httpx

from crmflow.common.network_guard import check_network
from crmflow.outbound.ssrf import (
    Allowlist,
    IPAddress,
    Refused,
    Resolver,
    Target,
    ip_literal,
    parse_target,
    safe_addresses,
)

__all__ = ["Refused", "WebhookRequest", "WebhookResult", "send", "sign", "signature_headers"]

MAX_REDIRECTS = 5
TEXT_LIMIT = 10_000  # characters of a non-JSON body kept for the run log
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# httpx computes these itself; a caller's copy would disagree with what is really sent.
_MANAGED_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
# Not handed to a different origin on redirect: they were meant for the first one.
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_BODY_HEADERS = frozenset({"content-type", "content-encoding"})
# Identity: a compressed body could inflate far past the size cap before we could count it.
_DEFAULT_HEADERS = {"Accept-Encoding": "identity", "User-Agent": "crmflow-webhooks"}


@dataclass
class WebhookRequest:
    """One HTTP request a webhook step wants made."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    timeout: float = 10.0


@dataclass
class WebhookResult:
    """What came back (or why nothing did); header names are lower-case."""

    status: int | None
    headers: dict[str, str]
    body_json: Any | None
    body_text: str | None
    size: int
    elapsed_ms: float
    retryable: bool
    retry_after: float | None
    error: str | None
    final_url: str

    @property
    def ok(self) -> bool:
        """Whether the call succeeded (a 2xx answer)."""
        return self.error is None


class _Failure(Exception):
    """A call that ended without a usable answer; becomes an error result."""

    def __init__(
        self, message: str, *, retryable: bool, status: int | None = None, headers: Any = None
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.headers: dict[str, str] = dict(headers or {})


@dataclass
class _Reply:
    status: int
    headers: dict[str, str]
    content: bytes
    charset: str


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 (hex) of "<timestamp>." + body, keyed with the webhook's secret."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_headers(secret: str, body: bytes, now: datetime | float) -> dict[str, str]:
    """Headers that let the receiver check the body came from us, and when."""
    timestamp = int(now.timestamp() if isinstance(now, datetime) else now)
    return {
        "X-Crmflow-Timestamp": str(timestamp),
        "X-Crmflow-Signature": f"sha256={sign(secret, timestamp, body)}",
    }


def send(
    request: WebhookRequest,
    *,
    allowlist: Allowlist,
    max_response_bytes: int,
    resolver: Resolver = socket.getaddrinfo,
) -> WebhookResult:
    """Make the call; network trouble comes back as an error result, SSRF as `Refused`."""
    check_network(f"HTTP {request.method.upper()} {request.url}")
    started = time.monotonic()
    deadline = started + request.timeout
    method, body, url = request.method.upper(), request.body, request.url
    headers = _without(request.headers, _MANAGED_HEADERS)
    for name, value in _DEFAULT_HEADERS.items():
        if name.lower() not in {k.lower() for k in headers}:
            headers[name] = value
    previous: Target | None = None
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            target = parse_target(url)
            url = target.url
            if previous and (previous.scheme, previous.netloc) != (target.scheme, target.netloc):
                headers = _without(headers, _CREDENTIAL_HEADERS)
            try:
                addresses = safe_addresses(target, allowlist, _bounded(resolver, deadline))
            except OSError as exc:
                raise _Failure(f"could not resolve {target.host}: {exc}", retryable=True) from None
            reply = _exchange(
                target, addresses, method, headers, body, deadline, max_response_bytes
            )
            location = reply.headers.get("location")
            if reply.status not in REDIRECT_STATUSES or not location:
                return _result(reply, url, started)
            if reply.status in (301, 302, 303) and method != "HEAD":
                method, body = "GET", None
                headers = _without(headers, _BODY_HEADERS)
            previous, url = target, urljoin(target.url, location)
        raise _Failure(f"too many redirects (more than {MAX_REDIRECTS})", retryable=False)
    except _Failure as failure:
        return WebhookResult(
            status=failure.status,
            headers=failure.headers,
            body_json=None,
            body_text=None,
            size=0,
            elapsed_ms=(time.monotonic() - started) * 1000,
            retryable=failure.retryable,
            retry_after=None,
            error=str(failure),
            final_url=url,
        )


def _without(headers: dict[str, str], names: frozenset[str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in names}


def _bounded(resolver: Resolver, deadline: float) -> Resolver:
    """The resolver, but giving up at the deadline (getaddrinfo has no timeout of its own)."""

    def run(host: str, port: int) -> Sequence[tuple[Any, ...]]:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="webhook-dns")
        try:
            return pool.submit(resolver, host, port).result(timeout=_remaining(deadline))
        except TimeoutError:
            raise OSError("DNS lookup timed out") from None
        finally:
            pool.shutdown(wait=False)  # a stuck lookup must not hold the caller

    return run


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Failure("timed out: the call's time budget ran out", retryable=True)
    return left


@functools.cache
def _default_ssl_context() -> ssl.SSLContext:
    # Building a context reads the CA bundle: do it once, not per call.
    return httpx.create_ssl_context()


def _exchange(
    target: Target,
    addresses: list[IPAddress],
    method: str,
    headers: dict[str, str],
    body: bytes | None,
    deadline: float,
    max_bytes: int,
) -> _Reply:
    """One request to the first checked address that accepts a connection."""
    extensions: dict[str, Any] = {}
    if target.scheme == "https" and ip_literal(target.host) is None:
        extensions["sni_hostname"] = target.host  # verify the certificate against the name
    context = _default_ssl_context()
    for index, ip in enumerate(addresses):
        timeout = _remaining(deadline)
        # A fresh client each time: a pooled TLS connection checked for one name must not
        # carry a request for another name that happens to share the IP.
        with httpx.Client(verify=context, trust_env=False, timeout=timeout) as client:
            try:
                req = client.build_request(
                    method,
                    target.url_for(ip),
                    headers={**headers, "Host": target.netloc},
                    content=body,
                    extensions=extensions,
                )
            except (httpx.InvalidURL, ValueError) as exc:  # e.g. a non-ASCII header value
                raise _Failure(f"bad request: {exc}", retryable=False) from None
            try:
                response = client.send(req, stream=True)
            except httpx.ConnectError as exc:
                if index + 1 < len(addresses):
                    continue  # the next checked address may answer
                raise _Failure(
                    f"could not connect to {target.netloc}: {exc}", retryable=True
                ) from None
            except httpx.HTTPError as exc:
                raise _classify(exc, timeout) from None
            try:
                return _read(response, deadline, max_bytes, timeout)
            except httpx.HTTPError as exc:
                raise _classify(exc, timeout) from None
            finally:
                response.close()
    raise _Failure(f"no address to connect to for {target.netloc}", retryable=True)


def _classify(exc: httpx.HTTPError, timeout: float) -> _Failure:
    if isinstance(exc, httpx.TimeoutException):
        return _Failure(f"timed out after {timeout:.3g}s ({type(exc).__name__})", retryable=True)
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return _Failure(f"{type(exc).__name__}: {exc}", retryable=True)
    # Anything else is about the request we built (bad header, bad method): sending it again
    # would fail the same way.
    return _Failure(f"{type(exc).__name__}: {exc}", retryable=False)


def _read(response: httpx.Response, deadline: float, max_bytes: int, timeout: float) -> _Reply:
    """Read the body up to the cap; redirects are not read at all."""
    headers = dict(response.headers)
    status = response.status_code
    if status in REDIRECT_STATUSES and "location" in headers:
        return _Reply(status, headers, b"", "utf-8")
    too_big = _Failure(
        f"response larger than {max_bytes} bytes", retryable=False, status=status, headers=headers
    )
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise _Failure(f"timed out after {timeout:.3g}s reading the response", retryable=True)
    return _Reply(status, headers, b"".join(chunks), response.charset_encoding or "utf-8")


def _result(reply: _Reply, url: str, started: float) -> WebhookResult:
    status = reply.status
    body_json, body_text = _decode(reply)
    ok = 200 <= status < 300
    retryable = status == 429 or status >= 500
    return WebhookResult(
        status=status,
        headers=reply.headers,
        body_json=body_json,
        body_text=body_text,
        size=len(reply.content),
        elapsed_ms=(time.monotonic() - started) * 1000,
        retryable=retryable,
        retry_after=parse_retry_after(reply.headers.get("retry-after")) if retryable else None,
        error=None if ok else f"HTTP {status}",
        final_url=url,
    )


def _decode(reply: _Reply) -> tuple[Any | None, str | None]:
    """JSON when the content type says so and it parses; otherwise (truncated) text."""
    media_type = reply.headers.get("content-type", "").split(";")[0].strip().lower()
    if reply.content and (media_type == "application/json" or media_type.endswith("+json")):
        try:
            return json.loads(reply.content), None
        except ValueError:
            pass  # a server lying about its content type: keep the text instead
    try:
        text = reply.content.decode(reply.charset, errors="replace")
    except LookupError:
        text = reply.content.decode("utf-8", errors="replace")
    return None, text[:TEXT_LIMIT]


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
