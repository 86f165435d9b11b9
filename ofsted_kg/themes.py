"""Themes of practice: tag text with concepts of the SKOS theme scheme (ontology/themes.ttl).

The cue words are data (each theme's prefLabel and altLabels); this module
only compiles them into one matcher.  Matching is on whole words, longest cue
first, so 'private fostering' tags private fostering and not fostering.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from .resources import themes_file
from .vocab import OKG


@dataclass(frozen=True)
class ThemeMatcher:
    pattern: re.Pattern
    theme_of: dict[str, URIRef]
    labels: dict[URIRef, str]
    framework: dict[URIRef, frozenset[URIRef]]  # National Framework concept -> related themes

    def tag(self, text: str) -> dict[URIRef, list[str]]:
        """Themes found in ``text``, each with the cue words that set it."""
        found: dict[URIRef, list[str]] = {}
        for match in self.pattern.finditer(normalise(text)):
            cue = match.group(0)
            found.setdefault(self.theme_of[cue], []).append(cue)
        return found


def normalise(text: str) -> str:
    """Lower case with straight apostrophes and single spaces, as the cue words are written."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("–", "-")
    return " ".join(text.split())


@lru_cache(maxsize=1)
def matcher() -> ThemeMatcher:
    graph = Graph().parse(themes_file(), format="turtle")
    theme_of: dict[str, URIRef] = {}
    labels: dict[URIRef, str] = {}
    for concept in sorted(graph.subjects(SKOS.inScheme, OKG.ThemeScheme)):
        labels[concept] = str(graph.value(concept, SKOS.prefLabel))
        for label in [graph.value(concept, SKOS.prefLabel), *graph.objects(concept, SKOS.altLabel)]:
            cue = normalise(str(label))
            if cue and cue not in theme_of:
                theme_of[cue] = concept
    framework = {}
    for concept in graph.subjects(SKOS.inScheme, OKG.NationalFrameworkScheme):
        framework[concept] = frozenset(graph.objects(concept, SKOS.relatedMatch))
    cues = sorted(theme_of, key=lambda c: (-len(c), c))
    pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(c) for c in cues) + r")(?![a-z0-9])")
    return ThemeMatcher(pattern, theme_of, labels, framework)

