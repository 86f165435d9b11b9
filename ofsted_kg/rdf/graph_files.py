"""Store and export: read and write graphs in every RDF format, safely.

Writes go to a temporary file in the target's folder and are renamed over
the target only when complete, so an interrupted run never leaves a
half-written graph behind.  N-Quads and N-Triples are written sorted, which
(with no blank nodes in our graphs) makes them canonical: the same graph
gives the same bytes.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier

from ofsted_kg.files import atomic_write  # noqa: F401 - also imported from here by the writers
from ofsted_kg.rdf.terms import to_oxigraph
from ofsted_kg.rdf.vocab import PREFIXES

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld",
           ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".n3": "n3"}
STANDARD_PREFIXES = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                     "xsd": "http://www.w3.org/2001/XMLSchema#", "owl": "http://www.w3.org/2002/07/owl#",
                     "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/",
                     "prov": "http://www.w3.org/ns/prov#"}
QUAD_FORMATS = {"trig", "nquads", "json-ld"}
# rdflib writes these raw inside N-Triples/N-Quads literals; Oxigraph escapes them. Escaping them the same way
# keeps the canonical form one byte sequence whichever engine wrote it.
_RAW = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SHORT = {"\b": "\\b", "\t": "\\t", "\x0c": "\\f"}


class FormatError(ValueError):
    """An output or input path whose extension names no RDF format we handle."""


def format_for(path: Path | str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise FormatError(f"{path}: unknown RDF format '{suffix}' (use one of {', '.join(sorted(FORMATS))})")
    return FORMATS[suffix]


def new_dataset() -> Dataset:
    data = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        data.bind(prefix, ns)
    return data


def load(paths: list[Path] | Path) -> Dataset:
    """Parse one or more RDF files into one Dataset (triples-only formats go to the default graph)."""
    data = new_dataset()
    for path in [paths] if isinstance(paths, (str, Path)) else paths:
        data.parse(str(path), format=format_for(path))
    return data


def _escape_raw(text: str) -> str:
    return _RAW.sub(lambda m: _SHORT.get(m[0]) or f"\\u{ord(m[0]):04X}", text)


def canonical_nquads(data: Dataset) -> str:
    """Sorted N-Quads: the canonical form used to compare builds byte for byte."""
    text = _escape_raw(data.serialize(format="nquads"))
    # split at "\n" only: splitlines() also breaks at U+2028, U+0085…, which N-Quads leaves raw inside literals
    lines = sorted({line for line in text.split("\n") if line.strip()})
    return "\n".join(lines) + "\n" if lines else ""


def serialise(data: Dataset, fmt: str) -> str:
    if fmt == "nquads":
        return canonical_nquads(data)
    if fmt in ("trig", "turtle"):
        return _oxigraph_text(data, fmt)
    if fmt in QUAD_FORMATS:
        return data.serialize(format=fmt)
    union = union_graph(data)
    if fmt == "nt":
        lines = sorted({line for line in _escape_raw(union.serialize(format="nt")).split("\n") if line.strip()})
        return "\n".join(lines) + "\n"
    return union.serialize(format=fmt)


def _oxigraph_text(data: Dataset, fmt: str) -> str:
    """Turtle/TriG written by Oxigraph: rdflib abbreviates '1'^^xsd:decimal to the token 1.0, another term."""
    store = ox.Store()
    default = ox.DefaultGraph()
    store.bulk_extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o),
                              to_oxigraph(g) if fmt == "trig" and isinstance(g, URIRef) else default)
                      for s, p, o, g in data.quads((None, None, None, None)))
    prefixes = {**STANDARD_PREFIXES, **{p: str(ns) for p, ns in PREFIXES.items()}}
    if fmt == "trig":
        return ox.serialize(quads_by_graph(store), format=ox.RdfFormat.TRIG, prefixes=prefixes).decode("utf-8")
    return store.dump(format=ox.RdfFormat.TURTLE, from_graph=default, prefixes=prefixes).decode("utf-8")


def graph_nquads(triples: Iterable[tuple], graph: str) -> tuple[bytes, int]:
    """(N-Quads of ``triples`` in the named graph ``graph``, each once; how many).

    What a build worker hands back for a report: the parent bulk-loads these
    bytes as they are, with no line of them touched in Python.  Written here,
    each term once, because a report repeats its terms and building an
    Oxigraph or rdflib-indexed object per triple first cost twice as much."""
    written: dict[Identifier, str] = {}
    label = f" <{graph}> .\n"

    def term(t: Identifier) -> str:
        text = written.get(t)
        if text is None:
            text = written[t] = _nt_term(t)
        return text

    lines = dict.fromkeys(f"{term(s)} {term(p)} {term(o)}{label}" for s, p, o in triples)
    return "".join(lines).encode("utf-8"), len(lines)


def _nt_term(t: Identifier) -> str:
    """One rdflib term in N-Triples syntax (IRIs as they are: the mapping makes them of slugs and codes)."""
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        text = '"' + str(t).translate(_ESCAPES) + '"'
        if t.language:
            return f"{text}@{t.language}"
        return text if t.datatype is None or str(t.datatype) == _XSD_STRING else f"{text}^^<{t.datatype}>"
    raise TypeError(f"{t!r}: a report graph has no blank nodes")


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def quads_by_graph(store: ox.Store) -> Iterator[ox.Quad]:
    """Every quad of ``store``, the default graph first, then graph by graph in the order of their names: what
    TriG and JSON-LD are written from.  Oxigraph's own dump wrote a build's graphs in the order its workers
    finished (each authority's derived graphs are stored as they come back): the same quads, other bytes."""
    yield from store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    for name in sorted(g.value for g in store.named_graphs()):
        yield from store.quads_for_pattern(None, None, None, ox.NamedNode(name))


def union_graph(data: Dataset) -> Graph:
    """All triples of all named graphs in one graph (for triples-only formats and SHACL)."""
    union = Graph()
    for prefix, ns in PREFIXES.items():
        union.bind(prefix, ns)
    for s, p, o, _ in data.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def save(data: Dataset, path: Path | str) -> Path:
    """Write ``data`` to ``path`` in the format its extension names, atomically."""
    path = Path(path)
    text = serialise(data, format_for(path))
    atomic_write(path, text.encode("utf-8"))
    return path
