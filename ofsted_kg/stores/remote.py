"""Remote store: any SPARQL 1.1 Query/Update + Graph Store Protocol server over HTTP(S).

Each report is one named graph sent with a Graph Store Protocol PUT (which
replaces it whole), so re-sending a report is idempotent.  Payloads are
N-Triples written by Oxigraph's serialiser and parsed back before sending:
some servers (Virtuoso 7.2) load a malformed body *partially* before
failing, so nothing unchecked may go out.  Exports fetch every graph as
N-Triples into an in-memory Oxigraph store, which writes the file, so a
server's export is byte for byte the embedded store's.  Query values are
bound by a ``VALUES`` block of RDF terms in N-Triples syntax at the head of the WHERE
group (:func:`ofsted_kg.rdf.terms.with_values`), never by pasting user text.
Server credentials come from ``OFSTED_KG_USER``/``OFSTED_KG_PASSWORD`` or
``~/.netrc``, never from the command line, so they stay out of shell history
and logs.  Registers the ``sparql+http://`` and ``sparql+https://`` specs.
"""
from __future__ import annotations

import json
import netrc
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Identifier

from ofsted_kg.rdf.graph_files import format_for, new_dataset, save
from ofsted_kg.rdf.terms import OX_FORMATS, PROLOGUE, to_oxigraph, with_values
from ofsted_kg.rdf.vocab import ID
from ofsted_kg.stores.base import Rows, Store, StoreError, Triples, register, unknown_spec
from ofsted_kg.stores.oxigraph import OxigraphStore

TIMEOUT = 300
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


class PreemptiveDigestAuthHandler(urllib.request.HTTPDigestAuthHandler):
    """Digest auth that, once challenged, signs every later request up front (as curl does).

    urllib's own handler sends each request unauthenticated first; Virtuoso
    answers a large unauthenticated PUT with 401 and closes the socket before
    reading the body, so uploads died with a broken pipe."""

    challenge: dict[str, str] | None = None

    def retry_http_digest_auth(self, req, auth):
        self.challenge = urllib.request.parse_keqv_list(
            filter(None, urllib.request.parse_http_list(auth.split(" ", 1)[1])))
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req):
        if self.challenge and not req.has_header("Authorization"):
            value = self.get_authorization(req, self.challenge)
            if value:
                req.add_unredirected_header("Authorization", f"Digest {value}")
        return req

    https_request = http_request


