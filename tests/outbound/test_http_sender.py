"""The webhook sender against real HTTP servers on loopback (names come from a stub resolver)."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from crmflow.outbound import http as sender
from crmflow.outbound.http import (
    WebhookRequest,
    WebhookResult,
    parse_retry_after,
    send,
    sign,
    signature_headers,
)
from crmflow.outbound.ssrf import Allowlist, Refused

LOOPBACK = Allowlist.parse("127.0.0.0/8")


def answers(*ips: str) -> list[tuple]:
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 0)) for ip in ips]


def resolver_for(table: dict[str, list[str]]) -> Any:
    """A getaddrinfo look-alike answering from `table`; unknown names do not exist."""

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answers(*table[host])

    return resolve


STUB = resolver_for({"hooks.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})


class Handler(BaseHTTPRequestHandler):
    """Routes: /echo, /status/<n>, /redirect?code=&to=, /loop, /big?n=&cl=, /text, /badjson."""

    server: RecordingServer

    def handle_any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        seen = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode(),
        }
        self.server.requests.append(seen)
        if url.path == "/echo":
            self.reply(200, json.dumps(seen).encode(), "application/json; charset=utf-8")
        elif url.path.startswith("/status/"):
            extra = {"Retry-After": query["retry_after"]} if "retry_after" in query else {}
            self.reply(int(url.path.rsplit("/", 1)[1]), b"nope", "text/plain", extra)
        elif url.path == "/redirect":
            self.reply(int(query.get("code", "302")), b"", "text/plain", {"Location": query["to"]})
        elif url.path == "/loop":
            self.reply(302, b"", "text/plain", {"Location": "/loop"})
        elif url.path == "/big":
            n = int(query["n"])
            self.reply(200, b"x" * n, "text/plain", length=query.get("cl") != "0")
        elif url.path == "/text":
            self.reply(200, "é".encode() * 20_000, "text/plain; charset=utf-8")
        elif url.path == "/badjson":
            self.reply(200, b"<html>not json</html>", "application/json")
        else:
            self.reply(404, b"not found", "text/plain")

    def do_GET(self) -> None:
        self.handle_any()

    def do_POST(self) -> None:
        self.handle_any()

    def do_PUT(self) -> None:
        self.handle_any()

    def reply(
        self,
        status: int,
        body: bytes,
        content_type: str,
        extra: dict[str, str] | None = None,
        *,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class RecordingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), Handler)
        self.requests: list[dict[str, Any]] = []
        self.port = self.server_address[1]


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    server = RecordingServer()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def call(url: str, method: str = "GET", **kwargs: Any) -> WebhookResult:
    options: dict[str, Any] = {
        "allowlist": LOOPBACK,
        "max_response_bytes": 100_000,
        "resolver": STUB,
    }
    options.update({k: kwargs.pop(k) for k in list(kwargs) if k in options})
    kwargs.setdefault("timeout", 5.0)
    return send(WebhookRequest(method=method, url=url, **kwargs), **options)


def test_json_response_headers_and_host_preserved(server: RecordingServer) -> None:
    result = call(
        f"http://hooks.test:{server.port}/echo?deal=7",
        "post",
        headers={"X-Custom": "yes", "Content-Type": "application/json", "Host": "evil.test"},
        body=b'{"a": 1}',
    )
    assert result.error is None and result.ok and result.status == 200
    assert result.retryable is False and result.retry_after is None
    seen = result.body_json
    assert seen["method"] == "POST" and seen["path"] == "/echo?deal=7"
    assert seen["body"] == '{"a": 1}'
    assert seen["headers"]["x-custom"] == "yes"
    assert seen["headers"]["content-type"] == "application/json"
    # The name the caller wrote, not the IP we connected to, nor a caller-supplied Host.
    assert seen["headers"]["host"] == f"hooks.test:{server.port}"
    assert seen["headers"]["accept-encoding"] == "identity"
    assert result.body_text is None
    assert result.headers["content-type"].startswith("application/json")
    assert result.size == int(result.headers["content-length"])
    assert result.final_url == f"http://hooks.test:{server.port}/echo?deal=7"
    assert result.elapsed_ms > 0


def test_text_is_kept_and_truncated_and_bad_json_falls_back(server: RecordingServer) -> None:
    text = call(f"http://hooks.test:{server.port}/text")
    assert text.ok and text.body_json is None
    assert text.body_text == "é" * sender.TEXT_LIMIT
    assert text.size == 40_000  # bytes, before truncation
    bad = call(f"http://hooks.test:{server.port}/badjson")
    assert bad.ok and bad.body_json is None and bad.body_text == "<html>not json</html>"


def test_redirect_303_is_followed_as_get(server: RecordingServer) -> None:
    result = call(
        f"http://hooks.test:{server.port}/redirect?code=303&to=/echo",
        "POST",
        headers={"Content-Type": "application/json"},
        body=b"{}",
    )
    assert result.ok, result.error
    assert result.body_json["method"] == "GET" and result.body_json["body"] == ""
    assert "content-type" not in result.body_json["headers"]
    assert result.final_url == f"http://hooks.test:{server.port}/echo"
    assert [r["path"] for r in server.requests] == ["/redirect?code=303&to=/echo", "/echo"]


@pytest.mark.parametrize("code", [307, 308])
def test_redirect_307_308_keep_method_and_body(server: RecordingServer, code: int) -> None:
    result = call(
        f"http://hooks.test:{server.port}/redirect?code={code}&to=/echo", "PUT", body=b"keep me"
    )
    assert result.ok, result.error
    assert result.body_json["method"] == "PUT" and result.body_json["body"] == "keep me"


def test_redirect_loop_stops_after_five(server: RecordingServer) -> None:
    result = call(f"http://hooks.test:{server.port}/loop")
    assert result.error == "too many redirects (more than 5)"
    assert result.retryable is False
    assert len(server.requests) == 6


def test_credentials_stay_with_their_origin(server: RecordingServer) -> None:
    to = f"http://other.test:{server.port}/echo"
    result = call(
        f"http://hooks.test:{server.port}/redirect?to={to}",
        headers={"Authorization": "Bearer s3cret", "Cookie": "a=b", "X-Custom": "kept"},
    )
    assert result.ok, result.error
    first, second = server.requests
    assert first["headers"]["authorization"] == "Bearer s3cret"
    assert "authorization" not in second["headers"] and "cookie" not in second["headers"]
    assert second["headers"]["x-custom"] == "kept"
    assert second["headers"]["host"] == f"other.test:{server.port}"


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:{port}/echo",  # the same server, but only the name is allowlisted
        "http://localhost:{port}/echo",
        "http://[::ffff:127.0.0.1]:{port}/echo",
        "file:///etc/passwd",
    ],
)
def test_redirect_to_forbidden_address_is_refused(server: RecordingServer, location: str) -> None:
    to = location.format(port=server.port)
    with pytest.raises(Refused):
        call(
            f"http://hooks.test:{server.port}/redirect?to={to}",
            allowlist=Allowlist.parse("hooks.test"),
        )
    assert [r["path"] for r in server.requests] == [f"/redirect?to={to}"]


def test_forbidden_target_is_refused_before_connecting(server: RecordingServer) -> None:
    with pytest.raises(Refused, match="loopback"):
        call(f"http://127.0.0.1:{server.port}/echo", allowlist=Allowlist())
    with pytest.raises(Refused, match="loopback"):
        call(f"http://hooks.test:{server.port}/echo", allowlist=Allowlist())
    assert server.requests == []


def twin_servers() -> tuple[RecordingServer, RecordingServer]:
    """Servers on 127.0.0.2 and 127.0.0.1 sharing one port, so only the address tells them apart."""
    for _ in range(20):
        checked = RecordingServer("127.0.0.2")
        try:
            return checked, RecordingServer("127.0.0.1", checked.port)
        except OSError:
            checked.server_close()  # that port is taken on 127.0.0.1: try another
    raise AssertionError("no port free on both 127.0.0.1 and 127.0.0.2")


def test_dns_rebinding_connects_to_the_checked_address() -> None:
    """The name is resolved once; the request goes to that checked address, not a later answer."""
    checked, victim = twin_servers()  # Linux routes all of 127/8 to loopback
    for srv in (checked, victim):
        threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
    calls: list[str] = []

    def rebinding(host: str, port: int, *args: object) -> list[tuple]:
        calls.append(host)
        return answers("127.0.0.2" if len(calls) == 1 else "127.0.0.1")

    try:
        # Only the first answer is allowlisted; any second look-up would aim at the victim.
        result = call(
            f"http://rebind.test:{checked.port}/echo",
            allowlist=Allowlist.parse("127.0.0.2/32"),
            resolver=rebinding,
        )
        assert result.ok, result.error
        assert calls == ["rebind.test"]
        assert len(checked.requests) == 1
        assert checked.requests[0]["headers"]["host"] == f"rebind.test:{checked.port}"
        assert victim.requests == []
    finally:
        for srv in (checked, victim):
            srv.shutdown()
            srv.server_close()


def test_dns_rebinding_public_then_loopback_never_reaches_loopback(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    dialled: list[tuple[str, int]] = []

    def rebinding(host: str, port: int, *args: object) -> list[tuple]:
        calls.append(host)
        return answers("93.184.216.34" if len(calls) == 1 else "127.0.0.1")

    def no_internet(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        # Record where the HTTP stack dials, and keep the test off the real network.
        dialled.append(address)
        raise ConnectionRefusedError(111, "Connection refused (test: no internet)")

    monkeypatch.setattr(socket, "create_connection", no_internet)
    # Loopback is even allowlisted: a second look-up would be let through, so there must be none.
    result = call(f"http://rebind.test:{server.port}/echo", resolver=rebinding)
    assert calls == ["rebind.test"]
    assert dialled == [("93.184.216.34", server.port)]
    assert server.requests == []
    assert result.status is None and result.retryable is True
    assert result.error is not None and "could not connect" in result.error


def test_mixed_answer_is_refused(server: RecordingServer) -> None:
    mixed = resolver_for({"mixed.test": ["93.184.216.34", "127.0.0.1"]})
    with pytest.raises(Refused, match=r"mixed\.test resolves to 127\.0\.0\.1"):
        call(f"http://mixed.test:{server.port}/echo", allowlist=Allowlist(), resolver=mixed)
    assert server.requests == []


def test_503_with_retry_after_seconds(server: RecordingServer) -> None:
    result = call(f"http://hooks.test:{server.port}/status/503?retry_after=2")
    assert result.status == 503 and result.error == "HTTP 503"
    assert result.retryable is True and result.retry_after == 2.0
    assert result.body_text == "nope"


def test_retry_after_as_http_date(server: RecordingServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    result = call(f"http://hooks.test:{server.port}/status/503?retry_after={quote(when)}")
    assert result.retryable and result.retry_after is not None
    assert 25 <= result.retry_after <= 31


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_429_is_retryable(server: RecordingServer) -> None:
    result = call(f"http://hooks.test:{server.port}/status/429")
    assert result.status == 429 and result.retryable and result.retry_after is None


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
def test_other_4xx_are_not_retryable(server: RecordingServer, status: int) -> None:
    result = call(f"http://hooks.test:{server.port}/status/{status}")
    assert result.status == status and result.error == f"HTTP {status}"
    assert result.retryable is False and result.retry_after is None


@pytest.mark.parametrize("declared", ["1", "0"])
def test_response_over_the_cap(server: RecordingServer, declared: str) -> None:
    result = call(
        f"http://hooks.test:{server.port}/big?n=5000&cl={declared}", max_response_bytes=1000
    )
    assert result.error == "response larger than 1000 bytes"
    assert result.retryable is False and result.status == 200
    assert result.body_text is None and result.body_json is None


def test_response_at_the_cap_is_read(server: RecordingServer) -> None:
    result = call(f"http://hooks.test:{server.port}/big?n=1000&cl=0", max_response_bytes=1000)
    assert result.ok and result.size == 1000 and result.body_text == "x" * 1000


@pytest.fixture
def hanging_port() -> Iterator[int]:
    """A server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_hanging_server_times_out(hanging_port: int) -> None:
    started = time.monotonic()
    result = call(f"http://hooks.test:{hanging_port}/echo", timeout=1.0)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, elapsed
    assert result.status is None and result.retryable is True
    assert result.error is not None and "timed out" in result.error


