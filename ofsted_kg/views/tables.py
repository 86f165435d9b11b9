"""View data: the graph as tidy tables (visits, judgements, recommendations, follow-ups, evidence, findings).

Every view — CSV export, HTML report, network picture — starts from these
tables, which come from the SPARQL files in ``queries/tables/``.  One row is
one thing; cells are plain Python values (IRIs and dates as strings, numbers
as numbers), so the tables go straight to ``csv`` or pandas.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import Literal
from rdflib.term import Identifier

from ofsted_kg.query.named import parse_query_file
from ofsted_kg.rdf.graph_files import atomic_write
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
