"""Query: the shipped named queries and their parameters, run over any store with ``Store.select``
(user values bound as RDF terms); the read-only guard of the SPARQL endpoint; resolving a user's authority argument.
"""
