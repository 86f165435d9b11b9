"""Share: a read-only SPARQL 1.1 Protocol endpoint and the HTML report, so a team shares one graph.

Standard library ``http.server`` only: enough for a few users on a trusted network.  Each limit is a refusal:

* Read-only: SPARQL Update (``update=``, an ``application/sparql-update`` body, or text whose first keyword
  after the prologue is an update verb) gets 403; the store is read-only or an in-memory copy anyway.
* No federation: Oxigraph evaluates ``SERVICE`` with real HTTP requests, which would make this a proxy into
  its network.  A tokenizer cannot find the keyword reliably (``<`` is an IRI or less-than depending on the
  parse, so ``FILTER(?o <#>`` then a long string puts lexer and parser out of step about strings and
  comments), so :func:`service_refusal` parses with rdflib's grammar.  Unparseable text mentioning
  "service" is refused too: only what was checked runs.
* Time: pyoxigraph cannot interrupt a query, so each runs in its own thread and the request stops waiting
  after ``timeout`` s (503).  The thread stops at its next solution after the deadline; a query that computes
  long without yielding (an aggregate over a cross join, a big ORDER BY) runs on until done.  At most
  ``max_running`` queries run at once, abandoned ones included, so runaways cannot pile up (503 "busy").
  Processes could be killed, but each would need its own copy of an in-memory store.
* Size: at most ``max_rows`` solutions (or triples) are sent; longer answers are cut and marked
  ``X-Truncated: true``, so partial results are visibly partial rather than lost.
"""
from __future__ import annotations

import html
import ipaddress
import mimetypes
import shutil
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

import pyoxigraph as ox

from ofsted_kg.query.guard import (
    GRAPH_FORMS,
    GRAPHS,
    READ_ONLY,
    RESULTS,
    UPDATE_VERBS,
    negotiate,
    query_form,
    service_refusal,
)
from ofsted_kg.rdf.vocab import PREFIXES
from ofsted_kg.stores import OxigraphStore
from ofsted_kg.views.html.site import render_site, views_of
from ofsted_kg.views.tables import read_tables

PREFIX_MAP = {p: str(ns) for p, ns in PREFIXES.items()}
MAX_BODY = 1 << 20


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str) -> Reply:
    """A one-line plain-text answer (errors and refusals)."""
    return Reply(status, (" ".join(message.split()) + "\n").encode("utf-8"))