class RemoteStore(Store):
    """``sparql+http(s)://HOST:PORT/QUERY_PATH?update=PATH&gsp=PATH``."""

    def __init__(self, spec: str) -> None:
        url = urllib.parse.urlsplit(spec.removeprefix("sparql+"))
        if url.username or url.password:
            raise StoreError("put server credentials in OFSTED_KG_USER/OFSTED_KG_PASSWORD or ~/.netrc, "
                             "not in the store URL")
        pairs = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
        options = dict(pairs)
        base = f"{url.scheme}://{url.netloc}"
        self.spec = spec
        extra = urllib.parse.urlencode([(k, v) for k, v in pairs if k not in ("update", "gsp")])
        self.query_url = base + (url.path or "/sparql") + (f"?{extra}" if extra else "")
        self.update_url = base + options["update"] if "update" in options else None
        self.gsp_url = base + options["gsp"] if "gsp" in options else None
        handlers: list[urllib.request.BaseHandler] = []
        login = credentials(url.hostname or "")
        if login:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, base, *login)
            handlers += [PreemptiveDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)]
        self.opener = urllib.request.build_opener(*handlers)
        if login and self.gsp_url:  # learn the digest challenge with a body-less request before any upload
            try:
                self.opener.open(self._gsp(f"{ID}graph/none"), timeout=TIMEOUT).read()
            except (urllib.error.URLError, OSError):
                pass

    def _send(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> bytes:
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if method == "DELETE" and exc.code == 404:
                return b""
            detail = exc.read()[:300].decode("utf-8", "replace").strip()
            raise StoreError(f"{self.spec}: {method} {url.split('?')[0]} failed: HTTP {exc.code} {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"{self.spec}: cannot reach the server ({exc})") from None

    def _gsp(self, name: str) -> str:
        if not self.gsp_url:
            raise StoreError(f"{self.spec}: read-only (no gsp=PATH for the Graph Store Protocol in the store URL)")
        return f"{self.gsp_url}?{urllib.parse.urlencode({'graph': name})}"

    def select(self, query: str, bindings: dict[str, Identifier] | None = None) -> tuple[list[str], Rows]:
        text = PROLOGUE + with_values(query, bindings or {})
        raw = self._send("POST", self.query_url, urllib.parse.urlencode({"query": text}).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded",
                          "Accept": "application/sparql-results+json"})
        result = json.loads(raw)
        names = result["head"].get("vars", [])
        return names, [{k: from_json(v) for k, v in b.items()} for b in result["results"]["bindings"]]

    def put(self, graphs: dict[str, Triples]) -> None:
        for name, graph in graphs.items():
            self._send("PUT", self._gsp(name), checked_ntriples(name, graph), {"Content-Type": "application/n-triples"})

    def drop(self, names: list[str]) -> None:
        for name in names:
            self._send("DELETE", self._gsp(name))

    def _get(self, name: str) -> bytes | None:
        """One named graph as N-Triples, or None when the server has no such graph."""
        try:
            return self._send("GET", self._gsp(name), headers={"Accept": "application/n-triples"})
        except StoreError as exc:
            if "HTTP 404" in str(exc):
                return None
            raise

    def fetch(self, names: list[str]) -> Dataset:
        out = new_dataset()
        for name in names:
            payload = self._get(name)
            if payload is not None:
                out.graph(URIRef(name)).parse(data=payload.decode("utf-8"), format="nt")
        return out

    def triples(self, names: list[str], select=None) -> bytes:
        """Re-serialised by Oxigraph: one triple per line, whatever the server's own layout."""
        if select is not None:
            return super().triples(names, select)
        return b"\n".join(ox.serialize(ox.parse(self._get(name) or b"", format=ox.RdfFormat.N_TRIPLES),
                                        format=ox.RdfFormat.N_TRIPLES) or b"" for name in names)

    def dump(self, path: Path) -> Path:
        """ofsted-kg's graphs (not the server's own, e.g. Virtuoso's system graphs) fetched into Oxigraph in
        memory, which writes the file: rdflib would take minutes at a million quads."""
        ours = [name for name in self.graph_names() if name.startswith(str(ID))]
        if format_for(path) not in OX_FORMATS:
            return save(self.fetch(ours), path)
        local = ox.Store()
        for name in ours:
            payload = self._get(name)
            if payload:
                local.load(payload, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
        return OxigraphStore.in_memory(local).dump(path)

    def graph_names(self) -> list[str]:
        return sorted(str(row["g"]) for row in self.select(GRAPHS)[1])


def credentials(host: str) -> tuple[str, str] | None:
    """(user, password) for ``host`` from the environment, else from ~/.netrc, else None."""
    user, password = os.environ.get("OFSTED_KG_USER"), os.environ.get("OFSTED_KG_PASSWORD")
    if user and password is not None:
        return user, password
    try:
        found = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError):
        return None
    return (found[0], found[2]) if found else None


def checked_ntriples(name: str, triples: Triples) -> bytes:
    """``triples`` as N-Triples written by Oxigraph, parsed back before anything is sent (see the module note)."""
    try:
        if isinstance(triples, bytes):
            parsed = ox.parse(triples, format=ox.RdfFormat.N_TRIPLES)
        else:
            parsed = (ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples)
        payload = ox.serialize(parsed, format=ox.RdfFormat.N_TRIPLES) or b""
        for _ in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES):
            pass
    except (SyntaxError, ValueError, TypeError) as exc:
        raise StoreError(f"graph {name}: not sent, its triples do not serialise to valid N-Triples ({exc})") from None
    return payload


def from_json(value: dict) -> Identifier:
    """A SPARQL JSON results term as an rdflib term."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    return Literal(value["value"], datatype=URIRef(datatype) if datatype else None)


def _open_remote(spec: str, write: bool) -> RemoteStore:
    """``sparql+http(s)://...``: the server's own access control decides what may be written."""
    if not spec.startswith(("sparql+http://", "sparql+https://")):
        raise unknown_spec(spec)
    return RemoteStore(spec)


register("sparql+http", _open_remote, "sparql+http(s)://HOST/PATH")
register("sparql+https", _open_remote, "sparql+http(s)://HOST/PATH")
