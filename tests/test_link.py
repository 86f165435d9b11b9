"""Linking mentions of visits to the visits they mean (ofsted_kg.derive.links), on hand-made report graphs."""
from __future__ import annotations

import re

from rdflib import RDF, Graph, Literal, Namespace
from rdflib.namespace import XSD

from ofsted_kg.derive.columns import Columns
from ofsted_kg.derive.links import PLACEHOLDERS, QUERIED, REFERENCES, TYPED_BY, VISITS, derive_links
from ofsted_kg.rdf.vocab import OKG

EX = Namespace("https://w3id.org/ofsted-kg/id/visit/E06000002/")


def _report(*mentions: tuple[str, str]) -> Graph:
    """Middlesbrough's 2015 inspection (fieldwork 24 November to 17 December, published 19 February 2016),
    its report mentioning inspections by (name, month)."""
    g = Graph()
    visit, report = EX["inspection/2015-11-24"], EX["inspection/2015-11-24/report"]
    g.add((visit, RDF.type, OKG.Visit)), g.add((visit, RDF.type, OKG.Inspection))
    g.add((visit, OKG.authority, EX.authority))
    g.add((visit, OKG.startDate, Literal("2015-11-24", datatype=XSD.date)))
    g.add((visit, OKG.endDate, Literal("2015-12-17", datatype=XSD.date)))
    g.add((report, OKG.describes, visit)), g.add((report, OKG.publicationDate, Literal("2016-02-19", datatype=XSD.date)))
    for name, month in mentions:
        ref = EX[f"inspection/2015-11-24/reference/{name}"]
        g.add((ref, RDF.type, OKG.VisitReference)), g.add((ref, OKG.mentionedIn, report))
        g.add((ref, OKG.referencedKind, OKG.Inspection))
        g.add((ref, OKG.referencedMonth, Literal(month, datatype=XSD.gYearMonth)))
    return g


def test_a_report_naming_its_own_visit_refers_to_it_and_makes_no_placeholder():
    """'January 2016' (between the fieldwork and the publication) in the report of the November 2015 inspection is
    that inspection; it once became a placeholder inspection two months after the real one."""
    links = derive_links(_report(("self", "2016-01")))
    assert set(links.objects(EX["inspection/2015-11-24/reference/self"], OKG.refersTo)) == {EX["inspection/2015-11-24"]}
    assert not set(links.subjects(OKG.knownOnlyByReference, None))


def test_a_mention_dated_after_the_report_s_visit_is_not_an_earlier_visit():
    links = derive_links(_report(("later", "2017-03")))
    assert not set(links.objects(EX["inspection/2015-11-24/reference/later"], OKG.refersTo))
    assert not set(links.subjects(OKG.knownOnlyByReference, None))


def test_an_earlier_visit_not_in_the_corpus_is_a_placeholder():
    links = derive_links(_report(("earlier", "2011-07")))
    (placeholder,) = set(links.objects(EX["inspection/2015-11-24/reference/earlier"], OKG.refersTo))
    assert (placeholder, OKG.knownOnlyByReference, Literal(True)) in links
    assert str(links.value(placeholder, OKG.startDate)) == "2011-07"


def test_the_queries_read_only_the_predicates_a_worker_hands_them():
    """A worker gives linking only QUERIED triples and the types of TYPED_BY's subjects (ofsted_kg.derive.columns):
    a predicate added to a query and not to QUERIED would silently match nothing in a build."""
    named = {OKG[name] for query in (VISITS, REFERENCES, PLACEHOLDERS) for name in re.findall(r"okg:(\w+)", query)}
    classes = {OKG[name] for name in ("Visit", "VisitReference", "Inspection", "FocusedVisit", "MonitoringVisit",
                                      "LSCBReview", "JointTargetedAreaInspection")}
    assert named - classes == set(QUERIED)


def test_linking_over_the_worker_s_few_triples_equals_linking_over_the_whole_graph():
    for mention in (("self", "2016-01"), ("later", "2017-03"), ("earlier", "2011-07")):
        whole = _report(mention, ("also", "2013-02"))
        finding = EX["inspection/2015-11-24/finding/1"]  # what linking never reads
        whole.add((finding, RDF.type, OKG.Finding)), whole.add((finding, OKG.text, Literal("Plans are weak.")))
        columns = Columns.parse(whole.serialize(format="nt", encoding="utf-8"))
        few = columns.graph(QUERIED, TYPED_BY)
        assert len(few) < len(whole)
        assert set(derive_links(few)) == set(derive_links(whole)), mention
