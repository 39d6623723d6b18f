"""The one place that fetches: a GET under the fetch policy, because fetching is where SSRF lives.

- http and https only; no credentials in the URL;
- the host is resolved here and every address it resolves to must be global (not loopback,
  private, link-local, multicast, reserved, shared/CGNAT, or a cloud metadata address such as
  169.254.169.254 and fd00:ec2::254), unless the host is listed in `[fetch] allow_hosts`
  (`EDITORIAL_FETCH_ALLOW_HOSTS`); the connection goes to the address that was checked, so a
  second DNS answer cannot swap it (DNS rebinding);
- connect and read timeouts, and a wall clock for the whole fetch;
- at most `max_redirects` redirects, each hop checked again like the first URL;
- `limits.max_input_bytes` enforced on Content-Length and again while streaming the body;
  no compression asked for (`Accept-Encoding: identity`), so the cap is on real bytes;
- a User-Agent naming the tool; conditional GET with ETag / Last-Modified when given.

Failures are `FetchError` subclasses with stable codes (fetch_failed, fetch_refused,
fetch_too_large, fetch_http_status) and a message naming the URL.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from editorial.config import Fetch
from editorial.errors import FetchError, FetchHTTPStatus, FetchRefused, FetchTooLarge

SCHEMES = {"http": 80, "https": 443}
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Response:
    url: str  # the final URL, after redirects
    status: int  # 200, or 304 when a conditional GET found nothing new
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    fetched_at: str = ""  # ISO 8601, UTC
    redirects: tuple[str, ...] = field(default_factory=tuple)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(
    url: str,
    policy: Fetch,
    *,
    max_bytes: int,
    etag: str = "",
    last_modified: str = "",
    accept: str = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,*/*;q=0.5",
) -> Response:
    """GET `url` under `policy`. Raises a FetchError subclass naming the URL."""
    deadline = time.monotonic() + policy.total_timeout
    seen: list[str] = []
    current = url
    for _hop in range(policy.max_redirects + 1):
        status, headers, body = _get(current, policy, max_bytes=max_bytes, deadline=deadline,
                                     etag=etag, last_modified=last_modified, accept=accept)  # fmt: skip
        if status in _REDIRECTS:
            location = headers.get("location", "").strip()
            if not location:
                raise FetchHTTPStatus(f"{current}: HTTP {status} without a Location")
            seen.append(current)
            current = urljoin(current, location)
            continue
        if status == 304 and (etag or last_modified):
            return Response(url=current, status=304, etag=etag, last_modified=last_modified,
                            fetched_at=_now(), redirects=tuple(seen))  # fmt: skip
        if not 200 <= status < 300:
            raise FetchHTTPStatus(f"{current}: HTTP {status}")
        return Response(
            url=current,
            status=status,
            body=body,
            content_type=headers.get("content-type", ""),
            etag=headers.get("etag", ""),
            last_modified=headers.get("last-modified", ""),
            fetched_at=_now(),
            redirects=tuple(seen),
        )
    raise FetchRefused(f"{url}: more than {policy.max_redirects} redirects")


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL the policy may fetch; FetchRefused otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"{url}: not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise FetchRefused(f"{url}: only http and https URLs are fetched")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused(f"{url}: credentials in a URL are not allowed")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise FetchRefused(f"{url}: no host")
    return scheme, host, port or SCHEMES[scheme]


def refused_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Why the policy will not connect to `ip` ("" when it may)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata lives here)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global or ip.is_reserved or ip.is_unspecified:
        return "not a public address"
    return ""


def resolve(host: str, port: int, policy: Fetch) -> list[str]:
    """The addresses to connect to, all of them checked (unless the host is allow-listed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host} ({exc})") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    allowed = {h.strip().rstrip(".").lower() for h in policy.allow_hosts}
    if host in allowed:
        return addresses
    for address in addresses:
        why = refused_address(ipaddress.ip_address(address.split("%")[0]))
        if why:
            raise FetchRefused(f"{host} resolves to {address}, {why} (add the host to "
                               "[fetch] allow_hosts to allow it)")  # fmt: skip
    if not addresses:
        raise FetchError(f"cannot resolve {host}")
    return addresses


def _get(
    url: str,
    policy: Fetch,
    *,
    max_bytes: int,
    deadline: float,
    etag: str,
    last_modified: str,
    accept: str,
) -> tuple[int, dict[str, str], bytes]:
    scheme, host, port = check_url(url)
    try:
        addresses = resolve(host, port, policy)
    except FetchError as exc:
        raise type(exc)(f"{url}: {exc.detail}") from exc
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Host": host if port == SCHEMES[scheme] else f"{host}:{port}",
        "User-Agent": policy.user_agent,
        "Accept": accept,
        "Accept-Encoding": "identity",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    sock = _connect(addresses, port, policy, url)
    conn: http.client.HTTPConnection
    try:
        if scheme == "https":
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=host)
        conn = http.client.HTTPConnection(host, port, timeout=policy.read_timeout)
        conn.sock = sock
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        status = response.status
        head = {k.lower(): v for k, v in response.getheaders()}
        if not 200 <= status < 300:
            return status, head, b""
        length = head.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise FetchTooLarge(f"{url}: {int(length):,} bytes announced, over the "
                                f"{max_bytes:,} byte limit (limits.max_input_bytes)")  # fmt: skip
        chunks: list[bytes] = []
        total = 0
        while True:
            if time.monotonic() > deadline:
                raise FetchError(f"{url}: took longer than {policy.total_timeout:g} s")
            chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise FetchTooLarge(f"{url}: more than {max_bytes:,} bytes, the limit "
                                    "(limits.max_input_bytes)")  # fmt: skip
            chunks.append(chunk)
        return status, head, b"".join(chunks)
    except FetchError:
        raise
    except ssl.SSLError as exc:
        raise FetchError(f"{url}: TLS failed ({exc.reason or exc})") from exc
    except TimeoutError as exc:
        raise FetchError(f"{url}: no answer within {policy.read_timeout:g} s") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
    finally:
        sock.close()


def _connect(addresses: list[str], port: int, policy: Fetch, url: str) -> socket.socket:
    last: OSError | None = None
    for address in addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(policy.connect_timeout)
        try:
            sock.connect((address, port))
        except OSError as exc:
            sock.close()
            last = exc
            continue
        sock.settimeout(policy.read_timeout)
        return sock
    if isinstance(last, TimeoutError):
        raise FetchError(f"{url}: no connection within {policy.connect_timeout:g} s")
    raise FetchError(f"{url}: cannot connect ({last})")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
