"""Smoke tests for tests/servers.py: real Oxigraph and Virtuoso start, accept GSP writes, and stay on loopback.

Set OFSTED_KG_REQUIRE_TOOLS=1 to turn "binary missing" into a failure instead of a skip
(useful in CI, where a silently skipped server suite would hide a broken install).
"""
from __future__ import annotations

import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import OxigraphServer, VirtuosoServer, _Server, start_or_skip


def _start(cls: type[_Server]) -> Iterator[_Server]:
    yield from start_or_skip(cls)


@pytest.fixture(scope="session")
def oxigraph_server() -> Iterator[_Server]:
    yield from _start(OxigraphServer)


@pytest.fixture(scope="session")
def virtuoso_server() -> Iterator[_Server]:
    yield from _start(VirtuosoServer)


@pytest.fixture(params=["oxigraph_server", "virtuoso_server"])
def server(request: pytest.FixtureRequest) -> _Server:
    server: _Server = request.getfixturevalue(request.param)
    return server


def _ntriples(subject: str, n: int) -> bytes:
    return "".join(f'<{subject}> <http://example.org/p> "{i}" .\n' for i in range(n)).encode()


def _count(server: _Server, graph: str) -> int:
    rows = server.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"]["value"])


def test_gsp_put_replace_delete(server: _Server) -> None:
    graph = f"urn:ofsted-kg-test:{uuid.uuid4()}"
    assert server.put_graph(graph, _ntriples("http://example.org/a", 3)) in (200, 201, 204)
    assert _count(server, graph) == 3
    # PUT replaces (GSP semantics), it must not append
    server.put_graph(graph, _ntriples("http://example.org/b", 5))
    assert _count(server, graph) == 5
    assert server.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") == [
        {"s": {"type": "uri", "value": "http://example.org/b"}}]
    assert server.delete_graph(graph) in (200, 204)
    assert _count(server, graph) == 0
    assert server.delete_graph(graph) == 404


def test_writes_need_credentials(virtuoso_server: _Server) -> None:
    """Anonymous GSP writes are refused, which is why servers.py always sends digest auth to Virtuoso."""
    req = urllib.request.Request(
        virtuoso_server.graph_url("urn:ofsted-kg-test:anonymous"), method="PUT",
        data=_ntriples("http://example.org/a", 1), headers={"Content-Type": "application/n-triples"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 401


def _listen_addresses(port: int) -> set[str]:
    """Local addresses of LISTEN sockets on ``port``, read from /proc/net (Linux)."""
    found = set()
    for name, width in (("tcp", 8), ("tcp6", 32)):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A = LISTEN
                raw = bytes.fromhex(addr)
                # /proc stores each 32-bit word in host (little-endian) order
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(socket.inet_ntop(socket.AF_INET if width == 8 else socket.AF_INET6, raw))
    return found


def test_bound_to_loopback_only(server: _Server) -> None:
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs /proc/net/tcp (Linux)")
    for port in server.ports:
        assert _listen_addresses(port) == {"127.0.0.1"}, f"port {port}"
