"""Map to RDF, reference data: every authority of the bundled lookup, its region, its statistical neighbours
in order, its codes (ONS GSS, DfE, Ofsted URN), and the structural changes that replaced some authorities, as one
named graph.

This is what comparisons need beside the reports (an authority against its neighbours, its region, England)
and it does not come from any report, so it is one graph (:data:`AUTHORITIES_GRAPH`) written once per store,
not repeated in each report's graph.  Terms: ORG for organisations and their changes (``org:ChangeEvent``),
SKOS for the regions (a concept scheme, each region ``owl:sameAs`` its ONS statistical-geography IRI), and a
qualified relation per neighbour (``okg:NeighbourRank``: which authority, which neighbour, at which rank,
in which listing) because an RDF property alone cannot keep the DfE's order, closest first.
"""
from __future__ import annotations

import csv
import hashlib
from functools import lru_cache
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from ofsted_kg.extract.authorities import lookup_rows
from ofsted_kg.rdf.mapping import new_graph
from ofsted_kg.rdf.vocab import ID, OKG, ORG, STATS, authority_iri

AUTHORITIES_GRAPH = ID["graph/authorities"]
REGIONS = ID["region"]
# The nine English regions, ONS codes (RGN22).  The lookup gives code and name per row; its names agree across
# its two name columns and its letter codes, but two rows carry another region's code (Buckinghamshire
# E12000004, Gloucestershire E12000003), so the region is read from the name.
REGIONS_BY_NAME = {"North East": "E12000001", "North West": "E12000002", "Yorkshire and The Humber": "E12000003",
                   "East Midlands": "E12000004", "West Midlands": "E12000005", "East of England": "E12000006",
                   "London": "E12000007", "South East": "E12000008", "South West": "E12000009"}
LISTINGS = {"stat_neighbours": OKG.CurrentNeighbours, "stat_neighbours_previous": OKG.PreviousNeighbours}
IDENTIFIERS = {OKG.dfeCode: "la_code", OKG.ofstedURN: "urn"}  # the codes comparisons are keyed on (DfE lists neighbours by them)


def authorities_graph() -> Graph:
    """The reference graph: deterministic, built from the package's own data files only."""
    g = new_graph(AUTHORITIES_GRAPH)
    rows = [r for r in lookup_rows() if r["la_code_new"].startswith("E")]
    gss_of_dfe = {r["la_code"].strip(): r["la_code_new"] for r in rows if r["la_code"].strip()}
    g.add((REGIONS, RDF.type, SKOS.ConceptScheme))
    g.add((REGIONS, SKOS.prefLabel, Literal("English regions (ONS)", lang="en")))
    for row in sorted(rows, key=lambda r: r["la_code_new"]):
        node = _authority(g, row)
        for column, listing in LISTINGS.items():  # DfE codes, which outlive GSS recodings
            codes = [gss_of_dfe.get(c.strip(), "") for c in row[column].split(",") if c.strip()]
            for rank, code in enumerate(codes, start=1):
                if code:
                    _neighbour(g, node, row["la_code_new"], listing, rank, code)
    for old, new in sorted(former_codes(rows, gss_of_dfe)):
        g.add((authority_iri(new, None), OKG.formerGssCode, Literal(old)))
    _changes(g)
    return g


def former_codes(rows: list[dict[str, str]], gss_of_dfe: dict[str, str]) -> set[tuple[str, str]]:
    """(old GSS code, current one) pairs the lookup itself shows: its neighbour lists give each neighbour by
    DfE code and by GSS code side by side, and some GSS codes there are ones ONS has since replaced
    (Barnsley E08000016 is now E08000038, Sheffield E08000019 is E08000039)."""
    pairs = set()
    for row in rows:
        dfe = [c.strip() for c in row["stat_neighbours"].split(",") if c.strip()]
        gss = [c.strip() for c in row["stat_neighbours_la_code"].split(",") if c.strip()]
        for d, old in zip(dfe, gss) if len(dfe) == len(gss) else ():
            new = gss_of_dfe.get(d)
            if new and old != new:
                pairs.add((old, new))
    return pairs


@lru_cache(maxsize=1)
def stamped_authorities_graph() -> tuple[str, Graph]:
    """(SHA-256 of the reference graph's triples, the graph with that digest recorded on itself), built once
    per process: every re-link checks the store holds it, and an added report must not pay for rebuilding it.
    Shared: callers must not change the graph."""
    graph = authorities_graph()
    digest = hashlib.sha256("".join(sorted(f"{s.n3()} {p.n3()} {o.n3()}\n" for s, p, o in graph)).encode()).hexdigest()
    graph.add((AUTHORITIES_GRAPH, OKG.contentSha256, Literal(digest)))
    return digest, graph


def _authority(g: Graph, row: dict[str, str]) -> URIRef:
    node = authority_iri(row["la_code_new"], None)
    g.add((node, RDF.type, OKG.LocalAuthority))
    g.add((node, RDF.type, ORG.Organization))
    g.add((node, RDFS.label, Literal(row["local_authority_ons_name"])))
    g.add((node, OKG.gssCode, Literal(row["la_code_new"])))
    for prop, column in IDENTIFIERS.items():  # every authority's, not only those a report names (neighbours)
        if row[column].strip():
            g.add((node, prop, Literal(row[column].strip())))
    name = next((n for n in REGIONS_BY_NAME if n.casefold() == row["rgn22nm"].strip().casefold()), None)
    if name:
        code = REGIONS_BY_NAME[name]
        region = ID[f"region/{code}"]
        g.add((node, OKG.inRegion, region))
        g.add((region, RDF.type, OKG.Region))
        g.add((region, RDF.type, SKOS.Concept))
        g.add((region, SKOS.inScheme, REGIONS))
        g.add((region, SKOS.prefLabel, Literal(name, lang="en")))
        g.add((region, SKOS.notation, Literal(code)))
        g.add((region, OWL.sameAs, STATS[code]))
    return node


def _neighbour(g: Graph, node: URIRef, gss: str, listing: URIRef, rank: int, code: str) -> None:
    kind = "neighbour" if listing == OKG.CurrentNeighbours else "previous-neighbour"
    link = ID[f"authority/{gss}/{kind}/{rank}"]
    g.add((link, RDF.type, OKG.NeighbourRank))
    g.add((link, OKG.neighbourOf, node))
    g.add((link, OKG.neighbour, authority_iri(code, None)))
    g.add((link, OKG.rank, Literal(rank)))
    g.add((link, OKG.listing, listing))


def _changes(g: Graph) -> None:
    """Structural changes (bundled ``authority_changes.csv``, each row citing its statutory instrument)."""
    path = resources.files("ofsted_kg") / "data" / "authority_changes.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            event = ID[f"change/{row['date']}/{row['from_gss']}"]
            g.add((event, RDF.type, ORG.ChangeEvent))
            g.add((event, ORG.originalOrganization, authority_iri(row["from_gss"], None)))
            g.add((event, ORG.resultingOrganization, authority_iri(row["to_gss"], None)))
            g.add((event, DCTERMS.date, Literal(row["date"], datatype=XSD.date)))
            g.add((event, DCTERMS.source, Literal(row["source"])))
