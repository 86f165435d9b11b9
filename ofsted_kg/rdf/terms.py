"""RDF terms across engines: rdflib and Oxigraph terms into each other, and bound values written as query text.

The stores (``ofsted_kg.stores``) answer SPARQL with rdflib terms whichever
engine runs the query, so the views read one kind of term.  Engines that take
no initial bindings (Oxigraph only substitutes projected variables; remote
servers take text) get user values through :func:`with_values`: RDF terms in
N-Triples syntax, never text pasted into the query.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox
from rdflib import RDFS, BNode, Literal, URIRef
from rdflib.term import Identifier

from ofsted_kg.rdf.vocab import PREFIXES

OX_FORMATS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "turtle": ox.RdfFormat.TURTLE,
              "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML, "n3": ox.RdfFormat.N3,
              "json-ld": ox.RdfFormat.JSON_LD}
RDFS_NS = str(RDFS)
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in {**PREFIXES, "rdfs": RDFS_NS}.items())
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
WHERE_RE = re.compile(r"\bWHERE\s*\{|\{", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def to_rdflib(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> Identifier | None:
    """An Oxigraph term as the equivalent rdflib term (cached: result rows repeat IRIs, dates and labels)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:  # plain strings: rdflib treats an explicit xsd:string as another term
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


@lru_cache(maxsize=1 << 16)
def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term as the equivalent Oxigraph term (cached: IRIs repeat across a report's triples)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise TypeError(f"cannot bind {term!r} as an RDF term")


def with_values(query: str, bindings: dict[str, Identifier]) -> str:
    """``query`` with ``VALUES (?a ?b) { (t1 t2) }`` as the first element of its outermost WHERE group.

    This is how bound values reach engines that take no initial bindings
    (Oxigraph only substitutes projected variables; remote servers take text):
    each value is an RDF term written in N-Triples syntax by rdflib, which
    escapes it, so a value can never end the block or add a clause.  Placed
    first, the block binds before any FILTER, BIND or GROUP BY sees the rows.
    """
    if not bindings:
        return query
    names = sorted(bindings)
    if not all(n.isidentifier() for n in names):
        raise ValueError(f"bad variable name in {names}")
    block = (" VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
             + " ".join(bindings[n].n3() for n in names) + ") } ")
    body = [line if not line.lstrip().startswith("#") else " " * len(line) for line in query.split("\n")]
    match = WHERE_RE.search("\n".join(body), _prologue_end("\n".join(body)))
    if match is None:
        raise ValueError("query has no WHERE group to bind values in")
    return query[:match.end()] + block + query[match.end():]


def _prologue_end(text: str) -> int:
    """Offset just past the PREFIX/BASE declarations (their IRIs hold no braces, but skip them anyway)."""
    end = 0
    for match in re.finditer(r"(?im)^\s*(PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)", text):
        end = match.end()
    return end
