"""Interrupted and concurrent runs: a build killed with SIGKILL loses nothing; two writers never interleave."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from okg_paths import CORPUS_PDF, SAMPLES, needs_corpus
from rdflib import URIRef

from ofsted_kg.rdf.graph_files import canonical_nquads, load
from ofsted_kg.stores import OxigraphStore

COMMAND = [sys.executable, "-m", "ofsted_kg.cli.main"]


def start(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([*COMMAND, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


def kill_midway(process: subprocess.Popen, after: float) -> None:
    """SIGKILL the build (and its workers) while it is still running; fail if it finished first."""
    time.sleep(after)
    assert process.poll() is None, "the build finished before it could be killed: the test would prove nothing"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_killed_file_build_leaves_the_previous_graph_intact(tmp_path):
    needs_corpus()
    out = tmp_path / "graph.trig"
    assert run("build", str(SAMPLES), "-o", str(out), "--jobs", "1", cwd=tmp_path).returncode == 0
    before = out.read_bytes()
    kill_midway(start("build", str(CORPUS_PDF), "-o", str(out), "--jobs", "2", cwd=tmp_path), after=4)
    assert out.read_bytes() == before
    assert len(load(out)) > 0
    again = run("build", str(SAMPLES), "-o", str(out), "--jobs", "1", cwd=tmp_path)
    assert again.returncode == 0 and "built 5 reports" in again.stdout
    first = tmp_path / "first.trig"
    first.write_bytes(before)
    assert canonical_nquads(load(out)) == canonical_nquads(load(first))  # same inputs, same graph


def test_killed_store_build_keeps_every_report_and_the_next_build_completes(tmp_path):
    needs_corpus()
    spec = f"oxigraph:{tmp_path / 'store'}"
    assert run("build", str(SAMPLES), "--store", spec, "--jobs", "1", cwd=tmp_path).returncode == 0
    with OxigraphStore(tmp_path / "store") as store:
        before = store.reports()
    kill_midway(start("build", str(CORPUS_PDF), "--store", spec, "--jobs", "2", cwd=tmp_path), after=4)
    with OxigraphStore(tmp_path / "store") as store:  # opens, answers queries, still holds every report
        assert set(before) <= set(store.reports())
    again = run("build", str(SAMPLES), "--store", spec, "--jobs", "1", cwd=tmp_path)
    assert again.returncode == 0 and "5 unchanged (skipped)" in again.stdout, again.stdout
    one_authority = next(p for p in sorted(CORPUS_PDF.iterdir()) if p.is_dir())
    finish = run("build", str(one_authority), "--store", spec, "--jobs", "1", cwd=tmp_path)
    assert finish.returncode in (0, 1) and "built" in finish.stdout, finish.stdout


def test_two_builds_into_one_store_are_refused_not_interleaved(tmp_path):
    needs_corpus()
    spec = f"oxigraph:{tmp_path / 'store'}"
    first = start("build", str(CORPUS_PDF), "--store", spec, "--jobs", "1", cwd=tmp_path)
    time.sleep(3)
    assert first.poll() is None
    second = run("build", str(SAMPLES), "--store", spec, "--jobs", "1", cwd=tmp_path)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    assert second.returncode == 1
    assert "another ofsted-kg build is writing to this store" in second.stdout + second.stderr
    assert len(second.stderr.strip().splitlines()) == 1 and "Traceback" not in second.stderr  # one clear line


def test_readers_can_query_while_a_build_writes(tmp_path):
    """A read-only open is not blocked by the writer's lock file."""
    spec = f"oxigraph:{tmp_path / 'store'}"
    assert run("build", str(SAMPLES), "--store", spec, "--jobs", "1", cwd=tmp_path).returncode == 0
    with OxigraphStore(tmp_path / "store", write=True):
        result = run("query", "awaiting-follow-up", "-g", spec, "-f", "csv", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("authority,")


@pytest.mark.parametrize("suffix", [".trig", ".nq", ".ttl", ".jsonld"])
def test_export_from_a_store_is_written_atomically(tmp_path, suffix):
    spec = f"oxigraph:{tmp_path / 'store'}"
    assert run("build", str(SAMPLES), "--store", spec, "--jobs", "1", cwd=tmp_path).returncode == 0
    out = tmp_path / f"graph{suffix}"
    result = run("export", spec, "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.stat().st_size > 0 and not list(tmp_path.glob(f".graph{suffix}.*"))


KILLED_BULK_WRITE = """
import os, signal, sys
from pathlib import Path
from rdflib import Literal, URIRef
from ofsted_kg.rdf.graph_files import graph_nquads
from ofsted_kg.stores import OxigraphStore

class DiesHalfWay:  # Oxigraph's store, whose bulk loader is killed when it has loaded half of what it was given
    def __init__(self, real):
        self.real = real
    def __getattr__(self, name):
        return getattr(self.real, name)
    def bulk_load(self, data, **options):
        lines = data.splitlines(keepends=True)
        self.real.bulk_load(b"".join(lines[: len(lines) // 2]), **options)
        os.kill(os.getpid(), signal.SIGKILL)

triples = [(URIRef(f"urn:x:s{i}"), URIRef("urn:x:p"), Literal(i)) for i in range(100000)]
store = OxigraphStore(Path(sys.argv[1]), write=True)
store.store = DiesHalfWay(store.store)
store.put_new(graph_nquads(triples, "urn:x:new-report")[0], ["urn:x:new-report"])
"""


def test_a_bulk_write_killed_part_way_is_undone_by_the_next_writer(tmp_path):
    """New graphs are bulk-loaded outside a transaction, under a journal: a kill leaves no partial graph behind."""
    path = tmp_path / "store"
    assert run("build", str(SAMPLES), "--store", f"oxigraph:{path}", "--jobs", "1", cwd=tmp_path).returncode == 0
    with OxigraphStore(path) as store:
        before, names = store.reports(), store.graph_names()
    dead = subprocess.run([sys.executable, "-c", KILLED_BULK_WRITE, str(path)], capture_output=True, timeout=300)
    assert dead.returncode == -signal.SIGKILL
    with OxigraphStore(path) as reader:  # a reader sees the half-loaded graph and the journal the writer left
        assert reader.graph_names() == sorted([*names, "https://w3id.org/ofsted-kg/id/graph/incomplete",
                                               "urn:x:new-report"])
        assert 0 < len(reader.fetch(["urn:x:new-report"]).graph(URIRef("urn:x:new-report"))) < 100000
    with OxigraphStore(path, write=True) as store:  # the next writer drops the partial graph and the journal
        assert store.graph_names() == names and store.reports() == before
    again = run("build", str(SAMPLES), "--store", f"oxigraph:{path}", "--jobs", "1", cwd=tmp_path)
    assert again.returncode == 0 and "5 unchanged (skipped)" in again.stdout, again.stdout