def test_connection_refused_is_retryable() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    result = call(f"http://hooks.test:{port}/echo")
    assert result.status is None and result.retryable is True
    assert result.error is not None and "could not connect" in result.error


def test_unresolvable_name_is_retryable() -> None:
    result = call("http://nowhere.test/echo")
    assert result.retryable is True and result.error is not None
    assert "could not resolve nowhere.test" in result.error


def test_signature_matches_an_independent_hmac() -> None:
    body = b'{"event": "deal.won", "id": 7}'
    expected = hmac.new(b"whsec_abc", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("whsec_abc", 1700000000, body) == expected
    headers = signature_headers("whsec_abc", body, 1700000000.9)
    assert headers == {
        "X-Crmflow-Timestamp": "1700000000",
        "X-Crmflow-Signature": f"sha256={expected}",
    }
    at = datetime.fromtimestamp(1700000000, UTC)
    assert signature_headers("whsec_abc", body, at) == headers
    assert sign("other", 1700000000, body) != expected


def test_https_verifies_the_certificate_against_the_host_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """We connect to the IP, yet TLS sends the name as SNI and checks the certificate for it."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=hooks.test",
         "-addext", "subjectAltName=DNS:hooks.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = RecordingServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    sni: list[str | None] = []
    context.sni_callback = lambda _sock, name, _ctx: sni.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    monkeypatch.setattr(
        sender, "_default_ssl_context", lambda: ssl.create_default_context(cafile=cert)
    )
    try:
        good = call(f"https://hooks.test:{server.port}/echo")
        assert good.ok, good.error
        assert good.body_json["headers"]["host"] == f"hooks.test:{server.port}"
        wrong = call(f"https://other.test:{server.port}/echo")
        assert wrong.error is not None and "certificate" in wrong.error.lower()
        assert sni == ["hooks.test", "other.test"]
    finally:
        server.shutdown()
        server.server_close()
