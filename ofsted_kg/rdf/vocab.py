"""Namespaces and the IRI scheme: every IRI is derived from content, never from a path or a run counter."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDFS, SKOS


class CachedNamespace(Namespace):
    """A Namespace whose ``NS.term`` attributes are built once.

    rdflib builds and validates a new URIRef on every attribute access; the
    mapping and linking loops ask for the same few dozen terms ~10^5 times."""

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):  # copy/pickle probe dunders: not terms
            raise AttributeError(name)
        return _term(self, name)


@lru_cache(maxsize=None)
def _term(namespace: Namespace, name: str) -> URIRef:
    return Namespace.term(namespace, name)


OKG = CachedNamespace("https://w3id.org/ofsted-kg/ontology#")
ID = Namespace("https://w3id.org/ofsted-kg/id/")
THEME = Namespace("https://w3id.org/ofsted-kg/id/theme/")
NF = Namespace("https://w3id.org/ofsted-kg/id/national-framework/")
OA = CachedNamespace("http://www.w3.org/ns/oa#")
ORG = CachedNamespace("http://www.w3.org/ns/org#")
SCHEMA = CachedNamespace("https://schema.org/")
STATS = Namespace("http://statistics.data.gov.uk/id/statistical-geography/")
OGL = URIRef("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
LINKS_GRAPH = ID["graph/links"]
FOLLOW_GRAPH = ID["graph/follow-through"]
THEMES_GRAPH = ID["graph/themes"]

PREFIXES = {"okg": OKG, "id": ID, "theme": THEME, "nf": NF, "oa": OA, "org": ORG, "schema": SCHEMA}

GRADE = {"outstanding": OKG.Outstanding, "good": OKG.Good, "requires-improvement": OKG.RequiresImprovement,
         "inadequate": OKG.Inadequate, "adequate": OKG.Adequate}
VISIT_CLASS = {"inspection": OKG.Inspection, "focused-visit": OKG.FocusedVisit, "monitoring-visit": OKG.MonitoringVisit,
               "lscb-review": OKG.LSCBReview, "jtai": OKG.JointTargetedAreaInspection}
REC_KIND = {"recommendation": OKG.RecommendationItem, "area-for-improvement": OKG.AreaForImprovement,
            "priority-action": OKG.PriorityAction, "area-of-concern": OKG.AreaOfConcern}
FRAMEWORK = {"SIF": OKG.SIF, "ILACS": OKG.ILACS, "2026": OKG.Framework2026, "pre-2014": OKG.Pre2014, "JTAI": OKG.JTAIFramework}
STATUS = {"addressed": OKG.Addressed, "partially-addressed": OKG.PartiallyAddressed, "not-addressed": OKG.NotAddressed,
          "no-later-evidence": OKG.NoLaterEvidence, "awaiting-follow-up": OKG.AwaitingFollowUp}
REVIEWED = {"addressed": OKG.Addressed, "partially-addressed": OKG.PartiallyAddressed, "not-addressed": OKG.NotAddressed,
            "does-not-speak-to-it": OKG.DoesNotSpeakToIt}  # what a reviewer may say of a recommendation at a visit
GRADE_OF = {iri: name for name, iri in GRADE.items()}
STATUS_OF = {iri: name for name, iri in STATUS.items()}
REVIEWED_OF = {iri: name for name, iri in REVIEWED.items()}
KIND_OF = {iri: name for name, iri in VISIT_CLASS.items()}


def slug(text: str, limit: int = 60) -> str:
    """'Children looked after & achieving permanence' -> 'children-looked-after-achieving-permanence'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:limit].rstrip("-") or "x"


def authority_iri(gss: str | None, report_sha: str | None = None) -> URIRef:
    """An authority's IRI by its GSS code; an unresolved one is one per report (its file's SHA-256), so
    two reports whose authority could not be read are never pooled into one 'unknown' authority."""
    return ID[f"authority/{gss}"] if gss else ID[f"authority/unresolved/{(report_sha or 'unknown')[:12]}"]


