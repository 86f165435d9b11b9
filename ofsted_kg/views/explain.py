"""Why did the tool decide what it did about one recommendation?  Gather the reasons with the quotes."""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Dataset, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from ofsted_kg.rdf.pages import cite, fragment, target_pages
from ofsted_kg.rdf.vocab import OA, OKG, REVIEWED_OF, STATUS_OF
from ofsted_kg.text import quote_key


@dataclass
class Explanation:
    recommendation: URIRef
    text: str
    visit_start: str
    current_status: str
    follow_ups: list[dict]
    repeats: list[str]
    page: str | None = None  # where the recommendation is printed, 'p. 3'; None for text inputs
    link: str | None = None  # 'FILE.pdf#page=3'
    machine_status: str | None = None  # the machine's current status where a review changed the current one
    reviews: dict[str, dict] = field(default_factory=dict)  # later visit's start date -> a person's review there


def where(data: Dataset, node: URIRef) -> tuple[str | None, str | None]:
    """('p. 3', 'FILE.pdf#page=3') for a quoted statement of a PDF: users cite a PDF by page, not offset.

    FILE is the name the graph records (not a path), so the link opens the
    page wherever that file is at hand.  (None, None) for text inputs."""
    first, last, file = target_pages(data, data.value(node, OKG.textTarget))
    return cite(first, last), f"{file}#{fragment(first)}" if file and first is not None else None


def find_recommendations(data: Dataset, key: str) -> list[URIRef]:
    """Recommendations by IRI, or whose text contains ``key`` (folded like the gold quotes)."""
    if key.startswith(("http://", "https://")):
        node = URIRef(key)
        return [node] if (node, RDF.type, OKG.Recommendation) in data else []
    wanted = quote_key(key)
    return sorted(r for r in set(data.subjects(RDF.type, OKG.Recommendation))
                  if wanted and wanted in quote_key(data.value(r, OKG.text) or ""))


def explain(data: Dataset, rec: URIRef) -> Explanation:
    visit = data.value(rec, OKG.visit)
    follow_ups = []
    for fu in sorted(data.subjects(OKG.recommendation, rec)):
        later = data.value(fu, OKG.assessedAt)
        evidence = []
        for finding in sorted(data.objects(fu, OKG.evidence)):
            target = data.value(finding, OKG.textTarget)
            position = next((s for s in data.objects(target, OA.hasSelector) if data.value(s, OA.start) is not None), None)
            page, link = where(data, finding)
            evidence.append({"section": str(data.value(finding, OKG.section) or ""), "page": page, "link": link,
                             "quote": str(data.value(finding, OKG.text) or ""),
                             "offsets": (str(data.value(position, OA.start)), str(data.value(position, OA.end)))
                             if position is not None else None})
        follow_ups.append({
            "later_visit": str(data.value(later, OKG.startDate) or later),
            "status": STATUS_OF.get(data.value(fu, OKG.status), "?"),
            "confidence": str(data.value(fu, OKG.confidence) or ""),
            "explanation": str(data.value(fu, OKG.explanation) or ""),
            "cues": sorted(str(c) for c in data.objects(fu, OKG.cue)),
            "evidence": evidence,
        })
    follow_ups.sort(key=lambda f: f["later_visit"])
    repeats = [str(data.value(e, OKG.text) or e) for e in data.objects(rec, OKG.repeats)]
    machine = data.value(rec, OKG.machineCurrentStatus)
    return Explanation(rec, str(data.value(rec, OKG.text) or ""), str(data.value(visit, OKG.startDate) or ""),
                       STATUS_OF.get(data.value(rec, OKG.currentStatus), "unknown"), follow_ups, repeats,
                       *where(data, rec), STATUS_OF.get(machine) if machine is not None else None,
                       reviews_of(data, rec))


def reviews_of(data: Dataset, rec: URIRef) -> dict[str, dict]:
    """People's reviews of ``rec``, by the later visit's start date: status, reason, who, when, evidence."""
    out = {}
    for node in sorted(data.subjects(OKG.reviewsRecommendation, rec)):
        later = data.value(node, OKG.reviewsVisit)
        agent = data.value(node, PROV.wasAttributedTo)
        out[str(data.value(later, OKG.startDate) or later)] = {
            "status": REVIEWED_OF.get(data.value(node, OKG.reviewedStatus), "?"),
            "reason": str(data.value(node, OKG.reason) or ""),
            "reviewer": str(data.value(agent, RDFS.label) or agent), "at": str(data.value(node, PROV.generatedAtTime)),
            "evidence": sorted(str(data.value(f, OKG.text) or f) for f in data.objects(node, OKG.reviewedEvidence))}
    return out

