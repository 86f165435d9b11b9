"""Build benchmark: time and peak memory to build the whole PDF corpus, beside pypdfium2's bare text floor.

    python benchmarks/bench_build.py [CORPUS_DIR]

Each measurement runs in a fresh process so peak RSS is its own.  Figures are
printed side by side in one run, with the ratios.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdf"

FLOOR = """
import pypdfium2 as pdfium, sys, pathlib
pages = 0
for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.pdf')):
    try:
        doc = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError:
        continue
    for i in range(len(doc)):
        doc[i].get_textpage().get_text_range(); pages += 1
print(pages)
"""
BUILD = """
import runpy, sys
sys.argv = ["ofsted-kg", "build", sys.argv[1], "--store", "oxigraph:" + sys.argv[3], "--jobs", sys.argv[2]]
try:  # exactly what a user runs: the CLI command, in this process so its peak memory is measured
    runpy.run_module("ofsted_kg.cli.main", run_name="__main__")
except SystemExit:
    pass  # exit 1: the corpus holds one file that is not a PDF
"""
DUMP = """
import sys
from pathlib import Path
from ofsted_kg.stores import OxigraphStore
with OxigraphStore(Path(sys.argv[1])) as store:
    print(len(store.dump(Path(sys.argv[1] + ".nq")).read_text().splitlines()))
"""
LINK = """
import sys, time
from pathlib import Path
from ofsted_kg.stores import OxigraphStore
from ofsted_kg.update import relink
from ofsted_kg.validate import units
with OxigraphStore(Path(sys.argv[1]), write=True) as store:
    keys = sorted(units(store))
    t = time.perf_counter(); relink(store, [k for k in keys if k], 2); whole = time.perf_counter() - t
print(f"re-linked {len(keys)} authorities in {whole:.1f} s")
"""
ADD_ONE = """
import sys, time, shutil
from pathlib import Path
from ofsted_kg.build import build
from ofsted_kg.stores import OxigraphStore
from ofsted_kg.update import remove
copy = sys.argv[1] + "-copy"
shutil.rmtree(copy, ignore_errors=True); shutil.copytree(sys.argv[1], copy)
with OxigraphStore(Path(copy), write=True) as store:
    remove(store, [sys.argv[2]])
    t = time.perf_counter(); r = build([sys.argv[2]], jobs=1, store=store); took = time.perf_counter() - t
print(f"{Path(sys.argv[2]).name}: {len(r.built)} built, re-linked {r.update.relinked} in {took:.1f} s")
"""
VALIDATE = """
import sys
from pathlib import Path
from ofsted_kg.stores import OxigraphStore
from ofsted_kg.validate import validate_store
with OxigraphStore(Path(sys.argv[1])) as store:
    print(len(validate_store(store, jobs=2, engine=sys.argv[2])))
"""
REPORT = """
import sys, time
from pathlib import Path
from ofsted_kg.sparql import open_file
from ofsted_kg.tables import read_tables
from ofsted_kg.report import render_site
t0 = time.perf_counter(); engine = open_file(Path(sys.argv[1]))
t1 = time.perf_counter(); tables = read_tables(engine)
t2 = time.perf_counter(); site = render_site(tables, Path(sys.argv[2]))
t3 = time.perf_counter()
print(f"{site.pages} pages, {site.authorities} authorities: load {t1 - t0:.1f} s, tables {t2 - t1:.1f} s, render {t3 - t2:.1f} s")
"""


PEAK = """
import resource
print(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
"""


def measure(code: str, *args: str) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB of the child process or its largest worker, its output)."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code + PEAK, *args], capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()
    wall = time.perf_counter() - start
    return wall, int(out[-1]) / 1024, "\n".join(out[:-1])


def main() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    out = Path("build/bench")
    out.mkdir(parents=True, exist_ok=True)
    pdfs = len(list(CORPUS.rglob("*.pdf")))
    floor_s, floor_mb, pages = measure(FLOOR, str(CORPUS))
    pages = int(pages)
    rows = {"pypdfium2 text only (floor)": (floor_s, floor_mb, f"{pages} pages")}
    store = str(out / "store")
    for jobs in (1, 2):
        shutil.rmtree(store, ignore_errors=True)
        wall, mb, info = measure(BUILD, str(CORPUS), str(jobs), store)
        rows[f"ofsted-kg build --jobs {jobs}"] = (wall, mb, info.splitlines()[0].split(" -> ")[0])
    wall, mb, quads = measure(DUMP, store)
    rows["export the store to N-Quads"] = (wall, mb, f"{quads} quads")
    wall, mb, info = measure(LINK, store)
    rows["re-link every authority"] = (wall, mb, info)
    one = sorted(CORPUS.rglob("*.pdf"))[-1]
    wall, mb, info = measure(ADD_ONE, store, str(one))
    rows["add one report to the full store"] = (wall, mb, info)
    for engine in ("sparql", "pyshacl"):
        wall, mb, n = measure(VALIDATE, store, engine)
        rows[f"validate, {engine} engine"] = (wall, mb, f"{n} violations")
    wall, mb, info = measure(REPORT, store + ".nq", str(out / "site"))
    rows["ofsted-kg report (whole corpus)"] = (wall, mb, info)
    print(f"corpus: {pdfs} PDFs, {pages} pages; machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'step':36s} {'wall s':>8s} {'peak MiB':>9s} {'ms/page':>8s} {'x floor':>8s}  notes")
    for name, (wall, mb, note) in rows.items():
        print(f"{name:36s} {wall:8.1f} {mb:9.0f} {1000 * wall / pages:8.2f} {wall / floor_s:8.1f}  {note}")
    build2, floor = rows["ofsted-kg build --jobs 2"][0], floor_s
    print("targets:")
    print(f"  build --jobs 2 within 3x of the floor: {build2 / floor:.1f}x  {'met' if build2 <= 3 * floor else 'NOT met'}")
    add = rows["add one report to the full store"][0]
    print(f"  add one report under 5 s: {add:.1f} s (whole process)  {'met' if add < 5 else 'NOT met'}")
    check = rows["validate, sparql engine"][0]
    print(f"  whole-corpus validation within 2x of the build: {check / build2:.2f}x  {'met' if check <= 2 * build2 else 'NOT met'}")
    Path("build/bench/figures.json").write_text(json.dumps({k: v[:2] for k, v in rows.items()}, indent=2))


if __name__ == "__main__":
    main()
