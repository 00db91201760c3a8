"""wrk, the HTTP load generator the front-door bench drives: found or installed, run, read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# wrk's Lua hooks: one request shape per run, and a JSON summary on the last line.
_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nWRK_JSON {{"requests":%d,"duration_us":%d,"socket_errors":%d,"status_errors":%d,'
    .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


class WrkUnavailable(RuntimeError):
    """wrk is not installed and cannot be installed here."""


@dataclass(frozen=True, slots=True)
class WrkResult:
    """One wrk run: requests answered, the non-2xx among them, timings in milliseconds."""

    requests: int
    seconds: float
    socket_errors: int
    status_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def per_second(self) -> float:
        """Requests answered per second (errors included: see `ok_per_second`)."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def ok_per_second(self) -> float:
        """2xx/3xx answers per second."""
        return (self.requests - self.status_errors) / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-able figures."""
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "per_second": round(self.per_second, 1),
            "ok_per_second": round(self.ok_per_second, 1),
            "socket_errors": self.socket_errors,
            "status_errors": self.status_errors,
            "p50_ms": round(self.p50_ms, 2),
            "p90_ms": round(self.p90_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "max_ms": round(self.max_ms, 2),
        }


def ensure_wrk(say: Any = print) -> str:
    """The path of wrk, installing the Debian package when it is missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise WrkUnavailable("wrk is not installed: install it (apt-get install wrk) and rerun")
    say("installing wrk (apt-get install -y wrk)…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
        # A fresh machine has no package lists yet.
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
        done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise WrkUnavailable(f"apt-get install wrk failed: {done.stderr.strip()[-300:]}")
    found = shutil.which("wrk")
    if not found:
        raise WrkUnavailable("apt-get installed wrk but it is not on PATH")
    return found


def _lua_string(text: str) -> str:
    # A Lua long bracket needs no escaping; pick a level the text does not contain.
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def run_wrk(
    wrk: str,
    url: str,
    *,
    body: str,
    headers: dict[str, str],
    seconds: float,
    connections: int = 8,
    threads: int = 1,
) -> WrkResult:
    """POST `body` to `url` for `seconds` over `connections` and return wrk's figures."""
    header_lines = "\n".join(
        f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()
    )
    with tempfile.TemporaryDirectory(prefix="crmflow-wrk-") as scratch:
        script = Path(scratch) / "post.lua"
        script.write_text(_SCRIPT.format(body=_lua_string(body), headers=header_lines))
        argv = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
        argv += ["--timeout", "10s", "-s", str(script), url]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {(done.stderr or done.stdout)[-400:]}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    return WrkResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        socket_errors=raw["socket_errors"],
        status_errors=raw["status_errors"],
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
    )