class Endpoint:
    """Runs checked, read-only queries over one Oxigraph store with a time limit and a row limit.

    Oxigraph's own results (:meth:`OxigraphStore.query`), not the Store's rows of rdflib terms: every query form
    is served, and pyoxigraph serialises the answer straight into each format the protocol offers."""

    def __init__(self, store: OxigraphStore, timeout: float = 30.0, max_rows: int = 100_000, max_running: int = 4) -> None:
        self.store, self.timeout, self.max_rows, self.max_running = store, timeout, max_rows, max_running
        self._slots = threading.BoundedSemaphore(max_running)

    def answer(self, query: str, accept: str | None = None, wanted: str | None = None,
               dataset: dict | None = None) -> Reply:
        """The HTTP answer to one query (never raises for bad input: refusals are replies)."""
        form = query_form(query)
        if form in UPDATE_VERBS:
            return text_reply(403, READ_ONLY)
        media = negotiate(form, accept, wanted)
        if media is None:
            choices = ", ".join(GRAPHS if form in GRAPH_FORMS else RESULTS)
            return text_reply(406, f"cannot answer {form or 'this query'} as '{wanted or accept}'; "
                                   f"use one of {choices}")
        if not self._slots.acquire(blocking=False):
            return text_reply(503, f"busy: {self.max_running} queries are still running (some may have passed the "
                                   "time limit and be finishing); try again shortly")
        box: list[Reply] = []
        deadline = time.monotonic() + self.timeout
        worker = threading.Thread(target=self._work, args=(query, media, dataset or {}, deadline, box),
                                  name="sparql-query", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if not box:
            return text_reply(503, f"the query ran longer than the {self.timeout:g} s time limit and was abandoned; "
                                   "add LIMIT or narrow its patterns")
        return box[0]

    def _work(self, query: str, media: str, dataset: dict, deadline: float, box: list[Reply]) -> None:
        try:
            refusal = service_refusal(query)
            reply = text_reply(403, refusal) if refusal else self._execute(query, media, dataset, deadline)
            box.extend([reply] if reply else [])
        except Exception as exc:  # noqa: BLE001 - one failed query must not take the server down
            box.append(text_reply(500, f"query failed: {type(exc).__name__}: {exc}"))
        finally:
            self._slots.release()

    def _execute(self, query: str, media: str, dataset: dict, deadline: float) -> Reply | None:
        """The reply, or None when the request stopped waiting.

        pyoxigraph results must be dropped by the thread that made them, but an
        object in a reference cycle is dropped by whichever thread collects
        garbage.  So no generators or stored exceptions here, and the SERVICE
        check runs in the caller: rdflib's parser leaves cyclic frames whose
        ``f_back`` would otherwise keep this frame, and ``result``, alive.
        """
        scope = dataset or {"use_default_graph_as_union": True}
        try:
            result = self.store.query(query, prefixes=PREFIX_MAP, **scope)
        except SyntaxError as exc:
            return text_reply(400, f"SPARQL syntax error: {exc}")
        if isinstance(result, ox.QueryBoolean):
            if media not in RESULTS:
                return text_reply(406, f"an ASK result cannot be given as {media}")
            return Reply(200, result.serialize(format=RESULTS[media]), media + "; charset=utf-8")
        if isinstance(result, ox.QuerySolutions) != (media in RESULTS):
            return text_reply(406, f"this query's result cannot be given as {media}")
        taken = self._take(result, deadline)
        if taken is None:
            return None
        items, cut = taken
        body = (self._solutions(result, items, media) if isinstance(result, ox.QuerySolutions)
                else self._triples(items, media))
        headers = {"X-Truncated": "true", "X-Max-Rows": str(self.max_rows)} if cut else {}
        return Reply(200, body, media + "; charset=utf-8", headers)

    def _take(self, items: ox.QuerySolutions | ox.QueryTriples, deadline: float) -> tuple[list, bool] | None:
        """Up to ``max_rows`` items and whether more were left; None once past the deadline."""
        taken: list = []
        for item in items:
            if time.monotonic() > deadline:
                return None
            if len(taken) == self.max_rows:
                return taken, True
            taken.append(item)
        return taken, False

    @staticmethod
    def _solutions(result: ox.QuerySolutions, rows: list[ox.QuerySolution], media: str) -> bytes:
        """Solutions serialised by pyoxigraph after a round trip through TSV (its terms print in TSV syntax)."""
        names = [v.value for v in result.variables]
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join("" if row[n] is None else str(row[n]) for n in names) for row in rows]
        kept = ox.parse_query_results("\n".join(lines) + "\n", ox.QueryResultsFormat.TSV)
        return kept.serialize(format=RESULTS[media])

    @staticmethod
    def _triples(triples: list[ox.Triple], media: str) -> bytes:
        fmt = GRAPHS[media]
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        prefixes = None if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) else PREFIX_MAP
        return ox.serialize(triples, format=fmt, prefixes=prefixes)


def dataset_scope(default_graphs: list[str], named_graphs: list[str]) -> dict:
    """Query arguments for the protocol's RDF dataset: the union of all graphs unless the request names graphs."""
    if not default_graphs and not named_graphs:
        return {}
    return {"default_graph": [ox.NamedNode(g) for g in default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in named_graphs]}


def site_file(root: Path, url_path: str) -> Path | None:
    """The report file a URL path names (``/report/`` prefix optional), or None for anything outside ``root``."""
    parts = [p for p in unquote(url_path).split("/") if p]
    if parts[:1] == ["report"]:
        parts = parts[1:]
    if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        return None
    candidate = root.joinpath(*parts)
    candidate = candidate / "index.html" if candidate.is_dir() else candidate
    resolved, base = candidate.resolve(), root.resolve()
    return resolved if resolved.is_relative_to(base) and resolved.is_file() else None


def form_page(quads: int) -> bytes:
    """A tiny query form: no scripts, no styles, nothing fetched from elsewhere."""
    example = html.escape("SELECT (COUNT(?r) AS ?recommendations) WHERE { ?r a okg:Recommendation }")
    options = "".join(f"<option>{f}</option>" for f in ("json", "csv", "tsv", "xml", "turtle", "trig", "nt", "nq"))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>SPARQL · ofsted-kg</title></head>'
            f"<body><h1>SPARQL endpoint (read-only)</h1><p>{quads} quads; queries see the union of all graphs; "
            f"prefixes {html.escape(', '.join(p + ':' for p in PREFIX_MAP))} are predeclared. "
            f'<a href="/">The report</a>.</p><form method="get" action="/sparql"><p><textarea name="query" rows="12" '
            f'cols="100">{example}</textarea></p><p><label>Format <select name="format">{options}</select></label> '
            f'<button type="submit">Run</button></p></form></body></html>\n').encode("utf-8")


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() == "localhost"


def exposure_warning(host: str) -> str | None:
    """A warning when ``host`` makes the endpoint reachable from other machines, else None."""
    if is_loopback(host):
        return None
    return (f"warning: listening on {host}: the endpoint and the report are reachable from the network, "
            "without authentication or TLS")


