"""The ontology (ontology/ofsted-kg.ttl) declares every okg: term the code emits and the scorer reads."""

import re
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_TTL = ROOT / "ontology" / "ofsted-kg.ttl"
THEMES_TTL = ROOT / "ontology" / "themes.ttl"
SOURCE_DIR = ROOT / "ofsted_kg"
GOLD_README = ROOT.parent / "shared" / "gold" / "README.md"

OKG = Namespace("https://w3id.org/ofsted-kg/ontology#")
ONTOLOGY = URIRef("https://w3id.org/ofsted-kg/ontology")

# The core vocabulary table of ../shared/gold/README.md, kept here so the contract
# is tested even where the shared directory is absent.
CORE = """Report sourceFile describes publicationDate LocalAuthority gssCode Visit Inspection FocusedVisit
MonitoringVisit JointTargetedAreaInspection authority startDate endDate inspector leadInspector overallGrade
Outstanding Good RequiresImprovement Inadequate Adequate Judgement visit grade Recommendation text ordinal
Finding FollowUp recommendation assessedAt status Addressed PartiallyAddressed NotAddressed evidence
currentStatus NoLaterEvidence AwaitingFollowUp repeats""".split()

GRADES = ["Outstanding", "Good", "RequiresImprovement", "Inadequate", "Adequate"]
STATUSES = ["Addressed", "PartiallyAddressed", "NotAddressed", "NoLaterEvidence", "AwaitingFollowUp"]


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(ONTOLOGY_TTL, format="turtle")
    return g


def _declared(g: Graph, name: str) -> bool:
    return (OKG[name], RDF.type, None) in g


def _gold_terms() -> set[str]:
    if not GOLD_README.exists():
        return set()
    text = GOLD_README.read_text(encoding="utf-8")
    section = text.split("## The core vocabulary", 1)[-1]
    return set(re.findall(r"okg:([A-Za-z]\w*)", section))


def _source_terms() -> set[str]:
    names: set[str] = set()
    for path in sorted(SOURCE_DIR.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"\bOKG\.([A-Za-z_]\w*)", source))
        names |= set(re.findall(r"\bOKG\[[\"']([^\"']+)[\"']\]", source))
        names |= set(re.findall(r"\bokg:([A-Za-z]\w*)", source))  # terms in SPARQL strings
    return names


def test_ontology_header(graph):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    assert str(graph.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    assert (ONTOLOGY, OWL.imports, None) not in graph


@pytest.mark.parametrize("name", CORE)
def test_core_term_declared_with_label_and_comment(graph, name):
    term = OKG[name]
    assert _declared(graph, name), f"okg:{name} not declared"
    assert (term, RDFS.label, None) in graph, f"okg:{name} has no rdfs:label"
    assert (term, RDFS.comment, None) in graph, f"okg:{name} has no rdfs:comment"


def test_gold_readme_terms_declared(graph):
    terms = _gold_terms()
    if not terms:
        pytest.skip("../shared/gold/README.md not available")
    missing = sorted(t for t in terms if not _declared(graph, t))
    assert not missing, f"gold README terms not declared: {missing}"
    no_label = sorted(t for t in terms if (OKG[t], RDFS.label, None) not in graph
                      or (OKG[t], RDFS.comment, None) not in graph)
    assert not no_label, f"gold README terms without rdfs:label/rdfs:comment: {no_label}"


def test_source_terms_declared(graph):
    themes = Graph().parse(THEMES_TTL, format="turtle")
    names = _source_terms()
    assert len(names) > 20, "regex found too few okg terms in the source; has vocab.py moved?"
    missing = sorted(n for n in names if not _declared(graph, n) and (OKG[n], RDF.type, None) not in themes)
    assert not missing, f"okg terms used in ofsted_kg/*.py but not declared: {missing}"


def test_every_term_documented(graph):
    for term in set(graph.subjects(RDF.type, None)):
        if isinstance(term, URIRef) and str(term).startswith(str(OKG)):
            for prop in (RDFS.label, RDFS.comment, RDFS.isDefinedBy):
                assert (term, prop, None) in graph, f"{term} lacks {prop}"


def test_properties_have_domain_and_range(graph):
    props = set(graph.subjects(RDF.type, OWL.ObjectProperty)) | set(graph.subjects(RDF.type, OWL.DatatypeProperty))
    assert props
    for prop in props:
        assert (prop, RDFS.domain, None) in graph, f"{prop} has no rdfs:domain"
        assert (prop, RDFS.range, None) in graph, f"{prop} has no rdfs:range"


@pytest.mark.parametrize("name", GRADES)
def test_grade_in_scheme(graph, name):
    assert (OKG[name], RDF.type, SKOS.Concept) in graph
    assert (OKG[name], RDF.type, OKG.Grade) in graph
    assert (OKG[name], SKOS.inScheme, OKG.GradeScheme) in graph
    assert (OKG[name], SKOS.notation, None) in graph


@pytest.mark.parametrize("name", STATUSES)
def test_status_in_scheme(graph, name):
    assert (OKG[name], RDF.type, SKOS.Concept) in graph
    assert (OKG[name], RDF.type, OKG.Status) in graph
    assert (OKG[name], SKOS.inScheme, OKG.StatusScheme) in graph


def test_grade_ranks(graph):
    ranks = {name: graph.value(OKG[name], OKG.gradeRank).toPython() for name in GRADES}
    assert ranks == {"Outstanding": 4, "Good": 3, "RequiresImprovement": 2, "Inadequate": 1, "Adequate": 2}


def test_notations_match_code_keys(graph):
    """The skos:notation of each concept is the key vocab.py maps to it."""
    source = (SOURCE_DIR / "rdf" / "vocab.py").read_text(encoding="utf-8")
    pairs = re.findall(r"\"([\w-]+)\":\s*OKG\.(\w+)", source)
    assert pairs
    for key, name in pairs:
        if (OKG[name], RDF.type, SKOS.Concept) in graph:
            assert str(graph.value(OKG[name], SKOS.notation)) == key, name
