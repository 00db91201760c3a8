"""Make sure Redis and RabbitMQ answer on loopback, starting the machine's servers if needed.

Used by `make test` before the suite; exits 1 naming the service it could not get, so tests
that need a broker fail loudly instead of being skipped.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

SERVICES = {
    "Redis": (
        6379,
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
    ),
    "RabbitMQ": (5672, ["rabbitmq-server", "-detached"]),
}


def _open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def main() -> int:
    """Start what is down and wait for it; return 1 if a service stays unreachable."""
    for name, (port, command) in SERVICES.items():
        if _open(port):
            continue
        try:
            subprocess.run(command, check=False, capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"{name} is down and could not be started: {exc}", file=sys.stderr)
            return 1
        deadline = time.monotonic() + 90
        while not _open(port):
            if time.monotonic() > deadline:
                print(f"{name} did not come up on 127.0.0.1:{port}", file=sys.stderr)
                return 1
            time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
