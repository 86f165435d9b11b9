"""Read -> segment -> extract: a report file (PDF or text) into an :class:`~ofsted_kg.extract.model.Extraction`
(authority, visit, judgements, recommendations, findings, each with its span of the canonical text).

Plain Python, no RDF: everything here can be tested on text alone.
"""
