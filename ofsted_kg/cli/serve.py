"""``ofsted-kg serve [GRAPH | --store SPEC]``: a read-only SPARQL endpoint and the HTML report, for a team."""
from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from ofsted_kg.cli.common import count, is_store, open_graph_file, open_store_or_fail
from ofsted_kg.serve.server import exposure_warning, make_server
from ofsted_kg.stores import OxigraphStore, StoreError


def serving_store(graph: str | None, store_spec: str | None) -> OxigraphStore:
    """The Oxigraph store to serve (fast, thread-safe reads, every query form), to close when serving ends.

    An on-disk Oxigraph store is served in place, opened read-only; a graph
    file is loaded into memory; any other store (e.g. a remote server) is
    copied into memory once, so queries never go back out over the network.
    """
    if graph and not store_spec and not is_store(graph):
        return open_graph_file(Path(graph))
    store = open_store_or_fail(store_spec or str(graph))
    if isinstance(store, OxigraphStore):  # served in place; the endpoint itself only ever sees an OxigraphStore
        return store
    with store:
        try:
            return OxigraphStore.copy_of(store)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> object:
    """Make SIGTERM (systemd, docker stop) stop like Ctrl-C, so the report is deleted; returns the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


@click.command("serve")
@click.argument("graph", required=False, metavar="[GRAPH-FILE]")
@click.option("--store", "store_spec", metavar="SPEC",
              help="Serve a store instead (oxigraph:PATH, sparql+http(s)://...).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (any other exposes the graph).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="Seconds a query may run before the request gets 503.")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(1),
              help="Rows (or triples) returned at most; longer answers are cut and marked X-Truncated: true.")
def serve_command(graph: str | None, store_spec: str | None, host: str, port: int, timeout: float,
                  max_rows: int) -> None:
    """Serve GRAPH-FILE (or --store) read-only: SPARQL 1.1 at /sparql and the HTML report at /. Ctrl-C stops."""
    if bool(graph) == bool(store_spec):
        raise click.UsageError("give either a GRAPH-FILE or --store SPEC")
    store = serving_store(graph, store_spec)
    with store:
        try:
            server = make_server(store, host, port, timeout=timeout, max_rows=max_rows)
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        warning = exposure_warning(host)
        if warning:
            click.echo(warning, err=True)
        click.echo(f"serving {count(server.quads, 'quad')} read-only: SPARQL at {server.url}/sparql, "
                   f"report at {server.url}/ (Ctrl-C stops)", err=True)
        previous = _stop_on_sigterm()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
