"""SSRF protection: decide whether a URL may be fetched, and where exactly to connect.

Pure Python (no Django). ``target_check`` resolves the host once and refuses the URL when
any address it resolves to is private, loopback, link-local, multicast, reserved,
unspecified or otherwise not public, unless the host is explicitly allowed. The caller
then connects to the returned, checked addresses only (``fetch.PinnedTransport``), so a
DNS answer that changes between the check and the connection (DNS rebinding) cannot
send a request anywhere that was not checked.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

# Ports a public web page or feed is served on. Other ports only for allowed hosts: a
# fetcher that can be pointed at any port can be used to talk to mail or database servers.
SAFE_PORTS = frozenset({80, 443, 8000, 8008, 8080, 8443, 8888})
DEFAULT_PORTS = {"http": 80, "https": 443}

Resolver = Callable[..., list]
# IPv6 addresses that embed an IPv4 one a gateway would forward to (RFC 6052).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Refused(Exception):
    """The URL must not be fetched; ``reason`` says why in words a person understands."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ResolveError(Exception):
    """The host name could not be resolved; ``temporary`` when trying later may help."""

    def __init__(self, reason: str, *, temporary: bool):
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


@dataclass(frozen=True)
class Target:
    """A URL that passed the checks, with the only addresses a connection may go to."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


def address_problem(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``ip`` is not a public address (None when it is)."""
    mapped = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    if mapped is None and ip in _NAT64:
        mapped = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if mapped is not None:
        return address_problem(mapped)
    for attribute, label in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(ip, attribute):
            return label
    if not ip.is_global:
        return "non-public"
    return None


def host_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    """True when ``host`` is listed in INGEST_ALLOWED_HOSTS (exact, case-insensitive)."""
    host = host.lower().strip("[]").rstrip(".")
    return any(host == allowed.lower().strip().strip("[]").rstrip(".") for allowed in allowed_hosts if allowed.strip())


def target_check(url: str, *, allowed_hosts: Iterable[str] = (), resolver: Resolver = socket.getaddrinfo) -> Target:
    """Check ``url`` and resolve its host; raise ``Refused`` or ``ResolveError`` when it cannot be fetched."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("Refused: the URL is malformed.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise Refused(f"Refused: only http and https URLs are fetched, not {scheme or 'this'!r} URLs.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise Refused("Refused: URLs with a user name or password are not fetched.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused("Refused: the URL has no host name.")
    port = port or DEFAULT_PORTS[scheme]
    allowed = host_allowed(host, allowed_hosts)

    try:
        infos = resolver(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        temporary = exc.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
        raise ResolveError(
            f"The host name {host} could not be resolved ({exc.strerror}).", temporary=temporary
        ) from None
    except (UnicodeError, ValueError, OSError) as exc:
        raise Refused(f"Refused: the host name {host!r} is not valid ({exc}).") from None
    addresses: list[str] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        text = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise ResolveError(f"The host name {host} has no IPv4 or IPv6 address.", temporary=False)

    if not allowed:
        for text in addresses:
            problem = address_problem(ipaddress.ip_address(text))
            if problem:
                who = host if host == text else f"{host} resolves to {text}, which"
                raise Refused(
                    f"Refused: {who} is a {problem} address; only public addresses are fetched"
                    " (a host listed in INGEST_ALLOWED_HOSTS is exempt)."
                )
        if port not in SAFE_PORTS:
            raise Refused(f"Refused: port {port} is not a web port ({', '.join(map(str, sorted(SAFE_PORTS)))}).")
    return Target(url=url, scheme=scheme, host=host, port=port, addresses=tuple(addresses))
