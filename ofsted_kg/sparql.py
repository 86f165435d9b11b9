"""Stage 8b, query engines: run one SPARQL SELECT over an rdflib Dataset or a pyoxigraph Store.

The views (report pages, CSV tables, the network) read the graph only
through :func:`select`, so they work the same over the in-memory rdflib
graph used by tests and over the fast embedded Oxigraph store used for the
whole corpus.  User values always travel as bound RDF terms, never as text
pasted into the query.
"""
from __future__ import annotations

from pathlib import Path
from typing import Union

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Identifier

from .store import FormatError, format_for
from .vocab import PREFIXES

Engine = Union[Dataset, ox.Store, "object"]  # or any ofsted_kg.stores.Store (has .select)
Rows = list[dict[str, Identifier]]

OX_FORMATS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "turtle": ox.RdfFormat.TURTLE,
              "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML, "n3": ox.RdfFormat.N3,
              "json-ld": ox.RdfFormat.JSON_LD}
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def open_file(path: Path) -> ox.Store:
    """An in-memory Oxigraph store holding the RDF file at ``path`` (much faster than rdflib to load)."""
    fmt = format_for(path)
    if fmt not in OX_FORMATS:
        raise FormatError(f"{path}: format '{fmt}' cannot be loaded into Oxigraph")
    store = ox.Store()
    store.bulk_load(path=str(path), format=OX_FORMATS[fmt])
    return store


def to_rdflib(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> Identifier | None:
    """An Oxigraph term as the equivalent rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term as the equivalent Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise TypeError(f"cannot bind {term!r} as an RDF term")


def select(engine: Engine, query: str, bindings: dict[str, Identifier] | None = None) -> tuple[list[str], Rows]:
    """(variable names, rows as dicts of rdflib terms) of a SELECT over the union of all graphs."""
    bindings = bindings or {}
    if hasattr(engine, "select"):  # a Store of ofsted_kg.stores (e.g. a remote server)
        return engine.select(query, bindings)
    if isinstance(engine, ox.Store):
        result = engine.query(PROLOGUE + query, use_default_graph_as_union=True,
                              substitutions={ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()})
        names = [v.value for v in result.variables]
        rows = [{n: to_rdflib(sol[n]) for n in names if sol[n] is not None} for sol in result]
        return names, rows
    result = engine.query(query, initNs=PREFIXES, initBindings=bindings)
    names = [str(v) for v in result.vars or []]
    return names, [{n: row[i] for i, n in enumerate(names) if row[i] is not None} for row in result]
