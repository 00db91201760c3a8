"""SSRF guard for webhooks: which URLs and addresses an outgoing call may reach.

Decisions worth knowing:
- Any URL problem (scheme, credentials, host, port) raises `Refused`, as does a forbidden address:
  both are permanent, so the caller fails the step instead of retrying.
- Credentials in the URL (`user:pass@`) are refused, not stripped: `https://good.example@10.0.0.5/`
  is the classic disguise, and secrets belong in an Authorization header, not in stored URLs.
- Hosts are read the way a resolver reads them (`127.1`, `0x7f.1`, `0177.0.0.1`, `2130706433`
  are all 127.0.0.1), so a numeric spelling cannot dodge the check.
- IPv6 zone ids (`[fe80::1%25eth0]`) are recognised and dropped; only the address is judged.
- `localhost` and `*.localhost` mean 127.0.0.1 without asking DNS (RFC 6761).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Same shape as socket.getaddrinfo(host, port): tuples whose last item is the sockaddr.
Resolver = Callable[[str, int], Sequence[tuple[Any, ...]]]

ALLOWLIST_HINT = "set CRMFLOW_WEBHOOK_ALLOWLIST to allow it"
DEFAULT_PORTS = {"http": 80, "https": 443}


class Refused(Exception):
    """A webhook target we will not call; the message says why."""


def _nets(*specs: tuple[str, str]) -> tuple[tuple[Network, str], ...]:
    return tuple((ipaddress.ip_network(net), reason) for net, reason in specs)


# Checked in order, so the more specific entries come first.
_V4_FORBIDDEN = _nets(
    ("0.0.0.0/32", "an unspecified address"),
    ("0.0.0.0/8", "a 'this network' (0.0.0.0/8) address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a carrier-grade NAT (shared) address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.169.254/32", "the cloud metadata address (link-local)"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "a reserved (IETF protocol) address"),
    ("192.0.2.0/24", "a documentation address"),
    ("192.88.99.0/24", "a reserved (6to4 relay) address"),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a reserved (benchmarking) address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("255.255.255.255/32", "a broadcast address"),
    ("240.0.0.0/4", "a reserved address"),
)
_V6_FORBIDDEN = _nets(
    ("::/128", "an unspecified address"),
    ("::1/128", "a loopback address"),
    ("64:ff9b:1::/48", "a local-use NAT64 address"),
    ("100::/64", "a reserved (discard-only) address"),
    ("2001::/32", "a Teredo tunnel address"),
    ("2001:2::/48", "a reserved (benchmarking) address"),
    ("2001:10::/28", "a reserved (ORCHID) address"),
    ("2001:20::/28", "a reserved (ORCHID) address"),
    ("2001:db8::/32", "a documentation address"),
    ("3fff::/20", "a documentation address"),
    ("fc00::/7", "a private (unique local) address"),
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a site-local address"),
    ("ff00::/8", "a multicast address"),
)
_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIXTOFOUR = ipaddress.ip_network("2002::/16")
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why `ip` must not be called (e.g. "a private address"), or None if it is public."""
    if isinstance(ip, ipaddress.IPv4Address):
        return next((reason for net, reason in _V4_FORBIDDEN if ip in net), None)
    ip = ipaddress.IPv6Address(int(ip))  # drop any zone id
    for net, reason in _V6_FORBIDDEN:
        if ip in net:
            return reason
    # Addresses that carry an IPv4 address reach that address: judge the embedded one.
    embedded: tuple[str, ipaddress.IPv4Address] | None = None
    if ip in _MAPPED:
        embedded = ("an IPv4-mapped", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    elif ip in _NAT64:
        embedded = ("a NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    elif ip in _SIXTOFOUR:
        embedded = ("a 6to4", ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF))
    elif ip in _COMPATIBLE:
        return "an IPv4-compatible (deprecated) address"
    if embedded is not None:
        kind, v4 = embedded
        inner = forbidden_reason(v4)
        return f"{kind} address of {v4} ({inner})" if inner else None
    if ip not in _GLOBAL_UNICAST:
        return "a reserved (not global unicast) address"
    return None


@dataclass(frozen=True)
class Allowlist:
    """Hosts and networks webhooks may reach although their addresses are forbidden."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, raw: str) -> Allowlist:
        """Parse CRMFLOW_WEBHOOK_ALLOWLIST: comma-separated host names, IPs and CIDRs."""
        hosts: set[str] = set()
        networks: list[Network] = []
        for entry in (part.strip() for part in raw.split(",")):
            if not entry:
                continue
            bare = entry[1:-1] if entry.startswith("[") and entry.endswith("]") else entry
            try:
                networks.append(ipaddress.ip_network(bare.split("%")[0]))
                continue
            except ValueError as exc:
                if "/" in bare or ":" in bare:
                    raise ValueError(f"bad allowlist entry {entry!r}: {exc}") from None
            literal = _ipv4_legacy(bare.rstrip("."))
            if literal is not None:
                networks.append(ipaddress.ip_network(literal))
                continue
            name = _normalise_name(bare)
            if name is None or _NUMERIC_LABEL.match(name.rsplit(".", 1)[-1]):
                raise ValueError(f"bad allowlist entry {entry!r}: not a host name, IP or CIDR")
            hosts.add(name)
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        """Whether the host name itself is allowlisted (any address it resolves to is trusted)."""
        return host.lower().rstrip(".") in self.hosts

    def allows(self, host: str, ip: IPAddress) -> bool:
        """Whether a call to `host` at `ip` is allowlisted by name or by network."""
        if self.allows_host(host):
            return True
        candidates: list[IPAddress] = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        return any(
            c in net for c in candidates for net in self.networks if c.version == net.version
        )


@dataclass(frozen=True)
class Target:
    """A checked-for-shape webhook URL: scheme, canonical host, port and request target."""

    scheme: str
    host: str
    port: int
    path_and_query: str = "/"

    @property
    def netloc(self) -> str:
        """Host (bracketed if IPv6) plus the port when it is not the scheme's default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """The URL in canonical form (no credentials, no fragment)."""
        return f"{self.scheme}://{self.netloc}{self.path_and_query}"

    def url_for(self, ip: IPAddress) -> str:
        """The same request aimed at one IP literal, so nothing resolves the name again."""
        host = f"[{ip}]" if ip.version == 6 else str(ip)
        return f"{self.scheme}://{host}:{self.port}{self.path_and_query}"


_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_BAD_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


def _ipv4_legacy(text: str) -> ipaddress.IPv4Address | None:
    """Read `text` the way inet_aton (and so getaddrinfo) does: 127.1, 0x7f.1, 0177.0.0.1..."""
    if not text or not all(_NUMERIC_LABEL.match(label) for label in text.lower().split(".")):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def _normalise_name(text: str) -> str | None:
    """Lower-case ASCII (IDNA) form of a DNS name without its trailing dot, or None if invalid."""
    try:
        name = text.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = name.split(".")
    if not name or len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        return None
    return name


def ip_literal(host: str) -> IPAddress | None:
    """The address `host` spells in any form a resolver accepts, or None for a name."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.strip("[]").split("%")[0])
        except ValueError:
            return None
    return _ipv4_legacy(host.rstrip("."))


def parse_target(url: str) -> Target:
    """Split a webhook URL into a Target, or raise Refused if its shape is unacceptable."""
    if _BAD_URL_CHARS.search(url):
        raise Refused("refused: the URL contains spaces, control characters or backslashes")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed "[" in the host
        raise Refused(f"refused: malformed URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise Refused(f"refused: only http and https URLs are allowed, not {scheme or 'none'!r}")
    netloc = parts.netloc
    if "@" in netloc:
        raise Refused("refused: credentials in the URL; send them in an Authorization header")
    if netloc.startswith("["):
        end = netloc.find("]")
        raw_host, rest = netloc[1:end], netloc[end + 1 :]
        if end < 0 or (rest and not rest.startswith(":")):
            raise Refused(f"refused: bad IPv6 host in {url!r}")
        port_text = rest[1:]
    else:
        raw_host, _, port_text = netloc.partition(":")
        if ":" in port_text:
            raise Refused("refused: IPv6 addresses must be written in brackets")
    if not raw_host:
        raise Refused("refused: the URL has no host")
    port = DEFAULT_PORTS[scheme]
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise Refused(f"refused: bad port {port_text!r}")
        port = int(port_text)
    host = _canonical_host(raw_host, bracketed=netloc.startswith("["))
    path_and_query = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port, path_and_query)


def _canonical_host(raw: str, *, bracketed: bool) -> str:
    if bracketed:
        # RFC 6874 writes the zone as %25<zone>; either way only the address matters.
        address = raw.split("%")[0]
        try:
            return str(ipaddress.IPv6Address(address))
        except ValueError:
            raise Refused(f"refused: {raw!r} is not an IPv6 address") from None
    literal = _ipv4_legacy(raw.rstrip("."))
    if literal is not None:
        return str(literal)
    labels = raw.lower().rstrip(".").split(".")
    if _NUMERIC_LABEL.match(labels[-1]):
        # Looks numeric yet is no valid address: resolvers disagree on such names, so refuse.
        raise Refused(f"refused: {raw!r} is not a valid IP address")
    name = _normalise_name(raw)
    if name is None:
        raise Refused(f"refused: {raw!r} is not a valid host name")
    return name


def resolve(host: str, port: int, resolver: Resolver = socket.getaddrinfo) -> list[IPAddress]:
    """Every address `host` stands for (literals are not looked up); OSError if none."""
    literal = ip_literal(host)
    if literal is not None:
        return [literal]
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return [ipaddress.IPv4Address("127.0.0.1")]
    found: list[IPAddress] = []
    for info in resolver(name, port):
        text = str(info[-1][0]).split("%")[0]
        ip = ipaddress.ip_address(text)
        if ip not in found:
            found.append(ip)
    if not found:
        raise OSError(f"{host} resolved to no addresses")
    return found


def safe_addresses(
    target: Target, allowlist: Allowlist, resolver: Resolver = socket.getaddrinfo
) -> list[IPAddress]:
    """The addresses to connect to for `target`, all checked; Refused if any is forbidden."""
    addresses = resolve(target.host, target.port, resolver)
    for ip in addresses:
        reason = forbidden_reason(ip)
        if reason is None or allowlist.allows(target.host, ip):
            continue
        # One bad answer refuses the host: a mixed answer is how rebinding attacks start.
        if ip_literal(target.host) is not None:
            raise Refused(f"refused: {ip} is {reason} ({ALLOWLIST_HINT})")
        raise Refused(f"refused: {target.host} resolves to {ip}, {reason} ({ALLOWLIST_HINT})")
    return addresses
