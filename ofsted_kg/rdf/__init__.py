"""Stage 2, map to RDF: the vocabulary, content-derived IRIs, one named graph per report, page fragments of quotes,
the reference graphs (authorities, regions, neighbours) and the graph files (read, write, canonical N-Quads).
"""
