"""Derivation benchmark: the CPU seconds of ``derive()`` (linking and follow-through) for each authority of a store.

    python benchmarks/bench_derive.py STORE_DIR [--digest]

STORE_DIR is an Oxigraph store made by ``ofsted-kg build CORPUS --store oxigraph:STORE_DIR``.  Each authority's
input is read first, as ``relink`` reads it (its report graphs, only the predicates in ``READS``), so the
figures are derivation alone, in this one process, by ``time.process_time`` (CPU seconds: the machine may be
shared, and wall time would measure the neighbours).  ``--digest`` also prints a SHA-256 of the derived
triples (parsed back and sorted, so two versions that write the same triples in other bytes agree): how a
faster ``derive()`` is checked against the one before it.
"""
from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from ofsted_kg.pipeline import update as up
from ofsted_kg.rdf.vocab import key_of_graph
from ofsted_kg.stores import OxigraphStore


def inputs(store: OxigraphStore) -> list[tuple[str, bytes]]:
    """(authority key, its report triples as ``relink`` sends them to a worker), by key."""
    names = [n for n in store.graph_names() if "/report/" in n]
    keys = sorted({key_of_graph(n) for n in names} - {None})
    return [(k, store.triples([n for n in names if key_of_graph(n) == k], up.READS)) for k in keys]


def canonical(data: bytes) -> bytes:
    """The triples of N-Triples ``data`` as sorted lines, whatever order and escaping they were written in."""
    lines = sorted(str(t) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    return "\n".join(lines).encode()


def main(store_dir: Path, digest: bool) -> None:
    work = inputs(OxigraphStore(store_dir))
    print(f"{len(work)} authorities, {sum(len(t) for _, t in work) / 1e6:.1f} MB of input; module {up.__file__}")
    total, hashed = 0.0, hashlib.sha256()
    for key, triples in work:
        start = time.process_time()
        links, follow = up.derive(triples)
        spent = time.process_time() - start
        total += spent
        print(f"{key}\t{spent:.3f}")
        if digest:
            hashed.update(canonical(links) + b"\0" + canonical(follow) + b"\0")
    print(f"total derive CPU {total:.2f} s")
    if digest:
        print(f"derived triples sha256 {hashed.hexdigest()}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), "--digest" in sys.argv[2:])
