"""Map to RDF: the vocabulary, content-derived IRIs, one named graph per report, page fragments of quotes,
the reference graphs (authorities, regions, neighbours), the graph files (read, write, canonical N-Quads) and RDF
terms across engines (rdflib and Oxigraph terms into each other, values bound as query text).
"""
