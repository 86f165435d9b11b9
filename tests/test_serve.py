"""``ofsted-kg serve``: a real server on a free loopback port over the seed graph, driven with urllib."""
from __future__ import annotations

import csv
import http.client
import io
import json
import re
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from ofsted_kg.cli.main import cli
from ofsted_kg.rdf.graph_files import load
from ofsted_kg.serve.server import SparqlServer, exposure_warning, make_server
from ofsted_kg.stores import MemoryStore, OxigraphStore

RECS = "SELECT ?r WHERE { ?r a okg:Recommendation } ORDER BY ?r"
COUNT = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a okg:Recommendation }"
SRJ = "http://www.w3.org/2005/sparql-results#"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?t . ?d ?e ?f }"  # ~10^7 rows counted inside Oxigraph: seconds


@contextmanager
def running(engine: OxigraphStore, **options):
    """A server over ``engine`` on a free port, serving from a background thread until the block ends."""
    server = make_server(engine, "127.0.0.1", 0, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def engine(seed_graph_file) -> OxigraphStore:
    return OxigraphStore.from_file(seed_graph_file)


@pytest.fixture(scope="module")
def server(engine):
    with running(engine, timeout=30) as s:
        yield s


def fetch(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one request, error statuses included."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def ask(server: SparqlServer, query: str, accept: str | None = None, **params) -> tuple[int, dict, bytes]:
    url = f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query, **params})
    return fetch(url, headers={"Accept": accept} if accept else None)


def json_rows(body: bytes) -> list[dict]:
    return json.loads(body)["results"]["bindings"]


def count(server: SparqlServer) -> int:
    status, _, body = ask(server, COUNT)
    assert status == 200, body
    return int(json_rows(body)[0]["n"]["value"])


