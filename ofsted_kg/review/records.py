"""Reviews: a person's reading of one recommendation at one later visit, kept in the user's own file.

No automatic reading of "was it addressed?" is right every time, so the people who act on a status check it
against its evidence and correct it.  A correction must survive every rebuild, so it is not stored in the
built graph but in a plain Turtle file the user keeps under version control (``reviews.ttl``), one block per
review, sorted, so ``git diff`` shows exactly what a review changed.  A review is keyed by the content-derived
IRIs of the recommendation and the later visit, which every rebuild gives again: it applies to the store
built from the same reports on any machine, whenever.

This module is the record and its file; :mod:`ofsted_kg.review.apply` loads reviews into a store and applies
them to the derived follow-through.  The time of a review (``prov:generatedAtTime``) is the reviewer's data,
written when the review is made: a build reads it from the file, never from its own clock.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ofsted_kg.files import atomic_write
from ofsted_kg.rdf.vocab import ID, OKG, REVIEWED, REVIEWED_OF, slug

REVIEWS_GRAPH = ID["graph/reviews"]
PREFIXES = (("okg", str(OKG)), ("prov", str(PROV)), ("rdfs", str(RDFS)), ("xsd", str(XSD)))
WORDS = {"accept": "accept", "does not speak to it": "does-not-speak-to-it", "partially": "partially-addressed"}


class ReviewError(ValueError):
    """A reviews file or a review that cannot be used; the message names the file (or row) and the reason."""


@dataclass(frozen=True)
class Review:
    """One reviewer's status for ``recommendation`` at the later ``visit`` (both IRIs), with why, who, when."""

    recommendation: str
    visit: str
    status: str  # a key of vocab.REVIEWED: addressed, partially-addressed, not-addressed, does-not-speak-to-it
    reason: str
    reviewer: str
    at: str  # xsd:dateTime, as the reviewer's record has it
    evidence: tuple[str, ...] = ()  # findings of the later visit the reviewer gives as the evidence
    machine: str | None = None  # the machine's status there when reviewed (does-not-speak-to-it: not linked)

    def __post_init__(self) -> None:
        """The time in the form rdflib reads it back in ('…Z' -> '…+00:00'): a file written twice is the same."""
        object.__setattr__(self, "at", str(Literal(self.at, datatype=XSD.dateTime)))

    @property
    def iri(self) -> str:
        return review_iri(self.recommendation, self.visit)

    @property
    def pair(self) -> tuple[str, str]:
        return self.recommendation, self.visit

    @property
    def key(self) -> str | None:
        """The authority key of the recommendation's visit (the per-authority derived graphs' key)."""
        prefix = str(ID["visit/"])
        return self.recommendation[len(prefix):].split("/", 1)[0] if self.recommendation.startswith(prefix) else None


def review_iri(recommendation: str, visit: str) -> str:
    """'…/recommendation/4' at '…/visit/E08000007/inspection/2025-05-12' -> '…/recommendation/4/review/inspection/2025-05-12'."""
    tail = visit.split("/visit/", 1)[-1].split("/", 1)[-1]
    return f"{recommendation}/review/{tail}"


def reviewer_iri(name: str) -> URIRef:
    return ID[f"reviewer/{slug(name)}"]


def status_key(text: str) -> str | None:
    """A status as people write it ('Partially addressed', 'PartiallyAddressed', 'not-addressed') -> its key."""
    words = " ".join(text.replace("-", " ").replace("_", " ").split()).lower()
    camel = "".join(("-" + c.lower()) if c.isupper() else c for c in text.strip()).strip("-").lower()
    for candidate in (WORDS.get(words), words.replace(" ", "-"), camel):
        if candidate in REVIEWED or candidate == "accept":
            return candidate
    return None


def merged(reviews: list[Review], new: list[Review]) -> list[Review]:
    """``reviews`` with each of ``new`` replacing the review of the same recommendation and visit (git keeps history)."""
    by_pair = {r.pair: r for r in reviews}
    by_pair.update({r.pair: r for r in new})
    names: dict[URIRef, str] = {}
    for review in by_pair.values():
        other = names.setdefault(reviewer_iri(review.reviewer), review.reviewer)
        if other != review.reviewer:
            raise ReviewError(f"reviewers '{other}' and '{review.reviewer}' would be one person "
                              f"({reviewer_iri(other)}): give the same name, or tell them apart")
    return sorted(by_pair.values(), key=lambda r: r.iri)


def to_graph(reviews: list[Review], source: str | None = None) -> Graph:
    """The reviews as RDF (Review nodes with PROV-O attribution, reviewers as prov:Agent)."""
    g = Graph()
    for prefix, ns in PREFIXES:
        g.bind(prefix, ns)
    for r in reviews:
        node, agent = URIRef(r.iri), reviewer_iri(r.reviewer)
        g.add((node, RDF.type, OKG.Review))
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, OKG.reviewsRecommendation, URIRef(r.recommendation)))
        g.add((node, OKG.reviewsVisit, URIRef(r.visit)))
        g.add((node, OKG.reviewedStatus, REVIEWED[r.status]))
        if r.machine:
            g.add((node, OKG.machineStatusSeen, REVIEWED[r.machine]))
        for finding in r.evidence:
            g.add((node, OKG.reviewedEvidence, URIRef(finding)))
        g.add((node, OKG.reason, Literal(r.reason)))
        g.add((node, PROV.wasAttributedTo, agent))
        g.add((node, PROV.generatedAtTime, Literal(r.at, datatype=XSD.dateTime)))
        g.add((agent, RDF.type, PROV.Agent))
        g.add((agent, RDFS.label, Literal(r.reviewer)))
    if source is not None:  # in a store: which file, and a digest to tell whether the store holds this content
        g.add((REVIEWS_GRAPH, DCTERMS.source, Literal(source)))
        g.add((REVIEWS_GRAPH, OKG.contentSha256, Literal(digest(reviews))))
    return g


