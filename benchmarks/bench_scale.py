"""Scale benchmark: a ~1 M-quad synthetic corpus in every store, side by side in one run.

    python benchmarks/bench_scale.py [--authorities 150 --visits 12] [--template build/bench/corpus.nq]

For each store — rdflib in memory, embedded Oxigraph on disk, the Oxigraph
server and Virtuoso (started here on loopback, when installed) — it times:
load, the shipped follow-through query, export to N-Quads, and SHACL
validation (the shapes compiled to SPARQL in the store; pyshacl per
authority for rdflib).  Each step prints wall seconds and the ratio to the
embedded Oxigraph store.  For the embedded store it also prints one
authority's follow-through table (median over 20 authorities, through
``run_named`` as ``ofsted-kg query -p authority=`` runs it) and the incremental
add of one real report (the whole library ``build()`` call, in this process);
for rdflib, the peak RSS of its child process.  (The real-corpus build,
incremental add and report rendering are in bench_build.py, which also writes
the template.)
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "benchmarks")]

import synth  # noqa: E402

from ofsted_kg.pipeline.build import build  # noqa: E402
from ofsted_kg.query.authority import in_graph  # noqa: E402
from ofsted_kg.query.named import find_query, run_named  # noqa: E402
from ofsted_kg.stores import MemoryStore, OxigraphStore, Store  # noqa: E402
from ofsted_kg.stores.remote import RemoteStore  # noqa: E402
from ofsted_kg.validate.shacl import validate_store  # noqa: E402

QUERY_RUNS = 5  # the query column is the median of these; the first run (cold caches) is printed too
ONE_AUTHORITY_SAMPLE = 20  # authorities whose own follow-through table is timed (the median is printed)


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def graphs_of(path: Path) -> dict[str, bytes]:
    """The synthetic corpus as N-Triples per named graph (what a build hands a server store to send)."""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return {g.value: store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in sorted(store.named_graphs(),
                                                                                           key=lambda g: g.value)}


def run_steps(store: Store, load, query: str, workdir: Path, engine: str | None = "sparql") -> dict[str, float]:
    """load / follow-through / export / validate (by ``engine``; None: skip) on one store."""
    figures = {}
    figures["load"], _ = timed(load)
    runs = [timed(store.select, query) for _ in range(QUERY_RUNS)]
    figures["first query"] = runs[0][0]  # cold caches, as for the first user after a load
    figures["follow-through query"] = statistics.median(seconds for seconds, _ in runs)
    figures["rows"] = len(runs[0][1][1])
    figures["export N-Quads"], _ = timed(store.dump, workdir / f"export-{len(figures)}.nq")
    if engine:
        figures["validate"], found = timed(validate_store, store, None, 2, engine)
        figures["violations"] = len(found)
        figures["engine"] = engine
    return figures


def embedded(path: Path, query: str, workdir: Path) -> dict[str, float]:
    location = workdir / "oxigraph"
    with OxigraphStore(location, write=True) as store:
        def load() -> None:  # as a build leaves it: bulk-loaded, then compacted
            store.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            store.optimize()

        figures = run_steps(store, load, query, workdir)
        figures.update(one_authority(store))
        figures.update(add_one(store))
        return figures


def one_authority(store: OxigraphStore) -> dict[str, float]:
    """One authority's follow-through table, what a report page or an adviser asks, as ``ofsted-kg query
    follow-through -p authority=NAME`` runs it (``run_named``: the name resolved, then bound): timed once for
    each of up to 20 authorities spread evenly through the name order, after the whole-England runs; the median."""
    query, known = find_query("follow-through"), in_graph(store)
    chosen = known[::max(1, len(known) // ONE_AUTHORITY_SAMPLE)][:ONE_AUTHORITY_SAMPLE]
    times = [timed(run_named, store, query, {"authority": k.label or k.iri})[0] for k in chosen]
    return {"one authority": statistics.median(times), "authorities timed": len(times)} if times else {}


def add_one(store: OxigraphStore) -> dict[str, float]:
    """The incremental case at this scale: the real authority with the most PDFs goes in, then its latest report.

    Timed: building that one report into the big store (read, extract, map, write, re-link its authority)."""
    if not CORPUS.is_dir():
        return {}
    folder = max(sorted(p for p in CORPUS.iterdir() if p.is_dir()), key=lambda p: len(list(p.glob("*.pdf"))))
    pdfs = sorted(folder.glob("*.pdf"))
    build(pdfs[:-1], jobs=2, store=store)
    seconds, result = timed(build, pdfs[-1:], 1, None, store)
    return {"add one report": seconds, "added": f"{pdfs[-1].name} to {folder.name} ({len(pdfs) - 1} reports before)",
            "relinked": len(result.update.relinked)}


def memory(path: Path, query: str, workdir: Path, validate: bool, limit: float) -> dict[str, float]:
    """rdflib, in a child process stopped after ``limit`` seconds (its SPARQL can run for very long at this size);
    validated by pyshacl per authority (its SPARQL over the compiled shapes would take far longer)."""
    results = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_memory_steps,
                                                        args=(path, query, workdir, validate, results))
    child.start()
    figures: dict[str, float] = {}
    deadline = time.perf_counter() + limit
    while child.is_alive() or not results.empty():
        try:
            step, value = results.get(timeout=1)
            figures[step] = value
        except queue.Empty:
            if time.perf_counter() > deadline:
                child.kill()
                figures["stopped after"] = limit
                break
    child.join()
    return figures


def _memory_steps(path: Path, query: str, workdir: Path, validate: bool, results) -> None:
    data = Dataset(default_union=True)
    store = MemoryStore(data)
    steps = [("load", lambda: data.parse(str(path), format="nquads")),  # the query last: it may not finish
             ("export N-Quads", lambda: store.dump(workdir / "memory-export.nq"))]
    if validate:
        steps.append(("validate", lambda: results.put(("violations", len(validate_store(store, None, 2, "pyshacl"))))))
    steps.append(("follow-through query", lambda: results.put(("rows", len(store.select(query)[1])))))
    for name, step in steps:
        seconds, _ = timed(step)
        results.put((name, seconds))
    if validate:
        results.put(("engine", "pyshacl"))
    results.put(("peak MiB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def server(kind: str, graphs: dict[str, bytes], query: str, workdir: Path) -> dict[str, float] | str:
    import servers

    cls = servers.OxigraphServer if kind == "oxigraph" else servers.VirtuosoServer
    try:
        with cls() as srv:
            if srv.password:
                os.environ["OFSTED_KG_USER"], os.environ["OFSTED_KG_PASSWORD"] = srv.username, srv.password
            path = lambda url: url.split(srv.base_url, 1)[1]  # noqa: E731
            spec = f"sparql+{srv.query_url}?update={path(srv.update_url)}&gsp={path(srv.gsp_url)}"
            if kind == "oxigraph":
                spec += "&union-default-graph"  # a stock Oxigraph server queries its default graph only
            store = RemoteStore(spec)
            return run_steps(store, lambda: store.put(graphs), query, workdir, "sparql")
    except servers.ServerUnavailable as exc:
        return str(exc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--template", type=Path, default=ROOT / "build" / "bench" / "store.nq",
                        help="the real corpus as N-Quads (benchmarks/bench_build.py writes it)")
    parser.add_argument("--stores", default="embedded,memory,oxigraph,virtuoso",
                        help="comma-separated subset of embedded,memory,oxigraph,virtuoso")
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--visits", type=int, default=12)
    parser.add_argument("--skip-memory-validation", action="store_true")
    parser.add_argument("--memory-limit", type=float, default=600, help="seconds before the rdflib run is stopped")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="okg-bench-"))
    try:
        synthetic = work / "synth.nq"
        gen_s, (counts, _) = timed(synth.write, args.template, synthetic, args.authorities, args.visits)
        print(f"synthetic corpus: {counts.quads} quads, {counts.graphs} named graphs, "
              f"{args.authorities} authorities x {args.visits} visits (generated in {gen_s:.1f} s)")
        query = find_query("follow-through").text
        wanted = args.stores.split(",")
        results = {"oxigraph (embedded)": embedded(synthetic, query, work)}
        if "memory" in wanted:
            results["memory (rdflib)"] = memory(synthetic, query, work, not args.skip_memory_validation,
                                                args.memory_limit)
        graphs = graphs_of(synthetic) if {"oxigraph", "virtuoso"} & set(wanted) else {}
        for kind in ("oxigraph", "virtuoso"):
            if kind in wanted:
                results[f"{kind} server"] = server(kind, graphs, query, work)
        report(results)
        base = results["oxigraph (embedded)"]
        extras(base, results.get("memory (rdflib)"))
        targets(base)
        print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def extras(base: dict, rdflib_run: dict | str | None) -> None:
    """The figures beside the table: one authority's query and the incremental add (embedded store), the peak
    memory of the rdflib child (counted by Linux from the fork, so it includes the pages it shares with this
    process at that moment)."""
    if "one authority" in base:
        print(f"one authority's follow-through in the embedded store (run_named, median of {base['authorities timed']}"
              f" authorities): {base['one authority']:.3f} s")
    if "add one report" in base:
        print(f"incremental add into the embedded store at this size: {base['add one report']:.2f} s "
              f"({base['added']}; re-linked {base['relinked']} authority)")
    if isinstance(rdflib_run, dict) and "peak MiB" in rdflib_run:
        print(f"peak RSS of the rdflib child process: {rdflib_run['peak MiB']:.0f} MiB")


def targets(base: dict) -> None:
    """The issue's targets for the embedded store, met or not, from the figures above."""
    rows = [("follow-through query under 0.3 s (median of 5)", base.get("follow-through query"), 0.3),
            ("incremental add of one report under 5 s", base.get("add one report"), 5.0),
            ("full validation under 60 s", base.get("validate"), 60.0)]
    print("targets (embedded Oxigraph):")
    for name, value, limit in rows:
        if value is not None:
            print(f"  {name}: {value:.2f} s  {'met' if value < limit else 'NOT met'}")


def report(results: dict[str, dict | str]) -> None:
    base = results["oxigraph (embedded)"]
    steps = ["load", "follow-through query", "export N-Quads", "validate"]
    print(f"{'store':22s} " + " ".join(f"{s:>24s}" for s in steps) + "  rows")
    for name, figures in results.items():
        if isinstance(figures, str):
            print(f"{name:22s} skipped: {figures}")
            continue
        cells = []
        for step in steps:
            if step in figures:
                cells.append(f"{figures[step]:8.2f} s ({figures[step] / max(base[step], 1e-9):6.1f}x)")
            elif "stopped after" in figures:
                cells.append(f"> {figures['stopped after']:.0f} s (stopped)")
            else:
                cells.append(f"{'-':>24s}")
        first = f"; first query {figures['first query']:.2f} s" if "first query" in figures else ""
        print(f"{name:22s} " + " ".join(f"{c:>24s}" for c in cells)
              + f"  {figures.get('rows', '')} rows{first}; validation: {figures.get('engine', '-')}, "
                f"{figures.get('violations', '-')} violations")


if __name__ == "__main__":
    main()