def raw_get(server: SparqlServer, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A GET with the path sent exactly as given (urllib would tidy it)."""
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    connection.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    reply = connection.getresponse()
    body = reply.read()
    connection.close()
    return reply.status, body


def test_select_count_equals_rdflib_on_the_same_file(server, seed_graph_file):
    expected = int(MemoryStore(load(seed_graph_file)).select(COUNT)[1][0]["n"])
    assert expected == 31
    assert count(server) == expected


@pytest.mark.parametrize("accept,media", [
    (None, "application/sparql-results+json"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/html, text/csv;q=0.2, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
])
def test_every_results_format_parses_to_the_same_rows(server, accept, media):
    status, headers, body = ask(server, RECS, accept)
    assert status == 200 and headers["Content-Type"].startswith(media)
    text = body.decode("utf-8")
    if media.endswith("json"):
        rows = [b["r"]["value"] for b in json_rows(body)]
    elif media == "text/csv":
        table = list(csv.reader(io.StringIO(text)))
        assert table[0] == ["r"]
        rows = [r[0] for r in table[1:]]
    elif media == "text/tab-separated-values":
        lines = text.splitlines()
        assert lines[0] == "?r"
        rows = [line.strip("<>") for line in lines[1:]]
    else:
        results = ET.fromstring(body).iter(f"{{{SRJ}}}uri")
        rows = [e.text for e in results]
    assert len(rows) == 31 and rows == sorted(rows) and all(r.startswith("https://w3id.org/ofsted-kg/") for r in rows)


def test_format_parameter_wins_over_accept_and_unknown_formats_get_406(server):
    status, headers, body = ask(server, RECS, "application/sparql-results+json", format="csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and body.startswith(b"r\r\n")
    assert ask(server, RECS, "image/png")[0] == 406
    assert ask(server, RECS, format="turtle")[0] == 406


CONSTRUCT = "CONSTRUCT { ?r a okg:Recommendation } WHERE { ?r a okg:Recommendation }"


@pytest.mark.parametrize("accept,rdflib_format", [(None, "turtle"), ("text/turtle", "turtle"),
                                                  ("application/trig", "trig"), ("application/n-triples", "nt"),
                                                  ("application/n-quads", "nquads")])
def test_construct_returns_rdf_that_rdflib_parses(server, accept, rdflib_format):
    status, headers, body = ask(server, CONSTRUCT, accept)
    assert status == 200 and headers["Content-Type"].startswith(accept or "text/turtle")
    if rdflib_format in ("trig", "nquads"):
        from rdflib import Dataset

        graph = Dataset()
        graph.parse(data=body.decode("utf-8"), format=rdflib_format)
        triples = list(graph.quads((None, None, None, None)))
    else:
        triples = list(Graph().parse(data=body.decode("utf-8"), format=rdflib_format))
    assert len(triples) == 31


def test_ask_answers_true_and_false(server):
    assert json.loads(ask(server, "ASK { ?r a okg:Recommendation }")[2])["boolean"] is True
    assert json.loads(ask(server, "ASK { ?r a okg:NoSuchClass }")[2])["boolean"] is False


def test_post_form_and_sparql_query_bodies(server):
    form = urllib.parse.urlencode({"query": COUNT}).encode()
    for data, kind in ((form, "application/x-www-form-urlencoded"), (COUNT.encode(), "application/sparql-query")):
        status, _, body = fetch(f"{server.url}/sparql", data, {"Content-Type": kind})
        assert status == 200 and json_rows(body)[0]["n"]["value"] == "31"
    assert fetch(f"{server.url}/sparql", b"x", {"Content-Type": "text/plain"})[0] == 415


UPDATE = "INSERT DATA { GRAPH <urn:x> { <urn:a> a <https://w3id.org/ofsted-kg/ontology#Recommendation> } }"


def test_updates_are_refused_and_change_nothing(server, engine):
    before = engine.quad_count()
    form = urllib.parse.urlencode({"update": UPDATE}).encode()
    replies = [
        fetch(f"{server.url}/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"}),
        fetch(f"{server.url}/sparql", UPDATE.encode(), {"Content-Type": "application/sparql-update"}),
        fetch(f"{server.url}/sparql?" + urllib.parse.urlencode({"update": UPDATE})),
        ask(server, UPDATE),
        ask(server, "PREFIX x: <urn:x#>\n# a comment\nDELETE WHERE { ?s ?p ?o }"),
        ask(server, "drop all"),
    ]
    for status, _, body in replies:
        assert status == 403 and body == b"SPARQL Update is not allowed: this endpoint is read-only\n"
    assert engine.quad_count() == before and count(server) == 31


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "x" } ; DROP ALL',
    'SELECT * WHERE { ?s ?p "x" }; DROP ALL; SELECT * {',
    '"}; DROP ALL; #',
    'SELECT * WHERE { ?s ?p ?o } } ; CLEAR DEFAULT ; INSERT DATA { <urn:a> <urn:b> <urn:c> }',
])
def test_injection_through_the_query_parameter_is_refused_and_changes_nothing(server, engine, query):
    before = engine.quad_count()
    status, _, body = ask(server, query)
    assert status in (400, 403), body
    assert engine.quad_count() == before and count(server) == 31


@pytest.fixture
def trap():
    """A listening socket: any connection to it means the server called out."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql", listener


def called_out(listener: socket.socket) -> bool:
    time.sleep(0.2)
    try:
        listener.accept()[0].close()
        return True
    except BlockingIOError:
        return False


@pytest.mark.parametrize("template", [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service<{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c .SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "ASK { FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { { SELECT * { SERVICE <{url}> { ?s ?p ?o } } } }",
    "SELECT * WHERE { BIND(<{url}> AS ?v) SERVICE ?v { ?s ?p ?o } }",
    # a tokenizer reads <#> as an IRI and then a long string; the parser reads '<' and a comment
    'SELECT * WHERE { BIND(1 AS ?o) FILTER(?o <#>"""\n 2) SERVICE <{url}> { ?s ?p ?o } # """\n }',
])
def test_service_is_refused_and_never_called(server, trap, template):
    url, listener = trap
    status, _, body = ask(server, template.replace("{url}", url))
    assert status == 403 and b"SERVICE" in body
    assert not called_out(listener)


def test_the_trap_would_catch_a_call_out(engine, trap):
    """Proof that the trap above works: Oxigraph itself does call SERVICE endpoints."""
    url, listener = trap
    failures: list[str] = []

    def call() -> None:  # results are dropped in this thread: pyoxigraph objects must not change threads
        try:
            list(engine.query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
        except OSError as exc:
            failures.append(str(exc))

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    listener.settimeout(30)
    listener.accept()[0].close()  # the call arrived; hanging up makes the query fail
    caller.join(30)
    assert failures


def test_the_word_service_in_strings_and_iris_is_allowed(server):
    text = "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }"
    status, _, body = ask(server, f'SELECT ?x WHERE {{ BIND("{text}" AS ?x) }}')
    assert status == 200 and json_rows(body)[0]["x"]["value"] == text
    status, _, body = ask(server, "SELECT * WHERE { ?s <http://example.org/service> ?o } # SERVICE")
    assert status == 200 and json_rows(body) == []


def test_syntax_errors_are_400_with_the_parsers_message(server):
    status, headers, body = ask(server, "SELECT ?x WHERE { ?x")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert body.startswith(b"SPARQL syntax error: error at 1:") and body.count(b"\n") == 1


def test_index_and_report_pages_load_with_safe_headers(server):
    status, headers, body = fetch(f"{server.url}/")
    assert status == 200 and b"Stockport" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Content-Security-Policy"] == "default-src 'self'"
    pages = sorted(set(re.findall(r'href="(authority/[^"]+\.html)"', body.decode())))
    assert len(pages) == 3
    for page in pages:
        status, headers, html = fetch(f"{server.url}/report/{page}")
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        for report in sorted(set(re.findall(r'href="\.\./(reports/[^"]+\.html)"', html.decode()))):
            assert fetch(f"{server.url}/report/{report}")[0] == 200
    assert fetch(f"{server.url}/report/")[2] == body
    assert fetch(f"{server.url}/report/report.css")[1]["Content-Type"] == "text/css; charset=utf-8"


@pytest.mark.parametrize("path", ["/report/../../etc/passwd", "/report/%2e%2e/%2e%2e/etc/passwd",
                                  "/..%2f..%2f..%2fetc%2fpasswd", "/report/..%5c..%5cetc%5cpasswd", "//etc/passwd",
                                  "/report/.hidden", "/report/nope.html"])
def test_paths_outside_the_site_are_404(server, path):
    assert raw_get(server, path)[0] == 404


def test_a_foreign_host_header_is_refused(server):
    """A page that DNS-rebinds its own name to 127.0.0.1 must not read the graph."""
    assert raw_get(server, "/", host="attacker.example")[0] == 403
    assert raw_get(server, "/", host=f"localhost:{server.server_address[1]}")[0] == 200


def test_sparql_without_a_query_is_a_self_contained_form(server):
    status, headers, body = fetch(f"{server.url}/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'<form method="get" action="/sparql">' in body and b"okg:Recommendation" in body
    assert not re.search(rb"(src|href)=\"https?:", body) and b"<script" not in body and b"<style" not in body


def test_requests_are_logged_in_one_line_without_the_query_text(server, capsys):
    ask(server, 'SELECT ("private-words-here" AS ?x) {}')
    err = capsys.readouterr().err
    assert re.search(r"127\.0\.0\.1 GET /sparql\?query=\.\.\. 200 \d+ ms\n", err)
    assert "private-words-here" not in err


def test_a_query_past_the_time_limit_gets_503_and_frees_its_slot_later(engine):
    with running(engine, timeout=0.2, max_running=1) as server:
        status, _, body = ask(server, SLOW)
        assert status == 503 and b"0.2 s time limit" in body
        # The 503 came at the limit, not when the query ended: the abandoned query still holds the only slot.
        # (This replaces a wall-clock bound on the answer, which a busy machine can break.)
        status, _, body = ask(server, COUNT)
        assert status == 503 and body.startswith(b"busy")
        deadline = time.monotonic() + 120
        while ask(server, COUNT)[0] != 200:
            assert time.monotonic() < deadline, "the abandoned query never released its slot"
            time.sleep(0.2)


def test_answers_over_max_rows_are_cut_and_marked(engine):
    with running(engine, max_rows=5) as server:
        status, headers, body = ask(server, RECS)
        assert status == 200 and headers.get("X-Truncated") == "true" and len(json_rows(body)) == 5
        status, headers, body = ask(server, RECS + " LIMIT 5", "text/csv")
        assert "X-Truncated" not in headers and len(body.splitlines()) == 6
        status, headers, body = ask(server, CONSTRUCT)
        assert headers.get("X-Truncated") == "true" and len(Graph().parse(data=body.decode(), format="turtle")) == 5


def test_default_and_named_graph_parameters_set_the_dataset(server, engine):
    graph = next(g for g in engine.graph_names() if "/report/" in g)
    status, _, body = ask(server, COUNT, **{"default-graph-uri": graph})
    assert status == 200 and 0 < int(json_rows(body)[0]["n"]["value"]) < 31
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert json_rows(ask(server, query, **{"named-graph-uri": graph})[2])[0]["n"]["value"] == "1"
    assert ask(server, COUNT, **{"default-graph-uri": "not an iri"})[0] == 400


def test_only_loopback_hosts_are_quiet():
    assert exposure_warning("127.0.0.1") is None and exposure_warning("localhost") is None
    assert exposure_warning("::1") is None
    assert "reachable from the network" in exposure_warning("0.0.0.0")


# --- the click command -------------------------------------------------------------------------------------------


def test_serve_help_lists_the_options():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--store", "--host", "--port", "--timeout", "--max-rows"):
        assert option in result.output


@pytest.mark.parametrize("args,code,message", [
    (["missing.trig"], 1, "missing.trig: no such graph file"),
    ([], 2, "give either a GRAPH-FILE or --store SPEC"),
    (["g.trig", "--store", "memory"], 2, "give either a GRAPH-FILE or --store SPEC"),
    (["--store", "oxigraph:no/such/store"], 1, "no such store"),
    (["--store", "memory", "--timeout", "0"], 2, "--timeout"),
])
def test_bad_arguments_fail_with_one_line(tmp_path, monkeypatch, args, code, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["serve", *args])
    assert result.exit_code == code and message in result.output
    if code == 1:
        assert result.output.count("\n") == 1


@pytest.fixture
def no_blocking(monkeypatch):
    """serve_forever replaced by one query through the live endpoint, then Ctrl-C."""
    seen: dict = {}

    def serve_once(self: SparqlServer, poll_interval: float = 0.5) -> None:
        seen.update(server=self, scratch=self.scratch, reply=self.endpoint.answer(COUNT),
                    sigterm=signal.getsignal(signal.SIGTERM))
        raise KeyboardInterrupt

    monkeypatch.setattr(SparqlServer, "serve_forever", serve_once)
    return seen


def test_serve_a_graph_file_wires_the_options(seed_graph_file, no_blocking):
    before = signal.getsignal(signal.SIGTERM)
    result = CliRunner().invoke(cli, ["serve", str(seed_graph_file), "--port", "0",
                                                      "--timeout", "5", "--max-rows", "7"])
    assert result.exit_code == 0, result.output + result.stderr
    assert re.search(r"serving \d+ quads read-only: SPARQL at http://127\.0\.0\.1:\d+/sparql", result.stderr)
    assert "warning" not in result.stderr
    server = no_blocking["server"]
    assert (server.endpoint.timeout, server.endpoint.max_rows) == (5.0, 7)
    assert json_rows(no_blocking["reply"].body)[0]["n"]["value"] == "31"
    assert not no_blocking["scratch"].exists()  # the rendered report is deleted on the way out
    assert no_blocking["sigterm"] is not before and signal.getsignal(signal.SIGTERM) is before


def test_serve_a_non_oxigraph_store_serves_an_in_memory_copy(no_blocking):
    result = CliRunner().invoke(cli, ["serve", "--store", "memory", "--port", "0"])
    assert result.exit_code == 0 and "serving 0 quads" in result.stderr
    assert json_rows(no_blocking["reply"].body)[0]["n"]["value"] == "0"


def test_serve_an_oxigraph_store_read_only_and_warn_on_a_public_host(seed_graph_file, tmp_path, no_blocking):
    from ofsted_kg.stores import OxigraphStore

    writer = OxigraphStore(tmp_path / "store", write=True)
    writer.store.bulk_load(path=str(seed_graph_file), format=ox.RdfFormat.TRIG)
    writer.close()
    result = CliRunner().invoke(cli, ["serve", "--store", f"oxigraph:{tmp_path / 'store'}",
                                                      "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "warning: listening on 0.0.0.0" in result.stderr
    assert json_rows(no_blocking["reply"].body)[0]["n"]["value"] == "31"
    assert Path(tmp_path / "store").is_dir()
