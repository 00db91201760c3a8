"""A real `crmflow serve` process on a temporary SQLite database, for browser tests and benches."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
DIST_INDEX = ROOT / "web" / "dist" / "index.html"
ADMIN_EMAIL = "admin@e2e.test"


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_built_ui() -> None:
    """Fail loudly when the production bundle has not been built."""
    if not DIST_INDEX.is_file():
        raise AssertionError(f"{DIST_INDEX} is missing: run `make web` first to build the UI")


@dataclass
class LiveServer:
    """A started `crmflow serve`: its URL, admin token, log and an authenticated API client."""

    base_url: str
    token: str
    database: Path
    log: Path
    process: subprocess.Popen[bytes]
    api: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.api = httpx.Client(
            base_url=f"{self.base_url}/api/v1",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
        )

    def log_tail(self, chars: int = 4000) -> str:
        """Return the end of the server's log (for failure messages)."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL if it lingers."""
        self.api.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_server(
    workdir: Path,
    *,
    database: Path | None = None,
    demo: bool = False,
    token: str | None = None,
    env: dict[str, str] | None = None,
    startup_timeout: float = 60,
) -> LiveServer:
    """Start `crmflow serve` with the built UI and wait until /healthz answers."""
    require_built_ui()
    port = free_port()
    token = token or secrets.token_urlsafe(24)
    database = database or workdir / "e2e.db"
    log = workdir / "serve.log"
    environ = {
        **os.environ,
        "CRMFLOW_DATABASE_URL": f"sqlite:///{database}",
        "CRMFLOW_RUNTIME": "embedded",
        "CRMFLOW_ADMIN_TOKEN": token,
        "CRMFLOW_ADMIN_EMAIL": ADMIN_EMAIL,
        "CRMFLOW_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CRMFLOW_SCHEDULER_INTERVAL": "0.5",
        **(env or {}),
    }
    environ.pop("SMTP_HOST", None)  # no network but loopback: emails stay queued
    environ.pop("SENDGRID_API_KEY", None)
    argv = [sys.executable, "-m", "crmflow", "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--log-level", "warning"] + (["--demo"] if demo else [])
    with log.open("ab") as out:
        process = subprocess.Popen(argv, env=environ, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return LiveServer(base_url, token, database, log, process)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    if process.poll() is None:
        process.kill()
        process.wait(timeout=5)
    raise AssertionError(f"crmflow serve did not start:\n{log.read_text(errors='replace')[-3000:]}")