def visit_iri(key: str, kind: str, when: str) -> URIRef:
    """key: the authority's :func:`authority_key`; when: 'YYYY-MM-DD', or 'YYYY-MM' for a visit known only by month."""
    return ID[f"visit/{key}/{kind}/{when}"]


def authority_key(gss: str | None, report_sha: str | None = None) -> str:
    """The key visits' IRIs and the per-authority derived graphs are grouped by (see :func:`authority_iri`)."""
    return gss or f"unresolved-{(report_sha or 'unknown')[:12]}"


def key_of_graph(graph: str) -> str | None:
    """The :func:`authority_key` read back from a report graph's name, which is under its visit's IRI:
    '…/id/visit/E08000007/inspection/…' -> 'E08000007' (None for graphs that are not a report's)."""
    prefix = f"{ID}visit/"
    return graph[len(prefix):].split("/", 1)[0] if graph.startswith(prefix) else None


def derived_names(key: str) -> tuple[str, str]:
    """The names of one authority's derived graphs (links, follow-through), by its :func:`authority_key`:
    each authority is derived, stored and validated apart from the others."""
    return f"{LINKS_GRAPH}/{key}", f"{FOLLOW_GRAPH}/{key}"


def person_iri(name: str) -> URIRef:
    return ID[f"person/{slug(name)}"]


@lru_cache(maxsize=1)
def ontology() -> Graph:
    """The ontology (ontology/ofsted-kg.ttl), parsed once per process: judgement areas and labels come from it."""
    from ofsted_kg.resources import ontology_file

    return Graph().parse(ontology_file(), format="turtle")


@lru_cache(maxsize=1)
def judgement_areas() -> tuple[tuple[re.Pattern, URIRef], ...]:
    """(printed-label pattern, area concept) from the ontology's JudgementAreaScheme."""
    g = ontology()
    return tuple(sorted(((re.compile(str(p), re.IGNORECASE), c) for c, p in g.subject_objects(OKG.labelPattern)),
                        key=lambda t: str(t[1])))


@lru_cache(maxsize=None)
def _english(term: URIRef, prop: URIRef) -> tuple[str, ...]:
    """A term's English (or untagged) values of a labelling property, sorted: the ontology gives one of each
    kind today, sorting keeps the choice deterministic if it ever gives more."""
    return tuple(sorted(str(v) for v in ontology().objects(term, prop) if getattr(v, "language", None) in (None, "en")))


def label(term: URIRef) -> str | None:
    """A term's name as the ontology gives it: its skos:prefLabel (a concept), else its rdfs:label (a class).
    The rdfs:label is not always the name: okg:RecommendationItem's is 'Recommendation (kind)'."""
    names = _english(term, SKOS.prefLabel) or _english(term, RDFS.label)
    return names[0] if names else None


def short_label(term: URIRef) -> str | None:
    """A term's shortest English label of all (prefLabel, altLabel, rdfs:label), where space is short:
    'Requires improvement' for okg:RequiresImprovement, whose prefLabel is Ofsted's 'Requires improvement to be
    good'; 'JTAI' for okg:JointTargetedAreaInspection."""
    names = [n for prop in (SKOS.prefLabel, SKOS.altLabel, RDFS.label) for n in _english(term, prop)]
    return min(names, key=lambda n: (len(n), n)) if names else None


def local_name(term: URIRef) -> str:
    """okg:PartiallyAddressed -> 'PartiallyAddressed' (the key views and templates use for a term)."""
    return str(term).removeprefix(str(OKG))


def judgement_area(label: str) -> URIRef | None:
    """The area concept a printed judgement label means, or None when no pattern (or more than one) fits."""
    label = " ".join(label.split()).rstrip(" :.")
    label = re.sub(r"\s+(?:is|are)$", "", label)
    hits = {concept for pattern, concept in judgement_areas() if pattern.search(label)}
    return hits.pop() if len(hits) == 1 else None
