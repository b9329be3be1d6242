"""Deadlines and the network policy, against servers on 127.0.0.1 (and 127.0.0.2 playing public).

Each hostile server would finish its answer correctly after about 20 s, so a limit that does not
hold shows up as a page or an image that arrives instead of being refused.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reader.core import fetch
from reader.core.errors import BlockedAddressError, FetchTimeoutError
from reader.core.fetch.guard import NetworkPolicy
from reader.core.fetch.images import HttpImageFetcher, fetch_images
from reader.core.models import Article, Block, BlockKind

PAGE = b"<html><head><title>Tides</title></head><body><p>" + b"The tide comes in. " * 40
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
DRIP_S = 0.05  # one byte this often, for about 20 s: far longer than any limit below
STOP = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server  # type: ignore[assignment]

    def log_message(self, *args: object) -> None:
        pass

    def head(self, status: int, ctype: str, length: int | None, **extra: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in extra.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()

    def drip(self, data: bytes) -> None:
        for i in range(len(data)):
            if STOP.wait(DRIP_S):
                return
            self.wfile.write(data[i : i + 1])
            self.wfile.flush()

    def do_GET(self) -> None:
        self.server.hits[self.path] += 1
        path = self.path.split("?")[0]
        other = self.server.other
        try:
            if path == "/page":
                self.head(200, "text/html", len(PAGE))
                self.wfile.write(PAGE)
            elif path == "/drip":  # a byte every 50 ms, each well within the read timeout
                self.head(200, "text/html", 400)
                self.drip(b"<p>" + b"x" * 393 + b"</p>")
            elif path == "/drip-headers":  # the headers themselves never end in time
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Pad: ")
                self.drip(b"y" * 400)
                body = b"<p>" + b"late words " * 20 + b"</p>"
                self.wfile.write(f"\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
            elif path == "/endless":  # flows steadily, chunked, for 20 s
                self.head(200, "text/html", None, Transfer_Encoding="chunked")
                for _ in range(400):
                    if STOP.wait(DRIP_S):
                        return
                    piece = b"<p>" + b"z" * 500 + b"</p>"
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            elif path == "/large-flowing":  # 400 KB over about half a second: longer than
                self.head(200, "text/html", 20 * 20_007)  # the base limit, but it flows
                for _ in range(20):
                    time.sleep(0.025)
                    self.wfile.write(b"<p>" + b"w" * 20_000 + b"</p>")
                    self.wfile.flush()
            elif path.startswith("/self/"):  # a redirect to this server by its address
                self.head(302, "text/html", 0, Location=f"{self.server.base}/{self.path[6:]}")
            elif path.startswith("/to/"):  # a redirect to the other server
                self.head(302, "text/html", 0, Location=f"{other}/{self.path[4:]}")
            elif path.startswith("/img"):
                self.head(200, "image/png", len(PNG))
                self.wfile.write(PNG)
            elif path.startswith("/slow-img"):
                self.head(200, "image/png", len(PNG))
                self.drip(PNG)
            else:
                self.head(404, "text/html", 0)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str) -> None:
        super().__init__((host, 0), Handler)
        self.hits: Counter[str] = Counter()
        self.other = ""

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up are what these servers are for

    @property
    def base(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Server, Server]]:
    """A local server on 127.0.0.1 and a 'public' one on 127.0.0.2 (see PUBLIC_127_0_0_2)."""
    STOP.clear()
    local, public = Server("127.0.0.1"), Server("127.0.0.2")
    local.other, public.other = public.base, local.base
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (local, public)]
    for thread in threads:
        thread.start()
    yield local, public
    STOP.set()
    for server in (local, public):
        server.shutdown()
        server.server_close()


def resolver(names: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "no such host")
        return names[host]

    return resolve


def _public_127_0_0_2(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return str(address) != "127.0.0.2"


# 127.0.0.2 stands for a public address; names resolve through the given table only.
def policy(names: dict[str, list[str]] | None = None) -> NetworkPolicy:
    return NetworkPolicy(resolve=resolver(names or {}), is_local=_public_127_0_0_2)


# -- deadlines ------------------------------------------------------------------------------

QUICK = {"timeout": (2.0, 2.0), "total_timeout_s": 0.4, "max_total_timeout_s": 1.0}


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_page_that_drips_is_cut_off_at_its_deadline(
    servers: tuple[Server, Server], path: str
) -> None:
    local, _ = servers
    with pytest.raises(FetchTimeoutError, match="too slowly"):
        fetch.fetch_url(local.base + path, **QUICK)  # type: ignore[arg-type]


def test_an_endless_flowing_body_is_cut_off_at_the_hard_limit(
    servers: tuple[Server, Server],
) -> None:
    local, _ = servers
    # Each piece arrives quickly enough to earn more time; the hard limit still holds.
    with pytest.raises(FetchTimeoutError, match="took longer than 1 s"):
        fetch.fetch_url(f"{local.base}/endless", min_bytes_per_s=100, **QUICK)  # type: ignore[arg-type]


def test_a_large_page_that_flows_arrives_although_it_takes_longer_than_the_base_limit(
    servers: tuple[Server, Server],
) -> None:
    local, _ = servers
    raw = fetch.fetch_url(
        f"{local.base}/large-flowing",
        timeout=(2.0, 2.0),
        total_timeout_s=0.1,
        max_total_timeout_s=30.0,
        min_bytes_per_s=1000,
    )
    assert len(raw.data) == 20 * 20_007


def test_dripping_images_use_up_the_article_budget_and_the_rest_are_not_asked_for(
    servers: tuple[Server, Server],
) -> None:
    local, _ = servers
    base = local.base
    article = Article(
        title="Harbour",
        blocks=(
            Block(BlockKind.IMAGE, "one", src="/slow-img/1"),
            Block(BlockKind.IMAGE, "two", src="/slow-img/2"),
            Block(BlockKind.IMAGE, "three", src="/img/3"),
        ),
        url=f"{base}/post",
    )
    fetcher = HttpImageFetcher(timeout_s=10.0, read_timeout_s=2.0)
    images = fetch_images(article, fetcher, total_timeout_s=0.5)
    assert images == {}
    assert local.hits["/slow-img/1"] == 1
    assert local.hits["/slow-img/2"] == 0 and local.hits["/img/3"] == 0
    # With time to spare, a dripping image is still cut at its own deadline; the next arrives.
    quick = HttpImageFetcher(timeout_s=0.3, max_timeout_s=0.3, read_timeout_s=2.0)
    images = fetch_images(article, quick, total_timeout_s=30.0)
    assert list(images) == [f"{base}/img/3"]


# -- the network policy ---------------------------------------------------------------------


def test_a_redirect_from_a_public_address_to_a_local_one_is_refused(
    servers: tuple[Server, Server],
) -> None:
    local, public = servers
    with pytest.raises(BlockedAddressError, match="local address"):
        fetch.fetch_url(f"{public.base}/to/page?from-public", network=policy())
    assert local.hits["/page?from-public"] == 0
    # The person asking for the local page themselves is fine.
    assert fetch.fetch_url(f"{local.base}/page", network=policy()).data == PAGE


def test_a_local_page_may_redirect_within_the_local_network(
    servers: tuple[Server, Server],
) -> None:
    local, _ = servers
    names = {"wiki.lan": ["127.0.0.1"]}
    port = local.server_address[1]
    raw = fetch.fetch_url(f"http://wiki.lan:{port}/self/page?wiki", network=policy(names))
    assert raw.data == PAGE and local.hits["/page?wiki"] == 1


def test_a_host_that_turns_local_after_a_public_answer_is_refused(
    servers: tuple[Server, Server],
) -> None:
    local, public = servers
    answers = iter([["127.0.0.2"], ["127.0.0.1"]])

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    network = NetworkPolicy(resolve=rebinding, is_local=_public_127_0_0_2)
    public.other = f"http://news.example:{local.server_address[1]}"  # same name, other port
    try:
        with pytest.raises(BlockedAddressError, match="now points to a local address"):
            fetch.fetch_url(
                f"http://news.example:{public.server_address[1]}/to/page?rebound", network=network
            )
    finally:
        public.other = local.base
    assert local.hits["/page?rebound"] == 0


def test_images_come_from_local_addresses_only_for_a_page_of_that_same_host(
    servers: tuple[Server, Server],
) -> None:
    local, public = servers
    names = {"printer.lan": ["127.0.0.1"]}
    port = local.server_address[1]
    fetcher = HttpImageFetcher(network=policy(names))
    own, other_local, on_public = (
        f"{local.base}/img/own",
        f"http://printer.lan:{port}/img/other",
        f"{public.base}/img/public",
    )
    blocks = tuple(Block(BlockKind.IMAGE, "", src=src) for src in (own, other_local, on_public))
    local_page = Article(title="Notes", blocks=blocks, url=f"{local.base}/notes")
    assert sorted(fetch_images(local_page, fetcher)) == sorted([own, on_public])
    public_page = Article(title="News", blocks=blocks, url=f"{public.base}/news")
    assert list(fetch_images(public_page, fetcher)) == [on_public]
    assert local.hits["/img/other"] == 0 and local.hits["/img/own"] == 1
