"""Map to RDF: one Extraction -> the named graph of its report.

Everything a report says goes into its own graph, named by the report IRI,
so a report can be replaced or removed alone.  Every recommendation, finding,
judgement and reference carries a Web Annotation target: the report, a
``TextQuoteSelector`` (exact words with context) and a
``TextPositionSelector`` (offsets into the canonical text, whose SHA-256 is
recorded on the report) and, for a PDF, an RFC 3778 ``FragmentSelector``
('page=N') per page the words stand on (:mod:`ofsted_kg.rdf.pages`).  No blank
nodes and no clock: same input, same bytes.
"""
from __future__ import annotations

import hashlib
import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from ofsted_kg import __version__
from ofsted_kg.extract.authorities import Authority, by_gss, resolve
from ofsted_kg.extract.model import Extraction, Span
from ofsted_kg.rdf.pages import RFC3778, fragment, pages_of
from ofsted_kg.rdf.vocab import (
    FRAMEWORK,
    GRADE,
    ID,
    NF,
    OA,
    OGL,
    OKG,
    ORG,
    PREFIXES,
    REC_KIND,
    SCHEMA,
    STATS,
    VISIT_CLASS,
    authority_iri,
    authority_key,
    judgement_area,
    person_iri,
    slug,
    visit_iri,
)

CONTEXT = 32  # characters of prefix/suffix kept in each TextQuoteSelector
AGENT = ID[f"agent/ofsted-kg/{__version__}"]
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def new_graph(identifier: URIRef | None = None) -> Graph:
    """A graph on rdflib's SimpleMemory: one graph needs no context index, and adding is ~40% faster."""
    graph = Graph(store="SimpleMemory", identifier=identifier)
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph


def report_iri(ext: Extraction) -> URIRef:
    return URIRef(f"{visit_of(ext)}/report/{ext.sha256[:12]}")


def visit_of(ext: Extraction) -> URIRef:
    auth = resolve(ext.authority_name)
    key = authority_key(auth.gss if auth else None, ext.sha256)
    when = ext.start.isoformat() if ext.start else f"undated-{ext.sha256[:12]}"
    return visit_iri(key, ext.kind, when)


class TripleList(list):
    """Triples collected in a list, with rdflib's ``Graph.add``: what the mapping writes into.

    A build serialises each report once and never queries it, so indexing
    every triple in an rdflib graph first was a third of a worker's mapping
    time (:func:`report_triples`); :func:`to_graph` still gives the graph."""

    add = list.append


Sink = TripleList | Graph  # what the mapping adds triples to


def to_graph(ext: Extraction, source_names: list[str] | None = None) -> Graph:
    """The named graph of one report."""
    graph = new_graph(report_iri(ext))
    for triple in report_triples(ext, source_names):
        graph.add(triple)
    return graph


def report_triples(ext: Extraction, source_names: list[str] | None = None) -> TripleList:
    """The triples of one report's graph, in the order the mapping makes them (some more than once)."""
    report = report_iri(ext)
    g = TripleList()
    auth = resolve(ext.authority_name)
    a_iri = _authority(g, auth, ext)
    visit = visit_of(ext)
    _report(g, ext, report, visit, source_names or [ext.source_name])
    _visit(g, ext, visit, a_iri)
    for judgement in ext.judgements:
        node = URIRef(f"{visit}/judgement/{slug(judgement.area)}")
        g.add((node, RDF.type, OKG.Judgement))
        g.add((node, OKG.visit, visit))
        g.add((node, RDFS.label, Literal(judgement.area)))
        area = judgement_area(judgement.area)
        if area is not None:
            g.add((node, OKG.area, area))
        g.add((node, OKG.grade, GRADE[judgement.grade]))
        _target(g, node, report, ext, judgement.span)
    rec_nodes = _recommendations(g, ext, report, visit, a_iri, auth)
    _findings(g, ext, report, visit, rec_nodes)
    _references(g, ext, report, visit)
    return g


def _authority(g: Sink, auth: Authority | None, ext: Extraction) -> URIRef:
    node = authority_iri(auth.gss if auth else None, ext.sha256)
    g.add((node, RDF.type, OKG.LocalAuthority))
    g.add((node, RDF.type, ORG.Organization))
    if auth is None:
        label = ext.authority_name or f"unknown authority ({ext.source_name})"
        g.add((node, RDFS.label, Literal(label)))
        g.add((node, OKG.resolved, Literal(False)))
        return node
    g.add((node, RDFS.label, Literal(auth.name)))
    g.add((node, OKG.gssCode, Literal(auth.gss)))
    g.add((node, OKG.ofstedURN, Literal(auth.urn)))
    g.add((node, OKG.dfeCode, Literal(auth.dfe_code)))
    if auth.region:
        g.add((node, OKG.region, Literal(auth.region)))
    g.add((node, OKG.resolved, Literal(True)))
    g.add((node, OWL.sameAs, STATS[auth.gss]))
    for code in auth.neighbours:
        if by_gss(code):
            g.add((node, OKG.statisticalNeighbour, authority_iri(code, None)))
    return node


