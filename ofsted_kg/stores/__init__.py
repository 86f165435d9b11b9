"""Store: one :class:`~ofsted_kg.stores.base.Store` interface (named graphs in and out, SPARQL SELECT) and
its backends, in memory (rdflib), embedded Oxigraph and a remote SPARQL 1.1 server, opened by
:func:`open_store` from a spec such as ``oxigraph:build/store``.

Each backend module registers the schemes it opens with :func:`register` when imported (as rdflib's plugin
registry does for its stores); importing them here, once, makes every scheme known to :func:`open_store`
whichever module asks first.  The backends import only :mod:`ofsted_kg.stores.base`, never this package.
"""
from ofsted_kg.stores.base import (DEFAULT_STORE, ReportEntry, Selection, Store, StoreError, open_store, register,
                                   schemes)
from ofsted_kg.stores.memory import MemoryStore
from ofsted_kg.stores.oxigraph import OxigraphStore
from ofsted_kg.stores.remote import RemoteStore

__all__ = ["DEFAULT_STORE", "MemoryStore", "OxigraphStore", "RemoteStore", "ReportEntry", "Selection", "Store",
           "StoreError", "open_store", "register", "schemes"]
