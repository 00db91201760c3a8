"""SSRF guard: every forbidden spelling is refused, public addresses and the allowlist pass."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from crmflow.outbound.ssrf import (
    Allowlist,
    Refused,
    Target,
    forbidden_reason,
    parse_target,
    resolve,
    safe_addresses,
)

# What the stub "DNS" answers; anything else does not exist. No test touches the network.
STUB_DNS: dict[str, list[str]] = {
    "internal.test": ["10.0.0.5"],
    "metadata.test": ["169.254.169.254"],
    "169.254.169.254.nip.io": ["169.254.169.254"],
    "127.0.0.1.nip.io": ["127.0.0.1"],
    "mixed.test": ["93.184.216.34", "10.1.2.3"],
    "mixed-v6.test": ["2606:2800:220:1:248:1893:25c8:1946", "::1"],
    "v6private.test": ["fd00::1"],
    "aws-v6-metadata.test": ["fd00:ec2::254"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "cgnat.test": ["100.100.100.200"],
    "public.test": ["93.184.216.34"],
    "v6public.test": ["2606:2800:220:1:248:1893:25c8:1946"],
    "multi-public.test": ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"],
    "hooks.test": ["127.0.0.1"],
}


def stub_resolver(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
    """A getaddrinfo look-alike answering from STUB_DNS."""
    if host not in STUB_DNS:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    answers = []
    for text in STUB_DNS[host]:
        ip = ipaddress.ip_address(text)
        if ip.version == 4:
            answers.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (text, port)))
        else:
            answers.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (text, port, 0, 0)))
    return answers


NO_ALLOWLIST = Allowlist.parse("")

# Every URL here must be refused with an empty allowlist.
FORBIDDEN_TARGETS: list[str] = [
    # loopback, in every spelling inet_aton/getaddrinfo accept
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/admin",
    "http://127.0.0.1./",
    "http://127.1/",
    "http://127.0.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.1/",
    "http://0X7F.0.0.1/",
    "http://0177.0.0.1/",
    "http://0177.0.0.01/",
    "http://017700000001/",
    "http://0x7f.0x0.0x0.0x1/",
    "http://127.255.255.254/",
    "http://localhost/",
    "http://localhost./",
    "http://LOCALHOST:9000/",
    "http://api.localhost/",
    "http://127.0.0.1.nip.io/",
    # unspecified / "this network"
    "http://0/",
    "http://0.0.0.0/",
    "http://0.1.2.3/",
    "http://[::]/",
    # IPv6 loopback and spellings of it
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[0000::0001]:80/",
    # IPv4-mapped / -compatible IPv6
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:a00:5]/",
    "http://[::127.0.0.1]/",
    "http://mapped.test/",
    # private (RFC 1918, unique local)
    "http://10.0.0.5/",
    "http://167772165/",
    "http://0x0a.0.0.5/",
    "http://012.0.0.5/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "https://10.0.0.5:8443/hook",
    "http://[fd00::1]/",
    "http://[fc00::1]/",
    "http://internal.test/",
    "http://v6private.test/",
    "http://aws-v6-metadata.test/",
    # carrier-grade NAT
    "http://100.64.0.1/",
    "http://cgnat.test/",
    # link-local and cloud metadata
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/",
    "http://0xa9fea9fe/",
    "http://169.254.169.254.nip.io/",
    "http://metadata.test/computeMetadata/v1/",
    "http://169.254.1.1/",
    "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[fe80::1%eth0]/",
    # site-local, multicast, broadcast, reserved
    "http://[fec0::1]/",
    "http://224.0.0.1/",
    "http://239.255.255.250/",
    "http://[ff02::1]/",
    "http://255.255.255.255/",
    "http://240.0.0.1/",
    "http://192.0.0.8/",
    "http://198.18.0.1/",
    "http://[100::1]/",
    "http://[4000::1]/",
    # documentation ranges
    "http://192.0.2.1/",
    "http://198.51.100.7/",
    "http://203.0.113.9/",
    "http://[2001:db8::1]/",
    "http://[3fff::1]/",
    # NAT64 / 6to4 / Teredo carrying a private or loopback IPv4
    "http://[64:ff9b::10.0.0.5]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b:1::1]/",
    "http://[2002:a00:5::1]/",
    "http://[2002:7f00:1::]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    # mixed answers: one public and one private address refuses the host
    "http://mixed.test/",
    "http://mixed-v6.test/",
]

# Refused for their shape, before any address is looked at.
MALFORMED_TARGETS: list[str] = [
    "ftp://93.184.216.34/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
    "dict://127.0.0.1:11211/",
    "//93.184.216.34/",
    "http:///path",
    "http://",
    "http://user:pass@public.test/",
    "http://public.test@127.0.0.1/",
    "http://public.test\\@127.0.0.1/",
    "http://127.0.0.1 .public.test/",
    "http://public.test:0/",
    "http://public.test:65536/",
    "http://public.test:80x/",
    "http://::1/",
    "http://[::1/",
    "http://[127.0.0.1]/",
    "http://08.0.0.1/",
    "http://4294967296/",
    "http://0x/",
    "http://%31%32%37.0.0.1/",
    "http://exa_mple..test/",
]


def check(url: str, allowlist: Allowlist = NO_ALLOWLIST) -> list[ipaddress._BaseAddress]:
    return safe_addresses(parse_target(url), allowlist, resolver=stub_resolver)


def test_every_forbidden_target_is_refused() -> None:
    assert len(FORBIDDEN_TARGETS) >= 35
    assert len(set(FORBIDDEN_TARGETS)) == len(FORBIDDEN_TARGETS)
    let_through: list[str] = []
    for url in FORBIDDEN_TARGETS:
        try:
            check(url)
        except Refused as exc:
            assert str(exc).startswith("refused: "), (url, str(exc))
        else:
            let_through.append(url)
    refused = len(FORBIDDEN_TARGETS) - len(let_through)
    ratio = refused / len(FORBIDDEN_TARGETS)
    print(f"SSRF refusal ratio: {refused}/{len(FORBIDDEN_TARGETS)} = {ratio:.0%}")
    assert let_through == []
    assert ratio == 1.0


def test_every_malformed_target_is_refused() -> None:
    let_through = []
    for url in MALFORMED_TARGETS:
        try:
            check(url)
        except Refused:
            continue
        let_through.append(url)
    print(
        f"malformed refused: {len(MALFORMED_TARGETS) - len(let_through)}/{len(MALFORMED_TARGETS)}"
    )
    assert let_through == []


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        (
            "http://10.0.0.5/",
            "refused: 10.0.0.5 is a private address (set CRMFLOW_WEBHOOK_ALLOWLIST",
        ),
        ("http://169.254.169.254/", "cloud metadata"),
        ("http://internal.test/", "internal.test resolves to 10.0.0.5, a private address"),
        ("http://mixed.test/", "mixed.test resolves to 10.1.2.3"),
        ("http://[::ffff:127.0.0.1]/", "IPv4-mapped address of 127.0.0.1 (a loopback address)"),
        ("http://[2002:a00:5::1]/", "6to4 address of 10.0.0.5"),
        ("http://user:pw@public.test/", "Authorization header"),
        ("ftp://public.test/", "only http and https"),
    ],
)
def test_refusals_say_why(url: str, fragment: str) -> None:
    with pytest.raises(Refused, match=None) as caught:
        check(url)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.1.1", "private"),
        ("172.20.0.1", "private"),
        ("192.168.0.1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "metadata"),
        ("169.254.10.10", "link-local"),
        ("fe80::abcd", "link-local"),
        ("224.1.2.3", "multicast"),
        ("ff05::2", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("255.255.255.255", "broadcast"),
        ("250.1.2.3", "reserved"),
        ("100.127.255.255", "carrier-grade NAT"),
        ("::ffff:10.0.0.1", "IPv4-mapped"),
        ("::10.0.0.1", "IPv4-compatible"),
        ("64:ff9b::192.168.1.1", "NAT64"),
        ("2002:c0a8:101::1", "6to4"),
        ("2001:0:53aa:64c:0:0:0:1", "Teredo"),
        ("fec0::1", "site-local"),
        ("192.0.2.55", "documentation"),
        ("2001:db8:1::1", "documentation"),
        ("0.255.0.1", "this network"),
    ],
)
def test_forbidden_reason_names_the_category(address: str, expected: str) -> None:
    reason = forbidden_reason(ipaddress.ip_address(address))
    assert reason is not None and expected in reason


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",  # just below CGNAT
        "172.32.0.1",  # just above 172.16/12
        "2606:4700:4700::1111",
        "::ffff:93.184.216.34",  # mapped public: the kernel connects to 93.184.216.34
        "64:ff9b::93.184.216.34",  # NAT64 of a public address
        "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
    ],
)
def test_public_addresses_have_no_reason(address: str) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://93.184.216.34/", ["93.184.216.34"]),
        ("https://public.test/hooks?x=1", ["93.184.216.34"]),
        ("https://PUBLIC.test./", ["93.184.216.34"]),
        ("http://v6public.test:8080/", ["2606:2800:220:1:248:1893:25c8:1946"]),
        ("http://[2606:4700::1111]/", ["2606:4700::1111"]),
        ("http://1572395042/", ["93.184.216.34"]),  # decimal spelling of a public address
        ("http://multi-public.test/", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"]),
    ],
)
def test_public_targets_pass(url: str, expected: list[str]) -> None:
    assert [str(ip) for ip in check(url)] == expected


def test_parse_target_canonicalises() -> None:
    assert parse_target("HTTPS://Hooks.Example.COM./a/b?c=d#frag") == Target(
        "https", "hooks.example.com", 443, "/a/b?c=d"
    )
    assert parse_target("http://0x7f.1:8080") == Target("http", "127.0.0.1", 8080, "/")
    assert parse_target("http://[::FFFF:7F00:1]/") == Target("http", "::ffff:7f00:1", 80, "/")
    assert parse_target("http://[fe80::1%25eth0]:81/").host == "fe80::1"
    assert parse_target("http://bücher.test/").host == "xn--bcher-kva.test"
    assert parse_target("http://public.test:/x").port == 80
    target = parse_target("http://[2606:4700::1111]:8443/p")
    assert target.netloc == "[2606:4700::1111]:8443"
    assert target.url == "http://[2606:4700::1111]:8443/p"


def test_resolve_reads_literals_without_asking_the_resolver() -> None:
    def no_dns(host: str, port: int) -> list[tuple]:
        raise AssertionError(f"resolver called for {host}")

    assert resolve("0177.0.0.1", 80, no_dns) == [ipaddress.ip_address("127.0.0.1")]
    assert resolve("::1", 80, no_dns) == [ipaddress.ip_address("::1")]
    assert resolve("localhost", 80, no_dns) == [ipaddress.ip_address("127.0.0.1")]
    with pytest.raises(OSError):
        resolve("nowhere.test", 80, stub_resolver)


def test_allowlist_by_cidr_lets_loopback_through() -> None:
    allowlist = Allowlist.parse("127.0.0.0/8")
    assert [str(ip) for ip in check("http://127.0.0.1:8080/", allowlist)] == ["127.0.0.1"]
    assert check("http://0x7f.1/", allowlist)
    assert check("http://localhost/", allowlist)
    assert check("http://[::ffff:127.0.0.1]/", allowlist)  # mapped form of an allowed v4
    assert check("http://hooks.test/", allowlist)
    with pytest.raises(Refused):
        check("http://10.0.0.5/", allowlist)
    with pytest.raises(Refused):
        check("http://[::1]/", allowlist)


def test_allowlist_by_host_name() -> None:
    allowlist = Allowlist.parse(" hooks.test , Localhost. ")
    assert [str(ip) for ip in check("http://hooks.test:9000/", allowlist)] == ["127.0.0.1"]
    assert check("http://HOOKS.TEST./", allowlist)
    assert check("http://localhost/", allowlist)
    assert allowlist.allows("hooks.test", ipaddress.ip_address("10.9.9.9"))
    # The name is trusted, not the address it happens to have: the literal stays refused.
    with pytest.raises(Refused):
        check("http://127.0.0.1/", allowlist)
    with pytest.raises(Refused):
        check("http://internal.test/", allowlist)


def test_allowlist_ipv6_and_single_addresses() -> None:
    allowlist = Allowlist.parse("::1, fd00::/8, 10.0.0.5, [fe80::1]")
    assert check("http://[::1]/", allowlist)
    assert check("http://v6private.test/", allowlist)
    assert check("http://10.0.0.5/", allowlist)
    assert check("http://[fe80::1%25lo]/", allowlist)
    with pytest.raises(Refused):
        check("http://10.0.0.6/", allowlist)


@pytest.mark.parametrize(
    "entry",
    ["10.0.0.0/33", "300.1.1.1/8", "10.0.0.1/8", "fd00::/129", "exa mple.test", "http://x.test",
     "*.internal", "-bad.test", "08.0.0.1", "a..b"],
)  # fmt: skip
def test_bad_allowlist_entries_raise(entry: str) -> None:
    with pytest.raises(ValueError, match="bad allowlist entry") as caught:
        Allowlist.parse(f"hooks.test, {entry}")
    assert repr(entry) in str(caught.value)


def test_empty_allowlist_entries_are_ignored() -> None:
    allowlist = Allowlist.parse(" , hooks.test,, ")
    assert allowlist.hosts == frozenset({"hooks.test"})
    assert Allowlist.parse("") == Allowlist()
