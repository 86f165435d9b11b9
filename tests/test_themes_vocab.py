"""Sanity checks for the SKOS theme vocabulary in ontology/themes.ttl."""

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

THEMES_TTL = Path(__file__).resolve().parents[1] / "ontology" / "themes.ttl"

OKG = Namespace("https://w3id.org/ofsted-kg/ontology#")
THEME_SCHEME = OKG.ThemeScheme
NF_SCHEME = OKG.NationalFrameworkScheme


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(THEMES_TTL, format="turtle")
    return g


def _concepts(g: Graph, scheme: URIRef) -> list[URIRef]:
    return sorted(
        c for c in g.subjects(SKOS.inScheme, scheme) if (c, RDF.type, SKOS.Concept) in g
    )


def test_schemes_declared(graph):
    assert (THEME_SCHEME, RDF.type, SKOS.ConceptScheme) in graph
    assert (NF_SCHEME, RDF.type, SKOS.ConceptScheme) in graph


def test_at_least_30_themes(graph):
    themes = _concepts(graph, THEME_SCHEME)
    assert len(themes) >= 30, f"only {len(themes)} themes"


def test_theme_concepts_complete(graph):
    problems = []
    for c in _concepts(graph, THEME_SCHEME):
        en_pref = [l for l in graph.objects(c, SKOS.prefLabel) if isinstance(l, Literal) and l.language == "en"]
        if len(en_pref) != 1:
            problems.append(f"{c}: {len(en_pref)} @en prefLabels")
        if not any(graph.objects(c, SKOS.definition)):
            problems.append(f"{c}: no definition")
        if (c, SKOS.topConceptOf, THEME_SCHEME) not in graph:
            problems.append(f"{c}: not topConceptOf ThemeScheme")
        n_alt = len(set(graph.objects(c, SKOS.altLabel)))
        if n_alt < 5:
            problems.append(f"{c}: only {n_alt} altLabels")
    assert not problems, "\n".join(problems)


def test_altlabels_lower_case(graph):
    bad = sorted(
        f"{c}: {str(l)!r}"
        for c, l in graph.subject_objects(SKOS.altLabel)
        if str(l) != str(l).lower() or str(l) != str(l).strip() or not str(l)
    )
    assert not bad, "altLabels not lower case / trimmed:\n" + "\n".join(bad)


def test_altlabels_unique_across_themes(graph):
    owners = defaultdict(set)
    for c in _concepts(graph, THEME_SCHEME):
        for l in graph.objects(c, SKOS.altLabel):
            owners[str(l)].add(c)
    collisions = {label: sorted(cs) for label, cs in owners.items() if len(cs) > 1}
    assert not collisions, "altLabels shared by more than one theme:\n" + "\n".join(
        f"{label!r}: {', '.join(str(c) for c in cs)}" for label, cs in sorted(collisions.items())
    )


def test_national_framework_concepts(graph):
    themes = set(_concepts(graph, THEME_SCHEME))
    nf = _concepts(graph, NF_SCHEME)
    assert len(nf) == 7, f"expected 4 outcomes + 3 enablers, got {len(nf)}"
    problems = []
    for c in nf:
        if not any(graph.objects(c, SKOS.notation)):
            problems.append(f"{c}: no notation")
        matches = set(graph.objects(c, SKOS.relatedMatch))
        if not matches & themes:
            problems.append(f"{c}: no relatedMatch to a ThemeScheme concept")
        dangling = matches - themes
        if dangling:
            problems.append(f"{c}: relatedMatch outside ThemeScheme: {sorted(dangling)}")
    assert not problems, "\n".join(problems)
