"""Guard a SPARQL request: what kind of query it is, whether it may call out, what to answer in.

Kept apart from the server so the checks that make the endpoint safe are
small, pure functions with their own tests.  SERVICE is found by parsing
with rdflib's grammar, not by a tokenizer: ``<`` is an IRI or less-than
depending on the parse, so a lexer can be put out of step about strings and
comments and miss the keyword.  Unparseable text mentioning "service" is
refused: only what was checked runs.
"""
from __future__ import annotations

import re
import threading

import pyoxigraph as ox

RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON, "text/csv": ox.QueryResultsFormat.CSV,
           "text/tab-separated-values": ox.QueryResultsFormat.TSV,
           "application/sparql-results+xml": ox.QueryResultsFormat.XML}
GRAPHS = {"text/turtle": ox.RdfFormat.TURTLE, "application/trig": ox.RdfFormat.TRIG,
          "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/n-quads": ox.RdfFormat.N_QUADS}
ALIASES = {"json": "application/sparql-results+json", "application/json": "application/sparql-results+json",
           "csv": "text/csv", "tsv": "text/tab-separated-values", "xml": "application/sparql-results+xml",
           "application/xml": "application/sparql-results+xml", "text/xml": "application/sparql-results+xml",
           "turtle": "text/turtle", "ttl": "text/turtle", "trig": "application/trig", "nt": "application/n-triples",
           "ntriples": "application/n-triples", "nq": "application/n-quads", "nquads": "application/n-quads"}
UPDATE_VERBS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
GRAPH_FORMS = {"CONSTRUCT", "DESCRIBE"}
READ_ONLY = "SPARQL Update is not allowed: this endpoint is read-only"
_PROLOGUE = r"(?:\s+|#[^\n\r]*|(?i:BASE)\s*<[^>]*>|(?i:PREFIX)\s*[^\s:]*:\s*<[^>]*>)*"
_GUARD_LOCK = threading.Lock()  # pyparsing's packrat cache is shared module state


def query_form(text: str) -> str:
    """The first keyword after BASE/PREFIX declarations, upper-cased: SELECT, ASK, ..., INSERT, or ''."""
    rest = text[re.match(_PROLOGUE, text).end():]
    word = re.match(r"[A-Za-z]+", rest)
    return word.group(0).upper() if word else ""


def service_refusal(text: str) -> str | None:
    """Why the query may call another server (SERVICE), or None when it provably cannot.

    Both readings of ``\\u`` escapes are checked (Oxigraph keeps them literal
    outside strings, the SPARQL spec expands them first), so neither parser's
    view can hide the keyword from us.
    """
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import Query, expandUnicodeEscapes
    from rdflib.plugins.sparql.parserutils import CompValue

    def has_service(node: object) -> bool:
        if isinstance(node, CompValue):
            return node.name == "ServiceGraphPattern" or any(has_service(v) for v in node.values())
        if isinstance(node, (list, tuple, ParseResults)):
            return any(has_service(v) for v in node)
        return False

    try:
        readings = {text, expandUnicodeEscapes(text)}
    except Exception:  # noqa: BLE001 - an escape rdflib cannot expand: judge the raw text alone
        readings = {text}
    if not any("service" in reading.lower() for reading in readings):
        return None
    for reading in readings:
        try:
            with _GUARD_LOCK:
                tree = Query.parse_string(reading, parse_all=True)
            found = has_service(tree)
        except Exception as exc:  # noqa: BLE001 - anything we cannot check is refused
            return f"the query mentions 'service' and could not be checked for SERVICE clauses ({exc})"
        if found:
            return "federated queries (SERVICE) are not allowed: this endpoint never calls other servers"
    return None


def negotiate(form: str, accept: str | None, wanted: str | None) -> str | None:
    """The media type to answer with: ``format=`` if given, else the best Accept match; None if none fits."""
    offers = list(GRAPHS if form in GRAPH_FORMS else RESULTS)
    if wanted:
        media = ALIASES.get(wanted.strip().lower(), wanted.strip().lower())
        return media if media in offers else None
    best: tuple[float, str] | None = None
    for item in (accept or "*/*").split(","):
        media, *params = [part.strip().lower() for part in item.split(";")]
        quality = next((float(p[2:]) for p in params if re.fullmatch(r"q=(0(\.\d*)?|1(\.0*)?)", p)), 1.0)
        media = ALIASES.get(media, media)
        major = media.split("/")[0]
        choice = offers[0] if media in ("*/*", "") else next(
            (o for o in offers if o == media or (media.endswith("/*") and o.startswith(major + "/"))), None)
        if choice and quality > 0 and (best is None or quality > best[0]):
            best = (quality, choice)
    return best[1] if best else None
