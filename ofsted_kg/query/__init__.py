"""Stage 5, query: SPARQL over any store, user values bound as RDF terms; the shipped named queries and their
parameters; the read-only guard of the SPARQL endpoint; resolving a user's authority argument.
"""