class Handler(BaseHTTPRequestHandler):
    """Routes ``/sparql`` to the endpoint and every other GET to the rendered report."""

    server: SparqlServer
    server_version = "ofsted-kg"

    def version_string(self) -> str:
        return self.server_version  # no Python version in the Server header

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = self._start()
        if url is None:
            return
        if url.path == "/sparql":
            self._sparql(parse_qs(url.query, keep_blank_values=True), None)
            return
        found = site_file(self.server.site, url.path)
        if found is None:
            self._send(text_reply(404, "not found"))
            return
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        self._send(Reply(200, found.read_bytes(), kind + ("; charset=utf-8" if kind.startswith("text/") else "")))

    def do_POST(self) -> None:  # noqa: N802
        url = self._start()
        if url is None:
            return
        kind, length = self.headers.get_content_type(), self.headers.get("Content-Length", "")
        if url.path != "/sparql":
            return self._send(text_reply(404, "not found (POST queries to /sparql)"))
        if kind == "application/sparql-update":
            return self._send(text_reply(403, READ_ONLY))
        if not length.isdigit():
            return self._send(text_reply(411, "a POST needs a Content-Length"))
        if int(length) > MAX_BODY:
            return self._send(text_reply(413, f"request body over {MAX_BODY} bytes"))
        try:
            body = self.rfile.read(int(length)).decode("utf-8")
        except UnicodeDecodeError:
            return self._send(text_reply(400, "the request body is not UTF-8"))
        params = parse_qs(url.query, keep_blank_values=True)
        if kind == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
            return self._sparql(params, None)
        if kind == "application/sparql-query":
            return self._sparql(params, body)
        return self._send(text_reply(415, "send application/x-www-form-urlencoded or application/sparql-query"))

    def _start(self) -> SplitResult | None:
        """The parsed URL, or None after refusing a Host header a DNS-rebinding page would send."""
        self._started = time.monotonic()
        host = self.headers.get("Host", "")
        name = host[1:host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
        if self.server.loopback and name and not is_loopback(name):
            self._send(text_reply(403, f"unexpected Host '{name[:60]}': this endpoint only answers localhost"))
            return None
        return urlsplit(self.path)

    def _sparql(self, params: dict[str, list[str]], body: str | None) -> None:
        if "update" in params:
            return self._send(text_reply(403, READ_ONLY))
        queries = params.get("query", []) + ([body] if body is not None else [])
        if not queries:
            return self._send(Reply(200, form_page(self.server.quads), "text/html; charset=utf-8")
                              if self.command == "GET" else text_reply(400, "no query given"))
        if len(queries) > 1:
            return self._send(text_reply(400, "give exactly one query"))
        try:
            scope = dataset_scope(params.get("default-graph-uri", []), params.get("named-graph-uri", []))
        except ValueError as exc:
            return self._send(text_reply(400, f"bad graph IRI: {exc}"))
        wanted = (params.get("format") or [None])[0]
        self._send(self.server.endpoint.answer(queries[0], self.headers.get("Accept"), wanted, scope))

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in {"Content-Type": reply.content_type, "Content-Length": str(len(reply.body)),
                            "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'self'",
                            "Cache-Control": "no-store", **reply.headers}.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up; nothing to tell it

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request: method, path and parameter names only (query text can be long or private)."""
        url = urlsplit(getattr(self, "path", ""))
        names = "&".join(f"{k}=..." for k in parse_qs(url.query, keep_blank_values=True))
        shown = (url.path[:120] + (f"?{names[:120]}" if names else "")).encode("ascii", "backslashreplace").decode()
        took = (time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000
        sys.stderr.write(f"{self.address_string()} {getattr(self, 'command', '-')} {shown} {int(code)} {took:.0f} ms\n")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        message = (format % args)[:200].encode("ascii", "backslashreplace").decode()
        sys.stderr.write(f"{self.address_string()} {message}\n")


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server; ``server_close`` also deletes the rendered report."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], endpoint: Endpoint, site: Path, scratch: Path) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.endpoint, self.site, self.scratch = endpoint, site, scratch
        self.loopback, self.quads = is_loopback(address[0]), endpoint.store.quad_count()
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def server_close(self) -> None:
        super().server_close()
        shutil.rmtree(self.scratch, ignore_errors=True)


def make_server(engine: OxigraphStore, host: str = "127.0.0.1", port: int = 8000, timeout: float = 30.0,
                max_rows: int = 100_000, max_running: int = 4) -> SparqlServer:
    """A bound, not yet serving, server over ``engine``; the report is rendered once, now, into a temp folder."""
    scratch = Path(tempfile.mkdtemp(prefix="ofsted-kg-serve-"))
    try:
        tables = read_tables(engine)
        site = render_site(tables, scratch / "site", views=views_of(engine, tables)).folder
        return SparqlServer((host, port), Endpoint(engine, timeout, max_rows, max_running), site, scratch)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