def _report(g: Sink, ext: Extraction, report: URIRef, visit: URIRef, names: list[str]) -> None:
    g.add((report, RDF.type, OKG.Report))
    g.add((report, RDF.type, PROV.Entity))
    for name in sorted(set(names)):
        g.add((report, OKG.sourceFile, Literal(name)))
    g.add((report, OKG.sha256, Literal(ext.sha256)))
    g.add((report, OKG.canonicalTextSha256, Literal(hashlib.sha256(ext.canonical.encode()).hexdigest())))
    g.add((report, DCTERMS.format, Literal(ext.media_type)))
    g.add((report, OKG.describes, visit))
    g.add((report, DCTERMS.license, OGL))
    g.add((report, DCTERMS.rightsHolder, Literal("Crown copyright (Ofsted)")))
    if ext.published:
        g.add((report, OKG.publicationDate, Literal(ext.published.isoformat(), datatype=XSD.date)))
    activity = URIRef(f"{report}/extraction")
    g.add((report, PROV.wasGeneratedBy, activity))
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, PROV.wasAssociatedWith, AGENT))
    g.add((activity, OKG.extractorVersion, Literal(__version__)))
    g.add((AGENT, RDF.type, PROV.SoftwareAgent))
    g.add((AGENT, RDFS.label, Literal(f"ofsted-kg {__version__}")))
    for problem in ext.problems:
        g.add((report, OKG.problem, Literal(problem)))


def _visit(g: Sink, ext: Extraction, visit: URIRef, a_iri: URIRef) -> None:
    g.add((visit, RDF.type, OKG.Visit))
    g.add((visit, RDF.type, VISIT_CLASS[ext.kind]))
    g.add((visit, OKG.authority, a_iri))
    g.add((visit, OKG.framework, FRAMEWORK[ext.framework]))
    label = f"{ext.authority_name or 'Unknown authority'} {ext.kind.replace('-', ' ')}"
    g.add((visit, RDFS.label, Literal(f"{label} {ext.start.isoformat()}" if ext.start else label)))
    if ext.start and ext.end:
        g.add((visit, OKG.startDate, Literal(ext.start.isoformat(), datatype=XSD.date)))
        g.add((visit, OKG.endDate, Literal(ext.end.isoformat(), datatype=XSD.date)))
    if ext.overall_grade:
        g.add((visit, OKG.overallGrade, GRADE[ext.overall_grade]))
    for name in ext.inspectors:
        person = person_iri(name)
        g.add((person, RDF.type, SCHEMA.Person))
        g.add((person, RDF.type, PROV.Agent))
        g.add((person, RDFS.label, Literal(name)))
        g.add((visit, OKG.inspector, person))
    if ext.lead_inspector:
        g.add((visit, OKG.leadInspector, person_iri(ext.lead_inspector)))


def earlier_visit(g: Sink, a_iri: URIRef, key: str, kind: str, year: int, month: int, grade: str | None) -> URIRef:
    """A visit known only from a mention ('judged inadequate in March 2019'): its month and the grade given."""
    node = visit_iri(key, kind, f"{year:04d}-{month:02d}")
    g.add((node, RDF.type, OKG.Visit))
    g.add((node, RDF.type, VISIT_CLASS[kind]))
    g.add((node, OKG.authority, a_iri))
    g.add((node, OKG.startDate, Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)))
    g.add((node, OKG.knownOnlyByReference, Literal(True)))
    if grade and kind == "inspection":  # only inspections are graded: a visit's mention may recall the last grade
        g.add((node, OKG.overallGrade, GRADE[grade]))
    return node


