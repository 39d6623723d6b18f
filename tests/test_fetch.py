"""The fetch policy against a real HTTP server on 127.0.0.1 (nothing leaves the machine)."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterator

import pytest

from editorial.config import Fetch
from editorial.errors import FetchError
from editorial.fetch import check_url, fetch, refused_address
from tests.webserver import Reply, Server, serve

ALLOW = Fetch(allow_hosts=("127.0.0.1",), connect_timeout=2, read_timeout=1, total_timeout=5)
MAX = 200_000


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as s:
        yield s


def _code(fn: object) -> str:
    with pytest.raises(FetchError) as err:
        fn()  # type: ignore[operator]
    return err.value.code


def test_page_is_fetched_with_a_user_agent_naming_the_tool(server: Server) -> None:
    server.routes["/a"] = Reply(body=b"<p>hello</p>", headers={"Content-Type": "text/html",
                                                              "ETag": '"v1"'})  # fmt: skip
    r = fetch(server.url("/a"), ALLOW, max_bytes=MAX)
    assert r.status == 200 and r.body == b"<p>hello</p>" and r.etag == '"v1"'
    ua = server.hits("/a")[0]["user-agent"]
    assert ua.startswith("editorial/")


def test_loopback_is_refused_without_the_allow_list_and_nothing_is_sent(server: Server) -> None:
    server.routes["/a"] = Reply(body=b"secret")
    with pytest.raises(FetchError) as err:
        fetch(server.url("/a"), Fetch(), max_bytes=MAX)
    assert err.value.code == "fetch_refused"
    assert server.url("/a") in str(err.value) and "loopback" in str(err.value)
    assert server.requests == []


def test_redirect_to_loopback_is_refused_at_the_hop(server: Server) -> None:
    """`localhost` is allowed, the hop to 127.0.0.1 (not listed) is checked again: refused."""
    server.routes["/start"] = Reply(302, headers={"Location": server.url("/inside")})
    server.routes["/inside"] = Reply(body=b"secret")
    policy = Fetch(allow_hosts=("localhost",), read_timeout=1)
    with pytest.raises(FetchError) as err:
        fetch(server.url("/start", host="localhost"), policy, max_bytes=MAX)
    assert err.value.code == "fetch_refused" and "/inside" in str(err.value)
    assert server.hits("/inside") == []


def test_redirects_are_followed_up_to_five(server: Server) -> None:
    for i in range(6):
        server.routes[f"/r{i}"] = Reply(301, headers={"Location": f"/r{i + 1}"})
    server.routes["/r6"] = Reply(body=b"<p>end</p>")
    r = fetch(server.url("/r1"), ALLOW, max_bytes=MAX)  # 5 redirects
    assert r.body == b"<p>end</p>" and r.url.endswith("/r6") and len(r.redirects) == 5
    assert _code(lambda: fetch(server.url("/r0"), ALLOW, max_bytes=MAX)) == "fetch_refused"


@pytest.mark.parametrize("status", [404, 500])
def test_http_errors_have_their_code(server: Server, status: int) -> None:
    server.routes["/e"] = Reply(status, b"oops")
    with pytest.raises(FetchError) as err:
        fetch(server.url("/e"), ALLOW, max_bytes=MAX)
    assert err.value.code == "fetch_http_status" and f"HTTP {status}" in str(err.value)
    assert server.url("/e") in str(err.value)


def test_a_slow_server_times_out(server: Server) -> None:
    server.routes["/slow"] = Reply(body=b"late", delay=3)
    t0 = time.monotonic()
    assert _code(lambda: fetch(server.url("/slow"), ALLOW, max_bytes=MAX)) == "fetch_failed"
    assert time.monotonic() - t0 < 2.5


def test_an_endless_body_stops_at_the_size_cap(server: Server) -> None:
    server.routes["/endless"] = Reply(endless=True)
    assert _code(lambda: fetch(server.url("/endless"), ALLOW, max_bytes=MAX)) == "fetch_too_large"


def test_an_announced_size_over_the_cap_is_refused_before_reading(server: Server) -> None:
    server.routes["/big"] = Reply(body=b"x" * (MAX + 1))
    with pytest.raises(FetchError) as err:
        fetch(server.url("/big"), ALLOW, max_bytes=MAX)
    assert err.value.code == "fetch_too_large" and "announced" in str(err.value)


def test_conditional_get_with_etag_and_last_modified(server: Server) -> None:
    def page(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"v1"' or headers.get("if-modified-since"):
            return Reply(304)
        return Reply(body=b"<p>v1</p>", headers={"ETag": '"v1"',
                                                "Last-Modified": "Mon, 09 Mar 2026 08:00:00 GMT"})  # fmt: skip

    server.routes["/c"] = page
    first = fetch(server.url("/c"), ALLOW, max_bytes=MAX)
    again = fetch(server.url("/c"), ALLOW, max_bytes=MAX, etag=first.etag)
    since = fetch(server.url("/c"), ALLOW, max_bytes=MAX, last_modified=first.last_modified)
    assert first.last_modified and again.not_modified and since.not_modified
    assert server.hits("/c")[1]["if-none-match"] == '"v1"'


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/", "http://user:pw@example.org/",
     "http:///nohost", "javascript:alert(1)"],
)  # fmt: skip
def test_only_http_and_https_urls(url: str) -> None:
    with pytest.raises(FetchError) as err:
        check_url(url)
    assert err.value.code == "fetch_refused"


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1",
     "::ffff:127.0.0.1", "fd00:ec2::254", "fe80::1", "224.0.0.1", "100.64.0.1", "0.0.0.0"],
)  # fmt: skip
def test_non_public_addresses_are_refused(address: str) -> None:
    assert refused_address(ipaddress.ip_address(address))


def test_public_addresses_are_allowed() -> None:
    assert refused_address(ipaddress.ip_address("93.184.216.34")) == ""
    assert refused_address(ipaddress.ip_address("2606:2800:220:1:248:1893:25c8:1946")) == ""
