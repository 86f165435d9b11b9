"""Throwaway SPARQL servers for tests: real Oxigraph and Virtuoso processes on loopback.

Why: rdflib/pyoxigraph in-process stores cannot show how a real triple store
behaves over HTTP (Graph Store Protocol status codes, auth, content types,
partial loads).  Each server here runs on free 127.0.0.1 ports with its data
in a fresh temp dir that is deleted on exit, so tests never touch a shared
store and never listen on a public interface.  Standard library only.

    with OxigraphServer() as s:        # raises ServerUnavailable if not installed
        s.put_graph("http://ex/g", b"<http://ex/a> <http://ex/p> 1 .\\n")
        s.select("SELECT * { GRAPH ?g { ?s ?p ?o } }")

Endpoints exposed by both classes: ``base_url``, ``query_url`` (SPARQL
protocol, GET ``?query=``), ``update_url`` (POST ``update=``), ``gsp_url``
(Graph Store Protocol, graph passed as ``?graph=IRI``), ``username`` /
``password`` (HTTP digest credentials, None when no auth is needed).

Virtuoso gotchas (7.2.5, Debian): anonymous ``/sparql`` is read-only, writes go
through ``/sparql-graph-crud-auth`` and ``/sparql-auth`` with *digest* auth
(basic auth gets 401).  A PUT whose body fails to parse returns 500 but can
leave the graph replaced by the triples parsed before the error, so only send
N-Triples produced by a serialiser.

A future generic endpoint (not implemented yet) would be described by the
environment variable ``OFSTED_KG_TEST_ENDPOINT``, one URL::

    sparql+http[s]://[USER:PASSWORD@]HOST:PORT/QUERY_PATH[?update=PATH&gsp=PATH&auth=digest|basic]

e.g. ``sparql+http://dba:dba@127.0.0.1:8890/sparql?update=/sparql-auth&gsp=/sparql-graph-crud-auth&auth=digest``.
The ``sparql+`` prefix is stripped to get ``base_url``; missing ``update`` or
``gsp`` means the endpoint is read-only for that protocol, and tests needing
it skip.  Such an endpoint is *not* throwaway, so tests must write only to
graphs under a random ``urn:ofsted-kg-test:<uuid>`` IRI and delete them.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any


class ServerUnavailable(RuntimeError):
    """The server binary is not installed; tests should skip with ``str(exc)``."""


def free_port() -> int:
    """A loopback port that was free a moment ago (the OS picks it, so parallel runs don't clash)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _oxigraph_binary() -> str | None:
    # The venv's bin dir is often not on PATH when running `.venv/bin/python -m pytest`.
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def _virtuoso_binary() -> str | None:
    # Debian installs to /usr/bin, which a sanitised PATH (e.g. under make or sudo) may lack.
    return shutil.which("virtuoso-t") or shutil.which("virtuoso-t", path="/usr/bin:/usr/local/bin")


_INSTALL_HINTS = {
    "oxigraph": (_oxigraph_binary, "oxigraph server binary not found (pip install oxigraph)"),
    "virtuoso": (_virtuoso_binary, "virtuoso-t not found (apt-get install virtuoso-opensource)"),
}


def available(name: str) -> str | None:
    """None if server ``name`` ("oxigraph" or "virtuoso") can be started, else a skip reason."""
    find, hint = _INSTALL_HINTS[name]
    return None if find() else hint


class _Server:
    """Start a server process in a temp dir, wait until its query endpoint answers, clean up on exit."""

    name = ""
    start_timeout = 30.0
    username: str | None = None
    password: str | None = None
    update_url: str | None = None

    def __init__(self) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.ports = [self.port]  # every port the process listens on (checked by the loopback test)
        self.startup_seconds = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmp: Path | None = None
        self._opener: urllib.request.OpenerDirector | None = None

    # subclasses provide the endpoint URLs and the command line
    query_url: str
    gsp_url: str

    def _command(self, binary: str, tmp: Path) -> list[str]:
        raise NotImplementedError

    def __enter__(self) -> _Server:
        binary = _INSTALL_HINTS[self.name][0]()
        if binary is None:
            raise ServerUnavailable(_INSTALL_HINTS[self.name][1])
        self._tmp = Path(tempfile.mkdtemp(prefix=f"okg-{self.name}-"))
        log = open(self._tmp / "server.log", "wb")
        started = time.monotonic()
        # stdout to a file, not a pipe: a full pipe buffer would block the server.
        self._proc = subprocess.Popen(
            self._command(binary, self._tmp), cwd=self._tmp, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        try:
            self._wait_ready(started)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _wait_ready(self, started: float) -> None:
        probe = self.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        while time.monotonic() - started < self.start_timeout:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self._proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(probe, timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {self.start_timeout:.0f}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        """Last lines of the server's output, for error messages."""
        path = self._tmp / "server.log" if self._tmp else None
        if not path or not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    # -- small HTTP helpers, so tests don't each re-implement digest auth --

    def request(self, method: str, url: str, data: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Send a request (with digest auth if the server needs it); return (status, body), never raise on 4xx/5xx."""
        if self._opener is None:
            handlers: list[urllib.request.BaseHandler] = []
            if self.username is not None:
                mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                mgr.add_password(None, self.base_url, self.username, self.password or "")
                handlers.append(urllib.request.HTTPDigestAuthHandler(mgr))
            self._opener = urllib.request.build_opener(*handlers)
        req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
        try:
            with self._opener.open(req, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def graph_url(self, graph: str) -> str:
        return self.gsp_url + "?" + urllib.parse.urlencode({"graph": graph})

    def put_graph(self, graph: str, ntriples: bytes) -> int:
        """Replace named graph ``graph`` with the given N-Triples; returns the HTTP status."""
        status, body = self.request("PUT", self.graph_url(graph), ntriples,
                                    {"Content-Type": "application/n-triples"})
        if status >= 300:
            raise RuntimeError(f"PUT {graph} -> {status}: {body[:500]!r}")
        return status

    def delete_graph(self, graph: str) -> int:
        """Drop named graph ``graph``; returns the HTTP status (404 if it did not exist)."""
        return self.request("DELETE", self.graph_url(graph))[0]

    def select(self, query: str) -> list[dict[str, Any]]:
        """Run a SELECT via the query URL; returns the SPARQL JSON bindings."""
        status, body = self.request(
            "GET", self.query_url + "?" + urllib.parse.urlencode({"query": query}),
            headers={"Accept": "application/sparql-results+json"})
        if status != 200:
            raise RuntimeError(f"query -> {status}: {body[:500]!r}")
        bindings: list[dict[str, Any]] = json.loads(body)["results"]["bindings"]
        return bindings


class OxigraphServer(_Server):
    """``oxigraph serve`` from the PyPI ``oxigraph`` package (RocksDB store in the temp dir)."""

    name = "oxigraph"

    def __init__(self) -> None:
        super().__init__()
        self.query_url = self.base_url + "/query"
        self.update_url = self.base_url + "/update"
        self.gsp_url = self.base_url + "/store"

    def _command(self, binary: str, tmp: Path) -> list[str]:
        return [binary, "serve", "--location", str(tmp / "data"), "--bind", f"127.0.0.1:{self.port}"]


# Minimal config: every file in the temp dir, both listeners bound to 127.0.0.1,
# no checkpoints (data is throwaway), small buffers so several instances fit in CI memory.
_VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {tmp}/virtuoso.db
ErrorLogFile       = {tmp}/virtuoso.log
LockFile           = {tmp}/virtuoso.lck
TransactionFile    = {tmp}/virtuoso.trx
xa_persistent_file = {tmp}/virtuoso.pxa
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {tmp}/virtuoso-temp.db
TransactionFile    = {tmp}/virtuoso-temp.trx
Striping           = 0

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 0
DirsAllowed        = ., {tmp}
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
CaseMode           = 2

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {tmp}
ServerThreads        = 4
MaxClientConnections = 4
EnabledDavVSP        = 0

[SPARQL]
ResultSetMaxRows   = 100000
"""


class VirtuosoServer(_Server):
    """Debian's ``virtuoso-t`` with a fresh database (so dba/dba) and a generated virtuoso.ini."""

    name = "virtuoso"
    start_timeout = 60.0  # a fresh database is created at start-up: ~5 s here, slower on loaded CI
    username = "dba"
    password = "dba"

    def __init__(self) -> None:
        super().__init__()
        self.sql_port = free_port()
        self.ports = [self.port, self.sql_port]
        self.query_url = self.base_url + "/sparql"  # anonymous, read-only
        self.update_url = self.base_url + "/sparql-auth"  # digest auth
        self.gsp_url = self.base_url + "/sparql-graph-crud-auth"  # digest auth

    def _command(self, binary: str, tmp: Path) -> list[str]:
        ini = tmp / "virtuoso.ini"
        ini.write_text(_VIRTUOSO_INI.format(tmp=tmp, sql_port=self.sql_port, http_port=self.port))
        return [binary, "+foreground", "+configfile", str(ini)]


def start_or_skip(cls: type[_Server]):
    """A pytest fixture body: the running server, or a skip (a failure when OFSTED_KG_REQUIRE_TOOLS=1, as in CI)."""
    from okg_paths import missing_tool

    try:
        with cls() as server:
            yield server
    except ServerUnavailable as exc:
        missing_tool(str(exc))
