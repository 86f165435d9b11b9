"""Stage 4, store: one :class:`~ofsted_kg.stores.base.Store` interface (named graphs in and out, SPARQL SELECT) and
its backends, in memory (rdflib), embedded Oxigraph and a remote SPARQL 1.1 server, opened by
:func:`~ofsted_kg.stores.base.open_store` from a spec such as ``oxigraph:build/store``.
"""