def _recommendations(g: Sink, ext: Extraction, report: URIRef, visit: URIRef, a_iri: URIRef,
                     auth: Authority | None) -> list[URIRef]:
    made_by = visit
    if ext.kind == "monitoring-visit" and ext.concerns_from and ext.concerns_from.month:
        ref = ext.concerns_from
        made_by = earlier_visit(g, a_iri, authority_key(auth.gss if auth else None, ext.sha256),
                                "inspection", ref.year, ref.month, ref.grade)
    nodes = []
    for rec in ext.recommendations:
        node = URIRef(f"{visit}/{rec.kind}/{rec.ordinal}")
        nodes.append(node)
        g.add((node, RDF.type, OKG.Recommendation))
        g.add((node, OKG.recommendationKind, REC_KIND[rec.kind]))
        g.add((node, OKG.visit, made_by))
        g.add((node, OKG.reportedIn, report))
        g.add((node, OKG.ordinal, Literal(rec.ordinal)))
        g.add((node, OKG.text, Literal(rec.text)))
        g.add((node, OKG.part, Literal(rec.part)))
        for tag in rec.framework_tags:
            concept = _framework_concept(tag)
            if concept is not None:
                g.add((node, OKG.frameworkTag, concept))
        _target(g, node, report, ext, rec.span)
    return nodes


def _framework_concept(tag: str) -> URIRef | None:
    """'outcome one' / 'Enabler 2' -> the National Framework concept."""
    match = re.match(r"(outcome|enabler|principle)\s+(\w+)", tag.lower())
    if not match:
        return None
    number = NUMBER_WORDS.get(match.group(2)) or (int(match.group(2)) if match.group(2).isdigit() else None)
    return NF[f"{match.group(1)}-{number}"] if number else None


def _findings(g: Sink, ext: Extraction, report: URIRef, visit: URIRef, recs: list[URIRef]) -> None:
    rec_words = [_words(r.text) for r in ext.recommendations]
    for finding in ext.findings:
        node = URIRef(f"{visit}/finding/{finding.ordinal}")
        g.add((node, RDF.type, OKG.Finding))
        g.add((node, OKG.visit, visit))
        g.add((node, OKG.reportedIn, report))
        g.add((node, OKG.ordinal, Literal(finding.ordinal)))
        g.add((node, OKG.section, Literal(finding.section)))
        g.add((node, OKG.text, Literal(finding.text)))
        if finding.number:
            g.add((node, OKG.paragraphNumber, Literal(finding.number)))
        _target(g, node, report, ext, finding.span)
        if finding.recommendation_marker and recs:
            words = _words(finding.text)
            best = max(range(len(recs)), key=lambda i: (len(words & rec_words[i]), -i))
            g.add((node, OKG.supports, recs[best]))


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())} - {"ensure", "that", "with", "improve", "recommendation"}


def _references(g: Sink, ext: Extraction, report: URIRef, visit: URIRef) -> None:
    for ref in ext.references:
        node = URIRef(f"{visit}/reference/{ref.ordinal}")
        g.add((node, RDF.type, OKG.VisitReference))
        g.add((node, OKG.mentionedIn, report))
        g.add((node, OKG.referencedKind, VISIT_CLASS[ref.kind]))
        if ref.month:
            g.add((node, OKG.referencedMonth, Literal(f"{ref.year:04d}-{ref.month:02d}", datatype=XSD.gYearMonth)))
        else:
            g.add((node, OKG.referencedYear, Literal(f"{ref.year:04d}", datatype=XSD.gYear)))
        if ref.grade:
            g.add((node, OKG.referencedGrade, GRADE[ref.grade]))
        if ref.finding_ordinal:
            g.add((node, OKG.inFinding, URIRef(f"{visit}/finding/{ref.finding_ordinal}")))
        _target(g, node, report, ext, ref.span)


def _target(g: Sink, node: URIRef, report: URIRef, ext: Extraction, span: Span) -> None:
    """Web Annotation target: where in the report these exact words stand."""
    target = URIRef(f"{node}/target")
    quote, position = URIRef(f"{target}/quote"), URIRef(f"{target}/position")
    g.add((node, OKG.textTarget, target))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, report))
    g.add((target, OA.hasSelector, quote))
    g.add((target, OA.hasSelector, position))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(span.text)))
    g.add((quote, OA.prefix, Literal(ext.canonical[max(0, span.start - CONTEXT):span.start])))
    g.add((quote, OA.suffix, Literal(ext.canonical[span.end:span.end + CONTEXT])))
    g.add((position, RDF.type, OA.TextPositionSelector))
    g.add((position, OA.start, Literal(span.start)))
    g.add((position, OA.end, Literal(span.end)))
    for page in pages_of(ext.page_starts, span.start, span.end):
        selector = URIRef(f"{target}/page/{page}")
        g.add((target, OA.hasSelector, selector))
        g.add((selector, RDF.type, OA.FragmentSelector))
        g.add((selector, DCTERMS.conformsTo, RFC3778))
        g.add((selector, RDF.value, Literal(fragment(page))))
