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

from ofsted_kg.rdf.vocab import OKG
from ofsted_kg.resources import themes_file
from ofsted_kg.text import folded, words


@dataclass(frozen=True, eq=False)  # hashed by identity: one matcher per process
class ThemeMatcher:
    cues: dict[tuple[str, ...], tuple[URIRef, str]]  # cue as a tuple of words -> (theme, cue as written)
    longest: dict[str, int]  # first word of a cue -> words in the longest cue starting with it
    labels: dict[URIRef, str]
    framework: dict[URIRef, frozenset[URIRef]]  # National Framework concept -> related themes

    def tag(self, text: str) -> dict[URIRef, list[str]]:
        """Themes found in ``text``, each with the cue words that set it (longest cue wins at each word)."""
        return _tag(self, text)


@lru_cache(maxsize=65536)
def _tag(m: ThemeMatcher, text: str) -> dict[URIRef, list[str]]:
    cue_words = words(normalise(text), WORDS)
    found: dict[URIRef, list[str]] = {}
    i = 0
    while i < len(cue_words):
        longest = m.longest.get(cue_words[i], 0)  # most words start no cue: skip them without slicing
        for n in range(min(longest, len(cue_words) - i), 0, -1):
            hit = m.cues.get(tuple(cue_words[i:i + n]))
            if hit:
                found.setdefault(hit[0], []).append(hit[1])
                i += n
                break
        else:
            i += 1
    return found


WORDS = re.compile(r"[a-z0-9+]+")


def normalise(text: str) -> str:
    """Lower case with straight apostrophes, and possessive 's joined to its word, as the cues are written."""
    text = folded(text, quotes_and_dashes=True)
    return text.replace("'s", "s").replace("s'", "s")


@lru_cache(maxsize=1)
def matcher() -> ThemeMatcher:
    graph = Graph().parse(themes_file(), format="turtle")
    cues: dict[tuple[str, ...], tuple[URIRef, str]] = {}
    labels: dict[URIRef, str] = {}
    for concept in sorted(graph.subjects(SKOS.inScheme, OKG.ThemeScheme)):
        labels[concept] = str(graph.value(concept, SKOS.prefLabel))
        for label in [graph.value(concept, SKOS.prefLabel), *sorted(graph.objects(concept, SKOS.altLabel))]:
            key = tuple(words(normalise(str(label)), WORDS))
            if key and key not in cues:
                cues[key] = (concept, str(label).lower())
    framework = {}
    for concept in graph.subjects(SKOS.inScheme, OKG.NationalFrameworkScheme):
        framework[concept] = frozenset(graph.objects(concept, SKOS.relatedMatch))
    longest: dict[str, int] = {}
    for key in cues:
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return ThemeMatcher(cues, longest, labels, framework)

