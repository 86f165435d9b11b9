"""View data: the graph as tidy tables (visits, judgements, recommendations, follow-ups, evidence, findings).

Every view — CSV export, HTML report, network picture — starts from these
tables, which come from the SPARQL files in ``queries/tables/``.  One row is
one thing; cells are plain Python values (IRIs and dates as strings, numbers
as numbers), so the tables go straight to ``csv`` or pandas.  Their status, kind
and grade cells are the terms' local names; :func:`labels` says what every view
calls them, read from the ontology.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from ofsted_kg.query.named import parse_query_file
from ofsted_kg.rdf.graph_files import atomic_write
from ofsted_kg.rdf.vocab import GRADE, REC_KIND, REVIEWED, STATUS, VISIT_CLASS, label, local_name, short_label
from ofsted_kg.resources import data_dir
from ofsted_kg.stores import Store

TABLES = ("visits", "judgements", "recommendations", "follow-ups", "evidence", "findings")
Value = str | int | float | bool | None


@dataclass(frozen=True)
class Table:
    """A named table: column order as in the query, rows as dicts."""

    name: str
    columns: list[str]
    rows: list[dict[str, Value]]


def plain(term: Identifier | None) -> Value:
    """An RDF term as a plain value; typed literals that do not parse stay as their lexical form."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, Decimal):
            return float(value)
        return str(term)
    return str(term)


def read_table(engine: Store, name: str, folder: str = "tables") -> Table:
    """The rows of ``queries/FOLDER/NAME.rq`` over ``engine`` as a Table."""
    query = parse_query_file(data_dir("queries") / folder / f"{name}.rq")
    columns, rows = engine.select(query.text)
    return Table(name, columns, [{c: plain(row.get(c)) for c in columns} for row in rows])


def read_tables(engine: Store) -> dict[str, Table]:
    """All tables of the graph, by name."""
    return {name: read_table(engine, name) for name in TABLES}


def write_csv(tables: dict[str, Table], folder: Path) -> list[Path]:
    """One ``NAME.csv`` per table in ``folder`` (UTF-8, header row), each written atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables.values():
        path = folder / f"{table.name}.csv"
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=table.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: "" if v is None else v for c, v in row.items()} for row in table.rows)
        atomic_write(path, buffer.getvalue().encode("utf-8"))
        written.append(path)
    return written


@dataclass(frozen=True)
class Labels:
    """What views call statuses, visit kinds, recommendation kinds and grades, keyed by the terms' local names
    ('PartiallyAddressed'), as the tables and templates key them."""

    status: dict[str, str]
    kind: dict[str, str]
    rec_kind: dict[str, str]
    grade: dict[str, str]


@lru_cache(maxsize=1)
def labels() -> Labels:
    """The labels, read from the ontology once per process rather than written out again by each view: each term's
    name, but a grade's short name ('Requires improvement', not Ofsted's full 'Requires improvement to be
    good'), as pages always showed it."""
    def names(terms: Iterable[URIRef], pick: Callable[[URIRef], str | None]) -> dict[str, str]:
        return {local_name(t): pick(t) or local_name(t) for t in terms}

    return Labels(status=names([*STATUS.values(), *REVIEWED.values()], label), kind=names(VISIT_CLASS.values(), label),
                  rec_kind=names(REC_KIND.values(), label), grade=names(GRADE.values(), short_label))