def digest(reviews: list[Review]) -> str:
    return hashlib.sha256(turtle(reviews).encode("utf-8")).hexdigest()


def from_graph(g: Graph, source: str) -> list[Review]:
    """Every okg:Review of ``g``, checked; a missing or unknown part is a ReviewError naming ``source``."""
    reviews, seen = [], {}
    for node in sorted(set(g.subjects(RDF.type, OKG.Review))):
        review = _review(g, node, f"{source}: review <{node}>")
        if review.pair in seen:
            raise ReviewError(f"{source}: two reviews of {review.recommendation} at {review.visit}")
        seen[review.pair] = review
        reviews.append(review)
    return sorted(reviews, key=lambda r: r.iri)


def _review(g: Graph, node: URIRef, where: str) -> Review:
    def one(prop: URIRef, what: str):
        values = list(g.objects(node, prop))
        if len(values) != 1:
            raise ReviewError(f"{where}: {'no' if not values else 'more than one'} {what}")
        return values[0]

    status = one(OKG.reviewedStatus, "okg:reviewedStatus")
    if status not in REVIEWED_OF:
        raise ReviewError(f"{where}: unknown status <{status}> (one of {', '.join(REVIEWED)})")
    machine = g.value(node, OKG.machineStatusSeen)
    agent = one(PROV.wasAttributedTo, "prov:wasAttributedTo")
    if len(set(g.objects(agent, RDFS.label))) != 1:
        raise ReviewError(f"{where}: its reviewer <{agent}> needs exactly one name (rdfs:label)")
    at = one(PROV.generatedAtTime, "prov:generatedAtTime")
    reason = str(one(OKG.reason, "okg:reason")).strip()
    if not reason:
        raise ReviewError(f"{where}: an empty okg:reason (say why, in words)")
    if not isinstance(at, Literal) or at.datatype != XSD.dateTime or at.ill_typed:
        raise ReviewError(f"{where}: prov:generatedAtTime is not an xsd:dateTime ({at})")
    return Review(str(one(OKG.reviewsRecommendation, "okg:reviewsRecommendation")),
                  str(one(OKG.reviewsVisit, "okg:reviewsVisit")), REVIEWED_OF[status], reason,
                  str(g.value(agent, RDFS.label)), str(at),
                  tuple(sorted(str(f) for f in g.objects(node, OKG.reviewedEvidence))),
                  REVIEWED_OF.get(machine) if machine is not None else None)


def read_reviews(path: Path) -> list[Review]:
    """The reviews in a Turtle file; a missing or unreadable file, or a bad review, is a ReviewError naming it."""
    if not path.is_file():
        raise ReviewError(f"{path}: no such reviews file")
    try:
        g = Graph().parse(path, format="turtle")
    except Exception as exc:  # noqa: BLE001 - any parser error becomes one line naming the file
        raise ReviewError(f"{path}: cannot read Turtle ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})") from exc
    return from_graph(g, str(path))


def read_or_empty(path: Path) -> list[Review]:
    """The reviews of ``path``, or none when the file does not exist yet (the first review creates it)."""
    return read_reviews(path) if path.exists() else []


def write_reviews(path: Path, reviews: list[Review]) -> None:
    atomic_write(path, turtle(reviews).encode("utf-8"))


def turtle(reviews: list[Review]) -> str:
    """The reviews file: prefixes, then one block per review sorted by IRI, then the reviewers: stable bytes, so a
    diff shows exactly the reviews added or changed."""
    out = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES]
    out.append("")
    for r in sorted(reviews, key=lambda r: r.iri):
        lines = [f"<{r.iri}> a okg:Review , prov:Entity ;",
                 f"    okg:reviewsRecommendation <{r.recommendation}> ;",
                 f"    okg:reviewsVisit <{r.visit}> ;",
                 f"    okg:reviewedStatus okg:{_local(REVIEWED[r.status])} ;"]
        if r.machine:
            lines.append(f"    okg:machineStatusSeen okg:{_local(REVIEWED[r.machine])} ;")
        lines += [f"    okg:reviewedEvidence <{f}> ;" for f in r.evidence]
        lines += [f"    okg:reason {Literal(r.reason).n3()} ;",
                  f"    prov:wasAttributedTo <{reviewer_iri(r.reviewer)}> ;",
                  f"    prov:generatedAtTime \"{r.at}\"^^xsd:dateTime .", ""]
        out += lines
    for name in sorted({r.reviewer for r in reviews}, key=lambda n: str(reviewer_iri(n))):
        out += [f"<{reviewer_iri(name)}> a prov:Agent ; rdfs:label {Literal(name).n3()} .", ""]
    return "\n".join(out)


def _local(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[1]
